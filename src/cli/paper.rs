//! `quantlab paper start|list|status|pause|resume|stop`

use serde_json::json;

use super::args::{PaperCmd, PaperStartArgs};
use super::output::Outcome;
use super::research::backtest_config;
use crate::engine::paper::{Session, StartRequest, Status};
use crate::engine::strategy::parse_pairs;
use crate::engine::{Engine, Result};

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

fn start(engine: &Engine, a: &PaperStartArgs) -> Result<Outcome> {
    if a.bt.end.is_some() {
        return Err(crate::engine::paper::PaperError::EndGiven.into());
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
    let s = if a.foreground { engine.paper().start_here(&req)? } else { engine.paper().start(&req)? };
    Ok(finished("paper start", s))
}

/// A session's outcome: exit 0, or 1 when it failed.
fn finished(cmd: &'static str, s: Session) -> Outcome {
    let code = if s.status == Status::Failed { 1 } else { 0 };
    Outcome::ok(cmd, &s, line(&s)).with_exit(code)
}

pub fn dispatch(engine: &Engine, cmd: &PaperCmd) -> (&'static str, Result<Outcome>) {
    let paper = engine.paper();
    match cmd {
        PaperCmd::Start(a) => ("paper start", start(engine, a)),
        PaperCmd::Run { id } => ("paper run", paper.run(id).map(|s| finished("paper run", s))),
        PaperCmd::List => (
            "paper list",
            (|| {
                let all = paper.list()?;
                let mut text: String = all.iter().map(line).collect();
                if all.is_empty() {
                    text.push_str("no paper sessions\n");
                }
                Ok(Outcome::ok("paper list", &json!({ "count": all.len(), "sessions": all }), text))
            })(),
        ),
        PaperCmd::Status { id } => {
            ("paper status", paper.status(id).map(|s| Outcome::ok("paper status", &s, line(&s))))
        }
        PaperCmd::Pause { id } => (
            "paper pause",
            paper.pause(id).map(|s| {
                Outcome::ok("paper pause", &s, format!("{}: pausing after the current bar\n", s.id))
            }),
        ),
        PaperCmd::Resume { id, foreground } => (
            "paper resume",
            if *foreground { paper.resume_here(id) } else { paper.resume(id) }
                .map(|s| finished("paper resume", s)),
        ),
        PaperCmd::Stop { id } => (
            "paper stop",
            paper.stop(id).map(|s| Outcome::ok("paper stop", &s, format!("{}: stopping\n", s.id))),
        ),
    }
}
