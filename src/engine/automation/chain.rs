//! The chain operator -> grant -> automated approval, checked twice: by a submit, before an
//! automated approval may send (its grant live now, the approval signed by its key), and by
//! `quantlab audit verify`, afterwards (the grant trusted, the approval inside its limits when
//! it was made, and signed before the grant was revoked or expired).

use rust_decimal::Decimal;

use super::grant::signer_name;
use super::status::{self, GrantState, Now};
use super::store;
use crate::engine::execution::model::{Approval, CorridorId, Entry, ExecutionIntent};
use crate::engine::execution::operators::Operators;
use crate::engine::workspace::Workspace;

/// What is wrong with an automated approval, for the audit's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    /// The grant is missing, forged, widened or signed by a key not trusted.
    GrantUntrusted(String),
    /// Beyond its grant's limits, or not signed by its key.
    OutsideGrant(String),
    /// Signed after its grant was revoked or had expired.
    RevokedKey(String),
}

/// For a submit: may automated approval `a` send now? `entries`: the corridor's journal.
pub fn check_live(
    ws: &Workspace,
    corridor: &CorridorId,
    a: &Approval,
    entries: &[Entry],
    now: &Now,
) -> Result<(), String> {
    let Some(auto) = &a.automation else { return Ok(()) };
    let s = store::read(ws, &auto.grant).map_err(|e| e.message)?;
    if s.grant.corridor != *corridor {
        return Err(format!("{} is a grant on {}, not {corridor}", s.grant.id, s.grant.corridor));
    }
    signed_by_its_key(a, &s.grant)?;
    match status::state(&s, entries, now) {
        GrantState::Live => Ok(()),
        GrantState::Revoked { reason, .. } => Err(format!("grant {} is revoked: {reason}", s.grant.id)),
        GrantState::Untrusted { why } => Err(format!("grant {} is not to be trusted: {why}", s.grant.id)),
        GrantState::Expired => Err(format!("grant {} expired at {}", s.grant.id, s.grant.expires)),
    }
}

fn signed_by_its_key(a: &Approval, g: &super::grant::Grant) -> Result<(), String> {
    if a.public_key.as_deref() != Some(g.automation_public_key.as_str()) || a.operator.as_deref() != Some(signer_name(&g.id).as_str()) {
        return Err(format!("it is not signed by {}'s automation key", g.id));
    }
    Ok(())
}

/// For the audit: automated approval `a`, journaled as entry `seq` of `entries`, of `intent`.
/// Its own signature is checked before (approval_sign::verify); this checks its grant.
pub fn check_at(
    ws: &Workspace,
    corridor: &CorridorId,
    a: &Approval,
    seq: u64,
    entries: &[Entry],
    intent: Option<&ExecutionIntent>,
    trusted: &Operators,
) -> Result<(), ChainProblem> {
    let Some(auto) = &a.automation else { return Ok(()) };
    let s = store::read(ws, &auto.grant).map_err(|e| ChainProblem::GrantUntrusted(e.message))?;
    let g = &s.grant;
    if let Some(why) = status::untrusted(&s, entries, trusted) {
        return Err(ChainProblem::GrantUntrusted(format!("grant {}: {why}", g.id)));
    }
    if g.corridor != *corridor {
        return Err(ChainProblem::OutsideGrant(format!("grant {} is for {}", g.id, g.corridor)));
    }
    signed_by_its_key(a, g).map_err(ChainProblem::OutsideGrant)?;
    // Journal entries are in sequence order: what came before this approval, and up to it.
    let before = &entries[..entries.partition_point(|e| e.seq < seq)];
    let upto = &entries[..entries.partition_point(|e| e.seq <= seq)];
    if let Some((reason, _, _)) = status::revocation(g, before) {
        return Err(ChainProblem::RevokedKey(format!("signed with grant {}'s key after it was revoked ({reason})", g.id)));
    }
    if a.approved_ms >= g.expires_ms {
        return Err(ChainProblem::RevokedKey(format!("signed with grant {}'s key after it expired at {}", g.id, g.expires)));
    }
    let outside = |why: String| Err(ChainProblem::OutsideGrant(format!("grant {}: {why}", g.id)));
    if a.approved_ms < g.created_ms || status::made(before, &g.id).is_none() {
        return outside("approved before the grant was made".into());
    }
    if auto.policy_fingerprint != g.policy_fingerprint {
        return outside("made under another policy than the grant's".into());
    }
    let l = &g.limits;
    if let Some(i) = intent {
        if !l.symbols.contains(&i.symbol) {
            return outside(format!("symbols: {} is not granted", i.symbol));
        }
        if !l.order_types.contains(&i.order_type) {
            return outside(format!("order_types: a {} order is not granted", i.order_type.name()));
        }
    }
    match auto.notional.parse::<Decimal>() {
        Ok(n) if n <= l.max_order_notional => {}
        Ok(n) => return outside(format!("max_order_notional: {n} > {}", l.max_order_notional)),
        Err(_) => return outside(format!("its notional '{}' is not a number", auto.notional)),
    }
    let n = status::orders_on_day(&g.id, upto, a.approved_ms);
    if n > l.max_orders_per_day {
        return outside(format!("max_orders_per_day: the {n}th automated order of its day, {} granted", l.max_orders_per_day));
    }
    Ok(())
}

/// The grant files of `corridor` that are not to be trusted (forged, widened, signed by a key
/// not trusted, or never journaled as made): the journal line that made each (0 when none
/// did) and why. `audit verify` names them even before any approval used them.
pub fn untrusted_grants(ws: &Workspace, corridor: &CorridorId, entries: &[Entry], trusted: &Operators) -> Vec<(u64, String)> {
    let grants = match store::all(ws) {
        Ok(g) => g,
        Err(e) => return vec![(0, e.message)],
    };
    grants
        .iter()
        .filter(|s| s.grant.corridor == *corridor)
        .filter_map(|s| {
            let why = status::untrusted(s, entries, trusted)?;
            let line = status::made(entries, &s.grant.id).map_or(0, |m| m.seq);
            Some((line, format!("grant {}: {why}", s.grant.id)))
        })
        .collect()
}
