//! The session loop: bars from the feed, the strategy following them one bar at a time, the
//! backtest's own [`Stepper`] for fills, fees and sizing, each bar's lines buffered and made
//! durable with a state snapshot (group commit, `commit.rs`), so a resumed session continues
//! from its last durable bar without losing or duplicating an order or a fill.
//!
//! When a commit happens: after every bar of a paced feed (a replay at a finite speed, a live
//! feed), so each bar is durable as it is processed; every [`COMMIT_EVERY_MS`] of a replay as
//! fast as possible (an fsync per bar would cost more than the bar), and at the last bar, on
//! every change of status and before the runner ends.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::commit::Appender;
use super::control::{self, Desired};
use super::feed::{Feed, FeedEvent};
use super::session::{self, Session, Status};
use super::PaperError;
use crate::engine::alerts::{self, codes, Severity};
use crate::engine::backtest::simulate::Stepper;
use crate::engine::error::{Error, Result};
use crate::engine::strategy::follow::{Fault, Follower};
use crate::engine::strategy::{Strategy, Target};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_atomic, write_json, Workspace};

/// Everything needed to continue exactly where the session stopped.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// The last bar fully processed and persisted.
    pub last_bar: Option<usize>,
    pub stepper: Stepper,
    pub peak_equity: f64,
    /// The target in force (after the last bar's decision), for orders and signals.
    pub target: Target,
}

/// `health.json`, rewritten on every save: what a supervisor polls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub schema: String,
    pub schema_version: u32,
    pub heartbeat: String,
    pub status: Status,
    pub last_bar_time: Option<String>,
    /// Wall-clock ms since the last bar arrived.
    pub since_last_bar_ms: Option<i64>,
    /// How far the feed is behind its schedule, ms (0 as fast as possible).
    pub lag_ms: i64,
    pub bars_processed: usize,
}

pub const HEALTH_SCHEMA: &str = "quantlab.paper_health";

/// How long a replay as fast as possible runs between commits: what a crash can make it
/// process again (at most this much work, never a fill counted twice).
pub const COMMIT_EVERY_MS: i64 = 250;

pub fn snapshot_path(ws: &Workspace, id: &str) -> std::path::PathBuf {
    session::dir(ws, id).join("state.json")
}

/// Append one line to `path` (created if missing).
pub fn append(path: &Path, line: &str) -> Result<()> {
    let mut f =
        OpenOptions::new().create(true).append(true).open(path).map_err(|e| Error::io("open", path, e))?;
    f.write_all(line.as_bytes()).and_then(|_| f.write_all(b"\n")).map_err(|e| Error::io("append to", path, e))
}

/// Keep only the lines of `path` for bars up to `last` (lines of later bars were written by a
/// process that died before its snapshot: they will be written again), and its header line
/// when it has one. A last line without its newline was torn by a crash in the middle of a
/// write, and a line that names no bar is not one the runner wrote whole (what a machine's
/// crash can leave after the last fsync): both are dropped. The snapshot's own lines were
/// complete and fsynced before it was written, so nothing of them is lost.
fn truncate_after(
    path: &Path,
    last: Option<usize>,
    header: bool,
    bar_of: impl Fn(&str) -> Option<usize>,
) -> Result<()> {
    let Ok(bytes) = std::fs::read(path) else { return Ok(()) };
    let text = String::from_utf8_lossy(&bytes);
    let complete = text.rfind('\n').map_or("", |i| &text[..=i]);
    let kept: Vec<&str> = complete
        .lines()
        .enumerate()
        .filter(|(i, l)| match bar_of(l) {
            Some(b) => last.is_some_and(|x| b <= x),
            None => header && *i == 0,
        })
        .map(|(_, l)| l)
        .collect();
    let mut body = kept.join("\n");
    if !body.is_empty() {
        body.push('\n');
    }
    if body.len() != bytes.len() {
        write_atomic(path, body.as_bytes())?;
    }
    Ok(())
}

fn json_bar(l: &str) -> Option<usize> {
    serde_json::from_str::<serde_json::Value>(l).ok()?.get("bar")?.as_u64().map(|b| b as usize)
}

fn csv_bar(l: &str) -> Option<usize> {
    l.split(',').next()?.parse().ok()
}

