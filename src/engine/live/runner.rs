//! The live session's loop: bars from the feed, the strategy following them one bar at a time
//! (each bar taken once: a restarted runner rebuilds its state from the feed's bars in one
//! pass), and on each closed bar the one intent (if any) that brings the venue's position to
//! the strategy's, made in the session's corridor to wait for the operator's keypress like any
//! intent. The session never assumes a fill: every bar starts from the position the venue
//! reports. It opens its corridor once per bar and lets go, so the console's polls and approvals
//! are not held off.

mod automate;
mod follow;
mod measure;

use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::book::DayStart;
use super::decide::{decide, Decision};
use super::portfolio;
use super::shadow::Shadow;
use super::error::LiveError;
use super::session::{self, LastSignal, LiveSession, PausedBy, Status};
use super::sizing;
use crate::engine::alerts::{self, codes, Severity};
use crate::engine::error::{Error, Result};
use crate::engine::execution::adapter_factory::AdapterFactory;
use crate::engine::execution as ex;
use crate::engine::execution::arm_state::{self, ArmState};
use crate::engine::execution::state::{CorridorState, IntentStatus};
use crate::engine::execution::{global_halt, IntentSource, IntentSpec, OrderType, Side, TimeInForce};
use crate::engine::paper::control::{self, Desired};
use crate::engine::paper::feed::{Feed, FeedEvent};
use crate::engine::paper::runner::{append, Signals};
use crate::engine::runtime::VenueRuntime;
use crate::engine::secrets::CredentialStore;
use crate::engine::strategy::follow::{Fault, Follower};
use crate::engine::strategy::Strategy;
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_json, Workspace};

/// What the session runs with: the engine's workspace, venue runtime, adapters and keyring.
pub struct Parts<'a> {
    pub ws: &'a Workspace,
    pub rt: &'a VenueRuntime,
    pub venues: &'a Arc<dyn AdapterFactory>,
    pub store: &'a dyn CredentialStore,
}

/// `state.json`: what the next bar continues from.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LiveState {
    /// The time of the last bar handled (decided and recorded).
    pub last_bar_ms: Option<i64>,
    /// The strategy's target after that bar (-1, 0, 1), clamped as the session trades.
    pub target: i8,
    /// The session's position the strategy wants, base units.
    pub desired: Decimal,
    /// The status each of the session's intents was last seen in, to count what became of them.
    pub seen: std::collections::BTreeMap<String, IntentStatus>,
    /// The shadow paper session (made on the first bar).
    #[serde(default)]
    pub shadow: Option<Shadow>,
    /// The shadow's fill price for the bar that made each intent, for slippage.
    #[serde(default)]
    pub reference: std::collections::BTreeMap<String, f64>,
    /// Bars in a row on which the venue's position differed from the shadow's.
    #[serde(default)]
    pub drift_bars: usize,
    /// The drift kinds already alerted (LIVE_DRIFT is said once per kind).
    #[serde(default)]
    pub drift_raised: std::collections::BTreeSet<String>,
    /// Where the session's PnL today counts from.
    #[serde(default)]
    pub day_start: Option<DayStart>,
    /// The last decision was blocked by the portfolio's gross exposure (LIVE_PORTFOLIO_LIMIT
    /// is said once per run of blocked bars).
    #[serde(default)]
    pub exposure_blocked: bool,
    /// The grant of automation the session last traded under (docs/automation.md).
    #[serde(default)]
    pub grant: Option<String>,
    /// The venue's position (less the anchor) and the session's own filled quantity at the last
    /// bar: a change of the one the other does not explain is a fill it did not expect.
    #[serde(default)]
    pub last_held: Option<Decimal>,
    #[serde(default)]
    pub last_filled: Option<Decimal>,
    /// Its last automated orders (the reject rate's window).
    #[serde(default)]
    pub automated: Vec<String>,
}

