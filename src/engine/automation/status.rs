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

/// What every grant's state is read against, read once: the trusted operator keys, the policy
/// in force, the kill switch, and the time.
#[derive(Debug, Clone)]
pub struct Now {
    pub trusted: Operators,
    /// The policy file's fingerprint; `None`: no policy.
    pub policy: Option<String>,
    /// The kill switch's reason when it is on.
    pub kill_all: Option<String>,
    pub at_ms: i64,
}

impl Now {
    /// Read from the workspace at `at_ms`; `kill_all` is `execution::global_halt::reason` (read
    /// by the caller: this module is below the execution boundary's own). A policy that cannot be
    /// read is no policy (every grant revoked); trusted keys that cannot be read are an error.
    pub fn read(
        ws: &crate::engine::workspace::Workspace,
        kill_all: Option<String>,
        at_ms: i64,
    ) -> crate::engine::error::Result<Now> {
        use crate::engine::execution::{operators, policy};
        Ok(Now {
            trusted: operators::load(ws)?,
            policy: policy::load(ws).ok().flatten().map(|p| p.fingerprint),
            kill_all,
            at_ms,
        })
    }
}

/// The grant's state against `now`, given its corridor's `entries`.
pub fn state(s: &Stored, entries: &[Entry], now: &Now) -> GrantState {
    let g = &s.grant;
    if let Some(why) = untrusted(s, entries, &now.trusted) {
        return GrantState::Untrusted { why };
    }
    if let Some((reason, at, recorded)) = revocation(g, entries) {
        return GrantState::Revoked { reason, at_ms: Some(at), recorded };
    }
    if let Some(why) = &now.kill_all {
        return GrantState::Revoked { reason: format!("kill switch (all corridors): {why}"), at_ms: None, recorded: false };
    }
    if now.policy.as_deref() != Some(g.policy_fingerprint.as_str()) {
        let reason = match &now.policy {
            Some(fp) => format!("the policy changed (fingerprint {} now, {} when granted)", short(fp), short(&g.policy_fingerprint)),
            None => "the policy file is gone".to_string(),
        };
        return GrantState::Revoked { reason, at_ms: None, recorded: false };
    }
    if now.at_ms >= g.expires_ms {
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

/// The newest live grant on `corridor` for `candidate` against `now`, given the corridor's
/// `entries`; `None` when there is none (or the grants cannot be read: then nothing is automated).
pub fn live_for(
    ws: &crate::engine::workspace::Workspace,
    corridor: &crate::engine::execution::model::CorridorId,
    candidate: &str,
    entries: &[Entry],
    now: &Now,
) -> Option<Grant> {
    super::store::all(ws)
        .ok()?
        .into_iter()
        .filter(|s| s.grant.corridor == *corridor && s.grant.candidate == candidate)
        .filter(|s| state(s, entries, now) == GrantState::Live)
        .map(|s| s.grant)
        .next_back()
}

/// Why `grant` is no longer live, for the alert that says automation stopped.
pub fn why_not_live(ws: &crate::engine::workspace::Workspace, grant: &str, entries: &[Entry], now: &Now) -> String {
    let Ok(s) = super::store::read(ws, grant) else { return format!("{grant} cannot be read") };
    match state(&s, entries, now) {
        GrantState::Revoked { reason, .. } => format!("revoked: {reason}"),
        GrantState::Untrusted { why } => format!("not to be trusted: {why}"),
        GrantState::Expired => format!("expired at {}", s.grant.expires),
        GrantState::Live => "live".to_string(),
    }
}
