//! The demo's live part: the loopback simulator in this process on a free port of 127.0.0.1,
//! `venues.toml` and a policy whose kraken/main and hyperliquid/main corridors point at it,
//! a candidate researched on the simulator's own series and promoted to micro-live by the
//! demo (loopback only), and, once the operator arms kraken/main in the Corridors tab, a live
//! strategy session on the simulator's feed whose intents wait for the keypress there. All of
//! it ends when the console does: the session is stopped, then the simulator (docs/demo.md).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::files;
use crate::engine::error::Result;
use crate::engine::execution::arm_state::{self, ArmState};
use crate::engine::execution::{policy, replay, CorridorId, Venue};
use crate::engine::live::LiveStartRequest;
use crate::engine::promotion::gates::GATES_FILE;
use crate::engine::promotion::Candidate;
use crate::engine::research::SweepRequest;
use crate::engine::time::now_ms;
use crate::engine::venues::sim::embedded::Embedded;
use crate::engine::workspace::write_atomic;
use crate::engine::Engine;

/// The session's strategy, on bars of `BAR` (`PER_BAR` simulator ticks of `TICK_MS`, each tick
/// one hourly close, so a bar is most of a day of BTC): a three-bar breakout, which goes long
/// a few bars after the session starts and holds for some ten bars (tens of seconds, time to
/// review the order) before the next change; so an intent every few tens of seconds.
const STRATEGY: &str = "donchian_breakout";
const PARAMS: [(&str, &str); 1] = [("period", "3")];
const SYMBOL: &str = "XBTUSD";
const BAR: &str = "2s";
const BAR_MS: i64 = 2_000;
const TICK_MS: u64 = 100;
const PER_BAR: usize = (BAR_MS as u64 / TICK_MS) as usize;
/// An order the policy's micro-live limits allow (600 an order), and time to read it before it
/// lapses. Half the limit: the preflight values a pending order at the venue's mark each time
/// it is shown, and in the 30 s an operator may take to read it the demo's market moves some
/// twelve days of BTC (20% and more, in the replayed data); at 500 such an order failed its
/// preflight before the keypress.
const SIZING: &str = "notional:300";
const INTENT_TTL: &str = "30s";

/// What the live part made once (in `demo.json`): the candidate, its research and where it
/// was promoted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoLive {
    pub candidate: String,
    pub dataset: String,
    pub sweep: String,
    pub promoted_on: Vec<String>,
    /// The feed the demo's sessions trade.
    pub feed: String,
}

pub fn kraken() -> CorridorId {
    CorridorId { venue: Venue::Kraken, account: "main".into() }
}

fn params() -> BTreeMap<String, String> {
    PARAMS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn feed() -> String {
    format!("live:kraken/main:{SYMBOL}@{BAR}")
}

/// The candidate: research on the simulator's series at the session's bar length, then the
/// demo's promotion to micro-live on kraken/main (refused unless it is loopback).
pub(super) fn make_candidate(engine: &Engine) -> Result<DemoLive> {
    let ws = engine.workspace();
    let csv = ws.root().join("samples").join(format!("{SYMBOL}_{BAR}.csv"));
    write_atomic(&csv, files::bars(super::SAMPLES[0].3, PER_BAR, BAR_MS)?.as_bytes())?;
    let dataset = engine.data().import(&csv, SYMBOL, BAR)?.0.id;
    let sweep = engine
        .research()
        .sweep(
            &SweepRequest {
                data: format!("{SYMBOL}:{BAR}"),
                strategy: STRATEGY.into(),
                grid: PARAMS.iter().map(|(k, v)| format!("{k}={v}")).collect(),
                objective: "sharpe".into(),
                label: Some("demo".into()),
                jobs: Some(1),
                ..SweepRequest::default()
            },
            &|_, _| {},
        )?
        .sweep_id;
    let candidate = Candidate::new(STRATEGY, &params(), SYMBOL, BAR)?.id;
    engine.promotion().advance_for_demo(&candidate, &kraken())?;
    Ok(DemoLive { candidate, dataset, sweep, promoted_on: vec![kraken().to_string()], feed: feed() })
}

/// The simulator and the session supervisor, running; [`Running::stop`] ends both.
pub struct Running {
    sim: Embedded,
    stop: Arc<AtomicBool>,
    supervisor: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running").field("sim", &self.sim).finish()
    }
}

