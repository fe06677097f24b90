//! Workspace-level execution operations, shared by the CLI and the console: which corridors
//! exist, opening one with its adapter, finding intents, and the kill switch and rearm across
//! corridors. Synchronous on the outside; venue calls run on the engine's venue runtime.

use std::sync::Arc;

use serde::Serialize;

use super::adapter_factory::AdapterFactory;
use super::broker::BrokerAdapter;
use super::corridor::Corridor;
use super::error::ExecutionError;
use super::journal::{self, Verification};
use super::model::{CorridorId, Event, Venue};
use super::state::{CorridorState, IntentRecord};
use super::{global_halt, paths, policy};
use crate::engine::alerts::{self, codes};
use crate::engine::error::{Error, Result};
use crate::engine::runtime::VenueRuntime;
use crate::engine::secrets::CredentialStore;
use crate::engine::workspace::Workspace;

/// The adapter for a corridor, from `venues` (the engine's [`AdapterFactory`]). The fake venue
/// keeps its state in the workspace; a live venue needs its credential first (a missing one
/// raises SECRET_MISSING).
pub fn adapter_for(
    ws: &Workspace,
    venues: &dyn AdapterFactory,
    id: &CorridorId,
    store: &dyn CredentialStore,
) -> Result<Arc<dyn BrokerAdapter>> {
    Ok(venues.connect(ws, id, store)?.adapter)
}

pub fn open_corridor(
    ws: &Workspace,
    venues: &Arc<dyn AdapterFactory>,
    id: &CorridorId,
    store: &dyn CredentialStore,
) -> Result<Corridor> {
    let c = venues.connect(ws, id, store)?;
    Ok(Corridor::open(ws, id, c.adapter)?
        .with_credential_source(c.credential_source)
        .with_venues(venues.clone()))
}

