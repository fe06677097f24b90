//! What became of a grant, read from its corridor's journal (never stored apart from it): live,
//! expired, revoked (by the operator, or by what revokes every grant: a kill, a breaker trip, a
//! reconciliation mismatch, a failed audit, a demotion of its candidate, another policy), or
//! not to be trusted (a file whose signature, signer or journaled record does not hold). Also
//! how much of today's budget its automated approvals used.

use serde::Serialize;

use super::grant::Grant;
use super::store::Stored;
use crate::engine::execution::model::{Entry, Event};
use crate::engine::execution::operators::Operators;
use crate::engine::live::book::utc_day;
use crate::engine::promotion::Stage;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum GrantState {
    Live,
    Expired,
    Revoked {
        reason: String,
        /// When it was revoked (epoch ms), as journaled or as the cause's entry says; `None`
        /// for a policy change, which no entry of the corridor dates.
        at_ms: Option<i64>,
        /// The journal's `grant_revoked` entry, when the revocation was recorded there.
        recorded: bool,
    },
    /// Not a grant this workspace made: forged, widened, or signed by a key it does not trust.
    Untrusted { why: String },
}

impl GrantState {
    pub fn name(&self) -> &'static str {
        match self {
            GrantState::Live => "live",
            GrantState::Expired => "expired",
            GrantState::Revoked { .. } => "revoked",
            GrantState::Untrusted { .. } => "untrusted",
        }
    }
}

/// The journal's record of a grant being made.
pub struct Made<'a> {
    pub seq: u64,
    pub record_sha256: &'a str,
    pub limits: &'a serde_json::Value,
}

pub fn made<'a>(entries: &'a [Entry], grant_id: &str) -> Option<Made<'a>> {
    entries.iter().find_map(|e| match &e.event {
        Event::GrantMade { grant_id: g, record_sha256, limits, .. } if g == grant_id => {
            Some(Made { seq: e.seq, record_sha256, limits })
        }
        _ => None,
    })
}

/// Why `s` is not a grant to act on, if so: its signature, its signer, and the journal's record
/// of it being made (a file edited since, with wider limits or not).
pub fn untrusted(s: &Stored, entries: &[Entry], trusted: &Operators) -> Option<String> {
    let g = &s.grant;
    let made = made(entries, &g.id);
    if let Some(m) = &made {
        if let Ok(as_made) = serde_json::from_value::<super::grant::GrantLimits>(m.limits.clone()) {
            if as_made != g.limits {
                return Some(format!("widened: its file says {}, it was made with {}", g.limits_line(), {
                    let mut made_g = g.clone();
                    made_g.limits = as_made;
                    made_g.limits_line()
                }));
            }
        }
    }
    if let Err(why) = g.signature_holds() {
        return Some(format!("forged: {why} (its file was changed after the operator signed it)"));
    }
    if !trusted.trusts(&g.operator, &g.public_key) {
        return Some(format!(
            "signed by key {}, which operators.json does not trust for operator {}",
            g.public_key, g.operator
        ));
    }
    match made {
        None => Some(format!("{}'s journal never recorded it being made", g.corridor)),
        Some(m) if m.record_sha256 != s.sha256 => {
            Some("its file is not the one the journal recorded being made".to_string())
        }
        Some(_) => None,
    }
}

/// The first thing in `entries` after the grant was made that revokes it: (why, when, whether
/// a `grant_revoked` entry records the revocation, there or later).
pub fn revocation(g: &Grant, entries: &[Entry]) -> Option<(String, i64, bool)> {
    let from = made(entries, &g.id)?.seq;
    let after = entries.iter().filter(|e| e.seq > from);
    let recorded = after.clone().any(|e| matches!(&e.event, Event::GrantRevoked { grant_id, .. } if *grant_id == g.id));
    let first = after.clone().find_map(|e| {
        let why = match &e.event {
            Event::GrantRevoked { grant_id, reason, .. } if *grant_id == g.id => reason.clone(),
            Event::Killed { reason, .. } => format!("kill switch: {reason}"),
            Event::BreakerTripped { failures, window_minutes } => {
                format!("breaker tripped: {failures} rejects or errors within {window_minutes} min")
            }
            Event::Reconciled { summary, .. } if !summary.mismatches.is_empty() => {
                format!("reconciliation mismatch: {}", summary.mismatches.join("; "))
            }
            Event::AuditFailed { .. } | Event::SegmentStarted { .. } => "the journal failed its audit".to_string(),
            Event::PromotionDecided { candidate, from, to, .. }
                if *candidate == g.candidate && Stage::parse(to) < Stage::parse(from) =>
            {
                format!("{candidate} was demoted from {from} to {to}")
            }
            _ => return None,
        };
        Some((why, e.time_ms))
    });
    first.map(|(why, at)| (why, at, recorded))
}

