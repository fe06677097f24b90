//! `quantlab sim`, `sim fault`, `doctor`, `order preview`.

use std::io::Write;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::json;

use super::args::{DoctorArgs, OrderCmd, PreviewArgs, SimArgs, SimCmd};
use super::error::CliError;
use super::output::Outcome;
use crate::engine::execution::{CorridorId, OrderType, Side, TimeInForce, Venue};
use crate::engine::venues::Ask;
use crate::engine::venues::FaultChange;
use crate::engine::{Engine, Result};

pub fn sim(engine: &Engine, a: &SimArgs, json_out: bool) -> (&'static str, Result<Outcome>) {
    match &a.cmd {
        Some(SimCmd::Fault { url, kind, value }) => ("sim fault", fault(engine, url, kind, value.as_deref())),
        None => ("sim", run(engine, a, json_out)),
    }
}

fn run(engine: &Engine, a: &SimArgs, json_out: bool) -> Result<Outcome> {
    let config = a.config.as_ref().ok_or(CliError::SimNeedsConfig)?;
    let listen: std::net::SocketAddr =
        a.listen.parse().map_err(|_| CliError::NotAnAddress(a.listen.clone()))?;
    engine.venues().simulate(config, listen, |bound| {
        // One line a supervisor (or a test) can wait for; the port is real even with :0.
        let line = if json_out {
            json!({ "listening": bound.to_string(), "url": format!("http://{bound}") }).to_string()
        } else {
            format!("quantlab sim: listening on http://{bound} (Kraken /0/*, /kraken/v2; Hyperliquid /info, /exchange, /ws)")
        };
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    })?;
    Ok(Outcome::ok("sim", &json!({ "stopped": true }), "quantlab sim: stopped, state saved\n".into()))
}

fn fault(engine: &Engine, url: &str, kind: &str, value: Option<&str>) -> Result<Outcome> {
    let change = FaultChange::parse(kind, value)?;
    let reply = engine.venues().sim_fault(url, &change)?;
    let text = format!("fault applied: {kind}{}\n", value.map(|v| format!(" {v}")).unwrap_or_default());
    Ok(Outcome::ok("sim fault", &reply, text))
}

fn corridor(venue: &str, account: &str) -> Result<CorridorId> {
    let v = Venue::parse(venue)?;
    if !v.is_live() {
        return Err(CliError::NotALiveVenue.into());
    }
    CorridorId::new(v, account)
}

pub fn doctor(engine: &Engine, a: &DoctorArgs) -> Result<Outcome> {
    let id = corridor(&a.venue, &a.account)?;
    let r = engine.venues().doctor(&id)?;
    let code = r.exit_code;
    Ok(Outcome::ok("doctor", &r, r.text()).with_exit(code))
}

fn decimal(flag: &str, s: &str) -> Result<Decimal> {
    let (flag, value) = (flag.to_string(), s.to_string());
    let d = Decimal::from_str(s)
        .map_err(|_| CliError::NotANumber { flag: flag.clone(), value: value.clone() })?;
    if d <= Decimal::ZERO {
        return Err(CliError::NotPositive { flag, value }.into());
    }
    Ok(d)
}

pub fn order(engine: &Engine, cmd: &OrderCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        OrderCmd::Preview(a) => ("order preview", order_preview(engine, a)),
    }
}

fn order_preview(engine: &Engine, a: &PreviewArgs) -> Result<Outcome> {
    let id = corridor(&a.venue, &a.account)?;
    let limit = a.limit.as_deref().map(|s| decimal("--limit", s)).transpose()?;
    let trigger = a.trigger.as_deref().map(|s| decimal("--trigger", s)).transpose()?;
    let order_type = match &a.order_type {
        Some(t) => OrderType::parse(t)?,
        None if limit.is_some() => OrderType::Limit,
        None => OrderType::Market,
    };
    let ask = Ask {
        symbol: a.symbol.clone(),
        side: Side::parse(&a.side)?,
        quantity: decimal("--qty", &a.qty)?,
        order_type,
        limit_price: limit,
        trigger_price: trigger,
        time_in_force: TimeInForce::parse(&a.tif)?,
        reduce_only: a.reduce_only,
        exits: super::execution::exits(&a.exits)?,
    };
    let p = engine.venues().preview(&id, ask, a.validate)?;
    let mut text = String::new();
    if let Some(w) = &p.warning {
        text.push_str(&format!("{w}\n"));
    }
    text.push_str(&format!("{} {}\n", p.method, p.url));
    for (k, v) in &p.headers {
        text.push_str(&format!("{k}: {v}\n"));
    }
    text.push_str(&format!("\n{}\n\n", p.body));
    text.push_str(&format!("nonce:          {}\n", p.nonce));
    text.push_str(&format!("signing digest: {}\n", p.signing_digest));
    if let Some(signer) = &p.signer {
        text.push_str(&format!("signer:         {signer}\n"));
    }
    text.push_str("signature withheld: a preview never carries a signature a venue would accept\n");
    match &p.validation {
        None => text.push_str("not sent (preview); journaled as a dry run\n"),
        Some(v) => text.push_str(&format!("{}: {}\n", if v.ok { "valid" } else { "invalid" }, v.message)),
    }
    let code = if p.validation.as_ref().is_some_and(|v| !v.ok) { 4 } else { 0 };
    Ok(Outcome::ok("order preview", &p, text).with_exit(code))
}
