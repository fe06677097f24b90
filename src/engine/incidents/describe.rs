//! One line for each journal event, and whether it was the operator's doing: the words of an
//! incident's timeline. Only what the entry holds is told.

use crate::engine::execution::corridor::arming::DEAD_MAN_NOT_RENEWED;
use crate::engine::execution::model::{Event, IntentSource};
use crate::engine::execution::state::CorridorState;

/// The event's kind as journaled (`killed`, `reconciled`, ...).
pub fn kind(e: &Event) -> String {
    serde_json::to_value(e)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// What the event says, in one line.
pub fn event(e: &Event) -> String {
    match e {
        Event::IntentCreated { intent: i } => {
            let price = i.limit_price.map(|p| format!(" @ {p}")).unwrap_or_default();
            let note = i.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            format!(
                "intent {} created: {} {} {} {}{price}{note}",
                i.id,
                i.side.name(),
                i.quantity,
                i.symbol,
                i.order_type.name()
            )
        }
        Event::IntentCancelled { intent_id, reason } => format!("intent {intent_id} withdrawn: {reason}"),
        Event::Preflight { intent_id, passed: true, .. } => format!("preflight of {intent_id}: passed"),
        Event::Preflight { intent_id, failed_rules, .. } => {
            format!("preflight of {intent_id}: refused by {}", failed_rules.join(", "))
        }
        Event::Approved { approval: a } => {
            let who = a.operator.as_deref().map(|o| format!(", operator {o}")).unwrap_or_default();
            format!("intent {} approved ({}{who})", a.intent_id, a.by)
        }
        Event::SubmitRefused { intent_id, reason } => format!("send of {intent_id} refused: {reason}"),
        Event::SubmitStarted { intent_id, .. } => format!("intent {intent_id} sent to the venue"),
        Event::VenueAck { intent_id, report, recovered } => format!(
            "the venue accepted {intent_id} as order {}{}",
            report.venue_order_id,
            if *recovered { " (found by a status query)" } else { "" }
        ),
        Event::VenueReject { intent_id, reason } => format!("the venue rejected {intent_id}: {reason}"),
        Event::VenueError { intent_id, message, ambiguous } => format!(
            "venue error sending {intent_id}{}: {message}",
            if *ambiguous { ", its fate unknown" } else { ", nothing placed" }
        ),
        Event::NotReceived { intent_id } => format!("the venue never received {intent_id}"),
        Event::DryRunResult { intent_id, ok, message } => {
            format!("validate-only send of {intent_id}: {}: {message}", if *ok { "valid" } else { "invalid" })
        }
        Event::OrderUpdate { intent_id, report: r } => format!(
            "{intent_id} at the venue: {}, filled {} of {} {}",
            serde_json::to_value(r.state).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
            r.filled_quantity,
            r.quantity,
            r.symbol
        ),
        Event::CancelRequested { intent_id } => format!("cancel of {intent_id} asked of the venue"),
        Event::Killed { reason, .. } => format!("KILL SWITCH: {reason}"),
        Event::BreakerTripped { failures, window_minutes } => {
            format!("BREAKER tripped: {failures} rejects or errors within {window_minutes} min")
        }
        Event::Baseline { positions } => {
            let held: Vec<String> = positions.iter().map(|p| format!("{} {}", p.symbol, p.quantity)).collect();
            format!("baseline of the venue's positions: {}", if held.is_empty() { "none".into() } else { held.join(", ") })
        }
        Event::Reconciled { summary: s, .. } if s.clean => {
            let resolved =
                if s.resolved.is_empty() { String::new() } else { format!("; settled {}", s.resolved.join("; ")) };
            format!("reconciliation {}: clean{resolved}", s.id)
        }
        Event::Reconciled { summary: s, .. } => {
            format!("reconciliation {}: MISMATCH: {}", s.id, s.mismatches.join("; "))
        }
        Event::Rearmed { reconciliation_id, .. } => format!("rearmed after reconciliation {reconciliation_id}"),
        Event::Note { text } => format!("note: {text}"),
        Event::Armed { reconciliation_id, dead_man_secs, .. } => {
            format!("armed after reconciliation {reconciliation_id} (dead-man timer {dead_man_secs} s)")
        }
        Event::Disarmed { reason } => format!("disarmed: {reason}"),
        Event::OrderPreview { request, validate, .. } => format!(
            "order preview of {} {}{}",
            request.symbol,
            request.client_order_id,
            if *validate { ", sent validate-only" } else { "" }
        ),
        Event::PreviewResult { client_order_id, ok, message } => {
            format!("preview {client_order_id}: {}: {message}", if *ok { "valid" } else { "invalid" })
        }
        Event::AuditFailed { line, problem, why } => format!("AUDIT FAILED: journal line {line}: {problem}: {why}"),
        Event::SegmentStarted { predecessor, why, .. } => {
            format!("fresh journal segment: {predecessor} failed its audit ({why}) and was kept aside")
        }
        Event::IncidentClosed { incident_id, note, operator, .. } => {
            format!("incident {incident_id} closed by {operator}: {note}")
        }
        Event::PromotionDecided { decision_id, candidate, from, to, .. } => {
            format!("promotion {decision_id}: {candidate} {from} -> {to}")
        }
        Event::GrantMade { grant_id, candidate, .. } => format!("grant {grant_id} made for {candidate}"),
        Event::GrantRevoked { grant_id, reason, .. } => format!("grant {grant_id} revoked: {reason}"),
    }
}

/// Was it the operator's doing? `state`: the corridor as replayed up to the entry before it
/// (who made an intent tells whose its withdrawal was: a strategy's session withdraws its own).
pub fn by_operator(e: &Event, state: &CorridorState) -> bool {
    let operators_intent = |id: &str| {
        state
            .intents
            .get(id)
            .is_some_and(|r| matches!(r.intent.source, IntentSource::Operator | IntentSource::Plan))
    };
    match e {
        // An automated approval is the grant's doing, not a keypress.
        Event::Approved { approval } => approval.automation.is_none(),
        Event::GrantMade { .. } => true,
        Event::GrantRevoked { by, .. } => by.starts_with("operator"),
        Event::Killed { .. }
        | Event::Rearmed { .. }
        | Event::Armed { .. }
        | Event::OrderPreview { .. }
        | Event::IncidentClosed { .. } => true,
        Event::Disarmed { reason } => !reason.starts_with(DEAD_MAN_NOT_RENEWED),
        Event::IntentCancelled { intent_id, .. } | Event::CancelRequested { intent_id } => {
            operators_intent(intent_id)
        }
        _ => false,
    }
}
