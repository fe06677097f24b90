//! Work the console asks of the engine, done off the UI thread. Each command is a typed job
//! ([`JobKey`]): at most one per key is in flight ([`Jobs`]), it runs on the worker pool
//! ([`super::pool`]) and posts exactly one [`Done`] back, paired with its key. The UI never
//! blocks on I/O.

mod cmd;
mod flight;
mod key;
mod loaded;

pub use cmd::{Cmd, SessionOp};
pub use flight::{Jobs, Progress};
pub use key::{JobKey, Lane};
pub use loaded::{ExecutionState, LiveGrant, Loaded};

use super::screens;
use crate::engine::research::Query;
use crate::engine::{Engine, Error, Result};

/// A finished job: its key and its result.
#[derive(Debug)]
pub struct Done {
    pub key: JobKey,
    pub result: Result<Loaded>,
}

/// [`execute`], with a panic turned into a failed job: the UI must hear back from every job,
/// or its busy marker would spin forever and quitting would keep asking.
pub fn execute_caught(engine: &Engine, cmd: Cmd) -> Done {
    let key = cmd.key();
    let what = format!("{cmd:?}").split(['(', ' ']).next().unwrap_or("job").to_string();
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(engine, cmd))).unwrap_or_else(|p| {
            let why = crate::engine::error::panic_message(&*p);
            Err(Error::runtime(format!("internal error in {what}: {why} (details in the workspace log)")))
        });
    Done { key, result }
}

/// Run a command on this thread (tests drive the app this way).
pub fn execute(engine: &Engine, cmd: Cmd) -> Done {
    Done { key: cmd.key(), result: run(engine, cmd) }
}