struct Run<'a> {
    ws: &'a Workspace,
    s: Session,
    dir: std::path::PathBuf,
    strategy: Follower,
    feed: Box<dyn Feed>,
    /// The snapshot of the last bar processed; on disk as of the last commit.
    snap: Snapshot,
    /// The lines of bars processed since the last commit are buffered in these.
    orders: Appender,
    fills: Appender,
    equity: Appender,
    signals: Option<Appender>,
    /// Bars processed since the last commit.
    uncommitted: bool,
    last_bar_wall: i64,
    stale_raised: bool,
    last_save: i64,
}

impl Run<'_> {
    fn alert(&self, code: (&str, Severity), message: &str) {
        let source = format!("paper:{}", self.s.id);
        alerts::raise_with_copy(self.ws, code, &source, message, &self.dir.join("alerts.jsonl"));
    }

    fn set_status(&mut self, status: Status, reason: Option<String>) -> Result<()> {
        self.s.status = status;
        if reason.is_some() || matches!(status, Status::Running | Status::Completed) {
            self.s.reason = reason;
        }
        if status.is_terminal() || status == Status::Aborted {
            self.s.ended_at = Some(fmt_ms(now_ms()));
            self.s.pid = None;
        }
        self.save()
    }

    /// Commit, then write session.json and health.json (which then count no bar that is not
    /// durable).
    fn save(&mut self) -> Result<()> {
        self.last_save = now_ms();
        self.commit()?;
        self.s.save(self.ws)?;
        self.health()
    }

    /// Make the bars processed so far durable: their lines flushed and fsynced, then the
    /// snapshot that counts them written (atomically, fsynced). Never the other order: a
    /// snapshot on disk is always covered by the lines on disk.
    fn commit(&mut self) -> Result<()> {
        if !std::mem::take(&mut self.uncommitted) {
            return Ok(());
        }
        self.orders.sync()?;
        self.fills.sync()?;
        self.equity.sync()?;
        if let Some(out) = self.signals.as_mut() {
            out.sync()?;
        }
        write_json(&self.dir.join("state.json"), &self.snap)
    }

    fn health(&self) -> Result<()> {
        let now = now_ms();
        let behind = if self.feed.cadence_ms() > 0 && self.last_bar_wall > 0 {
            (now - self.last_bar_wall - self.feed.cadence_ms()).max(0)
        } else {
            0
        };
        write_json(
            &self.dir.join("health.json"),
            &Health {
                schema: HEALTH_SCHEMA.into(),
                schema_version: crate::engine::contract::CONTRACT_VERSION,
                heartbeat: fmt_ms(now),
                status: self.s.status,
                last_bar_time: self.s.last_bar_time.clone(),
                since_last_bar_ms: (self.last_bar_wall > 0).then(|| now - self.last_bar_wall),
                lag_ms: behind,
                bars_processed: self.s.bars_processed,
            },
        )
    }

    fn bar(&mut self, t: usize, last: bool) -> Result<()> {
        let bars = self.feed.bars();
        let ts = bars.ts[t];
        if t > 0
            && super::gaps::is_hole(bars.ts[t - 1], ts, self.feed.interval_ms(), self.feed.weekend_bars())
        {
            let gap = ts - bars.ts[t - 1];
            let msg = format!("{} bars missing before {}", gap / self.feed.interval_ms() - 1, fmt_ms(ts));
            self.alert(codes::PAPER_DATA_GAP, &msg);
        }
        // The strategy sees exactly the bars known so far, each once; a panic or a wrong
        // answer fails the session rather than trading on garbage.
        let target = match self.strategy.target_at(bars, t) {
            Ok(target) => target,
            Err(Fault::Targets { targets, bars }) => {
                return Err(PaperError::StrategyTargets { targets, bars }.into());
            }
            Err(Fault::Panicked(why)) => {
                return Err(PaperError::StrategyPanicked { bar: t, at: fmt_ms(ts), why }.into());
            }
        };
        let (equity, units) = self.snap.stepper.on_bar(bars, t, target, last);
        let fills = self.snap.stepper.take_fills();
        let clamped = if self.s.config.backtest.allow_short { target.signum() } else { target.max(0) };
        if clamped != self.snap.target {
            let order = serde_json::json!({
                "bar": t, "ts": fmt_ms(ts), "from": self.snap.target, "to": clamped,
                "fill": self.s.config.backtest.fill.as_str(),
            });
            self.orders.line(&order.to_string())?;
            if let Some(out) = self.signals.as_mut() {
                let sig = serde_json::json!({
                    "schema": "quantlab.paper_signal", "schema_version": crate::engine::contract::CONTRACT_VERSION, "session": self.s.id,
                    "symbol": self.s.symbol, "bar_time": fmt_ms(ts), "time": fmt_ms(now_ms()),
                    "from": self.snap.target, "to": clamped, "close": bars.close[t],
                });
                out.line(&sig.to_string())?;
            }
            self.snap.target = clamped;
        }
        for f in &fills {
            let mut v = serde_json::to_value(f).unwrap_or_default();
            v["time"] = serde_json::Value::String(fmt_ms(f.ts));
            self.fills.line(&v.to_string())?;
        }
        self.equity.line(&format!("{t},{},{},{equity},{units}", fmt_ms(ts), bars.close[t]))?;
        self.snap.peak_equity = self.snap.peak_equity.max(equity);
        self.snap.last_bar = Some(t);
        self.uncommitted = true;
        if self.feed.cadence_ms() > 0 {
            // A paced feed: each bar durable as it is processed.
            self.commit()?;
        }
        self.s.bars_processed = t + 1;
        self.s.last_bar_time = Some(fmt_ms(ts));
        self.s.equity = equity;
        self.s.position = units;
        self.s.trades =
            self.snap.stepper.book.trades.len() + usize::from(self.snap.stepper.book.open.is_some());
        self.last_bar_wall = now_ms();
        self.stale_raised = false;
        if let Some(limit) = self.s.config.max_drawdown_pct {
            let dd = if self.snap.peak_equity > 0.0 {
                (1.0 - equity / self.snap.peak_equity) * 100.0
            } else {
                0.0
            };
            if dd > limit {
                let why = format!(
                    "drawdown {dd:.2}% passed the limit {limit}%: paused; review, then resume or stop"
                );
                self.alert(codes::PAPER_DRAWDOWN_LIMIT, &why);
                control::set(self.ws, &self.s.id, Desired::Paused)?;
                return self.set_status(Status::Paused, Some(why));
            }
        }
        if now_ms() - self.last_save >= COMMIT_EVERY_MS || last {
            self.save()?;
        }
        Ok(())
    }
}

