//! Live strategy sessions: a strategy on a live feed turns each change of its target position
//! into one intent in an armed corridor, which waits for the operator's keypress like any
//! intent. The session's position is always the venue's (journal + venue, never an assumed
//! fill); a halt, kill, disarm or mismatch of its corridor pauses it. It runs in a process of
//! its own like a paper session, and a restart makes no intent twice. docs/live-sessions.md.

pub mod error;
inner_modules! {
    book,
    decide,
    drift,
    portfolio,
    runner,
    shadow,
    session,
    sizing,
}

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::engine::error::{Error, Result};
use crate::engine::execution as ex;
use crate::engine::execution::adapter_factory::AdapterFactory;
use crate::engine::execution::arm_state::{self, ArmState};
use crate::engine::execution::context::ExecutionContext;
use crate::engine::execution::{global_halt, policy, CorridorId, Venue};
use crate::engine::paper::control::{self, Desired};
use crate::engine::paper::feed::{Feed, FeedSpec, ReplayFeed};
use crate::engine::paper::lifecycle;
use crate::engine::paper::live_feed::{self, LiveFeed, LiveSpec};
use crate::engine::runtime::VenueRuntime;
use crate::engine::secrets::CredentialStore;
use crate::engine::strategy;
use crate::engine::time::{fmt_timeframe, now_ms, parse_timeframe};
use crate::engine::workspace::Workspace;
pub use book::Book;
pub use drift::Drift;
pub use error::LiveError;
pub use portfolio::{LossHit, Portfolio, Share};
pub use session::{LiveConfig, LiveSession, PausedBy};
pub use sizing::LiveSizing;

/// What `live start` asks for.
#[derive(Debug, Clone, Default)]
pub struct LiveStartRequest {
    pub strategy: String,
    pub params: BTreeMap<String, String>,
    /// `live:VENUE[/ACCOUNT]:SYMBOL@TF`; `replay:DATA[@SPEED]` only with `venue` fake.
    pub feed: String,
    /// The corridor, when not the feed's own venue and account.
    pub venue: Option<Venue>,
    pub account: Option<String>,
    /// The venue's order symbol, when not the feed's.
    pub symbol: Option<String>,
    pub sizing: String,
    pub stop_atr: Option<String>,
    pub atr_period: Option<usize>,
    pub intent_ttl: Option<String>,
    pub allow_short: bool,
    pub name: Option<String>,
    /// The shadow paper session's costs, basis points.
    pub fee_bps: Option<f64>,
    pub slippage_bps: Option<f64>,
    /// The promotion board's candidate this session trades (`--candidate`); it must be the one
    /// the strategy, parameters, market and timeframe make. Derived from them when absent.
    pub candidate: Option<String>,
}

/// What a session runs with; the engine's own.
pub struct Env<'a> {
    pub ws: &'a Workspace,
    pub rt: &'a VenueRuntime,
    pub venues: &'a Arc<dyn AdapterFactory>,
    pub store: &'a dyn CredentialStore,
}

/// The corridor, symbol and bar length a feed trades.
fn resolve_feed(ws: &Workspace, req: &LiveStartRequest) -> Result<(CorridorId, String, i64)> {
    if LiveSpec::is_live(&req.feed) {
        let spec = LiveSpec::parse(&req.feed)?;
        let venue = req.venue.unwrap_or(spec.venue);
        let account = req.account.clone().unwrap_or(spec.account.clone());
        let symbol = req.symbol.clone().unwrap_or(spec.symbol.clone());
        return Ok((CorridorId::new(venue, &account)?, symbol, spec.interval_ms));
    }
    let spec = FeedSpec::parse(&req.feed)?;
    if req.venue != Some(Venue::Fake) {
        return Err(LiveError::Feed(format!(
            "'{}' is a replay: a live session trades a replay only on the fake venue (--venue fake), as a rehearsal",
            req.feed
        ))
        .into());
    }
    let data = crate::engine::data::catalog::resolve(ws, &spec.data)?;
    let account = req.account.clone().unwrap_or_else(|| "main".into());
    let symbol = req.symbol.clone().unwrap_or(data.symbol);
    Ok((CorridorId::new(Venue::Fake, &account)?, symbol, data.timeframe_ms))
}

