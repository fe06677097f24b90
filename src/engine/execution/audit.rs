//! `quantlab audit verify`: for every corridor journal, the hash chain and head record
//! ([`super::journal`]), then every approval's signature against its record
//! ([`super::approval_sign`]) and the workspace's trusted operator keys ([`super::operators`]);
//! a key trusted only as the loopback simulator's environment key is flagged in a corridor
//! whose endpoints (as the venues' [`AdapterFactory`] reads them now) are not loopback.
//! Read-only but for the JOURNAL_TAMPERED alert each failing corridor raises and the halt it
//! journals there ([`super::audit_halt`]).

use super::adapter_factory::AdapterFactory;
use super::approval_sign::{self, SignatureCheck};
use super::audit_report::{AuditReport, CorridorAudit, Problem, ProblemKind, AUDIT_SCHEMA};
use super::intent::intent_digest;
use super::journal;
use super::model::{CorridorId, Entry, Event};
use super::operators::{self, Operators};
use super::paths;
use crate::engine::alerts::{self, codes};
use crate::engine::automation::chain::{self, ChainProblem};
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::error::Result;
use crate::engine::workspace::Workspace;

/// Audit the corridors in `scope`; `venues` says which corridors' endpoints are loopback.
pub fn verify(ws: &Workspace, venues: &dyn AdapterFactory, scope: &[CorridorId]) -> Result<AuditReport> {
    let (trusted, trust_problem) = match operators::load(ws) {
        Ok(t) => (t, None),
        Err(e) => (Operators::default(), Some(e.message)),
    };
    let mut corridors = Vec::new();
    for id in scope {
        let mut a = audit_corridor(ws, venues, id, &trusted, trust_problem.as_deref())?;
        if let Some(p) = &a.first_problem {
            let _ = alerts::raise(
                ws,
                codes::JOURNAL_TAMPERED,
                &id.alert_source(),
                &format!("audit: journal line {}: {}: {}", p.line, p.kind.name(), p.why),
            );
            a.halt = Some(super::audit_halt::halt(ws, id, p));
        }
        corridors.push(a);
    }
    Ok(AuditReport {
        schema: AUDIT_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        ok: trust_problem.is_none() && corridors.iter().all(|c| c.ok),
        operators_file: operators::path(ws).display().to_string(),
        trusted_keys: trusted.operators.len(),
        trust_problem,
        corridors,
    })
}

/// The audit of one corridor against the trust list as it reads now; raises nothing.
pub fn audit_one(ws: &Workspace, venues: &dyn AdapterFactory, id: &CorridorId) -> Result<CorridorAudit> {
    let (trusted, trust_problem) = match operators::load(ws) {
        Ok(t) => (t, None),
        Err(e) => (Operators::default(), Some(e.message)),
    };
    audit_corridor(ws, venues, id, &trusted, trust_problem.as_deref())
}

fn audit_corridor(
    ws: &Workspace,
    venues: &dyn AdapterFactory,
    id: &CorridorId,
    trusted: &Operators,
    trust_problem: Option<&str>,
) -> Result<CorridorAudit> {
    let path = paths::journal(ws, id);
    let (entries, v) = journal::verify_entries(&path)?;
    let mut problems = Vec::new();
    if let (false, Some((line, why))) = (v.ok, &v.problem) {
        problems.push(Problem {
            line: *line,
            seq: (*line > 0).then_some(*line as u64),
            intent_id: None,
            kind: ProblemKind::ChainBroken,
            why: why.clone(),
        });
    }
    let c = check_approvals(ws, venues, id, &entries, trusted, trust_problem, 0);
    problems.extend(c.problems);
    let (approvals, signed, unsigned_tolerated) = (c.approvals, c.signed, c.unsigned_tolerated);
    if trust_problem.is_none() {
        for (seq, why) in chain::untrusted_grants(ws, id, &entries, trusted) {
            problems.push(Problem {
                line: seq as usize,
                seq: (seq > 0).then_some(seq),
                intent_id: None,
                kind: ProblemKind::GrantUntrusted,
                why,
            });
        }
    }
    problems.sort_by_key(|p| p.line);
    Ok(CorridorAudit {
        corridor: id.clone(),
        journal: path.display().to_string(),
        ok: problems.is_empty(),
        entries: entries.len(),
        chain_ok: v.ok,
        approvals,
        signed,
        unsigned_tolerated,
        first_problem: problems.first().cloned(),
        problems,
        halt: None,
    })
}

