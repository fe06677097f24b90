//! Which channels an alert goes to: every `[[route]]` whose severity floor and codes match
//! adds its channels (each channel once, in the order the routes name them).

use super::config::Route;
use crate::engine::alerts::Alert;

fn code_matches(pattern: &str, code: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => code.starts_with(prefix),
        None => pattern == code,
    }
}

impl Route {
    pub fn matches(&self, alert: &Alert) -> bool {
        alert.severity >= self.min_severity
            && (self.codes.is_empty() || self.codes.iter().any(|p| code_matches(p, &alert.code)))
            && !self.except_codes.iter().any(|p| code_matches(p, &alert.code))
    }
}

/// The channels `alert` is routed to.
pub fn channels_for(routes: &[Route], alert: &Alert) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in routes.iter().filter(|r| r.matches(alert)) {
        for c in &r.channels {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::alerts::Severity;

    fn alert(code: &str, severity: Severity) -> Alert {
        Alert {
            schema: "quantlab.alert".into(),
            schema_version: 1,
            id: "al_x".into(),
            time: "2026-01-01T00:00:00Z".into(),
            severity,
            code: code.into(),
            source: "s".into(),
            message: "m".into(),
        }
    }

    #[test]
    fn severity_floors_codes_prefixes_and_exceptions() {
        let routes = vec![
            Route { min_severity: Severity::Critical, codes: vec![], except_codes: vec![], channels: vec!["tg".into()] },
            Route {
                min_severity: Severity::Info,
                codes: vec!["LIVE_*".into(), "ORDER_REJECTED".into()],
                except_codes: vec!["LIVE_INTENT_CREATED".into()],
                channels: vec!["hook".into(), "tg".into()],
            },
        ];
        assert_eq!(channels_for(&routes, &alert("KILL_SWITCH", Severity::Critical)), ["tg"]);
        assert_eq!(channels_for(&routes, &alert("LIVE_DRIFT", Severity::Critical)), ["tg", "hook"]);
        assert_eq!(channels_for(&routes, &alert("LIVE_INTENT_MISSED", Severity::Warning)), ["hook", "tg"]);
        assert!(channels_for(&routes, &alert("LIVE_INTENT_CREATED", Severity::Info)).is_empty());
        assert!(channels_for(&routes, &alert("ORDER_FILLED", Severity::Info)).is_empty());
        assert!(channels_for(&routes, &alert("STALE_STREAM", Severity::Warning)).is_empty());
    }
}