/// Check everything, in the order a refusal costs nothing, and create the session (status
/// `created`); the runner starts it. Nothing is journaled and no folder is made on a refusal.
pub fn create(env: &Env, req: &LiveStartRequest) -> Result<LiveSession> {
    let ws = env.ws;
    let (_, params) = strategy::build(&req.strategy, &req.params)?;
    let sizing = LiveSizing::parse(&req.sizing, req.stop_atr.as_deref(), req.atr_period)?;
    let (corridor, symbol, interval_ms) = resolve_feed(ws, req)?;
    let loaded = policy::load(ws)?.ok_or_else(|| LiveError::NoPolicy(corridor.clone()))?;
    let cp = loaded.corridor(&corridor).ok_or_else(|| LiveError::NoPolicy(corridor.clone()))?;
    portfolio::admit(ws, &loaded.policy, true)?;
    if !cp.symbols.is_empty() && !cp.symbols.contains(&symbol) {
        return Err(LiveError::SymbolNotAllowed { corridor, symbol }.into());
    }
    promotion_gate(ws, &candidate_of(req, &symbol, interval_ms)?, &corridor, cp.stage)?;
    // One bar by default, never longer than an approval may wait (the policy's TTLs).
    let cap = (cp.approval_ttl_secs.min(cp.max_intent_ttl_secs) * 1000) as i64;
    let ttl = match &req.intent_ttl {
        Some(t) => parse_timeframe(t).map_err(|_| LiveError::IntentTtl(t.clone()))?,
        None => interval_ms,
    }
    .min(cap);
    let journal = ex::replay(ws, &corridor)?;
    if let Some(m) = global_halt::reason(ws) {
        return Err(LiveError::Halted { corridor, why: format!("kill switch: {m}") }.into());
    }
    if let Some(h) = &journal.halt {
        return Err(LiveError::Halted { corridor, why: format!("{:?}: {}", h.reason, h.message) }.into());
    }
    if corridor.venue.is_live() {
        let arm = arm_state::state_of(ws, &corridor, &journal, now_ms());
        if arm != ArmState::Armed {
            return Err(LiveError::NotArmed { corridor, state: arm.name() }.into());
        }
    }
    for other in list(ws)? {
        if other.status.is_live() && other.config.corridor == corridor && other.config.symbol == symbol {
            return Err(LiveError::SymbolTaken { other: other.id, symbol, corridor }.into());
        }
    }
    if LiveSpec::is_live(&req.feed) {
        live_feed::check(ws, env.rt, &LiveSpec::parse(&req.feed)?)?;
    }
    // The venue's word on what the account holds and what the sizing comes to now: a pure read.
    let adapter = ex::adapter_for(ws, env.venues.as_ref(), &corridor, env.store)?;
    let ctx = env.rt.block_on(ExecutionContext::gather(
        &corridor,
        adapter.as_ref(),
        &journal,
        std::slice::from_ref(&symbol),
    ))??;
    let anchor = ctx.position(&symbol);
    let equity_at_start = ctx.equity();
    let (fee_bps, slippage_bps) = (req.fee_bps.unwrap_or(0.0), req.slippage_bps.unwrap_or(0.0));
    for (flag, v) in [("--fee-bps", fee_bps), ("--slippage-bps", slippage_bps)] {
        if !(0.0..1000.0).contains(&v) {
            return Err(LiveError::Costs { flag, value: v }.into());
        }
    }
    if let (Some(mark), Some(rules)) = (ctx.marks.get(&symbol).map(|m| m.price), ctx.instruments.get(&symbol))
    {
        if !matches!(sizing, LiveSizing::Risk { .. }) {
            let sized = sizing::quantity(&sizing, ctx.equity(), mark, None, rules)?;
            if sized.quantity.is_zero() {
                return Err(LiveError::SizesToZero(Box::new(error::ZeroSized {
                    sizing: req.sizing.clone(),
                    mark,
                    raw: sized.raw.round_dp(12),
                    symbol,
                    lot: rules.lot_size,
                    min_quantity: rules.min_quantity,
                    min_notional: rules.min_notional,
                }))
                .into());
            }
        }
    } else {
        return Err(
            LiveError::Unknown(format!("{corridor} gives no mark or instrument rules for {symbol}")).into()
        );
    }
    let id = match &req.name {
        Some(n) => {
            crate::engine::paper::session::check_name(n)?;
            n.clone()
        }
        None => {
            let base = session::default_name(&req.strategy, &symbol, now_ms());
            let (mut name, mut n) = (base.clone(), 1);
            while session::dir(ws, &name).exists() {
                n += 1;
                name = format!("{base}_{n}");
            }
            name
        }
    };
    if session::dir(ws, &id).exists() {
        return Err(LiveError::NameTaken(id).into());
    }
    let config = LiveConfig {
        strategy: req.strategy.clone(),
        params: params.iter().map(|(k, v)| (k.clone(), v.to_string())).collect(),
        feed: req.feed.clone(),
        corridor,
        symbol,
        sizing,
        intent_ttl_ms: ttl,
        allow_short: req.allow_short,
        fee_bps,
        slippage_bps,
    };
    std::fs::create_dir_all(session::dir(ws, &id))
        .map_err(|e| Error::io("create", &session::dir(ws, &id), e))?;
    let mut s = LiveSession::new(id, config, anchor);
    s.equity_at_start = equity_at_start.map(|e| e.to_string());
    s.save(ws)?;
    Ok(s)
}

