//! The loopback simulator started in-process for adapter tests: a config in a tempdir, the
//! server on an ephemeral loopback port, throwaway credentials, adapters built directly, and
//! small helpers (faults through the control path, the request log, polling with a deadline).
#![allow(dead_code)]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use quantlab::engine::execution::broker::BrokerAdapter;
use quantlab::engine::execution::model::{OrderReport, OrderRequest, VenueError};
use quantlab::engine::execution::{OrderType, Side, TimeInForce};
use quantlab::engine::venues::evm::address::Address;
use quantlab::engine::venues::evm::signer::EvmSigner;
use quantlab::engine::venues::http::Http;
use quantlab::engine::venues::hyperliquid::adapter::HlAdapter;
use quantlab::engine::venues::hyperliquid::client::HlClient;
use quantlab::engine::venues::hyperliquid::network::Network;
use quantlab::engine::venues::kraken::adapter::KrakenAdapter;
use quantlab::engine::venues::kraken::auth::KrakenSecret;
use quantlab::engine::venues::kraken::client::KrakenClient;
use quantlab::engine::venues::kraken::nonce_store::PersistedNonce;
use quantlab::engine::venues::sim::config::SimConfig;
use quantlab::engine::venues::sim::server::{serve, App};
use quantlab::engine::venues::sim::state::Sim;
use quantlab::engine::venues::ws_stream::Notifier;
use quantlab::engine::workspace::Workspace;
use rust_decimal::Decimal;
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const KRAKEN_KEY: &str = "sim-test-key";
/// Base64 of a throwaway 64-byte string; never a real key.
pub const KRAKEN_SECRET: &str =
    "cXVhbnRsYWItc2ltLXRlc3Qtc2VjcmV0LW5vdC1hLXJlYWwta3Jha2VuLWtleS0wMTIzNDU2Nzg5YWJjZGVm";
/// The Hyperliquid agent (API wallet) key; its address is derived, not written down.
pub const HL_AGENT_KEY: &str = "0x0123456789012345678901234567890123456789012345678901234567890123";
/// A key the simulator knows nothing about.
pub const HL_STRANGER_KEY: &str = "0x4567456745674567456745674567456745674567456745674567456745674567";
pub const HL_ACCOUNT: &str = "0x00000000000000000000000000000000000000a1";
pub const HL_VAULT: &str = "0x00000000000000000000000000000000000000b2";
pub const LEVEL_QTY: &str = "0.01";
/// Client order ids are UUIDs (Hyperliquid sends them as 16-byte cloids).
pub fn cid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn agent_address() -> String {
    EvmSigner::from_hex(HL_AGENT_KEY).unwrap().address().to_lower_hex()
}

/// What drives prices: a seeded random walk, or a replayed series falling 1 bp per tick
/// (so a bid placed at the mid is crossed a few ticks later, deterministically).
#[derive(Clone, Copy, PartialEq)]
pub enum Market {
    Walk,
    Falling,
}

pub struct Harness {
    pub dir: Arc<TempDir>,
    pub url: String,
    pub app: App,
    market: Market,
    faults: String,
    /// The chain whose signatures the simulator verifies.
    network: Network,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<quantlab::engine::error::Result<()>>>,
}

fn toml_path(p: &Path) -> String {
    format!("{:?}", p.display().to_string())
}

