//! How an incident reads on screen, in the Alerts tab's list and in its own view alike: its
//! status as a symbol and a word (never colour alone), where it happened, and times to the
//! second.

use ratatui::style::Style;
use serde::Serialize;

use crate::engine::incidents::{Incident, Status};
use crate::tui::theme::Theme;

/// `✖ open`, `◐ resolved` (its story ended, e.g. a rearm, but no one closed it with a note yet:
/// still open) or `✔ closed`.
pub fn status(i: &Incident, t: &Theme) -> (&'static str, Style) {
    match (i.status, &i.resolved) {
        (Status::Closed, _) => ("✔ closed", t.ok),
        (Status::Open, Some(_)) => ("◐ resolved", t.warning),
        (Status::Open, None) => ("✖ open", t.critical),
    }
}

/// The corridors it touched, or for an incident of no corridor the source of its alert.
pub fn place(i: &Incident) -> String {
    match (i.corridors.as_slice(), &i.source) {
        ([], Some(s)) => s.clone(),
        ([], None) => "-".into(),
        (cs, _) => cs.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "),
    }
}

/// `2026-01-02 03:04:05` from the engine's UTC text.
pub fn time(s: &str) -> String {
    s.replace('T', " ").chars().take(19).collect()
}

/// A value's name as the contracts spell it (`killed`, `rearmed`...).
pub fn word<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "unknown".into(),
    }
}
