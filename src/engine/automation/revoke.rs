//! Revocation. By the operator (`quantlab grants revoke`, or the console), journaled as
//! `grant_revoked`; and by what revokes every affected grant at once (a kill, a halt, a
//! reconciliation mismatch, a failed audit, a demotion, another policy, the expiry), which is
//! read from the journal the moment it is there (`status.rs`) and recorded here the next time
//! anyone looks (`sync`), so a revocation stands even if its cause is undone (a policy put
//! back). Either way the grant's automation key is deleted from the credential store.

use serde::Serialize;

use super::error::AutomationError;
use super::key::AutomationKey;
use super::status::{self, GrantState, Now};
use super::store::{self, Stored};
use crate::engine::error::Result;
use crate::engine::execution::journal::{self, Journal};
use crate::engine::execution::model::{Entry, Event};
use crate::engine::execution::{global_halt, paths};
use crate::engine::secrets::CredentialStore;
use crate::engine::workspace::Workspace;

/// One grant as read now: the record, its state, and today's use of its budget.
#[derive(Debug, Clone, Serialize)]
pub struct GrantView {
    pub grant: super::grant::Grant,
    #[serde(flatten)]
    pub state: GrantState,
    /// Automated approvals under it today (UTC), and how many more it allows.
    pub orders_today: u32,
    pub orders_left_today: u32,
    pub file: String,
}

fn entries_of(ws: &Workspace, s: &Stored) -> Result<Vec<Entry>> {
    let p = paths::journal(ws, &s.grant.corridor);
    if !p.exists() {
        return Ok(Vec::new());
    }
    journal::read(&p)
}

/// Every grant with its state at `now`, oldest first.
pub fn views(ws: &Workspace, now: i64) -> Result<Vec<GrantView>> {
    let now = Now::read(ws, global_halt::reason(ws), now)?;
    let mut out = Vec::new();
    for s in store::all(ws)? {
        let entries = entries_of(ws, &s)?;
        let state = status::state(&s, &entries, &now);
        let used = status::orders_on_day(&s.grant.id, &entries, now.at_ms);
        out.push(GrantView {
            orders_left_today: if state == GrantState::Live { s.grant.limits.max_orders_per_day.saturating_sub(used) } else { 0 },
            orders_today: used,
            file: s.file.display().to_string(),
            grant: s.grant,
            state,
        });
    }
    Ok(out)
}

/// Record every revocation the journals imply but do not hold yet (and every expiry), and
/// delete those grants' keys. Returns the grants newly recorded. A corridor whose journal is
/// busy is left for the next look.
pub fn sync(ws: &Workspace, store: &dyn CredentialStore, now: i64) -> Result<Vec<String>> {
    let mut recorded = Vec::new();
    for v in views(ws, now)? {
        let reason = match &v.state {
            GrantState::Revoked { recorded: false, reason, .. } => reason.clone(),
            GrantState::Expired => "expired".to_string(),
            GrantState::Revoked { recorded: true, .. } => {
                let _ = AutomationKey::delete(store, &v.grant.id);
                continue;
            }
            _ => continue,
        };
        let Ok(mut j) = Journal::open(&paths::journal(ws, &v.grant.corridor)) else { continue };
        j.append(Event::GrantRevoked { grant_id: v.grant.id.clone(), reason, by: "automation".into() }, false)?;
        let _ = AutomationKey::delete(store, &v.grant.id);
        recorded.push(v.grant.id);
    }
    Ok(recorded)
}

/// The operator revokes grant `id`: journaled with `reason`, its key deleted.
pub fn revoke(ws: &Workspace, store: &dyn CredentialStore, id: &str, reason: &str, by: &str, now: i64) -> Result<GrantView> {
    if reason.trim().is_empty() {
        return Err(AutomationError::NoReason.into());
    }
    let s = store::read(ws, id)?;
    let v = views(ws, now)?.into_iter().find(|v| v.grant.id == id).ok_or_else(|| AutomationError::NoGrant(id.into()))?;
    if !matches!(v.state, GrantState::Live) {
        return Err(AutomationError::NotLive { grant: id.into(), state: v.state.name().into() }.into());
    }
    let mut j = Journal::open(&paths::journal(ws, &s.grant.corridor))?;
    j.append(
        Event::GrantRevoked { grant_id: id.into(), reason: format!("revoked by {by}: {}", reason.trim()), by: format!("operator {by}") },
        false,
    )?;
    drop(j);
    let _ = AutomationKey::delete(store, id);
    views(ws, now)?.into_iter().find(|v| v.grant.id == id).ok_or_else(|| AutomationError::NoGrant(id.into()).into())
}