/// Start the simulator and point the workspace at it; write the policy and gates unless the
/// workspace has its own; make the candidate once (`live` is what an earlier start made).
pub(super) fn start(engine: &Engine, live: Option<DemoLive>) -> Result<(Running, DemoLive)> {
    let ws = engine.workspace();
    let dir = ws.root().join("sim");
    let config = dir.join("sim.toml");
    write_atomic(&config, files::sim_config(TICK_MS)?.as_bytes())?;
    let sim = Embedded::start(ws, &config)?;
    write_atomic(&ws.root().join("venues.toml"), files::venues(&sim.url()).as_bytes())?;
    let policy_path = policy::path(ws);
    if !policy_path.exists() {
        write_atomic(&policy_path, files::policy()?.as_bytes())?;
    }
    let gates = ws.root().join(GATES_FILE);
    if !gates.exists() {
        write_atomic(&gates, files::gates()?.as_bytes())?;
    }
    let live = match live {
        Some(l) => l,
        None => make_candidate(engine)?,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let supervisor = {
        let (engine, stop) = (engine.clone(), stop.clone());
        std::thread::Builder::new()
            .name("demo-session".into())
            .spawn(move || supervise(&engine, &stop))
            .map_err(|e| {
                crate::engine::Error::runtime(format!("cannot start the demo's session thread: {e}"))
            })?
    };
    Ok((Running { sim, stop, supervisor: Some(supervisor) }, live))
}

impl Running {
    pub fn url(&self) -> String {
        self.sim.url()
    }

    /// Stop the demo's session (it finishes its bar), then the simulator.
    pub fn stop(mut self) -> Result<()> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.supervisor.take() {
            let _ = t.join();
        }
        self.sim.stop()
    }
}

fn armed(ws: &crate::engine::workspace::Workspace, id: &CorridorId) -> bool {
    replay(ws, id).is_ok_and(|j| arm_state::state_of(ws, id, &j, now_ms()) == ArmState::Armed)
}

/// Until told to stop: whenever kraken/main is armed and no session of the demo is live,
/// start one (a refusal is said once, as a DEMO_LIVE_OFF alert, and tried again 10 s later);
/// then stop the sessions it started and wait for their runners to end.
fn supervise(engine: &Engine, stop: &AtomicBool) {
    let ws = engine.workspace();
    let corridor = kraken();
    let mut started: Vec<String> = Vec::new();
    let mut next_try = Instant::now();
    let live = |id: &String| engine.live().status(id).is_ok_and(|s| s.status.is_live());
    while !stop.load(Ordering::Relaxed) {
        if Instant::now() >= next_try && armed(ws, &corridor) && !started.iter().any(live) {
            let req = LiveStartRequest {
                strategy: STRATEGY.into(),
                params: params(),
                feed: feed(),
                sizing: SIZING.into(),
                intent_ttl: Some(INTENT_TTL.into()),
                ..LiveStartRequest::default()
            };
            match engine.live().start(&req) {
                Ok(s) => {
                    tracing::info!("the demo's live session {} started on {corridor}", s.id);
                    started.push(s.id);
                }
                Err(e) => {
                    let why = format!("the demo's live session did not start: {}", e.message);
                    let _ = crate::engine::alerts::raise_once(
                        ws,
                        crate::engine::alerts::codes::DEMO_LIVE_OFF,
                        "demo",
                        &why,
                    );
                    next_try = Instant::now() + Duration::from_secs(10);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    for id in &started {
        let _ = engine.live().stop(id);
    }
    let deadline = Instant::now() + Duration::from_secs(BAR_MS as u64 / 1000 + 5);
    while started.iter().any(live) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::live::LiveSizing;
    use rust_decimal::Decimal;

    /// The demo's orders leave room under the corridor's micro-live limit for its fast market
    /// to double between the intent and the keypress: an order over the limit by then fails its
    /// preflight, and the tour's `y` would send nothing.
    #[test]
    fn the_demo_orders_leave_room_for_the_price_to_double() {
        let loaded = policy::parse(files::policy().unwrap().as_bytes(), std::path::Path::new("p")).unwrap();
        let c = loaded.policy.corridors.iter().find(|c| c.venue == Venue::Kraken).unwrap();
        let limit = c.limits().max_order_notional;
        let LiveSizing::Notional { notional } = LiveSizing::parse(SIZING, None, None).unwrap() else {
            panic!("the demo sizes by notional: {SIZING}");
        };
        assert!(notional * Decimal::TWO <= limit, "{SIZING} against a limit of {limit}");
    }
}