/// The note every intent of this session carries: `live:<session>@<bar time>: <reason>`. It is
/// journaled with the intent, so after a crash the session knows which bars it already acted on.
pub fn note_prefix(session: &str, bar_time: &str) -> String {
    format!("live:{session}@{bar_time}")
}

fn is_ours(note: Option<&str>, session: &str) -> bool {
    note.is_some_and(|n| n.starts_with(&format!("live:{session}@")))
}

struct Run<'a> {
    parts: &'a Parts<'a>,
    s: LiveSession,
    dir: std::path::PathBuf,
    strategy: Follower,
    /// The ATR a risk sizing reads, following the same bars.
    atr: Option<sizing::AtrFollower>,
    feed: Box<dyn Feed>,
    state: LiveState,
    last_save: i64,
    /// A cause of demotion was seen during this bar: demote once the bar let go of the corridor
    /// (a demotion journals in it).
    demote_due: bool,
    /// The grant it traded under stopped being live: record the revocation after the bar.
    revocations_due: bool,
    /// When the last bar arrived (wall clock): a feed silent too long is stale under a grant.
    last_bar_wall_ms: Option<i64>,
    /// `[corridor.automation]` and what the grants' state was read against, as of this bar's
    /// start (`grant_now`): the idle polls between bars read no file.
    automation: Option<crate::engine::execution::policy::AutomationPolicy>,
    grant_reading: Option<crate::engine::automation::status::Now>,
}