fn run(engine: &Engine, cmd: Cmd) -> Result<Loaded> {
    Ok(match cmd {
        Cmd::LoadRuns => Loaded::Runs(engine.research().list_runs(&Query::default())?),
        Cmd::LoadSweeps => Loaded::Sweeps(engine.research().list_sweeps()?),
        Cmd::LoadAlerts => Loaded::Alerts(engine.alerts()?),
        Cmd::LoadDetail(id) => Loaded::Detail(Box::new(screens::run_detail::load::load(engine, &id)?)),
        Cmd::LoadCompare(ids) => Loaded::Compare(Box::new(screens::compare::load::load(engine, &ids)?)),
        Cmd::LoadSweep(id) => Loaded::Sweep(Box::new(screens::sweep::load::load(engine, &id)?)),
        Cmd::LoadForm => Loaded::Form(Box::new(screens::new_run::fields::new_form(
            engine.data().list()?,
            engine.research().strategies(),
        ))),
        // A failed run is an outcome the UI must tell apart from a failed load.
        Cmd::StartRun(req) => match engine.research().run(&req) {
            Ok(r) => Loaded::RunDone(Box::new(r)),
            Err(e) => Loaded::RunFailed(e.message),
        },
        Cmd::Ack(id) => Loaded::Acked(engine.ack_alerts(id.as_deref())?),
        Cmd::LoadCorridors => {
            Loaded::Corridors(execution_state(engine, &engine.execution().corridor_snapshot()?))
        }
        Cmd::LoadPretrade => Loaded::Pretrade(
            engine.pretrade().plans()?,
            engine.execution().policy_if_written().map_err(|e| e.message),
        ),
        Cmd::ReadVenueFacts(venue, account, symbol) => {
            Loaded::VenueFacts(Box::new(engine.pretrade().venue_facts(venue, &account, &symbol)?))
        }
        Cmd::SavePlan(input) => {
            let p = engine.pretrade().plan(*input)?;
            Loaded::PlanSaved(p.id.clone(), p.valid())
        }
        Cmd::PlanToIntent(id) => Loaded::IntentDrafted(engine.pretrade().to_intent(&id)?.id),
        Cmd::LoadPaper => Loaded::Paper(engine.paper().sessions()?),
        Cmd::LoadPaperDetail(id) => {
            Loaded::PaperDetail(Box::new(screens::paper_session::load::load(engine, &id)?))
        }
        Cmd::LoadPaperForm => Loaded::Form(Box::new(screens::new_run::fields::new_paper_form(
            engine.data().list()?,
            engine.research().strategies(),
        ))),
        Cmd::StartPaper(req) => {
            let s = engine.paper().start(&req)?;
            Loaded::PaperChanged(s.id, format!("started ({})", s.status.name()))
        }
        Cmd::Paper(op, id) => {
            let s = match op {
                SessionOp::Pause => engine.paper().pause(&id)?,
                SessionOp::Resume => engine.paper().resume(&id)?,
                SessionOp::Stop => engine.paper().stop(&id)?,
            };
            let what = match op {
                SessionOp::Pause => "pausing after the current bar",
                SessionOp::Resume => "resuming",
                SessionOp::Stop => "stopping",
            };
            Loaded::PaperChanged(s.id, what.into())
        }
        Cmd::LoadLive => {
            let sessions = engine.live().list()?;
            // A policy that does not load leaves the sessions readable: the portfolio says why.
            Loaded::Live(sessions, Box::new(engine.live().portfolio_now().map_err(|e| e.to_string())))
        }
        // A refusal (a corridor halted or not armed, a session that cannot) is the job's
        // error: the status bar says it, as the CLI's exit 3 does.
        Cmd::Live(op, id) => {
            let s = match op {
                SessionOp::Pause => engine.live().pause(&id)?,
                SessionOp::Resume => engine.live().resume(&id)?,
                SessionOp::Stop => engine.live().stop(&id)?,
            };
            let what = match op {
                SessionOp::Pause => "pausing after the current bar",
                SessionOp::Resume => "resuming",
                SessionOp::Stop => "stopping",
            };
            Loaded::LiveChanged(s.id, what.into())
        }
        Cmd::LoadSignals => Loaded::Signals(engine.signals().list(None)?, crate::engine::time::now_ms()),
        Cmd::LoadSignalDetail(id) => {
            Loaded::SignalDetail(Box::new(screens::signal_detail::load::load(engine, &id)?))
        }
        // A refusal is an outcome the UI reports.
        Cmd::ResearchSignal { id, progress } => {
            let outcome = engine
                .signals()
                .research_tracked(&id, &progress)
                .map(|v| (v.verdict, v.verdict_id))
                .map_err(|e| e.message);
            Loaded::SignalResearched { id, outcome }
        }
        Cmd::TriageSignal(id) => {
            let row = engine.signals().triage(Some(&id))?.into_iter().next();
            let row = row.ok_or_else(|| Error::not_found(format!("no signal '{id}'")))?;
            Loaded::SignalTriaged(row.signal_id, row.decision)
        }
        Cmd::PollCorridors(poll) => {
            let r = engine.execution().corridor_poll(&poll);
            let renewed = r
                .kept_alive
                .into_iter()
                .map(|(id, lease)| Ok(Loaded::KeptAlive(id, lease.map(|_| ()).map_err(|e| e.message))));
            let detail = r.detail.map(|d| d.map(|d| Loaded::CorridorDetail(Box::new(d))));
            let snapshot = match r.snapshot {
                Ok(s) => vec![
                    Ok(Loaded::Corridors(execution_state(engine, &s))),
                    Ok(Loaded::CorridorList(corridor_list(s.corridors))),
                ],
                Err(e) => vec![Err(e)],
            };
            Loaded::CorridorPoll(renewed.chain(detail).chain(snapshot).collect())
        }
        Cmd::LoadCorridorDetail(id) => {
            Loaded::CorridorDetail(Box::new(engine.execution().corridor_detail(id.venue, &id.account)?))
        }
        Cmd::Arm(id) => Loaded::Armed(Box::new(engine.execution().corridor_arm(id.venue, &id.account)?)),
        Cmd::Disarm(id) => {
            engine.execution().corridor_disarm(id.venue, &id.account, false)?;
            Loaded::Disarmed(id)
        }
        // Streams run only under the live console (the pool); driven synchronously there is
        // nothing to stream into.
        Cmd::WatchFills(id) => Loaded::Watching(id),
        Cmd::ReadVenueRuntime => Loaded::VenueRuntime(engine.venue_runtime().started()),
        Cmd::SendConfirmed(c) => match engine.execution().corridor_send_confirmed(*c) {
            Ok(r) => Loaded::Sent(Box::new(r)),
            Err(e) => Loaded::SendFailed(e.message),
        },
        Cmd::LoadPromotion => match engine.promotion().board(None) {
            Ok(b) => Loaded::Promotion(Box::new(b)),
            Err(e) => Loaded::PromotionUnread(e.message),
        },
        // A refusal is an outcome the tab shows, beside the row it concerns.
        Cmd::Promote(c) => {
            let candidate = c.target().candidate.clone();
            match engine.promotion().advance_confirmed(*c) {
                Ok(d) => Loaded::Promoted(Box::new(d)),
                Err(e) => Loaded::PromotionRefused(candidate, e.message),
            }
        }
        Cmd::LoadIncidents => match engine.incidents().list(true) {
            Ok(all) => Loaded::Incidents(all),
            Err(e) => Loaded::IncidentsUnread(e.message),
        },
        Cmd::LoadIncident(id) => Loaded::Incident(Box::new(engine.incidents().show(&id)?)),
        // A refusal is an outcome the incident's view shows.
        Cmd::CloseIncident { id, note } => match engine.incidents().close(&id, &note) {
            Ok(i) => Loaded::IncidentClosed(Box::new(i)),
            Err(e) => Loaded::IncidentNotClosed(id, e.message),
        },
        Cmd::LoadGrantForm(id) => {
            Loaded::GrantSeed(Box::new(screens::corridors::grant::seed::load(engine, &id)))
        }
        Cmd::CheckGrant(t) => {
            let problems = engine.automation().problems(&t);
            Loaded::GrantChecked(t, problems)
        }
        // A refusal is an outcome the tab shows, beside the form it concerns.
        Cmd::MakeGrant(c) => {
            let corridor = c.target().corridor.clone();
            match engine.automation().make(*c) {
                Ok(g) => Loaded::GrantMade(Box::new(g)),
                Err(e) => Loaded::GrantRefused(corridor, e.message),
            }
        }
        Cmd::LoadGrants => Loaded::Grants(engine.automation().grants().map_err(|e| e.message)),
        Cmd::RevokeGrant { id, reason } => match engine.automation().revoke(&id, &reason) {
            Ok(v) => Loaded::GrantRevoked(Box::new(v)),
            Err(e) => Loaded::GrantNotRevoked(id, e.message),
        },
        Cmd::Kill => {
            // The details are in the KILL_SWITCH alerts.
            engine.execution().kill(None, None, "console kill switch")?;
            Loaded::Killed
        }
    })
}

/// What is halted, in a few words for the status bar (the alert carries the details), what
/// awaits approval, and the live grants (read without writing: this runs on every poll).
fn execution_state(engine: &Engine, snap: &crate::engine::CorridorSnapshot) -> ExecutionState {
    let halted = snap.halted();
    let halted = match halted.len() {
        _ if snap.kill_switch.is_some() => Some("all corridors (kill switch)".into()),
        0 => None,
        1 => Some(halted[0].to_string()),
        n => Some(format!("{} and {} more", halted[0], n - 1)),
    };
    let automation = engine.automation().live_now().map(|v| v.iter().map(LiveGrant::of).collect());
    ExecutionState {
        halted,
        awaiting_approval: snap.awaiting_approval(),
        automation: automation.map_err(|e| e.message),
    }
}

/// The Corridors tab's rows: each corridor with its arm state.
fn corridor_list(
    corridors: Vec<crate::engine::CorridorSummary>,
) -> Vec<(crate::engine::CorridorSummary, crate::engine::execution::ArmState)> {
    corridors
        .into_iter()
        .map(|s| {
            let state = s.arm.state;
            (s, state)
        })
        .collect()
}
