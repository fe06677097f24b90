//! The promotion gate for the first live stage. `promote check` evaluates a written checklist
//! and saves a report signed with the operator's key; a corridor whose limits go beyond
//! micro-live cannot be armed, and sends nothing, without a passed report made under the
//! current policy and signed by a key the workspace trusts. A report written or edited by hand
//! does not verify, so it opens nothing.

use serde::{Deserialize, Serialize};

use super::approval_sign::{self, OperatorKey};
use super::error::ExecutionError;
use super::incident_ledger;
use super::journal;
use super::model::CorridorId;
use super::operators;
use super::paths;
use super::policy::CorridorPolicy;
use super::signature_error::PromotionProblem;
use super::state::CorridorState;
use crate::engine::alerts::{self, Severity};
use crate::engine::contract::{make_id, CONTRACT_VERSION};
use crate::engine::error::Result;
use crate::engine::secrets::{CredentialKey, CredentialStore};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_json, Workspace};

pub const PROMOTION_SCHEMA: &str = "quantlab.promotion_report";

/// The first line of the bytes a report's signature covers (see [`signed_bytes`]).
pub const REPORT_TAG: &str = "quantlab.promotion_report.v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub item: String,
    pub passed: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromotionReport {
    pub schema: String,
    pub schema_version: u32,
    pub id: String,
    pub corridor: CorridorId,
    pub created_at: String,
    pub policy_fingerprint: Option<String>,
    pub passed: bool,
    pub items: Vec<Item>,
    /// Who signed it, with which public key (hex), and the ed25519 signature (hex) over
    /// [`signed_bytes`]. Absent only where nothing can be signed on a venue that moves no money.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// What a report's signature covers: [`REPORT_TAG`], a line break, then the report as compact
/// JSON (fields in their documented order) without its `signature`: everything else, the
/// signer's name and public key included.
pub fn signed_bytes(r: &PromotionReport) -> Vec<u8> {
    let body = PromotionReport { signature: None, ..r.clone() };
    let mut out = format!("{REPORT_TAG}\n").into_bytes();
    out.extend(serde_json::to_vec(&body).unwrap_or_default());
    out
}

/// Sign `r` with `key`: sets its operator, public key and signature.
pub fn sign(r: &mut PromotionReport, key: &OperatorKey) {
    r.operator = Some(key.operator().to_string());
    r.public_key = Some(key.public_key());
    r.signature = None;
    r.signature = Some(key.sign_bytes(&signed_bytes(r)));
}

/// Is `r` evidence the gate may take? Signed over exactly this report by a key the workspace
/// trusts for the operator it names; unsigned only on a venue that moves no money. `Err` says
/// why not.
pub fn verify(ws: &Workspace, r: &PromotionReport) -> std::result::Result<(), PromotionProblem> {
    let (operator, key, signature) = match (&r.operator, &r.public_key, &r.signature) {
        (None, None, None) if !r.corridor.venue.is_live() => return Ok(()),
        (None, None, None) => return Err(PromotionProblem::Unsigned(r.id.clone())),
        (Some(o), Some(k), Some(s)) => (o, k, s),
        _ => return Err(PromotionProblem::Incomplete(r.id.clone())),
    };
    approval_sign::verify_bytes(key, signature, &signed_bytes(r))
        .map_err(|problem| PromotionProblem::Signature { id: r.id.clone(), problem })?;
    let trusted = operators::load(ws).map_err(|source| PromotionProblem::TrustUnreadable { source })?;
    if !trusted.trusts(operator, key) {
        let (id, operator) = (r.id.clone(), operator.clone());
        return Err(PromotionProblem::Untrusted { id, file: operators::FILE, operator });
    }
    Ok(())
}

/// Evaluate the checklist for `id` and write the report under the corridor's folder.
pub fn check(
    ws: &Workspace,
    id: &CorridorId,
    policy: Option<&CorridorPolicy>,
    fingerprint: Option<&str>,
    store: &dyn CredentialStore,
    key: Option<&OperatorKey>,
) -> Result<PromotionReport> {
    if key.is_none() && id.venue.is_live() {
        return Err(ExecutionError::PromotionUnsigned(id.clone()).into());
    }
    let mut items = Vec::new();
    let mut add =
        |item: &str, passed: bool, detail: String| items.push(Item { item: item.into(), passed, detail });

    if id.venue.is_live() {
        let key = CredentialKey::new(id.venue, &id.account);
        match store.get(&key) {
            Ok(Some(_)) => {
                add("credentials_in_keyring", true, format!("{} holds {}", store.name(), key.name()))
            }
            Ok(None) => {
                add("credentials_in_keyring", false, format!("no {} in {}", key.name(), store.name()))
            }
            Err(e) => add("credentials_in_keyring", false, e.message),
        }
    } else {
        add("credentials_in_keyring", true, "the fake venue takes no credentials".into());
    }

    let vpath = paths::journal(ws, id);
    let v = journal::verify(&vpath)?;
    add(
        "journal_intact",
        v.ok,
        match &v.problem {
            None => format!("{} entries, hash chain verified", v.entries),
            Some((line, why)) => format!("line {line}: {why}"),
        },
    );
    let state = if v.ok { CorridorState::replay(&journal::read(&vpath)?) } else { CorridorState::default() };

    // Alert coverage: the alert log accepts writes and no critical alert of this corridor
    // waits unacknowledged.
    let source = id.alert_source();
    let writable = std::fs::create_dir_all(ws.root().join("alerts"))
        .and_then(|_| tempfile::NamedTempFile::new_in(ws.root().join("alerts")))
        .is_ok();
    let open_critical = alerts::list(ws)?
        .into_iter()
        .filter(|a| {
            a.acknowledged_at.is_none() && a.alert.severity == Severity::Critical && a.alert.source == source
        })
        .count();
    add(
        "alert_coverage",
        writable && open_critical == 0,
        format!(
            "alert log {}; {open_critical} unacknowledged critical alert(s) for {id}",
            if writable { "writable" } else { "NOT writable" }
        ),
    );

    let need = policy.map_or(3, |p| p.promotion.clean_reconciliations);
    let recent: Vec<bool> = state.reconciliations.iter().rev().take(need).map(|r| r.1).collect();
    add(
        "recent_sessions_reconciled",
        recent.len() >= need && recent.iter().all(|&c| c),
        format!(
            "last {} of {} reconciliation(s) needed: {} clean",
            recent.len(),
            need,
            recent.iter().filter(|&&c| c).count()
        ),
    );

    match policy {
        None => add("micro_live_limits_set", false, "no policy for this corridor".into()),
        Some(p) => add(
            "micro_live_limits_set",
            p.micro_live.is_some(),
            if p.micro_live.is_some() {
                "[corridor.micro_live] present".into()
            } else {
                "no [corridor.micro_live] table".into()
            },
        ),
    }

    let drilled = state.kills.iter().any(|(_, fp)| fp.as_deref() == fingerprint && fingerprint.is_some());
    add(
        "kill_switch_exercised",
        drilled,
        if drilled {
            "the kill switch was used under the current policy".into()
        } else {
            "no kill switch use since the policy last changed: run `quantlab kill --venue V --account A`, then `quantlab rearm`".into()
        },
    );

    // An open incident blocks promotion: the operator reviews and closes it first.
    match incident_ledger::open_on(ws, id) {
        Ok(open) if open.is_empty() => add("no_open_incidents", true, format!("no open incident on {id}")),
        Ok(open) => add(
            "no_open_incidents",
            false,
            format!(
                "{} open incident(s) on {id}: {}; review it with `quantlab incidents list`, then `quantlab \
                 incidents close ID --note TEXT`",
                open.len(),
                incident_ledger::describe_open(&open).join("; ")
            ),
        ),
        Err(e) => add("no_open_incidents", false, format!("open incidents unknown: {}", e.message)),
    }

    let now = now_ms();
    let mut report = PromotionReport {
        schema: PROMOTION_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        id: make_id("promo", now, format!("{id}{now}").as_bytes()),
        corridor: id.clone(),
        created_at: fmt_ms(now),
        policy_fingerprint: fingerprint.map(str::to_string),
        passed: items.iter().all(|i| i.passed),
        items,
        operator: None,
        public_key: None,
        signature: None,
    };
    if let Some(k) = key {
        sign(&mut report, k);
    }
    write_json(&paths::promotions(ws, id).join(format!("{}.json", report.id)), &report)?;
    Ok(report)
}

/// The newest passed report for `id` made under `fingerprint` that [`verify`] accepts, while no
/// incident on the corridor is open; else why not: no report, what is wrong with the newest
/// passed one, or the incidents open. An incident closed after it was opened leaves the report
/// good again: what the checklist vouched for still stands, and the operator reviewed what
/// happened since.
pub fn gate(
    ws: &Workspace,
    id: &CorridorId,
    fingerprint: &str,
) -> std::result::Result<PromotionReport, PromotionProblem> {
    let report = newest_verified(ws, id, fingerprint)?;
    match incident_ledger::open_on(ws, id) {
        Ok(open) if open.is_empty() => Ok(report),
        Ok(open) => Err(PromotionProblem::OpenIncidents(incident_ledger::describe_open(&open))),
        Err(e) => Err(PromotionProblem::IncidentsUnknown(e.message)),
    }
}

/// The newest passed report for `id` made under `fingerprint` that [`verify`] accepts.
fn newest_verified(
    ws: &Workspace,
    id: &CorridorId,
    fingerprint: &str,
) -> std::result::Result<PromotionReport, PromotionProblem> {
    let dir = paths::promotions(ws, id);
    let Ok(rd) = std::fs::read_dir(dir) else { return Err(PromotionProblem::NoReport) };
    let mut names: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    names.sort();
    let mut why = None;
    for r in names.into_iter().rev().filter_map(|p| read_json::<PromotionReport>(&p).ok()) {
        if !(r.passed && r.corridor == *id && r.policy_fingerprint.as_deref() == Some(fingerprint)) {
            continue;
        }
        match verify(ws, &r) {
            Ok(()) => return Ok(r),
            Err(w) => {
                why.get_or_insert(w);
            }
        }
    }
    Err(why.unwrap_or(PromotionProblem::NoReport))
}

/// The report [`gate`] accepts, if any.
pub fn passed_report(ws: &Workspace, id: &CorridorId, fingerprint: &str) -> Option<PromotionReport> {
    gate(ws, id, fingerprint).ok()
}

/// Refuse to arm a live corridor whose limits go beyond micro-live without a passed report.
pub fn arm_gate(
    ws: &Workspace,
    id: &CorridorId,
    policy: Option<&CorridorPolicy>,
    fingerprint: Option<&str>,
) -> Result<()> {
    let (Some(p), Some(fp)) = (policy, fingerprint) else {
        return Err(ExecutionError::NoPolicyToArm(id.clone()).into());
    };
    if !id.venue.is_live() || !p.above_micro_live() {
        return Ok(());
    }
    match gate(ws, id, fp) {
        Ok(_) => Ok(()),
        Err(PromotionProblem::OpenIncidents(incidents)) => {
            Err(ExecutionError::IncidentsOpen { corridor: id.clone(), incidents }.into())
        }
        Err(problem) => Err(ExecutionError::PromotionNeeded { corridor: id.clone(), problem }.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::policy::{parse, Stage, EXAMPLE};
    use crate::engine::execution::signature_error::SignatureProblem;
    use crate::engine::execution::Venue;

    fn corridor(venue: Venue, stage: Stage) -> (CorridorId, CorridorPolicy) {
        let p = parse(EXAMPLE.as_bytes(), std::path::Path::new("p.toml")).unwrap();
        let c = CorridorPolicy { venue, stage, ..p.policy.corridors[0].clone() };
        (c.id(), c)
    }

    fn report(ws: &Workspace, id: &CorridorId, fp: &str, passed: bool, n: u32) {
        // One store for the test, as one keyring for the operator: the workspace trusts one
        // key for alice, and a store that lost it gets no new one silently.
        static STORE: std::sync::OnceLock<crate::engine::secrets::MemoryStore> = std::sync::OnceLock::new();
        let key = OperatorKey::load_or_create_as(STORE.get_or_init(Default::default), ws, "alice").unwrap();
        let mut r = PromotionReport {
            schema: PROMOTION_SCHEMA.into(),
            schema_version: CONTRACT_VERSION,
            id: format!("promo_{n}"),
            corridor: id.clone(),
            created_at: fmt_ms(now_ms()),
            policy_fingerprint: Some(fp.into()),
            passed,
            items: Vec::new(),
            operator: None,
            public_key: None,
            signature: None,
        };
        sign(&mut r, &key);
        write_json(&paths::promotions(ws, id).join(format!("{}.json", r.id)), &r).unwrap();
    }

    #[test]
    fn arm_gate_refuses_a_live_corridor_above_micro_live_without_a_passed_report() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let (kraken, full) = corridor(Venue::Kraken, Stage::Full);
        let refused = |r: Result<()>| {
            let e = r.unwrap_err();
            assert_eq!(e.kind, crate::engine::error::ErrorKind::Refused, "{e}");
            e.domain::<ExecutionError>().cloned().expect("an execution refusal")
        };
        assert!(matches!(refused(arm_gate(&ws, &kraken, None, None)), ExecutionError::NoPolicyToArm(_)));
        let none = refused(arm_gate(&ws, &kraken, Some(&full), Some("fp1")));
        assert!(matches!(none, ExecutionError::PromotionNeeded { problem: PromotionProblem::NoReport, .. }));
        // The refusal says what to run.
        assert!(none.to_string().contains("quantlab promote check --venue kraken --account main"), "{none}");
        // A failed report, or a passed one under another policy, does not open the gate.
        report(&ws, &kraken, "fp1", false, 1);
        report(&ws, &kraken, "fp0", true, 2);
        let still = refused(arm_gate(&ws, &kraken, Some(&full), Some("fp1")));
        assert!(matches!(still, ExecutionError::PromotionNeeded { problem: PromotionProblem::NoReport, .. }));
        report(&ws, &kraken, "fp1", true, 3);
        arm_gate(&ws, &kraken, Some(&full), Some("fp1")).unwrap();
        // A passed report changed after signing is no evidence: the gate says so.
        let path = paths::promotions(&ws, &kraken).join("promo_3.json");
        let mut changed: PromotionReport = read_json(&path).unwrap();
        changed.items.push(Item { item: "added".into(), passed: true, detail: String::new() });
        write_json(&path, &changed).unwrap();
        let forged = refused(arm_gate(&ws, &kraken, Some(&full), Some("fp1")));
        let ExecutionError::PromotionNeeded { problem: PromotionProblem::Signature { id, problem }, .. } =
            forged
        else {
            panic!("{forged}")
        };
        assert_eq!((id.as_str(), problem), ("promo_3", SignatureProblem::Mismatch));
        // Micro-live limits, or a venue that moves no money, need no report.
        let (_, micro) = corridor(Venue::Kraken, Stage::Micro);
        arm_gate(&ws, &kraken, Some(&micro), Some("fp2")).unwrap();
        let (fake, fake_full) = corridor(Venue::Fake, Stage::Full);
        arm_gate(&ws, &fake, Some(&fake_full), Some("fp2")).unwrap();
    }

    /// An open incident on the corridor closes the gate a passed report opened; the operator's
    /// closing opens it again, and a check made meanwhile says why it fails.
    #[test]
    fn an_open_incident_closes_the_gate_until_it_is_closed() {
        use crate::engine::execution::journal::Journal;
        use crate::engine::execution::model::Event;
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let (kraken, full) = corridor(Venue::Kraken, Stage::Full);
        report(&ws, &kraken, "fp1", true, 1);
        arm_gate(&ws, &kraken, Some(&full), Some("fp1")).unwrap();
        let mut j = Journal::open(&paths::journal(&ws, &kraken)).unwrap();
        let killed = j.append(Event::Killed { reason: "drill".into(), policy_fingerprint: None }, false).unwrap();
        let e = arm_gate(&ws, &kraken, Some(&full), Some("fp1")).unwrap_err();
        let Some(ExecutionError::IncidentsOpen { incidents, .. }) = e.domain::<ExecutionError>() else { panic!("{e}") };
        assert!(incidents.len() == 1 && incidents[0].contains("drill"), "{incidents:?}");
        assert!(matches!(gate(&ws, &kraken, "fp1"), Err(PromotionProblem::OpenIncidents(_))));
        let store = crate::engine::secrets::MemoryStore::default();
        let key = OperatorKey::load_or_create_as(&store, &ws, "bob").unwrap();
        let item = |r: &PromotionReport| r.items.iter().find(|i| i.item == "no_open_incidents").cloned().unwrap();
        let r = check(&ws, &kraken, Some(&full), Some("fp1"), &store, Some(&key)).unwrap();
        assert!(!r.passed && !item(&r).passed, "{:?}", item(&r));
        j.append(
            Event::IncidentClosed {
                incident_id: "inc_x".into(),
                note: "drill reviewed".into(),
                operator: "alice".into(),
                trigger_seq: Some(killed.seq),
                trigger_alert: None,
            },
            false,
        )
        .unwrap();
        arm_gate(&ws, &kraken, Some(&full), Some("fp1")).unwrap();
        let r = check(&ws, &kraken, Some(&full), Some("fp1"), &store, Some(&key)).unwrap();
        assert!(item(&r).passed, "{:?}", item(&r));
    }
}
