//! Advancing a candidate one stage: only with a [`PromotionConfirmation`], and only if the gate,
//! evaluated again at the key, passes every line (an open incident on the corridor is one). A
//! refusal writes nothing; an advance is signed with the operator's key, appended to the
//! decisions and, on a corridor, journaled there.

use super::board::Ctx;
use super::candidate;
use super::confirm::PromotionConfirmation;
use super::decisions::{self, Decision, Kind};
use super::demotion;
use super::error::PromotionError;
use super::evidence::{self, Reads};
use super::gates;
use crate::engine::error::Result;
use crate::engine::execution::approval_sign::OperatorKey;

/// Promote as `c` says, signing with `key`; the decision written.
pub fn advance(ctx: &Ctx, c: PromotionConfirmation, key: &OperatorKey) -> Result<Decision> {
    let candidate = c.target().candidate.clone();
    let corridor = c.target().corridor.clone();
    if let Some(id) = corridor.as_ref().filter(|id| id.venue.is_live()) {
        if c.synthetic() {
            if let Err(why) = ctx.venues.loopback(ctx.ws, id) {
                return Err(PromotionError::SyntheticKey { corridor: id.clone(), why: why.to_string() }.into());
            }
        }
    }
    let loaded = gates::load_or_init(ctx.ws)?;
    let r = Reads::read(ctx.ws, &loaded.gates, ctx.store)?;
    demotion::sync(ctx.ws, &r.live)?;
    let all = decisions::read(ctx.ws)?;
    let found = candidate::discover(ctx.ws, &[])?;
    let f = found.iter().find(|f| f.candidate.id == candidate).ok_or_else(|| PromotionError::NoCandidate(candidate.clone()))?;
    let now = decisions::stage_of(&all, &candidate, corridor.as_ref());
    let shown = c.target().from;
    if now != shown {
        return Err(PromotionError::Stale { candidate, shown, now }.into());
    }
    let to = now.next().ok_or_else(|| PromotionError::LastStage { candidate: candidate.clone(), stage: now })?;
    if to != c.target().to {
        return Err(PromotionError::Stale { candidate, shown, now }.into());
    }
    match &corridor {
        None if to.is_live() => return Err(PromotionError::NeedsCorridor { candidate, to }.into()),
        Some(id) if to.is_live() && !id.venue.is_live() => {
            return Err(PromotionError::NoLiveStageOnFake { corridor: id.clone() }.into())
        }
        _ => {}
    }
    let lines = evidence::gate(&r, &f.candidate, to, corridor.as_ref());
    let failing: Vec<String> = lines.iter().filter(|g| !g.passed).map(|g| format!("{}: {}", g.item, g.detail)).collect();
    if !failing.is_empty() || lines.is_empty() {
        return Err(PromotionError::GateFailed { candidate, to, corridor, failing }.into());
    }
    let mut d = decisions::new(
        &candidate,
        now,
        to,
        corridor.as_ref(),
        Kind::Promoted,
        lines,
        Some(loaded.fingerprint),
        r.policy.as_ref().map(|p| p.fingerprint.clone()),
        c.by().to_string(),
    );
    decisions::sign(&mut d, key);
    decisions::record(ctx.ws, &d, true)?;
    Ok(d)
}