fn config_text(dir: &Path, market: Market, faults: &str, network: Network) -> String {
    let market = match market {
        Market::Walk => "seed = 7\nstep_bps = 2".to_string(),
        Market::Falling => {
            let csv = dir.join("BTCUSD.csv");
            if !csv.exists() {
                let mut text = String::from("timestamp,open,high,low,close,volume\n");
                let mut px = 60_000.0f64;
                for i in 0..3000 {
                    let t = chrono::DateTime::from_timestamp(1_704_067_200 + i * 3600, 0).unwrap();
                    text.push_str(&format!(
                        "{},{px:.2},{px:.2},{px:.2},{px:.2},1\n",
                        t.format("%Y-%m-%dT%H:%M:%SZ")
                    ));
                    px *= 0.9999;
                }
                std::fs::write(&csv, text).unwrap();
            }
            format!("replay = {}", toml_path(&csv))
        }
    };
    format!(
        r#"state = {state}
request_log = {log}
[market]
{market}
tick_ms = 50
[book]
half_spread_bps = 2
step_bps = 2
levels = 5
level_qty = "{LEVEL_QTY}"
[[kraken.accounts]]
api_key = "{KRAKEN_KEY}"
api_secret = "{KRAKEN_SECRET}"
balances = {{ ZUSD = "100000", XXBT = "1" }}
{network}[[hyperliquid.accounts]]
address = "{HL_ACCOUNT}"
agents = ["{agent}"]
usdc = "100000"
vaults = ["{HL_VAULT}"]
[faults]
{faults}
"#,
        state = toml_path(&dir.join("sim.state.json")),
        log = toml_path(&dir.join("sim.requests.jsonl")),
        agent = agent_address(),
        // Testnet is the default: said only when it is not, so the default is what most
        // tests run on.
        network = match network {
            Network::Testnet => String::new(),
            other => format!("[hyperliquid]\nnetwork = \"{other}\"\n"),
        },
    )
}

impl Harness {
    pub async fn start(market: Market) -> Harness {
        Self::start_with(market, "").await
    }

    /// `faults` is the body of the config's `[faults]` section.
    pub async fn start_with(market: Market, faults: &str) -> Harness {
        Self::start_in(Arc::new(tempfile::tempdir().unwrap()), market, faults, Network::Testnet).await
    }

    /// A simulator that verifies `network`'s signatures (the default is testnet).
    pub async fn start_verifying(market: Market, network: Network) -> Harness {
        Self::start_in(Arc::new(tempfile::tempdir().unwrap()), market, "", network).await
    }

    async fn start_in(dir: Arc<TempDir>, market: Market, faults: &str, network: Network) -> Harness {
        let config_path = dir.path().join("sim.toml");
        let text = config_text(dir.path(), market, faults, network);
        std::fs::write(&config_path, &text).unwrap();
        let cfg = SimConfig::parse(&config_path, &text).unwrap();
        let sim = Sim::open(&cfg, &config_path, &Workspace::at(dir.path())).unwrap();
        let app = App::new(sim);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(app.clone(), listener, async move {
            let _ = stopped.await;
        }));
        Harness {
            dir,
            url,
            app,
            market,
            faults: faults.to_string(),
            network,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Shut down (websockets first, then a graceful stop that saves state).
    pub async fn stop(&mut self) {
        self.app.lock().ws_generation.send_modify(|g| *g += 1);
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let r = tokio::time::timeout(Duration::from_secs(5), t).await;
            r.expect("the simulator did not shut down in 5 s").unwrap().unwrap();
        }
    }

