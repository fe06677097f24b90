//! `quantlab policy|corridors|intent|preflight|submit|journal|kill|rearm|reconcile|secrets|promote`

use std::io::{BufRead, IsTerminal};

use serde_json::json;

use super::args::{IntentCmd, IntentNewArgs, JournalCmd, PolicyCmd, PromoteCmd, SecretsCmd};
use super::output::Outcome;
use crate::engine::execution::parse_decimal;
use crate::engine::execution::AttachedExits;
use crate::engine::execution::ExecutionPreflight;
use crate::engine::execution::IntentSpec;
use crate::engine::execution::{IntentSource, OrderType, Side, TimeInForce, Venue};
use crate::engine::secrets::{Secret, SecretsError};
use crate::engine::time::parse_timeframe;
use crate::engine::{Engine, Error, Result};

fn venue(s: &Option<String>) -> Result<Option<Venue>> {
    s.as_deref().map(Venue::parse).transpose()
}

pub fn policy(engine: &Engine, cmd: &PolicyCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        PolicyCmd::Init => (
            "policy init",
            (|| {
                let p = engine.execution().policy_init()?;
                Ok(Outcome::ok("policy init", &json!({ "path": p }), format!("wrote {}\n", p.display())))
            })(),
        ),
        PolicyCmd::Show => {
            (
                "policy show",
                (|| {
                    let p = engine.execution().policy()?;
                    let mut text = format!("{} (sha256 {})\n", p.path.display(), p.fingerprint);
                    for c in &p.policy.corridors {
                        let l = c.limits();
                        text.push_str(&format!(
                    "  {}/{}  stage {}  symbols {}  order {}  position {}  gross {}  daily loss {}{}\n",
                    c.venue,
                    c.account,
                    format!("{:?}", c.stage).to_lowercase(),
                    c.symbols.join(","),
                    l.max_order_notional,
                    l.max_position_notional,
                    l.max_gross_exposure,
                    l.daily_loss_limit,
                    if c.above_micro_live() { "  (above micro-live: needs a promotion report)" } else { "" }
                ));
                    }
                    Ok(Outcome::ok(
                        "policy show",
                        &json!({ "path": p.path, "fingerprint": p.fingerprint, "policy": p.policy }),
                        text,
                    ))
                })(),
            )
        }
    }
}

pub fn corridors(engine: &Engine) -> Result<Outcome> {
    let list = engine.execution().corridors()?;
    let mut text = String::new();
    for c in &list {
        let state = if c.halted.is_some() { "HALTED".to_string() } else { c.arm.label().to_string() };
        text.push_str(&format!(
            "{:<24} {:<13} intents {:<4} open orders {:<3} journal {:<5} {}\n",
            c.corridor.to_string(),
            state,
            c.intents,
            c.open_orders,
            c.journal_entries,
            c.halted.as_deref().unwrap_or(if c.in_policy { "" } else { "(not in the policy)" })
        ));
    }
    if list.is_empty() {
        text.push_str("no corridors: `quantlab policy init` writes an example policy\n");
    }
    Ok(Outcome::ok("corridors", &json!({ "corridors": list }), text))
}

fn spec(a: &IntentNewArgs) -> Result<IntentSpec> {
    let ttl_ms = a
        .expires
        .as_deref()
        .map(|e| parse_timeframe(e).map_err(|_| Error::from(super::error::CliError::NotADuration(e.into()))))
        .transpose()?;
    Ok(IntentSpec {
        source: IntentSource::parse(&a.source)?,
        venue: Venue::parse(&a.venue)?,
        account: a.account.clone(),
        symbol: a.symbol.clone(),
        side: Side::parse(&a.side)?,
        quantity: parse_decimal("--qty", &a.qty)?,
        order_type: OrderType::parse(&a.order_type)?,
        limit_price: a.price.as_deref().map(|p| parse_decimal("--price", p)).transpose()?,
        trigger_price: a.trigger.as_deref().map(|p| parse_decimal("--trigger", p)).transpose()?,
        time_in_force: TimeInForce::parse(&a.tif)?,
        reduce_only: a.reduce_only,
        ttl_ms,
        note: a.note.clone(),
        exits: exits(&a.exits)?,
    })
}