impl Run<'_> {
    fn alert(&self, code: (&str, Severity), message: &str) {
        alerts::raise_with_copy(self.parts.ws, code, &self.s.source(), message, &self.dir.join("alerts.jsonl"));
    }

    fn record(&self, bar_time: &str, event: &str, intent: Option<&str>, detail: serde_json::Value) -> Result<()> {
        let line = serde_json::json!({
            "schema": "quantlab.live_intent", "schema_version": crate::engine::contract::CONTRACT_VERSION,
            "time": fmt_ms(now_ms()), "bar_time": bar_time, "event": event, "intent_id": intent, "detail": detail,
        });
        append(&self.dir.join("intents.jsonl"), &line.to_string())
    }

    fn set_status(&mut self, status: Status, reason: Option<String>, by: Option<PausedBy>) -> Result<()> {
        self.s.status = status;
        self.s.reason = reason;
        self.s.paused_by = by;
        if status.is_terminal() || status == Status::Aborted {
            self.s.ended_at = Some(fmt_ms(now_ms()));
            self.s.pid = None;
        }
        self.save()
    }

    fn save(&mut self) -> Result<()> {
        self.last_save = now_ms();
        write_json(&self.dir.join("state.json"), &self.state)?;
        self.s.save(self.parts.ws)?;
        self.health()
    }

    fn health(&self) -> Result<()> {
        write_json(
            &self.dir.join("health.json"),
            &serde_json::json!({
                "schema": "quantlab.live_health", "schema_version": crate::engine::contract::CONTRACT_VERSION,
                "heartbeat": fmt_ms(now_ms()), "status": self.s.status, "paused_by": self.s.paused_by,
                "last_bar_time": self.s.last_bar_time, "bars_processed": self.s.bars_processed,
                "pending_intent": self.s.pending_intent,
            }),
        )
    }

    /// Why the corridor may not take an intent now, read without its lock; `None`: it may.
    fn corridor_block(&self, state: &CorridorState) -> Option<String> {
        let id = &self.s.config.corridor;
        if let Some(m) = global_halt::reason(self.parts.ws) {
            return Some(format!("kill switch (all corridors): {m}"));
        }
        if let Some(h) = &state.halt {
            return Some(format!("corridor {id} halted ({:?}): {}", h.reason, h.message));
        }
        if id.venue.is_live() {
            let arm = arm_state::state_of(self.parts.ws, id, state, now_ms());
            if arm != ArmState::Armed {
                return Some(format!("corridor {id} is {}", arm.name()));
            }
        }
        None
    }

    fn pause_for_corridor(&mut self, why: String) -> Result<()> {
        if self.s.status == Status::Paused && self.s.paused_by == Some(PausedBy::Corridor) {
            return Ok(());
        }
        let msg = format!("{why}: paused, no intent is made; resume once the corridor is armed again");
        self.alert(codes::LIVE_SESSION_PAUSED, &msg);
        control::set_in(&self.dir, Desired::Paused)?;
        self.set_status(Status::Paused, Some(msg), Some(PausedBy::Corridor))?;
        self.demote_due = true;
        Ok(())
    }

    /// Demote now what a cause this session saw (a halt, a kill, a disarm after a mismatch,
    /// its own drift) calls for, rather than at the board's next read. A demotion of its own
    /// candidate on its corridor pauses it, saying why (a corridor's pause stays the corridor's:
    /// it needs both the arming and the promotion). A failure is said, not fatal: every later
    /// read of the board, `live start` and `live resume` tries again.
    fn demote_now(&mut self) -> Result<()> {
        use crate::engine::promotion::{candidate, demotion};
        self.demote_due = false;
        let made = match demotion::sync_all(self.parts.ws) {
            Ok(made) => made,
            Err(e) => {
                let msg = format!("live session {}: could not record a demotion: {e}", self.s.id);
                self.alert(codes::PROMOTION_DEMOTION_FAILED, &msg);
                return Ok(());
            }
        };
        let Some(mine) = candidate::of_live(self.parts.ws, &self.s) else { return Ok(()) };
        let corridor = Some(&self.s.config.corridor);
        if let Some(d) = made.iter().find(|d| d.candidate == mine.id && d.corridor.as_ref() == corridor) {
            if self.s.paused_by != Some(PausedBy::Corridor) {
                self.set_status(Status::Paused, d.reason.clone(), Some(PausedBy::Promotion))?;
            }
        }
        Ok(())
    }

    /// What waits for the bar to let go of the corridor: a demotion, the record of a revoked
    /// grant (both journal in it).
    fn after_bar(&mut self) -> Result<()> {
        if self.demote_due {
            self.demote_now()?;
        }
        if std::mem::take(&mut self.revocations_due) {
            if let Err(e) = crate::engine::automation::revoke::sync(self.parts.ws, self.parts.store, now_ms()) {
                tracing::warn!("recording a revoked grant: {}", e.message);
            }
        }
        Ok(())
    }

    fn bar(&mut self, t: usize) -> Result<()> {
        let bars = self.feed.bars();
        let ts = bars.ts[t];
        if self.state.last_bar_ms.is_some_and(|last| ts <= last) {
            return Ok(());
        }
        let bar_time = fmt_ms(ts);
        let close = bars.close[t];
        // The strategy sees exactly the bars known so far, each once; a panic or a wrong answer
        // fails the session rather than trading on garbage.
        let raw = match self.strategy.target_at(bars, t) {
            Ok(target) => target,
            Err(Fault::Targets { targets, bars }) => {
                return Err(LiveError::Strategy { bar: t, why: format!("{targets} targets for {bars} bars") }.into())
            }
            Err(Fault::Panicked(why)) => return Err(LiveError::Strategy { bar: t, why }.into()),
        };
        let target = if self.s.config.allow_short { raw.signum() } else { raw.max(0) };
        let changed = target != self.state.target;
        let atr = self.atr.as_mut().and_then(|a| a.last(bars, t));
        if changed {
            let reason = format!(
                "{} {}: target {} -> {target} at {bar_time}",
                self.s.config.strategy,
                self.s.config.params.values().cloned().collect::<Vec<_>>().join("/"),
                self.state.target
            );
            self.s.last_signal = Some(LastSignal { bar_time: bar_time.clone(), from: self.state.target, to: target, reason });
        }
        let id = self.s.config.corridor.clone();
        let journal = ex::replay(self.parts.ws, &id)?;
        let mut opened = None;
        if let Some(why) = self.corridor_block(&journal) {
            // Read without the lock, an arm in progress (a console adopting the corridor) looks
            // disarmed for a moment: a halt is final, "not armed" is confirmed under the lock.
            let c = ex::open_corridor(self.parts.ws, self.parts.venues, &id, self.parts.store)?;
            if journal.halt.is_some() || c.halted().is_some() || c.arm_state() != ArmState::Armed {
                self.pause_for_corridor(why)?;
                return self.done(t, ts, target, close);
            }
            opened = Some(c);
        }
        if self.s.status == Status::Paused {
            // Paused by the operator: the strategy follows the bars; nothing is sent.
            self.record(&bar_time, "skipped", None, serde_json::json!({ "reason": "paused" }))?;
            return self.done(t, ts, target, close);
        }
        let mut c = match opened {
            Some(c) => c,
            None => ex::open_corridor(self.parts.ws, self.parts.venues, &id, self.parts.store)?,
        };
        let rt = self.parts.rt;
        rt.block_on(c.refresh())??;
        if c.state().intents.values().any(|r| r.status.in_flight()) {
            // An order whose fate is unknown: settle it with the venue before deciding anything.
            rt.block_on(c.reconcile())??;
            self.record(&bar_time, "skipped", None, serde_json::json!({ "reason": "reconciling an order in flight" }))?;
            return self.done(t, ts, target, close);
        }
        let ctx = rt.block_on(c.context())??;
        let symbol = self.s.config.symbol.clone();
        let anchor: Decimal = self.s.anchor.parse().unwrap_or_default();
        let held = ctx.position(&symbol) - anchor;
        self.s.position = Some(held.to_string());
        let alive = self.follow_intents(&mut c, &bar_time, changed)?;
        // Two positions closer than the venue's smallest order are the same: no order could
        // close the gap.
        let smallest = ctx.instruments.get(&symbol).map(|r| {
            let by_value = Decimal::try_from(close).ok().filter(|c| !c.is_zero()).map(|c| r.min_notional / c);
            r.lot_size.max(r.min_quantity).max(by_value.unwrap_or_default())
        });
        self.measure_drift(&c, held, close, smallest)?;
        self.update_book(&c, held, ctx.marks.get(&symbol).map(|m| m.price), alive.as_deref())?;
        let grant = self.grant_now(&c);
        if let (Some(_), Some(why)) = (&grant, self.anomaly(&c, held)) {
            drop(c);
            self.pause_for_automation(why)?;
            return self.done(t, ts, target, close);
        }
        let (book, loss_hit) = self.portfolio_step()?;
        if loss_hit {
            self.record(&bar_time, "skipped", None, serde_json::json!({ "reason": "portfolio.daily_loss_limit" }))?;
            return self.done(t, ts, target, close);
        }
        let (Some(mark), Some(rules)) = (ctx.marks.get(&symbol).map(|m| m.price), ctx.instruments.get(&symbol)) else {
            self.alert(codes::LIVE_SIZING_ZERO, &format!("the venue gives no mark or rules for {symbol}: nothing decided at {bar_time}"));
            return self.done(t, ts, target, close);
        };
        // Sized on a change, and again whenever the desired position does not match the target
        // in force (a change seen while paused): the venue is brought to what the strategy wants.
        let d = self.state.desired;
        let stale = match target {
            0 => !d.is_zero(),
            t => d.is_zero() || d.is_sign_negative() != (t < 0),
        };
        if changed || stale {
            let equity = ctx.equity();
            self.state.desired = match sizing::quantity(&self.s.config.sizing, equity, mark, atr, rules) {
                Ok(sized) if sized.quantity.is_zero() && target != 0 => {
                    if changed {
                        let msg = format!("{} at mark {mark} rounds to 0 {symbol}: the session stays flat", self.s.config.sizing);
                        self.alert(codes::LIVE_SIZING_ZERO, &msg);
                    }
                    Decimal::ZERO
                }
                Ok(sized) => sized.quantity * Decimal::from(target),
                Err(e) => {
                    if changed {
                        self.alert(codes::LIVE_SIZING_ZERO, &format!("{e}: nothing decided at {bar_time}"));
                    }
                    self.state.desired
                }
            };
        }
        self.s.desired = self.state.desired.to_string();
        self.s.pending_intent = alive.clone();
        let prefix = note_prefix(&self.s.id, &bar_time);
        let acted = c.state().intents.values().any(|r| r.intent.note.as_deref().is_some_and(|n| n.starts_with(&prefix)));
        if acted {
            // Journaled by a process that died before it recorded the bar: not made twice.
            return self.done(t, ts, target, close);
        }
        if let Decision::Order { side, quantity, mut reduce_only } = decide(self.state.desired, held, mark, rules, alive.as_deref()) {
            // Kraken spot has no reduce-only flag (and a spot sell cannot go short anyway).
            reduce_only &= id.venue != crate::engine::execution::Venue::Kraken;
            let delta = if side == Side::Buy { quantity } else { -quantity };
            if let Some(limit) = book.limits.as_ref().and_then(|l| l.max_gross_exposure) {
                if let Err(why) = portfolio::check_exposure(&book, limit, &self.s.id, held, delta, mark) {
                    // Blocked before anything is journaled; the next bar decides again.
                    self.s.intents.blocked += 1;
                    let detail = serde_json::json!({
                        "rule": "portfolio.max_gross_exposure", "side": side, "quantity": quantity.to_string(), "reason": why,
                    });
                    self.record(&bar_time, "blocked", None, detail)?;
                    if !std::mem::replace(&mut self.state.exposure_blocked, true) {
                        self.alert(codes::LIVE_PORTFOLIO_LIMIT, &format!("{} {quantity} {symbol} not made: {why}", if side == Side::Buy { "buy" } else { "sell" }));
                    }
                    return self.done(t, ts, target, close);
                }
            }
            self.state.exposure_blocked = false;
            let reason = self.s.last_signal.as_ref().map(|s| s.reason.clone()).unwrap_or_else(|| "closing the gap to the target".into());
            let spec = IntentSpec {
                source: IntentSource::Strategy,
                venue: id.venue,
                account: id.account.clone(),
                symbol: symbol.clone(),
                side,
                quantity,
                order_type: OrderType::Market,
                limit_price: None,
                trigger_price: None,
                time_in_force: TimeInForce::Gtc,
                reduce_only,
                ttl_ms: Some(self.s.config.intent_ttl_ms),
                note: Some(format!("{prefix}: {reason}")),
                exits: None,
            };
            let intent = c.create_intent(spec)?;
            let pf = rt.block_on(c.preflight(&intent.id))??;
            let detail = serde_json::json!({ "side": side, "quantity": quantity.to_string(), "reduce_only": reduce_only, "reason": reason });
            // The shadow fills this bar's decision at its close, with its own slippage.
            let slip = self.s.config.slippage_bps / 10_000.0;
            let sign = if side == Side::Buy { 1.0 } else { -1.0 };
            self.state.reference.insert(intent.id.clone(), close * (1.0 + sign * slip));
            if pf.passed() {
                self.s.intents.created += 1;
                self.s.pending_intent = Some(intent.id.clone());
                if let Some(b) = self.s.book.as_mut() {
                    b.pending = delta.to_string();
                }
                self.state.seen.insert(intent.id.clone(), IntentStatus::Pending);
                self.record(&bar_time, "created", Some(&intent.id), detail)?;
                let automated = match grant {
                    Some(_) => self.automate(&mut c, &intent, mark, &bar_time)?,
                    None => false,
                };
                if !automated {
                    let side = if side == Side::Buy { "buy" } else { "sell" };
                    self.alert(codes::LIVE_INTENT_CREATED, &format!("{} {side} {quantity} {symbol} waits for the keypress in {id}: {reason}", intent.id));
                }
            } else {
                let failed: Vec<String> = pf.checks.iter().filter(|k| !k.passed).map(|k| format!("{}: {}", k.rule, k.actual)).collect();
                let why = format!("refused by preflight: {}", failed.join("; "));
                let status = rt.block_on(c.cancel_intent(&intent.id, &why))??;
                self.state.seen.insert(intent.id.clone(), status);
                self.s.intents.refused += 1;
                self.record(&bar_time, "refused", Some(&intent.id), serde_json::json!({ "rules": failed }))?;
                self.alert(codes::LIVE_INTENT_REFUSED, &format!("{}: {why}", intent.id));
                if grant.is_some() {
                    self.pause_for_automation(format!("{} {why}", intent.id))?;
                }
            }
        }
        drop(c);
        self.done(t, ts, target, close)
    }

    /// The bar is handled: record it so a restart never acts on it again.
    fn done(&mut self, t: usize, ts: i64, target: i8, close: f64) -> Result<()> {
        let cfg = &self.s.config;
        let cash = self.s.equity_at_start.as_deref().and_then(|e| e.parse::<f64>().ok()).unwrap_or(1e12);
        let shadow = self.state.shadow.get_or_insert_with(|| Shadow::new(cash, cfg.fee_bps, cfg.slippage_bps, cfg.allow_short));
        shadow.on_bar(self.feed.bars(), t, target, sizing::as_f64(self.state.desired.abs()));
        let line = format!(
            "{},{close},{},{},{},{}",
            fmt_ms(ts),
            self.s.position.as_deref().unwrap_or(""),
            shadow.units,
            self.s.drift.as_ref().and_then(|d| d.pnl_live).map(|p| format!("{p:.8}")).unwrap_or_default(),
            shadow.pnl()
        );
        append(&self.dir.join("shadow.csv"), &line)?;
        self.state.target = target;
        self.state.last_bar_ms = Some(ts);
        self.s.bars_processed += 1;
        self.s.last_bar_time = Some(fmt_ms(ts));
        let line = format!(
            "{},{close},{},{}",
            fmt_ms(ts),
            self.s.position.as_deref().unwrap_or(""),
            self.state.desired
        );
        append(&self.dir.join("equity.csv"), &line)?;
        self.save()
    }
}

