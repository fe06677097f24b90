//! The chain operator -> grant -> automated approval, attacked: approvals journaled by hand
//! (with the journal's hash chain intact, as a process holding the automation key could write
//! them) beyond the grant's notional, signed by a key that is not the grant's, or signed after
//! the grant was revoked. `audit verify` names each, and the corridor refuses to send it.

use quantlab::engine::automation::key::AutomationKey;
use quantlab::engine::execution::approval_sign::{self, ApprovalSigner};
use quantlab::engine::execution::intent::intent_digest;
use quantlab::engine::execution::journal::Journal;
use quantlab::engine::execution::model::{Approval, Automated, Event, ExecutionIntent};
use quantlab::engine::execution::{open_corridor, paths, OperatorKey, OrderType, Venue};
use quantlab::engine::time::now_ms;

use super::rig::{kraken, limits, Rig};
use crate::common::intents::buy;

/// An operator's market buy of 0.001 XBT on the simulator's corridor, waiting for approval.
fn intent(r: &Rig) -> ExecutionIntent {
    r.engine.execution().intent_new(buy(Venue::Kraken, "XBTUSD", "0.001", OrderType::Market, None)).unwrap()
}

/// An automated approval of `i` under `grant` claiming `notional`, signed by `key`, appended to
/// the corridor's journal as the corridor itself would.
fn journal_approval(r: &Rig, i: &ExecutionIntent, grant: &str, notional: &str, key: &dyn ApprovalSigner) {
    let fp = r.engine.execution().policy().unwrap().fingerprint;
    let now = now_ms();
    let mut a = Approval {
        intent_id: i.id.clone(),
        by: format!("automation {grant}"),
        approved_ms: now,
        expires_ms: now + 30_000,
        intent_digest: intent_digest(i),
        operator: None,
        public_key: None,
        signature: None,
        automation: Some(Automated {
            grant: grant.into(),
            policy_fingerprint: fp,
            notional: notional.into(),
        }),
    };
    approval_sign::sign(&kraken(), &mut a, key).unwrap();
    let mut j = Journal::open(&paths::journal(r.engine.workspace(), &kraken())).unwrap();
    j.append(Event::Approved { approval: a }, false).unwrap();
}

/// The send's refusal (tried first: an audit that fails halts the corridor), then the audit's
/// problems for the corridor.
fn audit_and_send(r: &Rig, i: &ExecutionIntent) -> (Vec<String>, String) {
    let mut c =
        open_corridor(r.engine.workspace(), r.engine.adapters(), &kraken(), r.engine.credentials()).unwrap();
    let sent = r.engine.venue_runtime().block_on(c.submit(&i.id, false)).unwrap();
    drop(c);
    let report = r.engine.execution().audit_verify(Some(Venue::Kraken), Some("main")).unwrap();
    let kinds =
        report.corridors[0].problems.iter().map(|p| format!("{}: {}", p.kind.name(), p.why)).collect();
    (kinds, sent.map(|o| format!("{o:?}")).unwrap_or_else(|e| e.message))
}

#[test]
fn an_approval_beyond_the_grant_is_named_by_audit_and_not_sent() {
    let r = Rig::new();
    let g = r.grant(limits(10), 2).unwrap();
    let key = AutomationKey::load(r.store.as_ref(), &g.id).unwrap().unwrap();
    let i = intent(&r);
    journal_approval(&r, &i, &g.id, "5000", &key);
    let (problems, sent) = audit_and_send(&r, &i);
    assert!(
        problems.iter().any(|p| p.starts_with("outside its grant") && p.contains("max_order_notional")),
        "{problems:#?}"
    );
    assert!(r.sim.placed_kraken_orders().is_empty(), "sent: {sent}");
}

#[test]
fn an_automated_approval_signed_by_another_key_is_not_the_grants() {
    let r = Rig::new();
    let g = r.grant(limits(10), 2).unwrap();
    let operator = OperatorKey::load_or_create_as(r.store.as_ref(), r.engine.workspace(), "mallory").unwrap();
    let i = intent(&r);
    journal_approval(&r, &i, &g.id, "60", &operator);
    let (problems, sent) = audit_and_send(&r, &i);
    assert!(
        problems.iter().any(|p| p.starts_with("outside its grant") && p.contains("automation key")),
        "{problems:#?}"
    );
    assert!(r.sim.placed_kraken_orders().is_empty(), "sent: {sent}");
}

#[test]
fn an_approval_signed_after_the_grant_was_revoked_is_named_by_audit_and_not_sent() {
    let r = Rig::new();
    let g = r.grant(limits(10), 2).unwrap();
    // Whoever kept a copy of the key before the revocation deleted it.
    let key = AutomationKey::load(r.store.as_ref(), &g.id).unwrap().unwrap();
    r.engine.automation().revoke(&g.id, "operator leaves for the day").unwrap();
    assert!(AutomationKey::load(r.store.as_ref(), &g.id).unwrap().is_none(), "the key is deleted");
    let i = intent(&r);
    journal_approval(&r, &i, &g.id, "60", &key);
    let (problems, sent) = audit_and_send(&r, &i);
    assert!(
        problems.iter().any(|p| p.starts_with("revoked key") && p.contains("operator leaves")),
        "{problems:#?}"
    );
    assert!(sent.contains("revoked"), "{sent}");
    assert!(r.sim.placed_kraken_orders().is_empty());
}

#[test]
fn inside_a_live_grant_a_script_approves_and_sends_a_session_intent_and_audit_holds() {
    // The grant covers only its candidate's sessions: an operator's own intent is refused.
    let r = Rig::new();
    r.grant(limits(10), 2).unwrap();
    let i = intent(&r);
    let e = r.engine.automation().intent_approve(&i.id).unwrap_err();
    assert!(e.message.contains("candidate"), "{}", e.message);
    let report = r.engine.execution().audit_verify(Some(Venue::Kraken), Some("main")).unwrap();
    assert!(report.ok, "{report:#?}");
}
