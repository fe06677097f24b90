//! The scripting client of the engine: parse, dispatch, print, exit code.

mod alerts;
mod args;
mod audit;
mod corridor;
mod data;
mod demo;
mod error;
mod execution;
mod grants;
mod incidents;
mod live;
mod logging;
mod notify;
mod output;
mod paper;
mod pretrade;
mod promotion;
mod read;
mod request;
mod research;
mod signals;
mod sweep;
mod venues;

use std::io::IsTerminal;

use clap::Parser;

pub use args::Cli;
use args::Command;
use output::{print, print_error, Outcome};
pub use request::{prepare as prepare_request, Prepared as PreparedRequest};

use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::workspace::Workspace;
use crate::engine::{Engine, Result};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const GIT_COMMIT: &str = env!("QUANTLAB_GIT_COMMIT");

/// Parse the process arguments, run, and return the exit code.
pub fn main() -> i32 {
    let args: Vec<String> = std::env::args().collect();
    let as_json = args.iter().any(|a| a == "--json");
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            // --help and friends: not an error.
            let _ = e.print();
            return 0;
        }
        Err(e) => {
            let err = request::usage_error(&e);
            if as_json {
                print_error("usage", &err, true);
            } else {
                let _ = e.print();
            }
            return signal(signal_file_arg(&args).as_deref(), &output::error_doc("usage", &err), 2);
        }
    };
    if let Some(source) = &cli.json_request {
        let (code, doc) = request::handle(source, cli.workspace.as_deref(), cli.verbose);
        output::out_json(&doc);
        return signal(cli.signal_file.as_deref(), &doc, code);
    }
    // A signal file that cannot be written is found before the command runs, so no command
    // reports success on stdout and then fails on its signal file.
    if let Some(why) = cli.signal_file.as_deref().and_then(signal_unwritable) {
        let err = crate::engine::Error::from(error::CliError::SignalFileUnwritable(why))
            .with_field("--signal-file");
        // On stderr always (a supervisor's log), and as the --json document on stdout.
        output::err(&format!("error: {}\n", err.message));
        if as_json {
            output::out_json(&output::error_doc("signal-file", &err));
        }
        return 1;
    }
    let (code, doc) = execute(&cli, true);
    signal(cli.signal_file.as_deref(), &doc, code)
}

/// Why the signal file at `p` cannot be written, when that is plain before writing: it is a
/// directory, or its folder is missing or not a folder.
fn signal_unwritable(p: &std::path::Path) -> Option<String> {
    if p.is_dir() {
        return Some(format!("{} is a directory", p.display()));
    }
    match p.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) if !d.is_dir() => Some(format!("its folder {} is missing or not a folder", d.display())),
        _ => None,
    }
}

/// Run a parsed command line; print it when `print_out`. Returns the exit code and the JSON
/// document (the --json output) for signal files and JSON requests.
pub(crate) fn execute(cli: &Cli, print_out: bool) -> (i32, serde_json::Value) {
    let ws = match (&cli.command, cli.workspace.as_deref()) {
        // The demo gets a workspace of its own unless told otherwise: it must not mix its runs
        // into the operator's research.
        (Some(Command::Demo { .. }), None)
            if std::env::var_os(crate::engine::workspace::WORKSPACE_ENV).is_none() =>
        {
            Workspace::at("outputs/demo")
        }
        _ => Workspace::resolve(cli.workspace.as_deref()),
    };
    // The console owns the screen: its logs go to files only, whatever -v says.
    let console =
        matches!(cli.command, None | Some(Command::Console) | Some(Command::Demo { no_console: false, .. }));
    // `demo --reset` removes the demo's workspace before anything (its log) is opened in it.
    let reset = demo::reset_first(&ws, cli);
    let _log = logging::init(&ws, if console { 0 } else { cli.verbose });
    // The demo's engine gives its loopback simulator's accounts the demo's credentials and key.
    let engine = match cli.command {
        Some(Command::Demo { .. }) => Engine::for_demo(ws),
        _ => Engine::open(ws),
    };
    let (name, result) = match reset {
        Some(removed) => ("demo", removed.and_then(|removed| demo::demo(&engine, cli, Some(removed)))),
        None => dispatch(&engine, cli),
    };
    match result {
        Ok(o) => {
            if print_out {
                print(&o, cli.json);
            }
            (o.exit_code, o.doc())
        }
        Err(e) => {
            tracing::warn!(command = name, code = e.kind.code(), "{}", e.message);
            if print_out {
                print_error(name, &e, cli.json);
            }
            (e.kind.exit_code(), output::error_doc(name, &e))
        }
    }
}

/// `--signal-file` even when the command line itself did not parse.
fn signal_file_arg(args: &[String]) -> Option<std::path::PathBuf> {
    let i = args.iter().position(|a| a == "--signal-file")?;
    args.get(i + 1).map(std::path::PathBuf::from)
}

/// Write the final status document atomically, so a supervisor can wait on the file, and
/// return the exit code: a signal file that cannot be written turns a success into exit 1 (the
/// supervisor waiting on it would otherwise wait forever); a failure keeps its own code.
fn signal(path: Option<&std::path::Path>, doc: &serde_json::Value, code: i32) -> i32 {
    let Some(p) = path else { return code };
    let written = if p.is_dir() {
        Err(format!("{} is a directory", p.display()))
    } else {
        crate::engine::workspace::write_json(p, doc).map_err(|e| e.to_string())
    };
    match written {
        Ok(()) => code,
        Err(e) => {
            output::err(&format!("error: cannot write the signal file: {e}\n"));
            if code == 0 {
                1
            } else {
                code
            }
        }
    }
}

