//! `quantlab alerts list|ack`

use serde_json::json;

use super::args::AlertsCmd;
use super::output::Outcome;
use crate::engine::{Engine, Result};

pub fn dispatch(engine: &Engine, cmd: &AlertsCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        AlertsCmd::List { all } => (
            "alerts list",
            (|| {
                let views: Vec<_> =
                    engine.alerts()?.into_iter().filter(|a| *all || a.acknowledged_at.is_none()).collect();
                let mut text = String::new();
                for a in &views {
                    text.push_str(&format!(
                        "{}  {}  {:<4} {:<26} {:<34} {}{}\n",
                        a.alert.id,
                        a.alert.time,
                        a.alert.severity.word(),
                        a.alert.code,
                        a.alert.source,
                        a.alert.message,
                        a.acknowledged_at
                            .as_deref()
                            .map(|t| format!(" (acknowledged {t})"))
                            .unwrap_or_default()
                    ));
                }
                if views.is_empty() {
                    text.push_str(if *all { "no alerts\n" } else { "no unacknowledged alerts\n" });
                }
                Ok(Outcome::ok("alerts list", &json!({ "count": views.len(), "alerts": views }), text))
            })(),
        ),
        AlertsCmd::Ack { id, all: _ } => (
            "alerts ack",
            (|| {
                let done = engine.ack_alerts(id.as_deref())?;
                let text = format!("acknowledged {} alert(s)\n", done.len());
                Ok(Outcome::ok("alerts ack", &json!({ "acknowledged": done }), text))
            })(),
        ),
    }
}
