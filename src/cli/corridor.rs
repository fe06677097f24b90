//! `quantlab corridor list|arm|disarm|status|keep-alive`.

use serde_json::json;

use super::args::CorridorCmd;
use super::output::Outcome;
use crate::engine::execution::Venue;
use crate::engine::time::fmt_ms;
use crate::engine::CorridorDetail;
use crate::engine::{Engine, Result};

pub fn dispatch(engine: &Engine, cmd: &CorridorCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        CorridorCmd::List => ("corridor list", list(engine)),
        CorridorCmd::Arm { venue, account } => ("corridor arm", arm(engine, venue, account)),
        CorridorCmd::Disarm { venue, account, keep_orders } => (
            "corridor disarm",
            (|| {
                engine.execution().corridor_disarm(Venue::parse(venue)?, account, *keep_orders)?;
                let how = if *keep_orders {
                    "the venue's dead-man timer is cleared: open orders stay"
                } else {
                    "the venue's dead-man timer runs out and cancels open orders"
                };
                Ok(Outcome::ok(
                    "corridor disarm",
                    &json!({"state": "disarmed", "keep_orders": keep_orders}),
                    format!("disarmed; {how}\n"),
                ))
            })(),
        ),
        CorridorCmd::Status { venue, account } => ("corridor status", status(engine, venue, account)),
        CorridorCmd::KeepAlive { venue, account } => (
            "corridor keep-alive",
            (|| {
                let l = engine.execution().corridor_keep_alive(Venue::parse(venue)?, account)?;
                Ok(Outcome::ok("corridor keep-alive", &l, format!("armed until {}\n", fmt_ms(l.expires_ms))))
            })(),
        ),
    }
}

fn list(engine: &Engine) -> Result<Outcome> {
    let mut rows = Vec::new();
    let mut text = String::new();
    for s in engine.execution().corridors()? {
        let state = s.arm.state;
        text.push_str(&format!(
            "{:<22} {:<13} intents {:>3}  awaiting approval {:>2}  open orders {:>2}{}\n",
            s.corridor.to_string(),
            s.arm.label(),
            s.intents,
            s.awaiting_approval,
            s.open_orders,
            s.halted.as_deref().map(|h| format!("  ({h})")).unwrap_or_default()
        ));
        rows.push(json!({"summary": s, "state": state}));
    }
    if rows.is_empty() {
        text.push_str("no corridors: write a policy (`quantlab policy init`) or create an intent\n");
    }
    Ok(Outcome::ok("corridor list", &json!({"corridors": rows}), text))
}

fn arm(engine: &Engine, venue: &str, account: &str) -> Result<Outcome> {
    let r = engine.execution().corridor_arm(Venue::parse(venue)?, account)?;
    let mut text = String::new();
    for c in &r.checks {
        text.push_str(&format!("{}  {:<15} {}\n", if c.ok { "PASS" } else { "FAIL" }, c.name, c.detail));
    }
    text.push_str(&format!("{}: {}\n", r.corridor, r.state.name()));
    let armed = r.state == crate::engine::execution::ArmState::Armed;
    Ok(Outcome::ok("corridor arm", &r, text).with_exit(if armed { 0 } else { 3 }))
}

pub fn detail_text(d: &CorridorDetail) -> String {
    let mut t = format!("{}  {}", d.corridor, d.state.name());
    if let Some(l) = &d.lease {
        t.push_str(&format!(" (lease until {})", fmt_ms(l.expires_ms)));
    }
    if let Some(h) = &d.halted {
        t.push_str(&format!("  halted: {h}"));
    }
    t.push_str(&format!(
        "\nvenue: {} ({} ms)\n",
        if d.connection.ok { "connected" } else { "unreachable" },
        d.connection.latency_ms
    ));
    let unknown =
        |what: &str, e: &Option<String>| format!("{what} UNKNOWN: {}\n", e.as_deref().unwrap_or("not read"));
    match &d.balances {
        Some(list) => {
            for b in list {
                t.push_str(&format!("balance  {:<6} {} (available {})\n", b.asset, b.total, b.available));
            }
        }
        None => t.push_str(&unknown("balances", &d.balances_error)),
    }
    match &d.positions {
        Some(list) if list.is_empty() => t.push_str("positions flat\n"),
        Some(list) => {
            for p in list {
                t.push_str(&format!("position {:<8} {}\n", p.symbol, p.quantity));
            }
        }
        None => t.push_str(&unknown("positions", &d.positions_error)),
    }
    if d.open_orders.is_none() {
        t.push_str(&unknown("open orders", &d.open_orders_error));
    }
    for o in d.open_orders.iter().flatten() {
        t.push_str(&format!(
            "open     {} {} {} {} filled {}\n",
            o.venue_order_id,
            o.side.name(),
            o.quantity,
            o.symbol,
            o.filled_quantity
        ));
    }
    for f in &d.recent_fills {
        t.push_str(&format!(
            "fill     {} {} {} {} @ {}\n",
            f.intent_id,
            f.side,
            f.filled,
            f.symbol,
            f.average_price.as_deref().unwrap_or("-")
        ));
    }
    for p in &d.pending {
        t.push_str(&format!(
            "pending  {} {} {} {}  {}\n",
            p.intent().id,
            p.intent().side.name(),
            p.intent().quantity,
            p.intent().symbol,
            p.blocked().unwrap_or("ready for approval in the console")
        ));
    }
    t
}

fn status(engine: &Engine, venue: &str, account: &str) -> Result<Outcome> {
    let d = engine.execution().corridor_detail(Venue::parse(venue)?, account)?;
    // What was known is still printed; a read that failed makes it a venue error (exit 4).
    let code = if d.complete() { 0 } else { crate::engine::ErrorKind::Venue.exit_code() };
    Ok(Outcome::ok("corridor status", &d, detail_text(&d)).with_exit(code))
}
