//! `quantlab demo`: build (or find, or `--reset` and rebuild) the demo workspace, start its
//! live part (the loopback simulator, its corridors, a live session once kraken/main is armed)
//! unless `--no-live`, open the console, and stop the live part when the console closes.

use super::args::{Cli, Command};
use super::output::Outcome;
use crate::engine::workspace::Workspace;
use crate::engine::{Engine, Result};

struct Flags {
    no_console: bool,
    no_live: bool,
}

fn flags(cli: &Cli) -> Flags {
    match &cli.command {
        Some(Command::Demo { no_console, no_live, .. }) => {
            Flags { no_console: *no_console, no_live: *no_live }
        }
        _ => Flags { no_console: true, no_live: true },
    }
}

/// Is the workspace the demo's default (`outputs/demo`, neither `--workspace` nor the
/// environment chose it)?
fn default_workspace(cli: &Cli) -> bool {
    cli.workspace.is_none() && std::env::var_os(crate::engine::workspace::WORKSPACE_ENV).is_none()
}

/// `demo --reset`: remove the workspace first (whether anything was removed); `None` for any
/// other command line.
pub(super) fn reset_first(ws: &Workspace, cli: &Cli) -> Option<Result<bool>> {
    match &cli.command {
        Some(Command::Demo { reset: true, .. }) => {
            Some(crate::engine::demo::reset(ws, default_workspace(cli)))
        }
        _ => None,
    }
}

pub(super) fn demo(engine: &Engine, cli: &Cli, removed: Option<bool>) -> Result<Outcome> {
    let f = flags(cli);
    let (mut m, existed) = crate::engine::demo::ensure(engine)?;
    let root = engine.workspace().root().display().to_string();
    let reset_note = match removed {
        Some(true) => " (reset: removed and built again)",
        Some(false) => " (reset: nothing to remove)",
        None => "",
    };
    if !f.no_console && super::is_terminal() && !cli.json {
        let (running, live) = if f.no_live {
            (None, "live part off (--no-live)".to_string())
        } else {
            match crate::engine::demo::start_live(engine, &mut m) {
                Ok(r) => {
                    let note = format!("live part on: simulator at {}", r.url());
                    (Some(r), note)
                }
                Err(e) => {
                    // Said where the operator looks: the status bar and the Alerts tab.
                    let why = format!("the demo's live part is off: {}", e.message);
                    let code = crate::engine::alerts::codes::DEMO_LIVE_OFF;
                    let _ = crate::engine::alerts::raise(engine.workspace(), code, "demo", &why);
                    (None, why)
                }
            }
        };
        let shown = crate::tui::run(engine, &crate::tui::Options { theme: cli.theme.clone(), keymap: None });
        // The session and the simulator end with the console, however it ended.
        let stopped = running.map(|r| r.stop());
        shown?;
        if let Some(Err(e)) = stopped {
            tracing::warn!("the demo's simulator stopped with an error: {}", e.message);
        }
        let text = format!("demo workspace {root}{reset_note}: {live}; stopped with the console\n");
        let doc = serde_json::json!({ "workspace": root, "existing": existed, "live": live, "manifest": m });
        return Ok(Outcome::ok("demo", &doc, text));
    }
    let text = format!(
        "demo workspace {} {}{reset_note}: {} datasets, {} runs, sweep {}, walk-forward {}, portfolio {}, paper session {}\nopen it with: quantlab --workspace {} console\n",
        root,
        if existed { "(already built)" } else { "built" },
        m.datasets.len(),
        m.runs.len(),
        m.sweep,
        m.walkforward,
        m.portfolio,
        m.paper.as_deref().unwrap_or("-"),
        root
    );
    let mut doc =
        serde_json::json!({ "workspace": engine.workspace().root(), "existing": existed, "manifest": m });
    if let Some(r) = removed {
        doc["reset"] = serde_json::json!({ "removed": r });
    }
    Ok(Outcome::ok("demo", &doc, text))
}