/// Every corridor the workspace knows: those in the policy and those with a journal.
pub fn corridors(ws: &Workspace) -> Result<Vec<CorridorId>> {
    let mut out: Vec<CorridorId> =
        policy::load(ws)?.map(|p| p.policy.corridors.iter().map(|c| c.id()).collect()).unwrap_or_default();
    for v in Venue::ALL {
        let dir = paths::corridors(ws).join(v.name());
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        for e in rd.filter_map(|e| e.ok()) {
            // A head record without its journal is a corridor too: `journal verify` reports it.
            let journal = e.path().join("journal.jsonl");
            if journal.exists() || super::journal_head::path(&journal).exists() {
                if let Ok(id) = CorridorId::new(v, &e.file_name().to_string_lossy()) {
                    out.push(id);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The corridors a `--venue`/`--account` scope selects (all when both are absent).
pub fn select(ws: &Workspace, venue: Option<Venue>, account: Option<&str>) -> Result<Vec<CorridorId>> {
    if let (Some(v), Some(a)) = (venue, account) {
        return Ok(vec![CorridorId::new(v, a)?]);
    }
    if venue.is_none() && account.is_some() {
        return Err(ExecutionError::AccountNeedsVenue.into());
    }
    Ok(corridors(ws)?.into_iter().filter(|c| venue.is_none_or(|v| c.venue == v)).collect())
}

/// A corridor's state from its journal alone, without a venue.
pub fn replay(ws: &Workspace, id: &CorridorId) -> Result<CorridorState> {
    Ok(CorridorState::replay(&journal::read(&paths::journal(ws, id))?))
}

/// One intent row for lists.
#[derive(Debug, Clone, Serialize)]
pub struct IntentRow {
    pub corridor: CorridorId,
    #[serde(flatten)]
    pub record: IntentRecord,
    pub expired: bool,
}

pub fn list_intents(ws: &Workspace, scope: &[CorridorId]) -> Result<Vec<IntentRow>> {
    let now = crate::engine::time::now_ms();
    let mut rows = Vec::new();
    for id in scope {
        if !paths::journal(ws, id).exists() {
            continue;
        }
        for r in replay(ws, id)?.intents.into_values() {
            rows.push(IntentRow {
                corridor: id.clone(),
                expired: !r.status.is_final() && !r.status.at_venue() && r.intent.expires_ms <= now,
                record: r,
            });
        }
    }
    rows.sort_by(|a, b| b.record.intent.id.cmp(&a.record.intent.id));
    Ok(rows)
}

/// Find an intent in any corridor.
pub fn find_intent(ws: &Workspace, intent_id: &str) -> Result<IntentRow> {
    list_intents(ws, &corridors(ws)?)?
        .into_iter()
        .find(|r| r.record.intent.id == intent_id)
        .ok_or_else(|| ExecutionError::NoIntentAnywhere(intent_id.into()).into())
}

#[derive(Debug, Clone, Serialize)]
pub struct CorridorOutcome {
    pub corridor: CorridorId,
    pub ok: bool,
    pub detail: String,
}

/// The source of the alert the kill switch raises when it halts every corridor at once.
pub const KILL_SOURCE: &str = "kill";

/// That alert's message, for the kill switch given `reason`.
pub fn kill_all_message(reason: &str) -> String {
    format!("every corridor halted: {reason}")
}

#[derive(Debug, Clone, Serialize)]
pub struct KillReport {
    /// Every corridor, including any created later, is halted.
    pub all: bool,
    pub corridors: Vec<CorridorOutcome>,
}

/// The kill switch. Without a venue it halts every corridor, present and future, through the
/// halt marker written first. Each affected corridor journals its halt before asking the
/// venue to cancel. A corridor whose journal fails its audit (a broken chain, a forged or
/// untrusted approval) has it kept aside and a fresh segment started first
/// ([`super::journal_segment`]), so the halt and the cancels are journaled there; and if no
/// journal can be written at all, the venue is still asked to cancel everything. A failed
/// cancel leaves the halt in place and is exit 4.
pub fn kill(
    ws: &Workspace,
    venues: &Arc<dyn AdapterFactory>,
    store: &dyn CredentialStore,
    rt: &VenueRuntime,
    venue: Option<Venue>,
    account: Option<&str>,
    reason: &str,
) -> Result<KillReport> {
    let all = venue.is_none();
    if all {
        global_halt::set(ws, reason)?;
    }
    let scope = select(ws, venue, account)?;
    let mut out = Vec::new();
    for id in &scope {
        let segment = fresh_segment_if_failed(ws, venues.as_ref(), id);
        let result = match adapter_for(ws, venues.as_ref(), id, store) {
            Ok(a) => match Corridor::open(ws, id, a.clone()).map(|c| c.with_venues(venues.clone())) {
                Ok(mut c) => rt.block_on(c.kill(reason))?.map_err(|e| (e, true)),
                // No journal to halt in: the venue is asked all the same.
                Err(journal_err) => match rt.block_on(a.cancel_all())? {
                    Ok(n) => {
                        let e = ExecutionError::HaltNotJournaled { cancelled: n, source: journal_err };
                        let _ = alerts::raise(ws, codes::KILL_SWITCH, &id.alert_source(), &e.to_string());
                        Err((e.into(), false))
                    }
                    Err(e) => Err((Error::from(e), true)),
                },
            },
            Err(e) => {
                // No adapter: still halt from the journal, and say the venue was not reached.
                Err((journal_only_kill(ws, id, reason).err().unwrap_or(e), true))
            }
        };
        let mut detail = match &result {
            Ok(n) => format!("halted; {n} open order(s) cancelled"),
            Err((e, true)) => format!("halted, but the venue was not reached: {}", e.message),
            Err((e, false)) => e.message.clone(),
        };
        match &segment {
            Some(Ok(kept)) => detail.push_str(&format!(
                "; the journal failed its audit and was kept aside as {} (sha256 {}), a fresh segment started",
                kept.path, kept.sha256
            )),
            Some(Err(e)) => detail.push_str(&format!(
                "; the journal failed its audit and could not be kept aside: {}",
                e.message
            )),
            None => {}
        }
        out.push(CorridorOutcome { corridor: id.clone(), ok: result.is_ok(), detail });
    }
    if !all && scope.is_empty() {
        return Err(ExecutionError::NoCorridorMatches.into());
    }
    if all {
        let _ = alerts::raise(ws, codes::KILL_SWITCH, KILL_SOURCE, &kill_all_message(reason));
    }
    let report = KillReport { all, corridors: out };
    if report.corridors.iter().any(|c| !c.ok) {
        let failed: Vec<String> = report
            .corridors
            .iter()
            .filter(|c| !c.ok)
            .map(|c| format!("{}: {}", c.corridor, c.detail))
            .collect();
        return Err(ExecutionError::KillIncomplete(failed).into());
    }
    Ok(report)
}

/// When corridor `id`'s journal fails its audit for a fault in the journal itself, keep it
/// aside and start a fresh segment (raising JOURNAL_TAMPERED); `None` when it passes.
fn fresh_segment_if_failed(
    ws: &Workspace,
    venues: &dyn AdapterFactory,
    id: &CorridorId,
) -> Option<Result<super::journal_segment::Archived>> {
    let trust_ok = super::operators::load(ws).is_ok();
    let a = match super::audit::audit_one(ws, venues, id) {
        Ok(a) => a,
        Err(e) => return Some(Err(e)),
    };
    let p = super::audit_halt::journal_fault(&a, trust_ok)?;
    let why = format!("line {}: {}: {}", p.line, p.kind.name(), p.why);
    let r = super::journal_segment::start(ws, id, &why).map(|(_, kept)| kept);
    let message = match &r {
        Ok(kept) => format!("kill switch: journal {why}; kept aside as {}, fresh segment started", kept.path),
        Err(e) => format!("kill switch: journal {why}; it could not be kept aside: {}", e.message),
    };
    let _ = alerts::raise(ws, codes::JOURNAL_TAMPERED, &id.alert_source(), &message);
    Some(r)
}

fn journal_only_kill(ws: &Workspace, id: &CorridorId, reason: &str) -> Result<()> {
    let mut j = journal::Journal::open(&paths::journal(ws, id))?;
    let fp = policy::load(ws).ok().flatten().map(|p| p.fingerprint);
    j.append(Event::Killed { reason: reason.into(), policy_fingerprint: fp }, false)?;
    Ok(())
}

/// Lift halts after reconciliation. The all-corridor marker goes only when every corridor
/// in the workspace reconciled clean.
pub fn rearm(
    ws: &Workspace,
    venues: &Arc<dyn AdapterFactory>,
    store: &dyn CredentialStore,
    rt: &VenueRuntime,
    venue: Option<Venue>,
    account: Option<&str>,
) -> Result<Vec<CorridorOutcome>> {
    let global = global_halt::reason(ws).is_some();
    let scope = select(ws, venue, account)?;
    let mut out = Vec::new();
    for id in &scope {
        let halted = global || (paths::journal(ws, id).exists() && replay(ws, id)?.halt.is_some());
        if !halted {
            continue;
        }
        let r = open_corridor(ws, venues, id, store).and_then(|mut c| rt.block_on(c.rearm())?);
        out.push(match r {
            Ok(s) => {
                CorridorOutcome { corridor: id.clone(), ok: true, detail: format!("rearmed after {}", s.id) }
            }
            Err(e) => CorridorOutcome { corridor: id.clone(), ok: false, detail: e.message },
        });
    }
    if out.is_empty() {
        return Err(ExecutionError::NothingHalted.into());
    }
    let failed: Vec<String> =
        out.iter().filter(|c| !c.ok).map(|c| format!("{}: {}", c.corridor, c.detail)).collect();
    if !failed.is_empty() {
        return Err(ExecutionError::StillHalted(failed).into());
    }
    if global {
        if venue.is_some() {
            return Err(ExecutionError::RearmEveryCorridor.into());
        }
        global_halt::clear(ws)?;
    }
    Ok(out)
}

/// Verify the journals in scope; a broken chain raises JOURNAL_TAMPERED.
pub fn verify_journals(ws: &Workspace, scope: &[CorridorId]) -> Result<Vec<(CorridorId, Verification)>> {
    let mut out = Vec::new();
    for id in scope {
        let v = journal::verify(&paths::journal(ws, id))?;
        if !v.ok {
            let (line, why) = v.problem.clone().unwrap_or_default();
            let _ = alerts::raise(
                ws,
                codes::JOURNAL_TAMPERED,
                &id.alert_source(),
                &format!("journal line {line}: {why}"),
            );
        }
        out.push((id.clone(), v));
    }
    Ok(out)
}
