//! Work the console asks of the engine, done off the UI thread. Each command runs on its own
//! thread and posts exactly one message back; the UI never blocks on I/O.

use std::sync::mpsc::Sender;

use super::app::Msg;
use super::views::*;
use crate::engine::research::artifacts::read_equity;
use crate::engine::research::query::Query;
use crate::engine::research::report::config_pairs;
use crate::engine::research::sweep::rank::score;
use crate::engine::research::RunRequest;
use crate::engine::workspace::Workspace;
use crate::engine::{Engine, Result};

/// Points per chart: plenty for a 200-column terminal.
const CHART_POINTS: usize = 600;
/// Trades kept for the detail view; the rest stay in trades.csv.
const MAX_TRADES: usize = 2_000;

// Not Clone: a SendConfirmed carries the operator's one-time Confirmation.
#[derive(Debug)]
pub enum Cmd {
    LoadRuns,
    LoadSweeps,
    LoadAlerts,
    LoadDetail(String),
    LoadCompare(Vec<String>),
    LoadSweep(String),
    LoadForm,
    StartRun(Box<RunRequest>),
    Ack(Option<String>),
    LoadCorridors,
    /// The kill switch, after its confirm.
    Kill,
    LoadPretrade,
    SavePlan(Box<crate::engine::pretrade::PlanInput>),
    PlanToIntent(String),
    LoadPaper,
    LoadPaperDetail(String),
    LoadPaperForm,
    StartPaper(Box<crate::engine::paper::StartRequest>),
    Paper(PaperOp, String),
    LoadSignals,
    LoadSignalDetail(String),
    /// Research a signal in the background (sweeps, walk-forward, verdict).
    ResearchSignal(String),
    TriageSignal(String),
    LoadCorridorList,
    LoadCorridorDetail(crate::engine::execution::CorridorId),
    Arm(crate::engine::execution::CorridorId),
    Disarm(crate::engine::execution::CorridorId),
    /// Renew an armed corridor's dead-man timer.
    KeepAlive(crate::engine::execution::CorridorId),
    /// Stream an armed live corridor's own orders and fills (a long-lived worker).
    WatchFills(crate::engine::execution::CorridorId),
    /// Approve with the confirm dialog's confirmation, and send.
    SendConfirmed(Box<crate::engine::execution::Confirmation>),
}

/// What the operator asked of a paper session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperOp {
    Pause,
    Resume,
    Stop,
}

impl Cmd {
    /// Shown in the status bar while the job runs.
    pub fn label(&self) -> Option<String> {
        match self {
            Cmd::StartRun(r) => Some(format!("running {} on {}", r.strategy, r.data)),
            Cmd::Kill => Some("kill switch: halting and cancelling".into()),
            Cmd::StartPaper(r) => Some(format!("paper: starting {} on {}", r.strategy, r.feed)),
            Cmd::Paper(op, id) => Some(format!("paper: {op:?} {id}").to_lowercase()),
            Cmd::ResearchSignal(id) => Some(super::screens::signals::state::research_label(id)),
            Cmd::Arm(id) => Some(format!("arming {id}")),
            Cmd::SendConfirmed(c) => Some(format!("sending {}", c.intent_id())),
            _ => None,
        }
    }
}

/// Run `cmd` on a worker thread; the result comes back as a message.
pub fn spawn(cmd: Cmd, ws: Workspace, tx: Sender<Msg>) {
    if let Cmd::WatchFills(id) = cmd {
        return super::fills::watch(id, ws, tx);
    }
    std::thread::spawn(move || {
        let engine = Engine::open(ws);
        let _ = tx.send(Msg::Done(execute_caught(&engine, cmd)));
    });
}

/// [`execute`], with a panic turned into a failed job: the UI must hear back from every job,
/// or its busy marker would spin forever and quitting would keep asking.
pub fn execute_caught(engine: &Engine, cmd: Cmd) -> Result<Loaded> {
    let label = cmd.label();
    let what = format!("{cmd:?}").split(['(', ' ']).next().unwrap_or("job").to_string();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| execute(engine, cmd))).unwrap_or_else(|p| {
        let why = crate::engine::error::panic_message(&*p);
        let message = format!("internal error in {what}: {why} (details in the workspace log)");
        match label {
            Some(label) => Ok(Loaded::JobFailed { label, message }),
            None => Err(crate::engine::Error::runtime(message)),
        }
    })
}