/// A session starts (and resumes) only for a candidate promoted to the stage its corridor needs:
/// micro-live under the policy's `micro` stage, supervised live under `full`; on the fake venue
/// (a rehearsal) paper. Demotions the journals and alerts call for are made first, so a
/// candidate a kill or drift took down does not trade again until it is promoted again.
fn promotion_gate(
    ws: &Workspace,
    candidate: &str,
    corridor: &CorridorId,
    stage: policy::Stage,
) -> Result<()> {
    use crate::engine::promotion::{decisions, demotion, PromotionError, Stage};
    demotion::sync_all(ws)?;
    let needed = match (corridor.venue.is_live(), stage) {
        (false, _) => Stage::Paper,
        (true, policy::Stage::Micro) => Stage::MicroLive,
        (true, policy::Stage::Full) => Stage::SupervisedLive,
    };
    let at = decisions::stage_of(&decisions::read(ws)?, candidate, Some(corridor));
    if at < needed {
        let (candidate, corridor) = (candidate.to_string(), corridor.clone());
        return Err(PromotionError::NotPromoted { candidate, stage: at, corridor, needed }.into());
    }
    Ok(())
}

/// The candidate `req` trades on `symbol` at `interval_ms`: the one `--candidate` names must be it.
fn candidate_of(req: &LiveStartRequest, symbol: &str, interval_ms: i64) -> Result<String> {
    use crate::engine::promotion::{Candidate, PromotionError};
    let c = Candidate::new(&req.strategy, &req.params, symbol, &fmt_timeframe(interval_ms))?;
    if let Some(given) = req.candidate.as_ref().filter(|g| **g != c.id) {
        return Err(PromotionError::CandidateMismatch { given: given.clone(), expected: c.id }.into());
    }
    Ok(c.id)
}

/// The feed a session trades from.
fn open_feed(env: &Env, s: &LiveSession) -> Result<Box<dyn Feed>> {
    if LiveSpec::is_live(&s.config.feed) {
        return Ok(Box::new(LiveFeed::open(env.ws, env.rt, &LiveSpec::parse(&s.config.feed)?)?));
    }
    let spec = FeedSpec::parse(&s.config.feed)?;
    let (feed, _) = ReplayFeed::open(env.ws, &spec, None, 0)?;
    Ok(Box::new(feed))
}

/// Run (or resume) a session in this process until it is stopped, its feed ends or it fails.
pub fn run(env: &Env, id: &str) -> Result<LiveSession> {
    let s = session::load(env.ws, id)?;
    if s.status.is_terminal() {
        return Err(LiveError::CannotRunAgain { id: id.into(), status: s.status.name() }.into());
    }
    let feed = open_feed(env, &s)?;
    run_on(env, id, feed)
}

