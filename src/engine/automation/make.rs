//! Making a grant from the operator's typed confirmation. Everything is checked again at the key,
//! in the order a refusal costs nothing, before anything is written: the corridor's policy
//! allows automation, every limit is within the policy's, the corridor is not halted, the
//! candidate is promoted to what the corridor's live sessions need, and a synthetic key only
//! on a corridor that moves no money or is loopback. Then the automation key is made and kept
//! in the credential store, the grant signed with the operator's key, written, and journaled in
//! the corridor (with the sha256 of its file).

use rust_decimal::Decimal;

use super::confirm::GrantConfirmation;
use super::error::AutomationError;
use super::grant::{self, Grant, GrantLimits, GRANT_SCHEMA};
use super::key::AutomationKey;
use super::store;
use crate::engine::contract::{make_id, CONTRACT_VERSION};
use crate::engine::error::Result;
use crate::engine::execution::journal::{self, Journal};
use crate::engine::execution::model::{CorridorId, Event};
use crate::engine::execution::policy::{self, CorridorPolicy, Stage as PolicyStage};
use crate::engine::execution::state::CorridorState;
use crate::engine::execution::{global_halt, paths, OperatorKey};
use crate::engine::execution::approval_sign::ApprovalSigner;
use crate::engine::loopback::NotLoopback;
use crate::engine::secrets::CredentialStore;
use crate::engine::time::fmt_ms;
use crate::engine::workspace::Workspace;

/// What is wrong with `limits` for `corridor` under its policy `p`; empty when nothing is.
/// The console shows these in the dialog before the operator types anything.
pub fn problems(p: &CorridorPolicy, corridor: &CorridorId, l: &GrantLimits, hours: u64) -> Vec<AutomationError> {
    let mut out = Vec::new();
    let bad = |field, problem: String| AutomationError::BadLimit { field, problem };
    let beyond = |field, asked: String, limit: String| AutomationError::BeyondPolicy {
        corridor: corridor.clone(),
        field,
        asked,
        limit,
    };
    let Some(auto) = &p.automation else {
        return vec![AutomationError::NotAllowed { corridor: corridor.clone(), max: policy::MAX_GRANT_HOURS_LIMIT }];
    };
    if l.symbols.is_empty() {
        out.push(bad("symbols", "list at least one symbol".into()));
    }
    for s in &l.symbols {
        if grant::unsignable(s, true) || s.is_empty() {
            out.push(bad("symbols", format!("'{s}' is not a symbol")));
        } else if !p.symbols.contains(s) {
            out.push(beyond("symbols", s.clone(), format!("allowlist {}", p.symbols.join(", "))));
        }
    }
    if l.order_types.is_empty() {
        out.push(bad("order_types", "list at least one order type".into()));
    }
    for t in &l.order_types {
        if !p.order_types.contains(t) {
            out.push(beyond("order_types", t.name().into(), "order types".into()));
        }
    }
    let limits = p.limits();
    let positive = [
        ("max_order_notional", l.max_order_notional),
        ("daily_loss_limit", l.daily_loss_limit),
        ("max_drawdown", l.max_drawdown),
    ];
    for (field, v) in positive {
        if v <= Decimal::ZERO {
            out.push(bad(field, format!("must be positive, got {v}")));
        }
    }
    if l.max_order_notional > limits.max_order_notional {
        out.push(beyond("max_order_notional", l.max_order_notional.to_string(), limits.max_order_notional.to_string()));
    }
    if l.daily_loss_limit > limits.daily_loss_limit {
        out.push(beyond("daily_loss_limit", l.daily_loss_limit.to_string(), limits.daily_loss_limit.to_string()));
    }
    if l.max_orders_per_day == 0 {
        out.push(bad("max_orders_per_day", "must be at least 1".into()));
    }
    if hours == 0 {
        out.push(bad("hours", "must be at least 1".into()));
    } else if hours > auto.max_grant_hours {
        out.push(beyond("hours", hours.to_string(), format!("max_grant_hours {}", auto.max_grant_hours)));
    }
    out
}