/// Run (or resume) live session `id` in this process on `feed` until it is stopped or fails.
pub fn run(parts: &Parts, id: &str, strategy: Box<dyn Strategy>, feed: Box<dyn Feed>) -> Result<LiveSession> {
    let dir = session::dir(parts.ws, id);
    let _lock = match control::hold_in(&dir)? {
        Ok(f) => f,
        Err(None) => return Err(LiveError::AlreadyRunning(id.into()).into()),
        Err(Some(source)) => return Err(LiveError::Lock { id: id.into(), source }.into()),
    };
    let signals = Signals::watch();
    let mut s = session::load(parts.ws, id)?;
    let restarted = dir.join("state.json").exists();
    let state: LiveState = read_json(&dir.join("state.json")).unwrap_or_default();
    if !dir.join("shadow.csv").exists() {
        std::fs::write(dir.join("shadow.csv"), "time,close,position,shadow_position,pnl,shadow_pnl\n")
            .map_err(|e| Error::io("write", &dir, e))?;
    }
    if !dir.join("equity.csv").exists() {
        std::fs::write(dir.join("equity.csv"), "time,close,position,desired\n").map_err(|e| Error::io("write", &dir, e))?;
    }
    s.pid = Some(std::process::id());
    s.started_at.get_or_insert_with(|| fmt_ms(now_ms()));
    s.ended_at = None;
    let atr = match s.config.sizing {
        sizing::LiveSizing::Risk { atr_period, .. } => Some(sizing::AtrFollower::new(atr_period)),
        _ => None,
    };
    let mut r = Run {
        parts,
        s,
        dir,
        strategy: Follower::new(strategy),
        atr,
        feed,
        state,
        last_save: 0,
        demote_due: false,
        revocations_due: false,
        last_bar_wall_ms: None,
        automation: None,
        grant_reading: None,
    };
    if restarted {
        let found = restart_report(&r)?;
        r.alert(codes::LIVE_SESSION_RESTARTED, &found);
    }
    match control::get_in(&r.dir) {
        Desired::Paused => {
            let (reason, by) = match r.s.paused_by {
                Some(by) => (r.s.reason.clone(), by),
                // Paused before it ran: by the operator, or by the portfolio's loss today.
                None => {
                    let (why, by) = portfolio::pause_cause(r.parts.ws);
                    (Some(why), by)
                }
            };
            r.set_status(Status::Paused, reason, Some(by))?
        }
        _ => r.set_status(Status::Running, None, None)?,
    }
    loop {
        if let Some(sig) = signals.received() {
            return finish(r, Status::Stopped, Some(format!("stopped by {sig}")));
        }
        match control::get_in(&r.dir) {
            Desired::Stopped => return finish(r, Status::Stopped, Some("stopped by the operator".into())),
            Desired::Paused if r.s.status != Status::Paused => {
                let (why, by) = portfolio::pause_cause(r.parts.ws);
                r.set_status(Status::Paused, Some(why), Some(by))?
            }
            Desired::Running if r.s.status == Status::Paused => r.set_status(Status::Running, None, None)?,
            _ => {}
        }
        match r.feed.poll(now_ms())? {
            FeedEvent::Bar { index, .. } => {
                r.last_bar_wall_ms = Some(now_ms());
                if let Err(e) = r.bar(index).and_then(|_| r.after_bar()) {
                    r.alert(codes::LIVE_SESSION_FAILED, &format!("session failed: {}", e.message));
                    let _ = finish(r, Status::Failed, Some(e.message.clone()));
                    return Err(e);
                }
            }
            FeedEvent::Idle => {
                if let Some(why) = r.stale_feed(now_ms()).filter(|_| r.s.status == Status::Running) {
                    r.pause_for_automation(why)?;
                }
                if now_ms() - r.last_save >= 1000 {
                    r.save()?;
                }
                let cadence = r.feed.cadence_ms();
                std::thread::sleep(Duration::from_millis((cadence / 4).clamp(1, 50) as u64));
            }
            FeedEvent::End => return finish(r, Status::Completed, Some("the feed ended".into())),
        }
    }
}

