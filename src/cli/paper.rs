//! `quantlab paper start|list|status|pause|resume|stop`

use std::time::{Duration, Instant};

use serde_json::json;

use super::args::{PaperCmd, PaperStartArgs};
use super::output::Outcome;
use super::research::backtest_config;
use crate::engine::paper::{self, Session, StartRequest, Status};
use crate::engine::strategy::params::parse_pairs;
use crate::engine::{Engine, Error, Result};

fn line(s: &Session) -> String {
    format!(
        "{}  {:<9} {} {}  equity {:.2}  position {}  trades {}  bars {}  last bar {}{}\n",
        s.id,
        s.status.name(),
        s.config.strategy,
        s.symbol,
        s.equity,
        s.position,
        s.trades,
        s.bars_processed,
        s.last_bar_time.as_deref().unwrap_or("-"),
        s.reason.as_deref().map(|r| format!("\n    {r}")).unwrap_or_default()
    )
}

/// Launch the runner for `id` as a background process of its own (its own process group, so
/// the terminal's Ctrl-C does not reach it), then wait for it to take the session.
fn spawn(engine: &Engine, id: &str) -> Result<Session> {
    let exe =
        std::env::current_exe().map_err(|e| Error::runtime(format!("cannot find this program: {e}")))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--workspace")
        .arg(engine.workspace().root())
        .args(["paper", "run", id])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    cmd.spawn().map_err(|e| Error::runtime(format!("cannot start the session runner: {e}")))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let s = paper::session::load(engine.workspace(), id)?;
        let taken = paper::control::alive(engine.workspace(), id);
        if (taken && s.status != Status::Created && s.pid.is_some()) || s.status.is_terminal() {
            return Ok(s);
        }
        if Instant::now() > deadline {
            return Err(Error::runtime(format!(
                "the runner for {id} did not start within 10 s; see the workspace logs, then `quantlab paper resume {id}`"
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn start(engine: &Engine, a: &PaperStartArgs) -> Result<Outcome> {
    if a.bt.end.is_some() {
        return Err(Error::bad_input("--end: a paper session runs until its feed ends or it is stopped"));
    }
    let req = StartRequest {
        strategy: a.strategy.clone(),
        params: parse_pairs(&a.params)?,
        feed: a.feed.clone(),
        from: a.bt.start.clone(),
        backtest: backtest_config(engine, &a.bt)?,
        max_drawdown_pct: a.max_drawdown,
        name: a.name.clone(),
        signal_out: a.signal_out.clone(),
    };
    paper::mark_dead(engine.workspace())?;
    let s = paper::create(engine.workspace(), &req)?;
    let s = if a.foreground { paper::run(engine.workspace(), &s.id)? } else { spawn(engine, &s.id)? };
    Ok(finished("paper start", s))
}

/// A session's outcome: exit 0, or 1 when it failed.
fn finished(cmd: &'static str, s: Session) -> Outcome {
    let code = if s.status == Status::Failed { 1 } else { 0 };
    Outcome::ok(cmd, &s, line(&s)).with_exit(code)
}

pub fn dispatch(engine: &Engine, cmd: &PaperCmd) -> (&'static str, Result<Outcome>) {
    let ws = engine.workspace();
    match cmd {
        PaperCmd::Start(a) => ("paper start", start(engine, a)),
        PaperCmd::Run { id } => ("paper run", paper::run(ws, id).map(|s| finished("paper run", s))),
        PaperCmd::List => (
            "paper list",
            (|| {
                let all = paper::list(ws)?;
                let mut text: String = all.iter().map(line).collect();
                if all.is_empty() {
                    text.push_str("no paper sessions\n");
                }
                Ok(Outcome::ok("paper list", &json!({ "count": all.len(), "sessions": all }), text))
            })(),
        ),
        PaperCmd::Status { id } => {
            ("paper status", paper::status(ws, id).map(|s| Outcome::ok("paper status", &s, line(&s))))
        }
        PaperCmd::Pause { id } => (
            "paper pause",
            paper::pause(ws, id).map(|s| {
                Outcome::ok("paper pause", &s, format!("{}: pausing after the current bar\n", s.id))
            }),
        ),
        PaperCmd::Resume { id, foreground } => (
            "paper resume",
            (|| {
                let (s, needs_runner) = paper::resume(ws, id)?;
                let s = match (needs_runner, foreground) {
                    (false, _) => s,
                    (true, true) => paper::run(ws, id)?,
                    (true, false) => spawn(engine, id)?,
                };
                Ok(finished("paper resume", s))
            })(),
        ),
        PaperCmd::Stop { id } => (
            "paper stop",
            paper::stop(ws, id).map(|s| Outcome::ok("paper stop", &s, format!("{}: stopping\n", s.id))),
        ),
    }
}