/// `--take-profit` and `--stop-loss`, if either is given.
pub fn exits(a: &super::args::ExitArgs) -> Result<Option<AttachedExits>> {
    let x = AttachedExits {
        take_profit: a.take_profit.as_deref().map(|p| parse_decimal("--take-profit", p)).transpose()?,
        stop_loss: a.stop_loss.as_deref().map(|p| parse_decimal("--stop-loss", p)).transpose()?,
    };
    Ok((!x.is_empty()).then_some(x))
}

pub fn intent(engine: &Engine, cmd: &IntentCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        IntentCmd::New(a) => (
            "intent new",
            (|| {
                let i = engine.execution().intent_new(spec(a)?)?;
                let text = format!("{}  {}  expires {}\n", i.id, i.describe(), i.expires_at);
                Ok(Outcome::ok("intent new", &i, text))
            })(),
        ),
        IntentCmd::List { venue: v, account, status } => (
            "intent list",
            (|| {
                let rows = engine.execution().intents(venue(v)?, account.as_deref(), status.as_deref())?;
                let mut text = String::new();
                for r in &rows {
                    text.push_str(&format!(
                        "{}  {:<17} {}{}\n",
                        r.record.intent.id,
                        r.record.status.name(),
                        r.record.intent.describe(),
                        if r.expired { "  (expired)" } else { "" }
                    ));
                }
                if rows.is_empty() {
                    text.push_str("no intents\n");
                }
                Ok(Outcome::ok("intent list", &json!({ "count": rows.len(), "intents": rows }), text))
            })(),
        ),
        IntentCmd::Show { id } => (
            "intent show",
            (|| {
                let r = engine.execution().intent(id)?;
                let rec = &r.record;
                let mut text = format!(
                    "{}\n  {}\n  status {}{}\n  client order id {}\n  created {}  expires {}\n",
                    rec.intent.id,
                    rec.intent.describe(),
                    rec.status.name(),
                    if r.expired { " (expired)" } else { "" },
                    rec.intent.client_order_id,
                    rec.intent.created_at,
                    rec.intent.expires_at
                );
                if let Some(v) = &rec.venue_order_id {
                    text.push_str(&format!(
                        "  venue order {v}  filled {}  fees {}\n",
                        rec.filled_quantity, rec.fees
                    ));
                }
                if let Some(m) = &rec.last_message {
                    text.push_str(&format!("  last: {m}\n"));
                }
                Ok(Outcome::ok("intent show", &r, text))
            })(),
        ),
        IntentCmd::Approve { id } => (
            "intent approve",
            engine.automation().intent_approve(id).map(|a| {
                let text = format!(
                    "{}: approved by {} (no keypress), until {}\n",
                    a.intent_id,
                    a.by,
                    crate::engine::time::fmt_ms(a.expires_ms)
                );
                Outcome::ok("intent approve", &a, text)
            }),
        ),
        IntentCmd::Cancel { id, reason } => (
            "intent cancel",
            (|| {
                let s = engine.execution().intent_cancel(id, reason)?;
                Ok(Outcome::ok(
                    "intent cancel",
                    &json!({ "intent_id": id, "status": s.name() }),
                    format!("{id}: {}\n", s.name()),
                ))
            })(),
        ),
    }
}

pub fn preflight_text(pf: &ExecutionPreflight) -> String {
    let mut text = format!("{}  {}\n", pf.intent_id, pf.order);
    for c in &pf.checks {
        text.push_str(&format!(
            "  {:<4} {:<22} {:<40} limit {}\n",
            if c.passed { "ok" } else { "FAIL" },
            c.rule,
            c.actual,
            c.limit
        ));
    }
    text.push_str(&format!("verdict: {}\n", pf.verdict.to_uppercase()));
    text
}

pub fn preflight(engine: &Engine, intent: &str) -> Result<Outcome> {
    let pf = engine.execution().preflight(intent)?;
    let code = if pf.passed() { 0 } else { crate::engine::ErrorKind::Refused.exit_code() };
    Ok(Outcome::ok("preflight", &pf, preflight_text(&pf)).with_exit(code))
}

pub fn submit(engine: &Engine, intent: &str, dry_run: bool) -> Result<Outcome> {
    let o = engine.execution().submit(intent, dry_run)?;
    let text = format!(
        "{}: {}{} ({})\n",
        o.intent_id,
        o.status,
        if o.dry_run { " (dry run)" } else { "" },
        o.message
    );
    Ok(Outcome::ok("submit", &o, text))
}

