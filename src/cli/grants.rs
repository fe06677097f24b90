//! `quantlab grants list|show|revoke` (and `create`, which a script is always refused).

use serde_json::json;

use super::args::GrantsCmd;
use super::output::Outcome;
use crate::engine::automation::{GrantState, GrantView};
use crate::engine::{Engine, Result};

fn state_text(s: &GrantState) -> String {
    match s {
        GrantState::Revoked { reason, .. } => format!("REVOKED: {reason}"),
        GrantState::Untrusted { why } => format!("UNTRUSTED: {why}"),
        other => other.name().to_uppercase(),
    }
}

/// One line: id, state, where, for which candidate, budget today, expiry.
fn line(v: &GrantView) -> String {
    let g = &v.grant;
    format!(
        "{}  {}  {}  {}  orders today {}/{}  expires {}\n",
        g.id,
        state_text(&v.state),
        g.corridor,
        g.candidate,
        v.orders_today,
        g.limits.max_orders_per_day,
        g.expires
    )
}

fn detail(v: &GrantView) -> String {
    let g = &v.grant;
    format!(
        "{}  limits: {}\n  signed by {} ({}) at {}, policy {}\n  automation key {}\n  file {}\n",
        line(v).trim_end(),
        g.limits_line(),
        g.operator,
        g.public_key,
        g.created,
        g.policy_fingerprint,
        g.automation_public_key,
        v.file
    )
}

pub fn dispatch(engine: &Engine, cmd: &GrantsCmd) -> (&'static str, Result<Outcome>) {
    let a = engine.automation();
    match cmd {
        GrantsCmd::List => (
            "grants list",
            (|| {
                let list = a.grants()?;
                let mut text: String = list.iter().map(line).collect();
                if list.is_empty() {
                    text.push_str("no grants (a grant is made in the console: tab Corridors, g)\n");
                }
                Ok(Outcome::ok("grants list", &json!({ "count": list.len(), "grants": list }), text))
            })(),
        ),
        GrantsCmd::Show { id } => {
            ("grants show", a.grant(id).map(|v| Outcome::ok("grants show", &v, detail(&v))))
        }
        GrantsCmd::Revoke { id, reason } => {
            ("grants revoke", a.revoke(id, reason).map(|v| Outcome::ok("grants revoke", &v, detail(&v))))
        }
        GrantsCmd::Create { venue, account, .. } => {
            let corridor = match (venue, account) {
                (Some(v), Some(a)) => format!("{v}/{a}"),
                (Some(v), None) => format!("{v}/main"),
                _ => "the corridor".to_string(),
            };
            ("grants create", Err(a.make_from_cli(&corridor)))
        }
    }
}