/// [`run`] on a feed given by the caller (tests script their bars).
pub fn run_on(env: &Env, id: &str, feed: Box<dyn Feed>) -> Result<LiveSession> {
    let s = session::load(env.ws, id)?;
    let (strat, _) = strategy::build(&s.config.strategy, &s.config.params)?;
    let parts = runner::Parts { ws: env.ws, rt: env.rt, venues: env.venues, store: env.store };
    runner::run(&parts, id, strat, feed)
}

/// Sessions whose runner died while they were live are marked aborted (with an alert).
pub fn mark_dead(ws: &Workspace) -> Result<Vec<String>> {
    lifecycle::mark_dead(ws, session::all(ws)?)
}

/// The lifecycle's refusal as this kind's error.
fn refused(id: &str, r: lifecycle::Refusal) -> Error {
    use lifecycle::Refusal::*;
    let id = id.to_string();
    match r {
        NotPausable(st) => LiveError::NotPausable { id, status: st.name() },
        NotResumable(st) => LiveError::NotResumable { id, status: st.name() },
        AlreadyEnded(st) => LiveError::AlreadyEnded { id, status: st.name() },
    }
    .into()
}

/// The portfolio across live sessions now (dead runners marked aborted first), written to
/// `live_sessions/portfolio.json`.
pub fn portfolio(ws: &Workspace) -> Result<Portfolio> {
    mark_dead(ws)?;
    let p = portfolio::snapshot(ws, None)?;
    portfolio::write(ws, &p)?;
    Ok(p)
}

/// The portfolio as it stands, read and not written (for a console polling it).
pub fn portfolio_now(ws: &Workspace) -> Result<Portfolio> {
    mark_dead(ws)?;
    portfolio::snapshot(ws, None)
}

pub fn list(ws: &Workspace) -> Result<Vec<LiveSession>> {
    mark_dead(ws)?;
    session::all(ws)
}

pub fn status(ws: &Workspace, id: &str) -> Result<LiveSession> {
    mark_dead(ws)?;
    session::load(ws, id)
}

pub fn pause(ws: &Workspace, id: &str) -> Result<LiveSession> {
    let s = status(ws, id)?;
    lifecycle::pausable(s.status).map_err(|r| refused(id, r))?;
    control::set_in(&session::dir(ws, id), Desired::Paused)?;
    Ok(s)
}

/// Continue a paused session (its corridor must be armed again if the corridor paused it), or
/// an aborted one (which needs a new runner: `true` returned).
pub fn resume(ws: &Workspace, id: &str) -> Result<(LiveSession, bool)> {
    let s = status(ws, id)?;
    let needs_runner = lifecycle::resume_needs_runner(s.status).map_err(|r| refused(id, r))?;
    if let Some(loaded) = policy::load(ws)? {
        // An aborted session goes live again: counted like a start.
        portfolio::admit(ws, &loaded.policy, needs_runner)?;
    }
    let corridor = &s.config.corridor;
    let journal = ex::replay(ws, corridor)?;
    if let Some(m) = global_halt::reason(ws) {
        return Err(LiveError::Halted { corridor: corridor.clone(), why: format!("kill switch: {m}") }.into());
    }
    if let Some(h) = &journal.halt {
        let why = format!("{:?}: {}", h.reason, h.message);
        return Err(LiveError::Halted { corridor: corridor.clone(), why }.into());
    }
    if corridor.venue.is_live() {
        let arm = arm_state::state_of(ws, corridor, &journal, now_ms());
        if arm != ArmState::Armed {
            return Err(LiveError::NotArmed { corridor: corridor.clone(), state: arm.name() }.into());
        }
    }
    // A candidate demoted while the session was paused trades again only once promoted again.
    let loaded = policy::load(ws)?.ok_or_else(|| LiveError::NoPolicy(corridor.clone()))?;
    let cp = loaded.corridor(corridor).ok_or_else(|| LiveError::NoPolicy(corridor.clone()))?;
    let candidate = crate::engine::promotion::candidate::of_live(ws, &s).ok_or_else(|| {
        LiveError::Unknown(format!("{id}: its candidate (strategy, market, timeframe) is unknown"))
    })?;
    promotion_gate(ws, &candidate.id, corridor, cp.stage)?;
    control::set_in(&session::dir(ws, id), Desired::Running)?;
    Ok((s, needs_runner))
}

