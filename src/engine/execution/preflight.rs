//! ExecutionPreflight: every rule of the policy applied to one intent in one context, each
//! with its limit and the actual value, so a refusal always says exactly why.

use rust_decimal::prelude::Signed;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::arm_state::{ArmState, ArmStatus};
use super::context::ExecutionContext;
use super::model::ExecutionIntent;
use super::policy::CorridorPolicy;
use super::state::{CorridorState, IntentStatus};
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::time::fmt_ms;

pub const PREFLIGHT_SCHEMA: &str = "quantlab.execution_preflight";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub rule: String,
    pub passed: bool,
    pub limit: String,
    pub actual: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionPreflight {
    pub schema: String,
    pub schema_version: u32,
    pub intent_id: String,
    pub order: String,
    /// "pass" or "refuse".
    pub verdict: String,
    pub checks: Vec<Check>,
    pub policy_fingerprint: Option<String>,
    pub evaluated_at: String,
    pub context: Option<ExecutionContext>,
}

impl ExecutionPreflight {
    pub fn passed(&self) -> bool {
        self.verdict == "pass"
    }

    pub fn failed(&self) -> Vec<&Check> {
        self.checks.iter().filter(|c| !c.passed).collect()
    }

    /// "rule: actual (limit)" for each failed rule, for errors and alerts.
    pub fn reasons(&self) -> String {
        self.failed()
            .iter()
            .map(|c| format!("{}: {} (limit {})", c.rule, c.actual, c.limit))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Everything preflight reads besides the intent.
pub struct Inputs<'a> {
    pub policy: Option<&'a CorridorPolicy>,
    pub policy_fingerprint: Option<&'a str>,
    pub state: &'a CorridorState,
    /// Why every corridor is halted (the kill switch without a venue), if it is.
    pub global_halt: Option<&'a str>,
    /// What the venue said, or why it could not be read (shown in the `venue_context` line).
    pub context: std::result::Result<&'a ExecutionContext, &'a str>,
    /// The corridor's arm state where sending needs it armed (a live corridor, a real send);
    /// `None` where it does not (the fake venue, a dry run): then only a halt refuses.
    pub arm: Option<&'a ArmStatus>,
    /// The id of a passed, signed and trusted promotion report made under the current policy;
    /// else why there is none ("none", or what is wrong with the newest candidate).
    pub promotion: Result<&'a str, &'a str>,
    pub now_ms: i64,
}

struct Checks(Vec<Check>);

impl Checks {
    fn add(&mut self, rule: &str, passed: bool, limit: impl ToString, actual: impl ToString) {
        self.0.push(Check {
            rule: rule.into(),
            passed,
            limit: limit.to_string(),
            actual: actual.to_string(),
        });
    }
}

pub fn preflight(intent: &ExecutionIntent, inp: &Inputs) -> ExecutionPreflight {
    let mut c = Checks(Vec::new());
    let now = inp.now_ms;
    let halt = inp
        .global_halt
        .map(|m| format!("kill switch (all corridors): {m}"))
        .or_else(|| inp.state.halt.as_ref().map(|h| format!("{:?}: {}", h.reason, h.message).to_lowercase()));
    corridor_armed(&mut c, intent, halt, inp.arm);
    let status = inp.state.intents.get(&intent.id).map(|r| r.status);
    let ready = matches!(status, Some(IntentStatus::Pending | IntentStatus::Approved));
    c.add("intent_open", ready, "pending or approved", status.map_or("unknown", |s| s.name()));
    c.add("intent_not_expired", now < intent.expires_ms, &intent.expires_at, fmt_ms(now));

    let Some(p) = inp.policy else {
        c.add("policy", false, "a [[corridor]] for this venue and account in execution_policy.toml", "none");
        return finish(intent, inp, c);
    };
    c.add("policy", true, "present", "present");
    promotion(&mut c, intent, p, inp.promotion);
    let failures = inp.state.failures_within(now, p.breaker.window_minutes);
    c.add(
        "breaker",
        failures < p.breaker.max_failures,
        format!("< {} in {} min", p.breaker.max_failures, p.breaker.window_minutes),
        failures,
    );
    c.add("symbol_allowed", p.symbols.contains(&intent.symbol), p.symbols.join(","), &intent.symbol);
    c.add(
        "order_type_allowed",
        p.order_types.contains(&intent.order_type),
        p.order_types.iter().map(|t| t.name()).collect::<Vec<_>>().join(","),
        intent.order_type.name(),
    );
    let recent = inp.state.submit_times.iter().filter(|&&t| t > now - 60_000).count();
    c.add("orders_per_minute", recent < p.orders_per_minute, format!("< {}", p.orders_per_minute), recent);

    let ctx = match inp.context {
        Ok(ctx) => ctx,
        Err(why) => {
            c.add("venue_context", false, "venue reachable", format!("unknown: {why}"));
            return finish(intent, inp, c);
        }
    };
    let status = format!("{:?}", ctx.venue_status).to_lowercase();
    c.add("venue_online", status == "online", "online", status);
    c.add(
        "clock_skew_ms",
        ctx.clock_skew_ms.abs() <= p.max_clock_skew_ms,
        format!("<= {}", p.max_clock_skew_ms),
        ctx.clock_skew_ms.abs(),
    );
    match ctx.instruments.get(&intent.symbol) {
        None => c.add("instrument_known", false, "listed by the venue", "not listed"),
        Some(r) => {
            c.add("instrument_known", true, "listed by the venue", "listed");
            let lot_ok = intent.quantity >= r.min_quantity && (intent.quantity % r.lot_size).is_zero();
            c.add(
                "lot_size",
                lot_ok,
                format!("multiple of {}, >= {}", r.lot_size, r.min_quantity),
                intent.quantity,
            );
            let prices: Vec<Decimal> =
                [intent.limit_price, intent.trigger_price].into_iter().flatten().collect();
            let tick_ok = prices.iter().all(|p| (p % r.tick_size).is_zero());
            let shown = prices.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(",");
            c.add(
                "tick_size",
                tick_ok,
                format!("multiple of {}", r.tick_size),
                if shown.is_empty() { "market".into() } else { shown },
            );
        }
    }
    let mark = ctx.marks.get(&intent.symbol).copied();
    match mark {
        None => c.add("mark_fresh", false, format!("<= {} ms old", p.max_mark_age_ms), "no mark"),
        Some(m) => {
            // A mark stamped after the context was taken is fresh, not negative-aged.
            let age = (ctx.as_of_ms - m.at_ms).max(0);
            c.add(
                "mark_fresh",
                age <= p.max_mark_age_ms,
                format!("<= {} ms old", p.max_mark_age_ms),
                format!("{age} ms"),
            );
        }
    }
    let mark_price = mark.map(|m| m.price);
    if let (Some(m), Some(px)) = (mark_price, intent.limit_price.or(intent.trigger_price)) {
        let bps = ((px - m) / m * Decimal::from(10_000)).abs().round_dp(2);
        c.add("price_collar_bps", bps <= p.price_collar_bps, format!("<= {}", p.price_collar_bps), bps);
    }
    attached_exits(&mut c, intent, p, ctx, mark_price);
    let limits = p.limits();
    let Some(price) = intent.reference_price(mark_price) else {
        c.add("order_notional", false, "a price to value the order", "none");
        return finish(intent, inp, c);
    };
    let notional = (intent.quantity * price).round_dp(8);
    if let Some(r) = ctx.instruments.get(&intent.symbol) {
        c.add("min_notional", notional >= r.min_notional, format!(">= {}", r.min_notional), notional);
    }
    c.add(
        "max_order_notional",
        notional <= limits.max_order_notional,
        format!("<= {}", limits.max_order_notional),
        notional,
    );
    let pos = ctx.position(&intent.symbol);
    let after = pos + intent.side.sign() * intent.quantity;
    // Fail closed: a position that cannot be valued is not valued at zero.
    let unknown = |s: &str| format!("unknown (no mark for {s})");
    let pos_notional = mark.map(|_| (after.abs() * price).round_dp(8));
    c.add(
        "max_position_notional",
        pos_notional.is_some_and(|n| n <= limits.max_position_notional),
        format!("<= {}", limits.max_position_notional),
        pos_notional.map_or_else(|| unknown(&intent.symbol), |n| n.to_string()),
    );
    let mut gross = pos_notional.ok_or_else(|| unknown(&intent.symbol));
    for q in ctx.positions.iter().filter(|q| q.symbol != intent.symbol && !q.quantity.is_zero()) {
        gross = gross.and_then(|g| match ctx.marks.get(&q.symbol) {
            Some(m) => Ok(g + q.quantity.abs() * m.price),
            None => Err(unknown(&q.symbol)),
        });
    }
    let gross = gross.map(|g| g.round_dp(8));
    c.add(
        "max_gross_exposure",
        gross.as_ref().is_ok_and(|g| *g <= limits.max_gross_exposure),
        format!("<= {}", limits.max_gross_exposure),
        gross.map_or_else(|why| why, |g| g.to_string()),
    );
    let open = ctx.open_orders.len();
    c.add("max_open_orders", open < p.max_open_orders, format!("< {}", p.max_open_orders), open);
    // Losses are shown as positive amounts; a gain is a loss of zero.
    let loss = |pnl: Decimal| if pnl < Decimal::ZERO { -pnl } else { Decimal::ZERO };
    let today = loss(ctx.realized_pnl_today);
    c.add(
        "daily_loss",
        today < limits.daily_loss_limit,
        format!("loss < {}", limits.daily_loss_limit),
        format!("loss {today}"),
    );
    let session = loss(ctx.realized_pnl_session);
    c.add(
        "session_loss",
        session < p.session_loss_limit,
        format!("loss < {}", p.session_loss_limit),
        format!("loss {session}"),
    );
    if intent.reduce_only {
        let reduces = !pos.is_zero() && pos.signum() != intent.side.sign() && intent.quantity <= pos.abs();
        c.add("reduce_only", reduces, "reduces the position", format!("position {pos}"));
    }
    finish(intent, inp, c)
}

/// The exits attached to an entry are orders too: their types must be allowed, their triggers
/// on the tick, and each on its side of the entry's price (the mark, for a market entry).
fn attached_exits(
    c: &mut Checks,
    intent: &ExecutionIntent,
    p: &CorridorPolicy,
    ctx: &ExecutionContext,
    mark: Option<Decimal>,
) {
    let Some(x) = intent.exits.filter(|x| !x.is_empty()) else { return };
    let legs: Vec<_> = x.legs().collect();
    let types: Vec<&str> = legs.iter().map(|(l, _)| l.order_type().name()).collect();
    c.add(
        "exit_order_types",
        legs.iter().all(|(l, _)| p.order_types.contains(&l.order_type())),
        p.order_types.iter().map(|t| t.name()).collect::<Vec<_>>().join(","),
        types.join(","),
    );
    let prices = legs.iter().map(|(_, p)| p.to_string()).collect::<Vec<_>>().join(",");
    if let Some(r) = ctx.instruments.get(&intent.symbol) {
        let on_tick = legs.iter().all(|(_, p)| (p % r.tick_size).is_zero());
        c.add("exit_tick_size", on_tick, format!("multiple of {}", r.tick_size), &prices);
    }
    let entry = intent.limit_price.or(intent.trigger_price).or(mark);
    let sides = entry.map(|e| x.check(intent.side, Some(e), intent.reduce_only));
    c.add(
        "exit_sides",
        matches!(sides, Some(Ok(()))),
        "take-profit beyond the entry, stop-loss behind it",
        match sides {
            Some(Err(e)) => e.message,
            Some(Ok(())) => format!("{prices} around {}", entry.unwrap_or_default()),
            None => "no entry price or mark".to_string(),
        },
    );
}

/// Not halted, and for a live corridor's real send, armed: the rule says which it checked and
/// the state it found (armed, disarmed, lease expired, or the halt).
fn corridor_armed(c: &mut Checks, intent: &ExecutionIntent, halt: Option<String>, arm: Option<&ArmStatus>) {
    let (passed, limit, actual) = match (halt, arm) {
        (Some(h), Some(_)) => (false, "armed", h),
        (Some(h), None) => (false, "not halted", h),
        (None, Some(a)) => (a.state == ArmState::Armed, "armed", a.label().to_string()),
        (None, None) if intent.venue.is_live() => {
            (true, "not halted", "not halted (a dry run needs no arming)".to_string())
        }
        (None, None) => {
            (true, "not halted", format!("not halted ({} moves no money and needs no arming)", intent.venue))
        }
    };
    c.add("corridor_armed", passed, limit, actual);
}

/// A live corridor with limits above micro-live sends nothing without a passed promotion
/// report, signed by a trusted operator key, for the policy in force: the gate holds at every
/// submit, not only at rearm.
fn promotion(c: &mut Checks, intent: &ExecutionIntent, p: &CorridorPolicy, report: Result<&str, &str>) {
    let (passed, actual) = if !intent.venue.is_live() {
        (true, format!("not needed: {} moves no money", intent.venue))
    } else if !p.above_micro_live() {
        (true, "not needed: within the micro-live limits".to_string())
    } else {
        match report {
            Ok(id) => (true, format!("report {id}")),
            // A reason that names its own way out (open incidents: close them) needs no check.
            Err(why) if why.contains("`quantlab ") => (false, why.to_string()),
            Err(why) => {
                let fix =
                    format!("quantlab promote check --venue {} --account {}", intent.venue, intent.account);
                (false, format!("{why}: run `{fix}`"))
            }
        }
    };
    c.add(
        "promotion",
        passed,
        "a passed promotion report for the current policy (live, above micro-live)",
        actual,
    );
}

fn finish(intent: &ExecutionIntent, inp: &Inputs, c: Checks) -> ExecutionPreflight {
    let ok = c.0.iter().all(|c| c.passed);
    ExecutionPreflight {
        schema: PREFLIGHT_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        intent_id: intent.id.clone(),
        order: intent.describe(),
        verdict: if ok { "pass" } else { "refuse" }.into(),
        checks: c.0,
        policy_fingerprint: inp.policy_fingerprint.map(str::to_string),
        evaluated_at: fmt_ms(inp.now_ms),
        context: inp.context.ok().cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::intent::IntentSpec;
    use crate::engine::execution::policy::{parse, Stage, EXAMPLE};
    use crate::engine::execution::{IntentSource, OrderType, Side, TimeInForce, Venue};

    fn check(venue: Venue, stage: Stage, report: Result<&str, &str>) -> Check {
        let p = parse(EXAMPLE.as_bytes(), std::path::Path::new("p.toml")).unwrap();
        let policy = CorridorPolicy { venue, stage, ..p.policy.corridors[0].clone() };
        let intent = IntentSpec {
            source: IntentSource::Operator,
            venue,
            account: "main".into(),
            symbol: "BTC/USD".into(),
            side: Side::Buy,
            quantity: "0.002".parse().unwrap(),
            order_type: OrderType::Limit,
            limit_price: Some("49900".parse().unwrap()),
            trigger_price: None,
            time_in_force: TimeInForce::Gtc,
            reduce_only: false,
            ttl_ms: None,
            note: None,
            exits: None,
        }
        .build(1_000)
        .unwrap();
        let pf = preflight(
            &intent,
            &Inputs {
                policy: Some(&policy),
                policy_fingerprint: Some("fp"),
                state: &CorridorState::default(),
                global_halt: None,
                context: Err("not read"),
                arm: None,
                promotion: report,
                now_ms: 2_000,
            },
        );
        pf.checks.into_iter().find(|c| c.rule == "promotion").expect("a promotion line")
    }

    #[test]
    fn a_live_full_stage_corridor_needs_a_passed_promotion_report() {
        let c = check(Venue::Kraken, Stage::Full, Err("none"));
        assert!(!c.passed);
        assert!(c.actual.contains("quantlab promote check --venue kraken --account main"), "{}", c.actual);
        assert!(c.limit.contains("promotion report"), "{}", c.limit);
        let c = check(Venue::Kraken, Stage::Full, Ok("promo_x"));
        assert!(c.passed && c.actual == "report promo_x", "{c:?}");
        assert!(check(Venue::Kraken, Stage::Micro, Err("none")).passed);
        assert!(check(Venue::Hyperliquid, Stage::Micro, Err("none")).passed);
        assert!(check(Venue::Fake, Stage::Full, Err("none")).passed);
        assert!(!check(Venue::Hyperliquid, Stage::Full, Err("none")).passed);
        let c = check(Venue::Kraken, Stage::Full, Err("report promo_y is not signed"));
        assert!(
            !c.passed && c.actual.starts_with("report promo_y is not signed: run `quantlab promote check"),
            "{c:?}"
        );
    }
}