pub fn journal(engine: &Engine, cmd: &JournalCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        JournalCmd::Show { venue, account, tail } => (
            "journal show",
            (|| {
                let mut entries = engine.execution().journal_entries(Venue::parse(venue)?, account)?;
                if let Some(n) = tail {
                    entries = entries.split_off(entries.len().saturating_sub(*n));
                }
                let mut text = String::new();
                for e in &entries {
                    let ev = serde_json::to_value(&e.event).unwrap_or_default();
                    let kind = ev.get("kind").and_then(|k| k.as_str()).unwrap_or("?").to_string();
                    text.push_str(&format!(
                        "{:>5}  {}  {:<16}{} {}\n",
                        e.seq,
                        e.time,
                        kind,
                        if e.dry_run { " (dry run)" } else { "" },
                        summarize(&ev)
                    ));
                }
                Ok(Outcome::ok("journal show", &json!({ "count": entries.len(), "entries": entries }), text))
            })(),
        ),
        JournalCmd::Verify { venue: v, account } => (
            "journal verify",
            (|| {
                let results = engine.execution().journal_verify(venue(v)?, account.as_deref())?;
                let mut text = String::new();
                for (id, r) in &results {
                    text.push_str(&match &r.problem {
                        None => format!("{id}: ok, {} entries\n", r.entries),
                        Some((0, why)) => format!("{id}: BROKEN: {why}\n"),
                        Some((line, why)) => format!("{id}: BROKEN at line {line}: {why}\n"),
                    });
                }
                if results.is_empty() {
                    text.push_str("no journals\n");
                }
                let ok = results.iter().all(|(_, r)| r.ok);
                let doc: Vec<_> =
                    results.iter().map(|(id, r)| json!({ "corridor": id, "verification": r })).collect();
                Ok(Outcome::ok("journal verify", &json!({ "ok": ok, "journals": doc }), text)
                    .with_exit(if ok { 0 } else { crate::engine::ErrorKind::Refused.exit_code() }))
            })(),
        ),
    }
}

/// The interesting fields of an event, on one line.
fn summarize(ev: &serde_json::Value) -> String {
    let pick = |k: &str| ev.get(k).and_then(|v| v.as_str()).map(str::to_string);
    if let Some(i) = ev.get("intent") {
        return format!(
            "{} {} {} {}",
            i["id"].as_str().unwrap_or(""),
            i["side"].as_str().unwrap_or(""),
            i["quantity"].as_str().unwrap_or(""),
            i["symbol"].as_str().unwrap_or("")
        );
    }
    let mut parts: Vec<String> =
        ["intent_id", "reason", "message", "text"].iter().filter_map(|k| pick(k)).collect();
    if let Some(a) = ev.get("approval") {
        parts.push(format!(
            "{} by {}",
            a["intent_id"].as_str().unwrap_or(""),
            a["by"].as_str().unwrap_or("")
        ));
    }
    if let Some(r) = ev.get("report") {
        parts.push(format!(
            "{} {}",
            r["venue_order_id"].as_str().unwrap_or(""),
            r["state"].as_str().unwrap_or("")
        ));
    }
    if let Some(s) = ev.get("summary") {
        parts.push(format!("clean={}", s["clean"]));
    }
    if let Some(p) = ev.get("passed") {
        parts.push(format!("passed={p}"));
    }
    parts.join("  ")
}

pub fn kill(
    engine: &Engine,
    venue_name: &Option<String>,
    account: &Option<String>,
    reason: &str,
) -> Result<Outcome> {
    let r = engine.execution().kill(venue(venue_name)?, account.as_deref(), reason)?;
    let mut text = String::from(if r.all { "KILL SWITCH: every corridor halted\n" } else { "KILL SWITCH\n" });
    for c in &r.corridors {
        text.push_str(&format!("  {}: {}\n", c.corridor, c.detail));
    }
    text.push_str("lift it with `quantlab rearm` once the venue and the journal agree\n");
    Ok(Outcome::ok("kill", &r, text))
}

pub fn rearm(engine: &Engine, venue_name: &Option<String>, account: &Option<String>) -> Result<Outcome> {
    let r = engine.execution().rearm(venue(venue_name)?, account.as_deref())?;
    let text: String = r.iter().map(|c| format!("{}: {}\n", c.corridor, c.detail)).collect();
    Ok(Outcome::ok("rearm", &json!({ "corridors": r }), text))
}