/// What the approvals of a journal's (chain-verified) entries come to.
#[derive(Debug, Clone, Default)]
pub struct ApprovalCheck {
    pub approvals: usize,
    pub signed: usize,
    pub unsigned_tolerated: usize,
    pub problems: Vec<Problem>,
}

/// Check every approval in `entries`: its intent digest, its signature and its key, as
/// `audit verify` does; approvals at or before sequence `after` are taken as already checked.
/// A corridor checks its own entries with this before each send.
pub fn check_approvals(
    ws: &Workspace,
    venues: &dyn AdapterFactory,
    id: &CorridorId,
    entries: &[Entry],
    trusted: &Operators,
    trust_problem: Option<&str>,
    after: u64,
) -> ApprovalCheck {
    let mut problems = Vec::new();
    let (mut approvals, mut signed, mut unsigned_tolerated) = (0, 0, 0);
    // The digest of each intent as journaled: a signature over another intent covers nothing here.
    let mut digests = std::collections::HashMap::new();
    // The intents themselves, for an automated approval's grant limits (symbol, order type).
    let mut intents = std::collections::HashMap::new();
    // Whether the corridor's endpoints are loopback: read once, and only if an approval needs it.
    let loopback = std::cell::OnceCell::new();
    for e in entries {
        if let Event::IntentCreated { intent } = &e.event {
            digests.insert(intent.id.clone(), intent_digest(intent));
            intents.insert(intent.id.clone(), intent);
            continue;
        }
        let Event::Approved { approval: a } = &e.event else { continue };
        approvals += 1;
        if e.seq <= after {
            continue;
        }
        let problem = |kind, why: String| Problem {
            line: e.seq as usize,
            seq: Some(e.seq),
            intent_id: Some(a.intent_id.clone()),
            kind,
            why,
        };
        let covers = match digests.get(&a.intent_id) {
            Some(d) if *d == a.intent_digest => None,
            Some(_) => Some("its intent digest is not the digest of the intent as journaled"),
            None => Some("it approves an intent this journal never created"),
        };
        if let Some(why) = covers {
            problems.push(problem(ProblemKind::SignatureInvalid, why.into()));
            continue;
        }
        match approval_sign::verify(id, a) {
            SignatureCheck::Unsigned if !id.venue.is_live() => unsigned_tolerated += 1,
            SignatureCheck::Unsigned => problems.push(problem(
                ProblemKind::Unsigned,
                "the approval carries no signature; live approvals must be signed".into(),
            )),
            SignatureCheck::Invalid(why) => {
                problems.push(problem(ProblemKind::SignatureInvalid, why.to_string()))
            }
            SignatureCheck::Valid if a.automation.is_some() => {
                let intent = intents.get(&a.intent_id).copied();
                match chain::check_at(ws, id, a, e.seq, entries, intent, trusted) {
                    Ok(()) => signed += 1,
                    Err(ChainProblem::GrantUntrusted(why)) => problems.push(problem(ProblemKind::GrantUntrusted, why)),
                    Err(ChainProblem::OutsideGrant(why)) => problems.push(problem(ProblemKind::OutsideGrant, why)),
                    Err(ChainProblem::RevokedKey(why)) => problems.push(problem(ProblemKind::RevokedKey, why)),
                }
            }
            SignatureCheck::Valid => {
                let operator = a.operator.as_deref().unwrap_or_default();
                let key = a.public_key.as_deref().unwrap_or_default();
                if let Some(t) = trust_problem {
                    problems.push(problem(
                        ProblemKind::UnknownKey,
                        format!("no trusted keys to check against: {t}"),
                    ));
                } else if !trusted.trusts(operator, key) {
                    problems.push(problem(
                        ProblemKind::UnknownKey,
                        format!(
                            "signed by key {key}, which {} does not trust for operator {operator}",
                            operators::FILE
                        ),
                    ));
                } else if let Some(why) = approval_sign::environment_key_off_loopback(id, trusted, a, || {
                    loopback.get_or_init(|| venues.loopback(ws, id)).clone()
                }) {
                    problems.push(problem(ProblemKind::EnvironmentKey, why.to_string()));
                } else {
                    signed += 1;
                }
            }
        }
    }
    ApprovalCheck { approvals, signed, unsigned_tolerated, problems }
}