    /// Stop this simulator and start a new one on the same state, request log and config.
    pub async fn restart(mut self) -> Harness {
        self.stop().await;
        Self::start_in(self.dir.clone(), self.market, &self.faults, self.network).await
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn kraken_ws(&self) -> String {
        format!("{}/kraken/v2", self.url.replacen("http://", "ws://", 1))
    }

    pub fn hl_ws(&self) -> String {
        format!("{}/ws", self.url.replacen("http://", "ws://", 1))
    }

    pub fn kraken(&self) -> KrakenAdapter {
        self.kraken_as(KRAKEN_KEY, KRAKEN_SECRET, "kraken.nonce", 1000)
    }

    pub fn kraken_as(&self, key: &str, secret_b64: &str, nonce_file: &str, timeout_ms: u64) -> KrakenAdapter {
        let client = KrakenClient::new(
            &self.url,
            Http::new(timeout_ms).unwrap(),
            key.to_string(),
            KrakenSecret::from_base64(secret_b64).unwrap(),
            PersistedNonce::open(&self.path(nonce_file)).unwrap(),
        );
        KrakenAdapter::new(client, &self.kraken_ws(), &self.kraken_ws())
    }

    pub fn hl(&self) -> HlAdapter {
        self.hl_as(HL_AGENT_KEY, None)
    }

    pub fn hl_as(&self, key: &str, vault: Option<&str>) -> HlAdapter {
        self.hl_signing(key, vault, self.network)
    }

    /// An adapter whose actions are signed for `network`, whatever the simulator verifies.
    pub fn hl_signing(&self, key: &str, vault: Option<&str>, network: Network) -> HlAdapter {
        let client = HlClient::new(
            &self.url,
            Http::new(1000).unwrap(),
            EvmSigner::from_hex(key).unwrap(),
            Address::from_hex(HL_ACCOUNT).unwrap(),
            vault.map(|v| Address::from_hex(v).unwrap()),
            network,
        );
        HlAdapter::new(client, &self.hl_ws())
    }

    /// Apply a fault through the control path, e.g. `{"fault":"drop_ack","count":1}`.
    pub async fn fault(&self, change: Value) -> Value {
        let r = reqwest::Client::new()
            .post(format!("{}/_sim/fault", self.url))
            .json(&change)
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert!(
            status.is_success(),
            "fault {change} refused: {status}: {}",
            r.text().await.unwrap_or_default()
        );
        let r = r;
        r.json().await.unwrap()
    }

    /// Every line of the request log, parsed.
    pub fn log(&self) -> (String, Vec<Value>) {
        let text = std::fs::read_to_string(self.path("sim.requests.jsonl")).unwrap_or_default();
        let lines = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        (text, lines)
    }
}

/// A notifier that records what it is told.
pub fn recorder() -> (Notifier, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    (Arc::new(move |m: &str| s.lock().unwrap().push(m.to_string())), seen)
}

/// Poll `f` every 10 ms until it gives `Some`, failing after `secs`.
pub async fn eventually<T, F, Fut>(secs: f64, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out after {secs} s waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub fn order(
    n: u32,
    symbol: &str,
    side: Side,
    qty: &str,
    kind: OrderType,
    limit: Option<Decimal>,
) -> OrderRequest {
    OrderRequest {
        client_order_id: cid(n),
        symbol: symbol.to_string(),
        side,
        quantity: d(qty),
        order_type: kind,
        limit_price: limit,
        trigger_price: None,
        time_in_force: TimeInForce::Gtc,
        reduce_only: false,
        exits: Default::default(),
    }
}

/// The mid of `symbol` as the adapter sees it.
pub async fn mid(a: &dyn BrokerAdapter, symbol: &str) -> Decimal {
    a.marks(&[symbol.to_string()]).await.unwrap()[symbol].price
}

/// A price `frac` of the mid, floored to whole dollars (valid on both venues).
pub async fn price_at(a: &dyn BrokerAdapter, symbol: &str, frac: &str) -> Decimal {
    (mid(a, symbol).await * d(frac)).floor()
}

/// The order's report by client id, which must exist.
pub async fn by_client(a: &dyn BrokerAdapter, n: u32) -> OrderReport {
    use quantlab::engine::execution::model::OrderRef;
    a.order_status(&OrderRef::Client(cid(n))).await.unwrap().expect("the venue knows the order")
}

pub fn is_timeout(e: &VenueError) -> bool {
    matches!(e, VenueError::Timeout { .. })
}

/// The example policy for one simulated corridor (Kraken XBTUSD, Hyperliquid BTC), with room
/// in the limits for the 1 XBT the simulated Kraken account starts with (its baseline).
pub fn sim_policy(venue: quantlab::engine::execution::Venue) -> String {
    use quantlab::engine::execution::{policy::EXAMPLE, Venue};
    let symbol = if venue == Venue::Kraken { "XBTUSD" } else { "BTC" };
    EXAMPLE
        .replacen("venue = \"fake\"", &format!("venue = \"{}\"", venue.name()), 1)
        .replacen("symbols = [\"BTC/USD\", \"ETH/USD\"]", &format!("symbols = [\"{symbol}\"]"), 1)
        .replace("max_position_notional = \"2000\"", "max_position_notional = \"200000\"")
        .replace("max_gross_exposure = \"3000\"", "max_gross_exposure = \"300000\"")
        .replace("max_position_notional = \"1500\"", "max_position_notional = \"150000\"")
        .replace("max_gross_exposure = \"2500\"", "max_gross_exposure = \"250000\"")
}
