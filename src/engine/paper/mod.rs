//! Paper sessions: a strategy on a feed with no capital at risk, run like a real operation.
//! The same strategy code, fills, fees and sizing as backtests (the backtest's own
//! [`crate::engine::backtest::simulate::Stepper`]); an explicit lifecycle; artifacts and a
//! snapshot after every bar; a dead process is found and marked aborted, and resumes without
//! losing or duplicating an order or a fill. docs/runbook-paper.md is the operator's guide.

pub mod error;
inner_modules! {
    commit,
    control,
    feed,
    gaps,
    launch,
    lifecycle,
    live_feed,
    runner,
    session,
    view,
}

use std::collections::BTreeMap;

use crate::engine::backtest::BacktestConfig;
use crate::engine::error::{Error, Result};
use crate::engine::strategy;
use crate::engine::time::now_ms;
use crate::engine::workspace::Workspace;
use control::Desired;
pub use error::PaperError;
pub use feed::{Feed, FeedEvent};
use feed::{FeedSpec, ReplayFeed};
use live_feed::{LiveFeed, LiveSpec};
pub use session::{Session, SessionConfig, Status};
pub use view::{totals, Detail, SessionView, Totals};

/// What `paper start` asks for.
#[derive(Debug, Clone)]
pub struct StartRequest {
    pub strategy: String,
    pub params: BTreeMap<String, String>,
    pub feed: String,
    pub from: Option<String>,
    pub backtest: BacktestConfig,
    pub max_drawdown_pct: Option<f64>,
    pub name: Option<String>,
    pub signal_out: Option<String>,
}

/// Check everything and create the session (status `created`); the runner starts it. A live
/// feed's symbol is looked up at its venue on `rt`, the engine's venue runtime.
pub fn create(
    ws: &Workspace,
    rt: &crate::engine::runtime::VenueRuntime,
    req: &StartRequest,
) -> Result<Session> {
    req.backtest.validate()?;
    let (_, params) = strategy::build(&req.strategy, &req.params)?;
    // (symbol, dataset id, fingerprint): a live feed pins no dataset.
    let (symbol, dataset, fingerprint) = if LiveSpec::is_live(&req.feed) {
        let spec = LiveSpec::parse(&req.feed)?;
        if req.from.is_some() {
            return Err(PaperError::LiveWithStart.into());
        }
        live_feed::check(ws, rt, &spec)?;
        (spec.symbol, None, None)
    } else {
        let spec = FeedSpec::parse(&req.feed)?;
        let (_, data) = ReplayFeed::open(ws, &spec, req.from.as_deref(), 0)?;
        (data.symbol, data.id, Some(data.fingerprint))
    };
    let signal_out = req.signal_out.as_deref().map(signal_path).transpose()?;
    if let Some(m) = req.max_drawdown_pct {
        if !(m > 0.0 && m < 100.0) {
            return Err(PaperError::MaxDrawdown(m).into());
        }
    }
    let id = match &req.name {
        Some(n) => {
            session::check_name(n)?;
            n.clone()
        }
        None => {
            // Two sessions started in the same second get _2, _3, ...: names stay unique.
            let base = session::default_name(&req.strategy, &symbol, now_ms());
            let mut name = base.clone();
            let mut n = 1;
            while session::dir(ws, &name).exists() {
                n += 1;
                name = format!("{base}_{n}");
            }
            name
        }
    };
    if session::dir(ws, &id).exists() {
        return Err(PaperError::NameTaken(id).into());
    }
    let config = SessionConfig {
        strategy: req.strategy.clone(),
        params: params.iter().map(|(k, v)| (k.clone(), v.to_string())).collect(),
        feed: req.feed.clone(),
        from: req.from.clone(),
        backtest: req.backtest.clone(),
        max_drawdown_pct: req.max_drawdown_pct,
        signal_out,
        dataset,
        fingerprint,
    };
    std::fs::create_dir_all(session::dir(ws, &id))
        .map_err(|e| Error::io("create", &session::dir(ws, &id), e))?;
    let mut s = Session::new(id, config, symbol);
    s.save(ws)?;
    Ok(s)
}

/// `--signal-out` as an absolute path (the runner may start in another directory), in a folder
/// that exists, so a typo fails the start rather than the session's first signal.
fn signal_path(p: &str) -> Result<String> {
    let path = std::path::Path::new(p);
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(|source| PaperError::NoCurrentDir { source })?.join(path)
    };
    match abs.parent() {
        Some(dir) if dir.is_dir() => Ok(abs.display().to_string()),
        _ => Err(PaperError::SignalOutFolder(p.into()).into()),
    }
}

