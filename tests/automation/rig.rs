//! A Kraken corridor on the loopback simulator (a real `quantlab sim` process), armed by an
//! engine in this process whose credential store is in memory; a candidate researched and
//! promoted to micro-live there; grants made through the grant dialog's typed confirmation
//! (synthetic keys: this build's `test-keys`, accepted on loopback corridors only); and live
//! sessions run in this process on scripted hourly bars, the test playing the operator between
//! bars.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quantlab::engine::automation::{Grant, GrantConfirmation, GrantLimits, GrantTarget};
use quantlab::engine::execution::{open_corridor, CorridorId, OrderType, Venue};
use quantlab::engine::gate::{GrantGate, GrantOutcome, PromotionAction, TerminalKey, DWELL};
use quantlab::engine::live::{LiveSession, LiveStartRequest};

use quantlab::engine::promotion::{Candidate, Stage};
use quantlab::engine::secrets::{CredentialKey, CredentialStore, MemoryStore, Secret};
use quantlab::engine::workspace::Workspace;
use quantlab::engine::{Engine, Result};
use rust_decimal::Decimal;

use crate::common::corridor::{self, CREDENTIAL};
use crate::common::promotion;
use crate::common::script::Script;
use crate::common::sim_process::SimProcess;
use crate::common::Ws;

/// sma_cross 2/4 on these closes wants (a cross is strictly below, then strictly above): long
/// from bar 6, flat from 10, long from 16, flat from 21: four orders.
pub const FOUR_ORDERS: [f64; 27] = [
    12.0, 11.0, 10.0, 9.0, 8.0, 10.0, 13.0, 15.0, 15.0, 15.0, 12.0, 9.0, 7.0, 7.0, 7.0, 6.0, 9.0, 12.0, 15.0,
    16.0, 15.0, 13.0, 10.0, 8.0, 7.0, 7.0, 7.0,
];

pub struct Rig {
    pub sim: SimProcess,
    pub ws: Ws,
    pub engine: Engine,
    pub store: Arc<MemoryStore>,
}

/// The policy the rig writes: the simulator's Kraken corridor (micro stage) allowing grants of
/// up to eight hours.
pub fn policy() -> String {
    format!("{}\n[corridor.automation]\nmax_grant_hours = 8\n", corridor::policy())
}

impl Rig {
    pub fn new() -> Rig {
        // The simulator's own price walks slowly (1 bp a step), so the session's scripted
        // closes, set around it, stay within the policy's slippage band of the venue's fills.
        let sim = SimProcess::start(
            "[market]\nseed = 11\ntick_ms = 100\nstep_bps = \"1\"\n[[kraken.accounts]]\napi_key = \"e2e-key\"\n\
             api_secret = \"ZTJlLXNpbXVsYXRvci1zZWNyZXQ=\"\nbalances = { ZUSD = \"100000\" }\n",
        );
        let ws = Ws::new();
        std::fs::write(ws.path().join("venues.toml"), format!("[kraken.main]\nbase_url = \"{}\"\n", sim.url))
            .unwrap();
        let store = Arc::new(MemoryStore::default());
        store.set(&CredentialKey::new(Venue::Kraken, "main"), &Secret::new(CREDENTIAL)).unwrap();
        let engine = Engine::with_credentials(Workspace::at(ws.path()), store.clone());
        std::fs::write(ws.path().join("execution_policy.toml"), policy()).unwrap();
        engine.execution().corridor_arm(Venue::Kraken, "main").unwrap();
        // Research makes the candidate (a sweep on an hourly XBTUSD dataset); the operator's
        // typed confirmation promotes it to micro-live on the corridor.
        let csv = ws.path().join("xbt.csv");
        let rows: String = (0..10).map(|i| format!("2024-01-01T{i:02}:00:00Z,1,1,1,1,1\n")).collect();
        std::fs::write(&csv, format!("time,open,high,low,close,volume\n{rows}")).unwrap();
        engine.data().import(&csv, "XBTUSD", "1h").unwrap();
        promotion::write_relaxed_gates(ws.path());
        promotion::sweep(&engine, "XBTUSD:1h", "sma_cross", &["fast=2", "slow=4"]);
        let r = Rig { sim, ws, engine, store };
        promotion::promote_to(&r.engine, &r.candidate(), Some(&kraken()), Stage::MicroLive);
        r
    }

    pub fn candidate(&self) -> String {
        Candidate::new("sma_cross", &request().params, "XBTUSD", "1h").unwrap().id
    }

    /// The grant `limits` for the rig's candidate, for `hours`, made through the dialog.
    pub fn grant(&self, limits: GrantLimits, hours: u64) -> Result<Grant> {
        let target = GrantTarget { corridor: kraken(), candidate: self.candidate(), limits, hours };
        let problems = self.engine.automation().problems(&target);
        self.engine.automation().make(confirm(target, problems))
    }