fn dispatch(engine: &Engine, cli: &Cli) -> (&'static str, Result<Outcome>) {
    if cli.version || matches!(cli.command, Some(Command::Version)) {
        return ("version", Ok(version()));
    }
    if cli.check || matches!(cli.command, Some(Command::Check)) {
        return ("check", Ok(check(engine)));
    }
    match &cli.command {
        Some(Command::Data(cmd)) => data::dispatch(engine, cmd),
        Some(Command::Strategies) => ("strategies", Ok(research::strategies(engine))),
        Some(Command::Run(a)) => ("run", research::run(engine, a)),
        Some(Command::Runs(cmd)) => research::dispatch_runs(engine, cmd),
        Some(Command::Sweep(cmd)) => sweep::dispatch(engine, cmd),
        Some(Command::Sweeps(cmd)) => sweep::dispatch_sweeps(engine, cmd),
        Some(Command::Walkforward(a)) => ("walkforward", sweep::walkforward(engine, a)),
        Some(Command::Portfolio(a)) => ("portfolio", research::portfolio(engine, a)),
        Some(Command::Alerts(cmd)) => alerts::dispatch(engine, cmd),
        Some(Command::Policy(cmd)) => execution::policy(engine, cmd),
        Some(Command::Corridors) => ("corridors", execution::corridors(engine)),
        Some(Command::Intent(cmd)) => execution::intent(engine, cmd),
        Some(Command::Preflight { intent }) => ("preflight", execution::preflight(engine, intent)),
        Some(Command::Submit { intent, dry_run }) => ("submit", execution::submit(engine, intent, *dry_run)),
        Some(Command::Journal(cmd)) => execution::journal(engine, cmd),
        Some(Command::Audit(cmd)) => audit::dispatch(engine, cmd),
        Some(Command::Kill { venue, account, reason }) => {
            ("kill", execution::kill(engine, venue, account, reason))
        }
        Some(Command::Rearm { venue, account }) => ("rearm", execution::rearm(engine, venue, account)),
        Some(Command::Reconcile { venue, account }) => {
            ("reconcile", execution::reconcile(engine, venue, account))
        }
        Some(Command::Secrets(cmd)) => execution::secrets(engine, cmd),
        Some(Command::Promote(cmd)) => execution::promote(engine, cmd),
        Some(Command::Incidents(cmd)) => incidents::dispatch(engine, cmd),
        Some(Command::Grants(cmd)) => grants::dispatch(engine, cmd),
        Some(Command::Pretrade(cmd)) => pretrade::dispatch(engine, cmd),
        Some(Command::Paper(cmd)) => paper::dispatch(engine, cmd),
        Some(Command::Live(cmd)) => live::dispatch(engine, cmd),
        Some(Command::Sim(a)) => venues::sim(engine, a, cli.json),
        Some(Command::Doctor(a)) => ("doctor", venues::doctor(engine, a)),
        Some(Command::Order(cmd)) => venues::order(engine, cmd),
        Some(Command::Corridor(cmd)) => corridor::dispatch(engine, cmd),
        Some(Command::Signals(cmd)) => signals::dispatch(engine, cmd),
        Some(Command::Notify(cmd)) => notify::dispatch(engine, cmd),
        Some(Command::Report { id, out, .. }) => (
            "report",
            (|| {
                let path = engine.research().html_report(id, out.as_deref())?;
                let text = format!("wrote {}\n", path.display());
                Ok(Outcome::ok("report", &serde_json::json!({ "path": path }), text))
            })(),
        ),
        Some(Command::Check | Command::Version) => unreachable!("handled above"),
        Some(Command::Console) | None => ("console", console(engine, cli)),
        Some(Command::Demo { .. }) => ("demo", demo::demo(engine, cli, None)),
    }
}

pub(crate) fn is_terminal() -> bool {
    std::io::stdout().is_terminal() && std::io::stdin().is_terminal()
}

/// The console needs a terminal; scripts are pointed at the subcommands.
fn console(engine: &Engine, cli: &Cli) -> Result<Outcome> {
    if !is_terminal() || cli.json {
        // Listed from the command tree itself, so a new subcommand is never missing here.
        let cmd = <args::Cli as clap::CommandFactory>::command();
        let commands =
            cmd.get_subcommands().filter(|c| !c.is_hide_set()).map(|c| c.get_name().to_string()).collect();
        return Err(error::CliError::ConsoleNeedsTerminal { commands }.into());
    }
    crate::tui::run(engine, &crate::tui::Options { theme: cli.theme.clone(), keymap: None })?;
    Ok(Outcome::ok("console", &serde_json::json!({}), String::new()))
}

fn version() -> Outcome {
    let v = serde_json::json!({
        "name": "quantlab",
        "version": VERSION,
        "git_commit": GIT_COMMIT,
        "contract_version": CONTRACT_VERSION,
    });
    Outcome::ok(
        "version",
        &v,
        format!("quantlab {VERSION} (commit {GIT_COMMIT}, artifact contract v{CONTRACT_VERSION})"),
    )
}

fn check(engine: &Engine) -> Outcome {
    let lines = engine.check();
    let all_ok = lines.iter().all(|l| l.ok);
    let mut text = String::new();
    for l in &lines {
        text.push_str(&format!("{:<4} {:<9} {}\n", if l.ok { "ok" } else { "FAIL" }, l.name, l.detail));
        if let Some(h) = &l.hint {
            text.push_str(&format!("               fix: {h}\n"));
        }
    }
    let doc = serde_json::json!({
        "schema": crate::engine::contract::CHECK_SCHEMA,
        "schema_version": CONTRACT_VERSION,
        "ok": all_ok,
        "checks": lines,
    });
    Outcome::ok("check", &doc, text).with_exit(if all_ok { 0 } else { 1 })
}
