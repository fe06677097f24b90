//! `quantlab notify test|log|status|summary|run|secret`

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde_json::json;

use super::args::{NotifyCmd, NotifySecretCmd};
use super::output::Outcome;
use crate::engine::notify::DeliveryRecord;
use crate::engine::{Engine, Error, Result};

fn line(r: &DeliveryRecord) -> String {
    let extra = match (&r.error, &r.next_attempt_at) {
        (Some(e), Some(n)) => format!("  {e} (next attempt {n})"),
        (Some(e), None) => format!("  {e}"),
        _ => String::new(),
    };
    format!(
        "{}  {:<12} {:<8} {:<10} {:<12} #{} {}{extra}\n",
        r.time,
        r.channel,
        r.channel_kind,
        r.kind.name(),
        r.status.name(),
        r.attempt,
        r.title
    )
}

pub fn dispatch(engine: &Engine, cmd: &NotifyCmd) -> (&'static str, Result<Outcome>) {
    let n = engine.notify();
    match cmd {
        NotifyCmd::Test { channel } => (
            "notify test",
            n.test(channel).map(|r| {
                let took = r.duration_ms.map_or("unknown".to_string(), |ms| format!("{ms} ms"));
                let text = format!("delivered a test message on {} ({}) in {took}\n", r.channel, r.channel_kind);
                Outcome::ok("notify test", &r, text)
            }),
        ),
        NotifyCmd::Log { limit, channel } => (
            "notify log",
            n.log(Some(*limit), channel.as_deref()).map(|rows| {
                let mut text: String = rows.iter().map(line).collect();
                if rows.is_empty() {
                    text.push_str("no deliveries logged\n");
                }
                Outcome::ok("notify log", &json!({ "count": rows.len(), "deliveries": rows }), text)
            }),
        ),
        NotifyCmd::Status => (
            "notify status",
            n.status().map(|s| {
                let mut t = format!("{}\n", s.file);
                for c in &s.channels {
                    let secret = match (c.needs_secret, c.secret_present) {
                        (false, _) => "no secret needed".to_string(),
                        (true, Some(true)) => "secret stored".to_string(),
                        (true, Some(false)) => format!("SECRET MISSING: quantlab notify secret set {}", c.name),
                        (true, None) => "secret store unreadable".to_string(),
                    };
                    t.push_str(&format!(
                        "  {:<12} {:<8} {}  {secret}{}{}\n",
                        c.name,
                        c.kind,
                        c.target,
                        if c.failing { "  FAILING" } else { "" },
                        if c.waiting > 0 { format!("  {} waiting", c.waiting) } else { String::new() },
                    ));
                }
                t.push_str(&format!("routes: {}; dedup window: {} min\n", s.routes, s.dedup_minutes));
                for (what, v) in [
                    ("quiet hours", &s.quiet_hours),
                    ("escalation", &s.escalation),
                    ("heartbeat", &s.heartbeat),
                    ("daily summary", &s.daily_summary),
                ] {
                    t.push_str(&format!("{what}: {}\n", v.as_deref().unwrap_or("off")));
                }
                t.push_str(&match &s.dispatcher {
                    Some(h) => format!("delivering: {} (pid {}) since {}\n", h.by, h.pid, h.since),
                    None => "delivering: nothing runs now (the console, a live session's runner or `quantlab notify run` delivers)\n".to_string(),
                });
                Outcome::ok("notify status", &s, t)
            }),
        ),
        NotifyCmd::Summary => ("notify summary", n.summary().map(|s| Outcome::ok("notify summary", &s, s.text()))),
        NotifyCmd::Run => (
            "notify run",
            (|| {
                let stop = Arc::new(AtomicBool::new(false));
                for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
                    signal_hook::flag::register(sig, Arc::clone(&stop))
                        .map_err(|e| Error::runtime(format!("cannot watch signals: {e}")))?;
                }
                // Says what it will do before it serves: a misconfigured file is found now.
                let s = n.status()?;
                super::output::err(&format!(
                    "notify: delivering for {} channel(s) from {} until interrupted\n",
                    s.channels.len(),
                    s.file
                ));
                n.run("daemon", &stop);
                Ok(Outcome::ok("notify run", &json!({ "stopped": true }), "notify: stopped\n".into()))
            })(),
        ),
        NotifyCmd::Secret(NotifySecretCmd::Set { channel }) => (
            "notify secret set",
            (|| {
                let key = n.secret_set(channel, &super::execution::read_secret()?)?;
                let store = engine.credentials().name();
                Ok(Outcome::ok(
                    "notify secret set",
                    &json!({ "name": key.name(), "store": store }),
                    format!("stored {} in {store}\n", key.name()),
                ))
            })(),
        ),
        NotifyCmd::Secret(NotifySecretCmd::Delete { channel }) => (
            "notify secret delete",
            n.secret_delete(channel).map(|existed| {
                let text = if existed {
                    format!("deleted notify/{channel}\n")
                } else {
                    format!("notify/{channel} was not stored\n")
                };
                Outcome::ok("notify secret delete", &json!({ "deleted": existed }), text)
            }),
        ),
    }
}