/// What a restarted runner found: the last bar it had handled, and the session's intents the
/// journal holds (made before the crash, so never made again). Written to `restarts.jsonl`.
fn restart_report(r: &Run) -> Result<String> {
    let journal = ex::replay(r.parts.ws, &r.s.config.corridor)?;
    let ours: Vec<serde_json::Value> = journal
        .intents
        .values()
        .filter(|x| x.intent.parent.is_none() && is_ours(x.intent.note.as_deref(), &r.s.id))
        .map(|x| serde_json::json!({ "intent_id": x.intent.id, "status": x.status }))
        .collect();
    let last = r.state.last_bar_ms.map(fmt_ms);
    let line = serde_json::json!({
        "schema": "quantlab.live_restart", "schema_version": crate::engine::contract::CONTRACT_VERSION,
        "time": fmt_ms(now_ms()), "last_bar_time": last, "intents": ours,
    });
    append(&r.dir.join("restarts.jsonl"), &line.to_string())?;
    Ok(format!(
        "restarted after bar {}; the journal holds {} intent(s) of this session, none is made again",
        last.as_deref().unwrap_or("none"),
        ours.len()
    ))
}

fn finish(mut r: Run, status: Status, reason: Option<String>) -> Result<LiveSession> {
    r.set_status(status, reason, None)?;
    control::clear_in(&r.dir);
    Ok(r.s)
}