/// A session just created whose runner has not taken it yet is being launched, not dead.
/// Run (or resume) a session in this process until it ends, stops or fails. A live feed's
/// venue calls and stream run on `rt`, the engine's venue runtime (a replay never starts it).
pub fn run(ws: &Workspace, rt: &crate::engine::runtime::VenueRuntime, id: &str) -> Result<Session> {
    let s = session::load(ws, id)?;
    if s.status.is_terminal() {
        return Err(PaperError::CannotRunAgain { id: id.into(), status: s.status.name() }.into());
    }
    let (strat, _) = strategy::build(&s.config.strategy, &s.config.params)?;
    let snap = runner::load_snapshot(ws, id, &s.config.backtest);
    let resume_at = snap.last_bar.map_or(0, |b| b + 1);
    if LiveSpec::is_live(&s.config.feed) {
        if resume_at > 0 {
            // Bars seen before the stop are not kept, so the strategy's state could not be
            // rebuilt: a fresh session says plainly that it starts from nothing.
            return Err(PaperError::LiveCannotResume(id.into()).into());
        }
        let feed = LiveFeed::open(ws, rt, &LiveSpec::parse(&s.config.feed)?)?;
        return runner::run(ws, id, strat, Box::new(feed), snap);
    }
    let mut spec = FeedSpec::parse(&s.config.feed)?;
    if let Some(d) = &s.config.dataset {
        spec.data = d.clone();
    }
    let (feed, data) = ReplayFeed::open(ws, &spec, s.config.from.as_deref(), resume_at)?;
    if let Some(fp) = s.config.fingerprint.as_ref().filter(|fp| **fp != data.fingerprint) {
        let (id, was, now) = (id.into(), fp.clone(), data.fingerprint.clone());
        return Err(PaperError::DataChanged { id, data: data.path, was, now }.into());
    }
    runner::run(ws, id, strat, Box::new(feed), snap)
}

/// Sessions whose runner died while they were live are marked aborted (with an alert), never
/// left "running". Returns the ids marked.
pub fn mark_dead(ws: &Workspace) -> Result<Vec<String>> {
    lifecycle::mark_dead(ws, session::all(ws)?)
}

/// The lifecycle's refusal as this kind's error.
fn refused(id: &str, r: lifecycle::Refusal) -> Error {
    use lifecycle::Refusal::*;
    let id = id.to_string();
    match r {
        NotPausable(st) => PaperError::NotPausable { id, status: st.name() },
        NotResumable(st) => PaperError::NotResumable { id, status: st.name() },
        AlreadyEnded(st) => PaperError::AlreadyEnded { id, status: st.name() },
    }
    .into()
}

pub fn list(ws: &Workspace) -> Result<Vec<Session>> {
    mark_dead(ws)?;
    session::all(ws)
}

pub fn status(ws: &Workspace, id: &str) -> Result<Session> {
    mark_dead(ws)?;
    session::load(ws, id)
}

/// Ask a running session to pause.
pub fn pause(ws: &Workspace, id: &str) -> Result<Session> {
    let s = status(ws, id)?;
    lifecycle::pausable(s.status).map_err(|r| refused(id, r))?;
    control::set(ws, id, Desired::Paused)?;
    Ok(s)
}

/// Continue a paused session, or an aborted one (which needs a new runner: `true` returned).
pub fn resume(ws: &Workspace, id: &str) -> Result<(Session, bool)> {
    let s = status(ws, id)?;
    let needs_runner = lifecycle::resume_needs_runner(s.status).map_err(|r| refused(id, r))?;
    control::set(ws, id, Desired::Running)?;
    Ok((s, needs_runner))
}

/// Stop a session: a live runner finishes its bar and writes its artifacts; an aborted one is
/// marked stopped here.
pub fn stop(ws: &Workspace, id: &str) -> Result<Session> {
    let mut s = status(ws, id)?;
    match lifecycle::stop_step(s.status).map_err(|r| refused(id, r))? {
        lifecycle::StopStep::MarkStopped => {
            s.status = Status::Stopped;
            s.reason = Some(lifecycle::STOPPED_AFTER_ABORT.into());
            s.save(ws)?;
        }
        lifecycle::StopStep::AskRunner => control::set(ws, id, Desired::Stopped)?,
    }
    Ok(s)
}