/// Run (or resume) session `id` in this process until it completes, stops or fails.
pub fn run(
    ws: &Workspace,
    id: &str,
    strategy: Box<dyn Strategy>,
    feed: Box<dyn Feed>,
    snap: Snapshot,
) -> Result<Session> {
    let _lock = control::hold(ws, id)?;
    let signals = Signals::watch();
    let dir = session::dir(ws, id);
    let mut s = session::load(ws, id)?;
    for (file, json) in [("orders.jsonl", true), ("fills.jsonl", true), ("equity.csv", false)] {
        let p = dir.join(file);
        if json {
            truncate_after(&p, snap.last_bar, false, json_bar)?;
        } else {
            truncate_after(&p, snap.last_bar, true, csv_bar)?;
        }
    }
    if std::fs::metadata(dir.join("equity.csv")).map_or(true, |m| m.len() == 0) {
        std::fs::write(dir.join("equity.csv"), "bar,time,close,equity,position\n")
            .map_err(|e| Error::io("write", &dir, e))?;
    }
    s.pid = Some(std::process::id());
    s.started_at.get_or_insert_with(|| fmt_ms(now_ms()));
    s.ended_at = None;
    let (orders, fills, equity) =
        (Appender::new(dir.join("orders.jsonl")), Appender::new(dir.join("fills.jsonl")), Appender::new(dir.join("equity.csv")));
    let signal_out = s.config.signal_out.as_ref().map(Appender::new);
    let mut r = Run {
        ws,
        s,
        dir,
        strategy: Follower::new(strategy),
        feed,
        snap,
        orders,
        fills,
        equity,
        signals: signal_out,
        uncommitted: false,
        last_bar_wall: 0,
        stale_raised: false,
        last_save: 0,
    };
    r.snap.stepper.record_fills();
    if control::get(ws, id) == Desired::Paused {
        r.set_status(Status::Paused, r.s.reason.clone())?;
    } else {
        r.set_status(Status::Running, None)?;
    }
    loop {
        if let Some(sig) = signals.received() {
            // A service manager's stop, or Ctrl-C on a foreground session: an orderly stop
            // with the artifacts complete, never an abort.
            r.set_status(Status::Stopping, None)?;
            return finish(r, Status::Stopped, Some(format!("stopped by {sig}")));
        }
        match control::get(ws, id) {
            Desired::Stopped => {
                r.set_status(Status::Stopping, None)?;
                return finish(r, Status::Stopped, Some("stopped by the operator".into()));
            }
            Desired::Paused => {
                if r.s.status != Status::Paused {
                    r.set_status(Status::Paused, Some("paused by the operator".into()))?;
                }
                r.health()?;
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
            Desired::Running if r.s.status == Status::Paused => r.set_status(Status::Running, None)?,
            Desired::Running => {}
        }
        let now = now_ms();
        match r.feed.poll(now)? {
            FeedEvent::Bar { index, last } => {
                if let Err(e) = r.bar(index, last) {
                    let code = if e.domain::<PaperError>().is_some_and(PaperError::is_strategy) {
                        codes::PAPER_STRATEGY_ERROR
                    } else {
                        codes::PAPER_SESSION_FAILED
                    };
                    r.alert(code, &e.message);
                    if code == codes::PAPER_STRATEGY_ERROR {
                        r.alert(codes::PAPER_SESSION_FAILED, &format!("session failed: {}", e.message));
                    }
                    return finish(r, Status::Failed, Some(e.message));
                }
            }
            FeedEvent::Idle => {
                let cadence = r.feed.cadence_ms();
                if cadence > 0
                    && r.last_bar_wall > 0
                    && now - r.last_bar_wall > 2 * cadence
                    && !r.stale_raised
                {
                    r.stale_raised = true;
                    r.alert(
                        codes::PAPER_STALE_FEED,
                        &format!("no bar for {} ms (expected every {cadence} ms)", now - r.last_bar_wall),
                    );
                }
                if now - r.last_save >= 1000 {
                    r.save()?;
                }
                std::thread::sleep(Duration::from_millis((cadence / 4).clamp(1, 50) as u64));
            }
            FeedEvent::End => return finish(r, Status::Completed, None),
        }
    }
}

/// SIGTERM and SIGINT turned into flags for as long as a runner runs (then the process's own
/// handling returns: the console or demo that ran a session in-process is not changed).
pub struct Signals {
    flags: Vec<(&'static str, std::sync::Arc<std::sync::atomic::AtomicBool>, Option<signal_hook::SigId>)>,
}

impl Signals {
    pub fn watch() -> Signals {
        let mut flags = Vec::new();
        for (name, sig) in
            [("SIGTERM", signal_hook::consts::SIGTERM), ("SIGINT", signal_hook::consts::SIGINT)]
        {
            let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let id = signal_hook::flag::register(sig, std::sync::Arc::clone(&flag)).ok();
            flags.push((name, flag, id));
        }
        Signals { flags }
    }

    pub fn received(&self) -> Option<&'static str> {
        self.flags.iter().find(|(_, f, _)| f.load(std::sync::atomic::Ordering::Relaxed)).map(|(n, _, _)| *n)
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        for (_, _, id) in self.flags.drain(..) {
            if let Some(id) = id {
                signal_hook::low_level::unregister(id);
            }
        }
    }
}

fn finish(mut r: Run, status: Status, reason: Option<String>) -> Result<Session> {
    if let Some(last) = r.snap.last_bar {
        let trades = r.snap.stepper.trades_marked(r.feed.bars(), last);
        let csv = crate::engine::research::artifacts::trades_csv(&trades);
        write_atomic(&r.dir.join("trades.csv"), csv.as_bytes())?;
    }
    r.set_status(status, reason)?;
    control::clear(r.ws, &r.s.id);
    Ok(r.s)
}

/// The snapshot to resume from, or a fresh one.
pub fn load_snapshot(ws: &Workspace, id: &str, cfg: &crate::engine::backtest::BacktestConfig) -> Snapshot {
    read_json(&snapshot_path(ws, id)).unwrap_or_else(|_| Snapshot {
        last_bar: None,
        stepper: Stepper::new(cfg),
        peak_equity: cfg.cash,
        target: 0,
    })
}
