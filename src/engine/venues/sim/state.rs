//! The simulator's whole state behind one lock: the exchange, the market, the venues' auth
//! (Kraken keys and nonces, Hyperliquid accounts, agents and used nonces), faults, the request
//! log and the event channel websockets read. What must survive a restart is persisted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use super::book::BookShape;
use super::config::SimConfig;
use super::error::SimError;
use super::exchange::{account_key, Account, Event, Exchange, Fees, SimVenue};
use super::faults::Faults;
use super::instruments;
use super::market::{native_feed, MarketFeed, MarketState, Source};
use super::reqlog::{Entry, RequestLog};
use crate::engine::data::catalog;
use crate::engine::error::Result;
use crate::engine::venues::hyperliquid::network::Network;
use crate::engine::venues::kraken::auth::KrakenSecret;
use crate::engine::workspace::{read_json, write_json, Workspace};

/// How many recent nonces Hyperliquid keeps per signer (its rule: a new nonce must be larger
/// than the smallest of the 100 highest seen, and not one of them).
pub const HL_NONCE_WINDOW: usize = 100;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Persisted {
    pub exchange: Option<Exchange>,
    pub market: MarketState,
    pub kraken_nonces: BTreeMap<String, u64>,
    pub hl_nonces: BTreeMap<String, BTreeSet<u64>>,
}

#[derive(Debug, Clone)]
pub struct HlAccount {
    pub agents: BTreeSet<String>,
    pub vaults: BTreeSet<String>,
}

pub struct Sim {
    pub ex: Exchange,
    pub market: MarketFeed,
    pub faults: Faults,
    pub kraken_keys: BTreeMap<String, KrakenSecret>,
    pub kraken_nonces: BTreeMap<String, u64>,
    /// Websocket token -> (API key, expiry ms).
    pub ws_tokens: BTreeMap<String, (String, i64)>,
    /// Lowercase account address -> who may sign for it.
    pub hl_accounts: BTreeMap<String, HlAccount>,
    pub hl_nonces: BTreeMap<String, BTreeSet<u64>>,
    /// The chain whose signatures `/exchange` verifies (the config's, default testnet).
    pub hl_network: Network,
    pub events: broadcast::Sender<Event>,
    /// Bumped to make every websocket close (the ws-disconnect fault).
    pub ws_generation: tokio::sync::watch::Sender<u64>,
    pub tick_ms: u64,
    state_path: PathBuf,
    log: RequestLog,
    dirty: bool,
}

fn market_source(cfg: &SimConfig, ws: &Workspace) -> Result<Source> {
    match &cfg.market.replay {
        Some(spec) => {
            let data = catalog::resolve(ws, spec)?;
            if data.bars.is_empty() {
                return Err(SimError::ReplayEmpty(spec.to_string()).into());
            }
            Ok(Source::Replay { closes: data.bars.close.clone(), native: native_feed(&data.symbol) })
        }
        None => Ok(Source::Walk { step_bps: cfg.market.step_bps.to_f64().unwrap_or(5.0) }),
    }
}

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