    /// The simulator's XBTUSD mark now.
    pub fn mark(&self) -> f64 {
        let c = open_corridor(
            self.engine.workspace(),
            self.engine.adapters(),
            &kraken(),
            self.engine.credentials(),
        )
        .unwrap();
        let ctx = self.engine.venue_runtime().block_on(c.context()).unwrap().unwrap();
        ctx.marks.get("XBTUSD").expect("the simulator quotes XBTUSD").price.to_string().parse().unwrap()
    }

    /// Run a session of `request()` on `closes` (moves around the venue's price: each close is
    /// added to the mark less 10), `between` playing the operator before each bar.
    pub fn run(&self, closes: &[f64], between: impl FnMut(usize) + Send + 'static) -> LiveSession {
        self.run_with(closes, between, |feed| feed)
    }

    /// [`Rig::run`], the scripted feed shaped by `shape` (its bar length, a silence).
    pub fn run_with(
        &self,
        closes: &[f64],
        between: impl FnMut(usize) + Send + 'static,
        shape: impl FnOnce(Script) -> Script,
    ) -> LiveSession {
        let s = self.engine.live().create(&request()).unwrap();
        let base = self.mark() - 10.0;
        let all = closes.iter().map(|c| base + c).collect();
        let feed = shape(Script::new(all, "XBTUSD", between));
        self.engine.live().run_on(&s.id, Box::new(feed)).unwrap()
    }

    /// The session's recorded events (`intents.jsonl`), in order.
    pub fn events(&self, session: &str) -> Vec<serde_json::Value> {
        let p = self.ws.path().join("live_sessions").join(session).join("intents.jsonl");
        std::fs::read_to_string(p)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The session's recorded events of kind `event`.
    pub fn kinds(&self, session: &str, event: &str) -> Vec<serde_json::Value> {
        self.events(session).into_iter().filter(|e| e["event"] == event).collect()
    }

    /// The intent a finished session left waiting for the keypress, which its
    /// LIVE_INTENT_CREATED alert names; `what` says which intent, if there is none.
    pub fn waiting(&self, end: &LiveSession, what: &str) -> String {
        let id = end.pending_intent.clone().expect(what);
        assert!(
            self.alerts("LIVE_INTENT_CREATED").iter().any(|m| m.contains(&id)),
            "{:?}",
            self.alerts("LIVE_INTENT_CREATED")
        );
        id
    }

    /// Alerts raised so far with `code`, their messages.
    pub fn alerts(&self, code: &str) -> Vec<String> {
        let text = std::fs::read_to_string(self.ws.path().join("alerts/alerts.jsonl")).unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|a| a["code"] == code)
            .map(|a| a["message"].as_str().unwrap().to_string())
            .collect()
    }
}

pub fn kraken() -> CorridorId {
    CorridorId::new(Venue::Kraken, "main").unwrap()
}

/// sma_cross 2/4 on the simulator's XBTUSD hourly bars, 200 notional an order.
pub fn request() -> LiveStartRequest {
    LiveStartRequest {
        strategy: "sma_cross".into(),
        params: [("fast".to_string(), "2".to_string()), ("slow".to_string(), "4".to_string())].into(),
        feed: "live:kraken/main:XBTUSD@1h".into(),
        sizing: "notional:200".into(),
        intent_ttl: Some("1h".into()),
        ..LiveStartRequest::default()
    }
}

/// Limits the rig's orders fit: XBTUSD market orders up to 600, `per_day` a day.
pub fn limits(per_day: u32) -> GrantLimits {
    GrantLimits {
        symbols: vec!["XBTUSD".into()],
        order_types: vec![OrderType::Market],
        max_order_notional: Decimal::from(600),
        max_orders_per_day: per_day,
        daily_loss_limit: Decimal::from(100),
        max_drawdown: Decimal::from(150),
    }
}

fn key(code: KeyCode) -> TerminalKey {
    TerminalKey::synthetic(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The grant dialog on `target`, drawn, the corridor's name typed and Enter pressed after the
/// dwell: the confirmation it makes.
pub fn confirm(target: GrantTarget, problems: Vec<String>) -> GrantConfirmation {
    let name = target.corridor.to_string();
    let mut g = GrantGate::open(target, problems);
    let t0 = Instant::now();
    g.shown(t0);
    for c in name.chars() {
        g.key(&key(KeyCode::Char(c)), None, t0 + DWELL, "tester");
    }
    match g.key(&key(KeyCode::Enter), Some(PromotionAction::Confirm), t0 + DWELL, "tester") {
        GrantOutcome::Confirmed(w) => GrantConfirmation::typed(*w),
        other => panic!("the grant dialog did not confirm: {other:?}"),
    }
}