/// Stop a session: a live runner finishes its bar; an aborted one is marked stopped here. Its
/// intent still waiting for the keypress is left to its TTL, visible in the Corridors tab.
pub fn stop(ws: &Workspace, id: &str) -> Result<LiveSession> {
    let mut s = status(ws, id)?;
    match lifecycle::stop_step(s.status).map_err(|r| refused(id, r))? {
        lifecycle::StopStep::MarkStopped => {
            s.status = session::Status::Stopped;
            s.reason = Some(lifecycle::STOPPED_AFTER_ABORT.into());
            s.save(ws)?;
        }
        lifecycle::StopStep::AskRunner => control::set_in(&session::dir(ws, id), Desired::Stopped)?,
    }
    Ok(s)
}

/// Launch the runner for `id` as a process of its own (`quantlab live run ID`), then wait
/// until it has taken the session.
pub fn spawn_with(ws: &Workspace, id: &str, exe: &std::path::Path) -> Result<LiveSession> {
    spawn_with_env(ws, id, exe, None)
}

/// [`spawn_with`], the runner's environment given `var` too (the demo's loopback credential
/// for its simulator, which the runner reads only for a loopback endpoint). Its value is set
/// on this one child, never in this process's environment, and never logged.
pub fn spawn_with_env(
    ws: &Workspace,
    id: &str,
    exe: &std::path::Path,
    var: Option<(&str, &crate::engine::secrets::Secret)>,
) -> Result<LiveSession> {
    let mut cmd = std::process::Command::new(exe);
    if let Some((name, value)) = var {
        cmd.env(name, value.expose());
    }
    cmd.arg("--workspace")
        .arg(ws.root())
        .args(["live", "run", id])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    cmd.spawn().map_err(|source| LiveError::Spawn { source })?;
    let within = crate::engine::paper::launch::TAKE_WITHIN;
    let deadline = std::time::Instant::now() + within;
    loop {
        let s = session::load(ws, id)?;
        let taken = control::alive_in(&session::dir(ws, id));
        if (taken && s.status != session::Status::Created && s.pid.is_some()) || s.status.is_terminal() {
            return Ok(s);
        }
        if std::time::Instant::now() > deadline {
            return Err(LiveError::NotTaken { id: id.into(), secs: within.as_secs() }.into());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Where a live session's intent came from, read back from the note it was journaled with
/// (`live:<session>@<bar time>: <reason>`): the console shows it beside the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentOrigin {
    pub session: String,
    pub bar_time: String,
    pub reason: String,
}

impl IntentOrigin {
    pub fn of(note: Option<&str>) -> Option<IntentOrigin> {
        let rest = note?.strip_prefix("live:")?;
        let (head, reason) = rest.split_once(": ")?;
        let (session, bar_time) = head.split_once('@')?;
        Some(IntentOrigin { session: session.into(), bar_time: bar_time.into(), reason: reason.into() })
    }

    /// One line for the operator: the session, the bar and why.
    pub fn line(&self) -> String {
        format!("from live session {}, bar {}: {}", self.session, self.bar_time, self.reason)
    }
}

/// The session's position in base units, as last read (unknown until its first bar).
pub fn position(s: &LiveSession) -> Option<Decimal> {
    s.position.as_deref().and_then(|p| p.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_intent_says_where_it_came_from() {
        let note = format!(
            "{}: sma_cross 20/100: target 0 -> 1 at 14:00",
            runner::note_prefix("s1", "2026-01-02T14:00:00Z")
        );
        let o = IntentOrigin::of(Some(&note)).unwrap();
        assert_eq!((o.session.as_str(), o.bar_time.as_str()), ("s1", "2026-01-02T14:00:00Z"));
        assert_eq!(o.reason, "sma_cross 20/100: target 0 -> 1 at 14:00");
        assert_eq!(IntentOrigin::of(Some("hand-made")), None);
        assert_eq!(IntentOrigin::of(None), None);
    }
}
