//! Supervised live's evidence, on one corridor (stage E): what the candidate did at micro-live
//! there (its sessions and bars, no drift), the corridor's passed promotion report under its
//! current policy, and no open incident.

use super::super::candidate::Candidate;
use super::super::model::{GateLine, Stage};
use super::micro_live::open_incidents;
use super::Reads;
use crate::engine::alerts::codes;
use crate::engine::execution::promote;
use crate::engine::execution::CorridorId;
use crate::engine::live::session::LiveSession;

const GATE: Stage = Stage::SupervisedLive;

pub fn lines(r: &Reads, c: &Candidate, id: &CorridorId) -> Vec<GateLine> {
    let g = &r.gates.supervised_live;
    let here: Vec<&LiveSession> = r.live_of(c).filter(|s| s.config.corridor == *id).collect();
    let ids: Vec<String> = here.iter().map(|s| s.id.clone()).collect();
    let mut out = vec![GateLine::new(
        GATE,
        "micro_sessions",
        here.len() >= g.min_micro_sessions,
        format!("{} live session(s) on {id} ({} needed)", here.len(), g.min_micro_sessions),
        ids.clone(),
    )];
    let bars: usize = here.iter().map(|s| s.bars_processed).sum();
    out.push(GateLine::new(
        GATE,
        "micro_bars",
        bars >= g.min_micro_bars,
        format!("{bars} bars across them ({} needed)", g.min_micro_bars),
        ids.clone(),
    ));
    let sources: Vec<String> = here.iter().map(|s| s.source()).collect();
    let drift: Vec<String> = r
        .alerts
        .iter()
        .filter(|a| a.alert.code == codes::LIVE_DRIFT.0 && sources.contains(&a.alert.source))
        .map(|a| a.alert.id.clone())
        .collect();
    out.push(GateLine::new(
        GATE,
        "drift_alerts",
        drift.len() <= g.max_drift_alerts,
        format!("{} LIVE_DRIFT alert(s) (at most {})", drift.len(), g.max_drift_alerts),
        drift,
    ));
    if g.require_promotion_report {
        out.push(match r.policy.as_ref() {
            None => GateLine::new(GATE, "promotion_report", false, "no execution policy", Vec::new()),
            Some(p) => match promote::gate(r.ws, id, &p.fingerprint) {
                Ok(report) => GateLine::new(
                    GATE,
                    "promotion_report",
                    true,
                    format!("{} passed under the current policy, signed by {}", report.id, report.operator.as_deref().unwrap_or("nobody (fake venue)")),
                    vec![report.id],
                ),
                Err(problem) => GateLine::new(
                    GATE,
                    "promotion_report",
                    false,
                    format!("no passed promotion report ({problem}): run `quantlab promote check --venue {} --account {}`", id.venue, id.account),
                    Vec::new(),
                ),
            },
        });
    } else {
        out.push(GateLine::new(GATE, "promotion_report", true, "not required (supervised_live.require_promotion_report = false)", Vec::new()));
    }
    out.push(open_incidents(r, GATE, id));
    out
}