impl Sim {
    /// Build from the config, continuing from the persisted state when there is one. Accounts
    /// new to the config are added; existing ones keep their balances and orders.
    pub fn open(cfg: &SimConfig, config_path: &Path, ws: &Workspace) -> Result<Sim> {
        let state_path = cfg.state_path(config_path);
        let persisted: Persisted =
            if state_path.exists() { read_json(&state_path)? } else { Persisted::default() };
        let shape = BookShape {
            half_spread_bps: cfg.book.half_spread_bps,
            step_bps: cfg.book.step_bps,
            levels: cfg.book.levels,
            level_qty: cfg.book.level_qty,
        };
        let mut ex = persisted.exchange.unwrap_or_else(|| Exchange {
            instruments: instruments::all(),
            accounts: BTreeMap::new(),
            orders: BTreeMap::new(),
            fills: Vec::new(),
            mids: BTreeMap::new(),
            shape,
            fees: BTreeMap::from([
                (SimVenue::Kraken, Fees { maker: Decimal::new(16, 4), taker: Decimal::new(26, 4) }),
                (SimVenue::Hyperliquid, Fees { maker: Decimal::new(15, 5), taker: Decimal::new(45, 5) }),
            ]),
            next_id: 1,
        });
        ex.shape = shape;
        let mut kraken_keys = BTreeMap::new();
        for (i, a) in cfg.kraken.accounts.iter().enumerate() {
            // Validated when the config loaded; said again by field (never by value) if not.
            let secret = KrakenSecret::from_base64(&a.api_secret).map_err(|_| SimError::ConfigField {
                path: config_path.to_path_buf(),
                field: format!("kraken.accounts[{i}].api_secret"),
                problem: "is not base64".into(),
            })?;
            kraken_keys.insert(a.api_key.clone(), secret);
            ex.accounts.entry(account_key(SimVenue::Kraken, &a.api_key)).or_insert_with(|| Account {
                venue: SimVenue::Kraken,
                id: a.api_key.clone(),
                balances: a.balances.clone(),
                positions: BTreeMap::new(),
                cancel_at_ms: None,
            });
        }
        let mut hl_accounts = BTreeMap::new();
        for a in &cfg.hyperliquid.accounts {
            let id = lower(&a.address);
            let acct = HlAccount {
                agents: a.agents.iter().map(|s| lower(s)).collect(),
                vaults: a.vaults.iter().map(|s| lower(s)).collect(),
            };
            for trader in std::iter::once(&id).chain(acct.vaults.iter()) {
                ex.accounts.entry(account_key(SimVenue::Hyperliquid, trader)).or_insert_with(|| Account {
                    venue: SimVenue::Hyperliquid,
                    id: trader.clone(),
                    balances: BTreeMap::from([("USDC".to_string(), a.usdc)]),
                    positions: BTreeMap::new(),
                    cancel_at_ms: None,
                });
            }
            hl_accounts.insert(id, acct);
        }
        let seed = cfg.market.seed.unwrap_or(0);
        let market = MarketFeed::new(market_source(cfg, ws)?, seed).resume(if persisted.market.step == 0 {
            MarketState { step: 0, rng: seed }
        } else {
            persisted.market
        });
        let log = RequestLog::open(&cfg.request_log_path(config_path))?;
        let faults = cfg.faults.clone();
        let mut sim = Sim {
            ex,
            market,
            faults,
            kraken_keys,
            kraken_nonces: persisted.kraken_nonces,
            ws_tokens: BTreeMap::new(),
            hl_accounts,
            hl_nonces: persisted.hl_nonces,
            hl_network: cfg.hyperliquid.network(),
            events: broadcast::channel(4096).0,
            ws_generation: tokio::sync::watch::channel(0).0,
            tick_ms: cfg.market.tick_ms,
            state_path,
            log,
            dirty: true,
        };
        if sim.ex.mids.is_empty() {
            sim.tick(crate::engine::time::now_ms());
        }
        Ok(sim)
    }

    /// The simulator's clock: the machine's, shifted by the clock-offset fault.
    pub fn now_ms(&self) -> i64 {
        crate::engine::time::now_ms() + self.faults.clock_offset_ms
    }

    pub fn tick(&mut self, now_ms: i64) {
        let mids = self.market.next(&self.ex.mids, now_ms);
        let events = self.ex.tick(&mids, now_ms);
        self.publish(events);
        self.dirty = true;
    }

    /// Send events to websocket subscribers, minus fills the drop-fill-event fault swallows.
    pub fn publish(&mut self, events: Vec<Event>) {
        for e in events {
            if matches!(e, Event::Fill(_)) && Faults::take(&mut self.faults.drop_fill_event) {
                continue;
            }
            let _ = self.events.send(e);
        }
        self.dirty = true;
    }

    pub fn record(&mut self, e: Entry<'_>) {
        self.log.write(&e);
    }

    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Write the state if anything changed since the last save.
    pub fn save(&mut self) -> Result<()> {
        if !self.dirty {
            return Ok(());
        }
        let p = Persisted {
            exchange: Some(self.ex.clone()),
            market: self.market.state.clone(),
            kraken_nonces: self.kraken_nonces.clone(),
            hl_nonces: self.hl_nonces.clone(),
        };
        write_json(&self.state_path, &p)?;
        self.dirty = false;
        Ok(())
    }

    /// Hyperliquid's nonce rule for one signer; records the nonce when it is accepted.
    pub fn use_hl_nonce(&mut self, signer: &str, nonce: u64, now_ms: i64) -> std::result::Result<(), String> {
        let now = now_ms.max(0) as u64;
        if nonce + 2 * 86_400_000 < now || nonce > now + 86_400_000 {
            return Err(format!(
                "Invalid nonce: nonce {nonce} is outside the allowed window around time {now}"
            ));
        }
        let seen = self.hl_nonces.entry(signer.to_string()).or_default();
        if seen.contains(&nonce) {
            return Err(format!("Invalid nonce: duplicate nonce {nonce}"));
        }
        if seen.len() >= HL_NONCE_WINDOW && seen.first().is_some_and(|&lo| nonce < lo) {
            return Err(format!("Invalid nonce: nonce {nonce} is lower than the 100 most recent"));
        }
        seen.insert(nonce);
        while seen.len() > HL_NONCE_WINDOW {
            seen.pop_first();
        }
        self.dirty = true;
        Ok(())
    }

    /// The account a Hyperliquid signer may act for: the vault when one is named (and the
    /// signer's account may trade it), else the account it signs for.
    pub fn hl_trader(&self, signer: &str, vault: Option<&str>) -> Option<String> {
        let signer = lower(signer);
        let (account, acct) =
            self.hl_accounts.iter().find(|(a, acct)| **a == signer || acct.agents.contains(&signer))?;
        match vault.map(lower) {
            None => Some(account.clone()),
            Some(v) if acct.vaults.contains(&v) => Some(v),
            Some(_) => None,
        }
    }
}