/// Run a command on this thread (tests drive the app this way).
pub fn execute(engine: &Engine, cmd: Cmd) -> Result<Loaded> {
    Ok(match cmd {
        Cmd::LoadRuns => Loaded::Runs(engine.list_runs(&Query::default())?),
        Cmd::LoadSweeps => Loaded::Sweeps(engine.list_sweeps()?),
        Cmd::LoadAlerts => Loaded::Alerts(engine.alerts()?),
        Cmd::LoadDetail(id) => Loaded::Detail(Box::new(detail(engine, &id)?)),
        Cmd::LoadCompare(ids) => Loaded::Compare(Box::new(compare(engine, &ids)?)),
        Cmd::LoadSweep(id) => Loaded::Sweep(Box::new(sweep(engine, &id)?)),
        Cmd::LoadForm => Loaded::Form(Box::new(super::screens::new_run::fields::new_form(
            engine.list_data()?,
            engine.strategies(),
        ))),
        // A failed run is an outcome the UI must tell apart from a failed load.
        Cmd::StartRun(req) => match engine.run(&req) {
            Ok(r) => Loaded::RunDone(Box::new(r)),
            Err(e) => Loaded::RunFailed(e.message),
        },
        Cmd::Ack(id) => Loaded::Acked(engine.ack_alerts(id.as_deref())?),
        Cmd::LoadCorridors => Loaded::Corridors(execution_state(engine)?),
        Cmd::LoadPretrade => Loaded::Pretrade(
            engine.pretrade_plans()?,
            crate::engine::execution::policy::load(engine.workspace()).map_err(|e| e.message),
        ),
        Cmd::SavePlan(input) => {
            let p = engine.pretrade_plan(*input)?;
            Loaded::PlanSaved(p.id.clone(), p.valid())
        }
        Cmd::PlanToIntent(id) => Loaded::IntentDrafted(engine.pretrade_to_intent(&id)?.id),
        Cmd::LoadPaper => Loaded::Paper(engine.paper_sessions()?),
        Cmd::LoadPaperDetail(id) => {
            let detail = engine.paper_detail(&id)?;
            let (ts, eq): (Vec<i64>, Vec<f64>) = detail.equity.iter().copied().unzip();
            let equity = downsample(&ts, &eq, CHART_POINTS);
            Loaded::PaperDetail(Box::new(PaperDetailView { detail, equity, scroll: 0 }))
        }
        Cmd::LoadPaperForm => Loaded::Form(Box::new(super::screens::new_run::fields::new_paper_form(
            engine.list_data()?,
            engine.strategies(),
        ))),
        Cmd::StartPaper(req) => {
            let s = engine.paper_start(&req)?;
            Loaded::PaperChanged(s.id, format!("started ({})", s.status.name()))
        }
        Cmd::Paper(op, id) => {
            let s = match op {
                PaperOp::Pause => engine.paper_pause(&id)?,
                PaperOp::Resume => engine.paper_resume(&id)?,
                PaperOp::Stop => engine.paper_stop(&id)?,
            };
            let what = match op {
                PaperOp::Pause => "pausing after the current bar",
                PaperOp::Resume => "resuming",
                PaperOp::Stop => "stopping",
            };
            Loaded::PaperChanged(s.id, what.into())
        }
        Cmd::LoadSignals => Loaded::Signals(engine.signals_list(None)?, crate::engine::time::now_ms()),
        Cmd::LoadSignalDetail(id) => {
            let record = engine.signal_show(&id)?;
            let research = record.verdict.as_ref().map(research_rows).unwrap_or_default();
            let read_at_ms = crate::engine::time::now_ms();
            Loaded::SignalDetail(Box::new(SignalDetailView { record, research, read_at_ms, scroll: 0 }))
        }
        // A refusal is an outcome the UI reports (and its busy label must clear either way).
        Cmd::ResearchSignal(id) => {
            let label = super::screens::signals::state::research_label(&id);
            let outcome =
                engine.signal_research(&id).map(|v| (v.verdict, v.verdict_id)).map_err(|e| e.message);
            Loaded::SignalResearched { id, label, outcome }
        }
        Cmd::TriageSignal(id) => {
            let row = engine.signals_triage(Some(&id))?.into_iter().next();
            let row = row.ok_or_else(|| crate::engine::Error::not_found(format!("no signal '{id}'")))?;
            Loaded::SignalTriaged(row.signal_id, row.decision)
        }
        Cmd::LoadCorridorList => {
            let mut list = Vec::new();
            for s in engine.corridors()? {
                let st = engine.corridor_state(&s.corridor)?;
                list.push((s, st));
            }
            Loaded::CorridorList(list)
        }
        Cmd::LoadCorridorDetail(id) => {
            Loaded::CorridorDetail(Box::new(engine.corridor_detail(id.venue, &id.account)?))
        }
        Cmd::Arm(id) => Loaded::Armed(Box::new(engine.corridor_arm(id.venue, &id.account)?)),
        Cmd::Disarm(id) => {
            engine.corridor_disarm(id.venue, &id.account, false)?;
            Loaded::Disarmed(id)
        }
        Cmd::KeepAlive(id) => {
            let r = engine.corridor_keep_alive(id.venue, &id.account).map(|_| ()).map_err(|e| e.message);
            Loaded::KeptAlive(id, r)
        }
        // Streams run only under the live console (`spawn`); driven synchronously there is
        // nothing to stream into.
        Cmd::WatchFills(id) => Loaded::Watching(id),
        Cmd::SendConfirmed(c) => {
            let label = format!("sending {}", c.intent_id());
            match engine.corridor_send_confirmed(*c) {
                Ok(r) => Loaded::Sent(Box::new(r)),
                Err(e) => Loaded::SendFailed(label, e.message),
            }
        }
        Cmd::Kill => {
            // The details are in the KILL_SWITCH alerts.
            engine.kill(None, None, "console kill switch")?;
            Loaded::Killed
        }
    })
}