pub fn reconcile(engine: &Engine, v: &str, account: &str) -> Result<Outcome> {
    let s = engine.execution().reconcile(Venue::parse(v)?, account)?;
    let mut text = format!("{}: {}\n", s.id, if s.clean { "clean" } else { "MISMATCH: corridor halted" });
    for r in &s.resolved {
        text.push_str(&format!("  resolved  {r}\n"));
    }
    for m in &s.mismatches {
        text.push_str(&format!("  MISMATCH  {m}\n"));
    }
    let code = if s.clean { 0 } else { crate::engine::ErrorKind::Refused.exit_code() };
    Ok(Outcome::ok("reconcile", &s, text).with_exit(code))
}

/// The secret from stdin: without echo on a terminal, the first line otherwise (pipes).
pub(super) fn read_secret() -> Result<Secret> {
    let s = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("secret (not echoed): ")
            .map_err(|source| SecretsError::Unreadable { from: "", source })?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|source| SecretsError::Unreadable { from: " from stdin", source })?;
        line
    };
    Ok(Secret::new(s.trim_end_matches(['\r', '\n'])))
}

pub fn secrets(engine: &Engine, cmd: &SecretsCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        SecretsCmd::Set { venue, account } => (
            "secrets set",
            (|| {
                let v = Venue::parse(venue)?;
                let key = engine.venues().secret_set(v, account, &read_secret()?)?;
                Ok(Outcome::ok(
                    "secrets set",
                    &json!({ "name": key.name(), "store": engine.credentials().name() }),
                    format!("stored {} in {}\n", key.name(), engine.credentials().name()),
                ))
            })(),
        ),
        SecretsCmd::List => (
            "secrets list",
            (|| {
                let names = engine.venues().secrets()?;
                let mut text = String::new();
                for n in &names {
                    let state = match n.present {
                        Some(true) => "present",
                        Some(false) => "MISSING from the store",
                        None => "store unreadable",
                    };
                    text.push_str(&format!("{:<28} stored {}  {state}\n", n.name, n.stored_at));
                }
                if names.is_empty() {
                    text.push_str("no credentials stored through QuantLab\n");
                }
                Ok(Outcome::ok("secrets list", &json!({ "credentials": names }), text))
            })(),
        ),
        SecretsCmd::Delete { venue, account } => (
            "secrets delete",
            (|| {
                let existed = engine.venues().secret_delete(Venue::parse(venue)?, account)?;
                let text = if existed {
                    format!("deleted {venue}/{account}\n")
                } else {
                    format!("{venue}/{account} was not stored\n")
                };
                Ok(Outcome::ok("secrets delete", &json!({ "deleted": existed }), text))
            })(),
        ),
        SecretsCmd::NewOperatorKey => (
            "secrets new-operator-key",
            (|| {
                let k = engine.execution().operator_key_replace()?;
                Ok(Outcome::ok(
                    "secrets new-operator-key",
                    &json!({ "operator": k.operator(), "public_key": k.public_key() }),
                    format!(
                        "operator {}: new signing key {} stored in {} and trusted (operators.json)\n",
                        k.operator(),
                        k.public_key(),
                        engine.credentials().name()
                    ),
                ))
            })(),
        ),
    }
}

pub fn promote(engine: &Engine, cmd: &PromoteCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        PromoteCmd::Check { venue, account } => (
            "promote check",
            (|| {
                let r = engine.execution().promote_check(Venue::parse(venue)?, account)?;
                let mut text =
                    format!("{}  {}: {}\n", r.id, r.corridor, if r.passed { "PASSED" } else { "NOT PASSED" });
                for i in &r.items {
                    text.push_str(&format!(
                        "  {:<4} {:<28} {}\n",
                        if i.passed { "ok" } else { "FAIL" },
                        i.item,
                        i.detail
                    ));
                }
                let code = if r.passed { 0 } else { crate::engine::ErrorKind::Refused.exit_code() };
                Ok(Outcome::ok("promote check", &r, text).with_exit(code))
            })(),
        ),
        PromoteCmd::Board { stage } => ("promote board", super::promotion::board(engine, stage.as_deref())),
        PromoteCmd::Show { candidate } => ("promote show", super::promotion::show(engine, candidate)),
        PromoteCmd::Advance { candidate, venue, .. } => {
            ("promote advance", super::promotion::advance(engine, candidate, venue.as_deref()))
        }
    }
}