/// Why `corridor` cannot take a grant now: halted, or the kill switch on.
fn halted(ws: &Workspace, corridor: &CorridorId) -> Result<Option<String>> {
    if let Some(why) = global_halt::reason(ws) {
        return Ok(Some(format!("kill switch (all corridors): {why}")));
    }
    let path = paths::journal(ws, corridor);
    if !path.exists() {
        return Ok(None);
    }
    let state = CorridorState::replay(&journal::read(&path)?);
    Ok(state.halt.map(|h| h.message))
}

/// The stage the candidate must hold on `corridor` for its sessions to run there.
fn needed_stage(corridor: &CorridorId, stage: PolicyStage) -> crate::engine::promotion::Stage {
    use crate::engine::promotion::Stage;
    match (corridor.venue.is_live(), stage) {
        (false, _) => Stage::Paper,
        (true, PolicyStage::Micro) => Stage::MicroLive,
        (true, PolicyStage::Full) => Stage::SupervisedLive,
    }
}

/// Make the grant `c` confirms, signed with `operator` (the operator's key), at `now`.
/// `loopback` says whether every URL of the corridor is loopback (asked for a synthetic key).
pub fn make(
    ws: &Workspace,
    store: &dyn CredentialStore,
    c: GrantConfirmation,
    operator: &OperatorKey,
    loopback: impl FnOnce() -> std::result::Result<(), NotLoopback>,
    now: i64,
) -> Result<Grant> {
    use crate::engine::promotion::{decisions, demotion};
    let t = c.target();
    let corridor = &t.corridor;
    if c.synthetic() && corridor.venue.is_live() {
        if let Err(why) = loopback() {
            return Err(AutomationError::SyntheticKey { corridor: corridor.clone(), why: why.to_string() }.into());
        }
    }
    let loaded = policy::load(ws)?.ok_or_else(|| AutomationError::NoPolicy(corridor.clone()))?;
    let p = loaded.corridor(corridor).ok_or_else(|| AutomationError::NoPolicy(corridor.clone()))?;
    if let Some(first) = problems(p, corridor, &t.limits, t.hours).into_iter().next() {
        return Err(first.into());
    }
    if let Some(why) = halted(ws, corridor)? {
        return Err(AutomationError::Halted { corridor: corridor.clone(), why }.into());
    }
    demotion::sync_all(ws)?;
    let needed = needed_stage(corridor, p.stage);
    let at = decisions::stage_of(&decisions::read(ws)?, &t.candidate, Some(corridor));
    if at < needed {
        return Err(AutomationError::NotPromoted {
            candidate: t.candidate.clone(),
            stage: at.name().into(),
            corridor: corridor.clone(),
            needed: needed.name().into(),
        }
        .into());
    }
    // The journal is opened (and locked) first: a busy or unwritable one refuses before the key
    // or the file exist.
    let mut j = Journal::open(&paths::journal(ws, corridor))?;
    let id = make_id("grant", now, format!("{corridor}{}{now}", t.candidate).as_bytes());
    let key = AutomationKey::create(store, &id)?;
    let expires_ms = now + t.hours as i64 * 3_600_000;
    let mut g = Grant {
        schema: GRANT_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        id: id.clone(),
        corridor: corridor.clone(),
        candidate: t.candidate.clone(),
        limits: t.limits.clone(),
        created: fmt_ms(now),
        created_ms: now,
        expires: fmt_ms(expires_ms),
        expires_ms,
        policy_fingerprint: loaded.fingerprint.clone(),
        automation_public_key: key.public_key(),
        operator: operator.operator().to_string(),
        public_key: operator.public_key(),
        signature: String::new(),
    };
    g.signature = operator.sign_bytes(&grant::signed_bytes(&g));
    let written = store::write_new(ws, &g).and_then(|sha| {
        let limits = serde_json::to_value(&g.limits)?;
        let event = Event::GrantMade {
            grant_id: id.clone(),
            candidate: g.candidate.clone(),
            expires_ms,
            limits,
            record_sha256: sha,
        };
        j.append(event, false)
    });
    if let Err(e) = written {
        // Nothing half made: no file, no key.
        let _ = std::fs::remove_file(store::path(ws, &id));
        let _ = AutomationKey::delete(store, &id);
        return Err(e);
    }
    Ok(g)
}