/// What is halted, in a few words for the status bar (the alert carries the details), and what
/// awaits approval; every journal is read once.
fn execution_state(engine: &Engine) -> Result<ExecutionState> {
    let corridors = engine.corridors()?;
    let awaiting_approval = corridors.iter().map(|c| c.awaiting_approval).sum();
    let global = crate::engine::execution::global_halt::reason(engine.workspace()).is_some();
    let halted: Vec<String> =
        corridors.into_iter().filter(|c| c.halted.is_some()).map(|c| c.corridor.to_string()).collect();
    let halted = match halted.len() {
        _ if global => Some("all corridors (kill switch)".into()),
        0 => None,
        1 => Some(halted[0].clone()),
        n => Some(format!("{} and {} more", halted[0], n - 1)),
    };
    Ok(ExecutionState { halted, awaiting_approval })
}

fn detail(engine: &Engine, id: &str) -> Result<RunDetail> {
    let report = engine.show_run(id)?;
    let root = engine.workspace().root();
    let (equity, drawdown) = match &report.artifacts.equity_parquet {
        Some(p) => {
            let e = read_equity(&root.join(p))?;
            (downsample(&e.ts, &e.equity, CHART_POINTS), downsample(&e.ts, &e.drawdown, CHART_POINTS))
        }
        None => (Vec::new(), Vec::new()),
    };
    let (trade_header, trades) = match &report.artifacts.trades_csv {
        Some(p) => {
            let text = std::fs::read_to_string(root.join(p)).unwrap_or_default();
            let mut lines = text.lines();
            let header = lines.next().unwrap_or_default().split(',').map(String::from).collect();
            (header, lines.take(MAX_TRADES).map(|l| l.split(',').map(String::from).collect()).collect())
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut config = config_pairs(&report.config);
    config.push((
        "data".into(),
        format!("{} {} ({} rows)", report.data.symbol, report.data.timeframe, report.data.rows),
    ));
    config.push(("fingerprint".into(), report.data.fingerprint.clone()));
    Ok(RunDetail { report, equity, drawdown, trade_header, trades, config, scroll: 0 })
}

fn compare(engine: &Engine, ids: &[String]) -> Result<CompareView> {
    let cmp = engine.compare_runs(ids)?;
    let mut curves = Vec::new();
    for id in &cmp.runs {
        let r = engine.show_run(id)?;
        if let Some(p) = &r.artifacts.equity_parquet {
            let e = read_equity(&engine.workspace().root().join(p))?;
            let first = e.equity.first().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
            let norm: Vec<f64> = e.equity.iter().map(|x| x / first).collect();
            curves.push((id.clone(), downsample(&e.ts, &norm, CHART_POINTS)));
        }
    }
    Ok(CompareView { cmp, curves })
}

fn sweep(engine: &Engine, id: &str) -> Result<SweepView> {
    let r = engine.show_sweep(id)?;
    let mut ranked: Vec<_> = r.combinations.iter().collect();
    ranked.sort_by_key(|c| c.rank);
    let ranking = ranked
        .iter()
        .map(|c| {
            let p = c.params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
            (c.rank, p, c.objective, c.metrics.total_return, c.metrics.sharpe, c.metrics.trade_count)
        })
        .collect();
    let names: Vec<String> = r.config.grid.iter().map(|(n, _)| n.clone()).collect();
    let vals = |i: usize| r.config.grid.get(i).map(|(_, v)| v.clone()).unwrap_or_default();
    let two = names.len() >= 2;
    let (xs, ys) = if two { (vals(1), vals(0)) } else { (vals(0), vec![0.0]) };
    let cells = ys
        .iter()
        .map(|y| {
            xs.iter()
                .map(|x| {
                    r.combinations
                        .iter()
                        .filter(|c| {
                            if two {
                                c.params[&names[1]] == *x && c.params[&names[0]] == *y
                            } else {
                                c.params[&names[0]] == *x
                            }
                        })
                        .filter_map(|c| {
                            score(&r.config.objective, Some(&c.metrics)).map(|s| (s, c.objective))
                        })
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .and_then(|(_, v)| v)
                })
                .collect()
        })
        .collect();
    Ok(SweepView {
        sweep_id: r.sweep_id.clone(),
        strategy: r.config.strategy.clone(),
        objective: r.config.objective.clone(),
        ranking,
        x_name: if two { names[1].clone() } else { names.first().cloned().unwrap_or_default() },
        y_name: if two { names[0].clone() } else { String::new() },
        xs,
        ys,
        cells,
        scroll: 0,
    })
}