/// The grant's state now: `policy_now` the fingerprint of the policy in force (`None`: no
/// policy), `kill_all` the kill switch's reason when it is on.
pub fn state(
    s: &Stored,
    entries: &[Entry],
    trusted: &Operators,
    policy_now: Option<&str>,
    kill_all: Option<&str>,
    now: i64,
) -> GrantState {
    let g = &s.grant;
    if let Some(why) = untrusted(s, entries, trusted) {
        return GrantState::Untrusted { why };
    }
    if let Some((reason, at, recorded)) = revocation(g, entries) {
        return GrantState::Revoked { reason, at_ms: Some(at), recorded };
    }
    if let Some(why) = kill_all {
        return GrantState::Revoked { reason: format!("kill switch (all corridors): {why}"), at_ms: None, recorded: false };
    }
    if policy_now != Some(g.policy_fingerprint.as_str()) {
        let reason = match policy_now {
            Some(fp) => format!("the policy changed (fingerprint {} now, {} when granted)", short(fp), short(&g.policy_fingerprint)),
            None => "the policy file is gone".to_string(),
        };
        return GrantState::Revoked { reason, at_ms: None, recorded: false };
    }
    if now >= g.expires_ms {
        return GrantState::Expired;
    }
    GrantState::Live
}

fn short(fp: &str) -> &str {
    &fp[..fp.len().min(12)]
}

/// Automated approvals under `grant` journaled on the UTC day of `now`.
pub fn orders_on_day(grant: &str, entries: &[Entry], now: i64) -> u32 {
    let today = utc_day(now);
    entries
        .iter()
        .filter(|e| match &e.event {
            Event::Approved { approval } => {
                approval.automation.as_ref().is_some_and(|a| a.grant == grant) && utc_day(approval.approved_ms) == today
            }
            _ => false,
        })
        .count() as u32
}

/// The newest live grant on `corridor` for `candidate` at `now`, given the corridor's
/// `entries`; `None` when there is none (or it cannot be read: then nothing is automated).
pub fn live_for(
    ws: &crate::engine::workspace::Workspace,
    corridor: &crate::engine::execution::model::CorridorId,
    candidate: &str,
    entries: &[Entry],
    kill_all: Option<&str>,
    now: i64,
) -> Option<Grant> {
    let trusted = crate::engine::execution::operators::load(ws).ok()?;
    let policy_now = crate::engine::execution::policy::load(ws).ok().flatten().map(|p| p.fingerprint);
    super::store::all(ws)
        .ok()?
        .into_iter()
        .filter(|s| s.grant.corridor == *corridor && s.grant.candidate == candidate)
        .filter(|s| state(s, entries, &trusted, policy_now.as_deref(), kill_all, now) == GrantState::Live)
        .map(|s| s.grant)
        .next_back()
}

/// Why `grant` is no longer live, for the alert that says automation stopped.
pub fn why_not_live(
    ws: &crate::engine::workspace::Workspace,
    grant: &str,
    entries: &[Entry],
    kill_all: Option<&str>,
    now: i64,
) -> String {
    let Ok(s) = super::store::read(ws, grant) else { return format!("{grant} cannot be read") };
    let trusted = crate::engine::execution::operators::load(ws).unwrap_or_default();
    let policy_now = crate::engine::execution::policy::load(ws).ok().flatten().map(|p| p.fingerprint);
    match state(&s, entries, &trusted, policy_now.as_deref(), kill_all, now) {
        GrantState::Revoked { reason, .. } => format!("revoked: {reason}"),
        GrantState::Untrusted { why } => format!("not to be trusted: {why}"),
        GrantState::Expired => format!("expired at {}", s.grant.expires),
        GrantState::Live => "live".to_string(),
    }
}
