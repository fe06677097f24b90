//! A plan against the execution policy: each rule with its limit and the plan's value. The
//! workbench only checks; it never sends anything.

use rust_decimal::Decimal;

use super::compute::Sizing;
use super::plan::{Market, PlanInput};
use crate::engine::execution::model::Side;
use crate::engine::execution::policy::CorridorPolicy;
use crate::engine::execution::preflight::Check;

fn check(rule: &str, passed: bool, limit: impl ToString, actual: impl ToString) -> Check {
    Check { rule: rule.into(), passed, limit: limit.to_string(), actual: actual.to_string() }
}

pub fn against_policy(p: &PlanInput, s: &Sizing, policy: Option<&CorridorPolicy>) -> Vec<Check> {
    let mut out = vec![
        check(
            "min_size",
            s.size >= p.rules.min_size && !s.size.is_zero(),
            format!(">= {}", p.rules.min_size),
            s.size,
        ),
        check(
            "min_notional",
            s.notional >= p.rules.min_notional,
            format!(">= {}", p.rules.min_notional),
            s.notional,
        ),
    ];
    if p.market == Market::Spot {
        // Spot is paid in full: the notional cannot exceed the equity.
        out.push(check("spot_funded", s.leverage_needed <= Decimal::ONE, "leverage <= 1", s.leverage_needed));
    } else if let Some(l) = p.leverage {
        out.push(check(
            "margin_covers",
            l >= s.leverage_needed,
            format!("leverage >= {} needed", s.leverage_needed),
            l,
        ));
    }
    let Some(c) = policy else {
        out.push(check(
            "policy",
            false,
            "a [[corridor]] for this venue and account in execution_policy.toml",
            "none",
        ));
        return out;
    };
    out.push(check("policy", true, "present", "present"));
    out.push(check("symbol_allowed", c.symbols.contains(&p.symbol), c.symbols.join(","), &p.symbol));
    let limits = c.limits();
    out.push(check(
        "max_order_notional",
        s.notional <= limits.max_order_notional,
        format!("<= {}", limits.max_order_notional),
        s.notional,
    ));
    match c.max_risk_per_trade_pct {
        Some(max) => out.push(check(
            "max_risk_per_trade",
            s.loss_at_stop_pct <= max,
            format!("<= {max}% of equity"),
            format!("{}%", s.loss_at_stop_pct),
        )),
        None => out.push(check("max_risk_per_trade", true, "not set", format!("{}%", s.loss_at_stop_pct))),
    }
    let used = p.leverage.unwrap_or(s.leverage_needed);
    match c.max_leverage {
        Some(max) => out.push(check("max_leverage", used <= max, format!("<= {max}"), used)),
        None => out.push(check("max_leverage", true, "not set", used)),
    }
    out
}

/// Things worth knowing that are not a policy breach.
pub fn warnings(p: &PlanInput, s: &Sizing) -> Vec<String> {
    let mut w = Vec::new();
    if let Some(liq) = s.liquidation_price {
        let beyond = match p.side {
            Side::Buy => p.stop <= liq,
            Side::Sell => p.stop >= liq,
        };
        if beyond {
            w.push(format!(
                "the stop {} lies beyond the estimated liquidation price {liq}: the position would be liquidated first",
                p.stop
            ));
        }
    }
    if s.size.is_zero() {
        w.push(format!("the risk budget buys less than one lot ({})", p.rules.lot_size));
    }
    if !s.unallocated.is_zero() && !p.targets.is_empty() {
        w.push(format!("{} of the position has no target", s.unallocated));
    }
    if p.targets.is_empty() {
        w.push("no targets: reward/risk is undefined".into());
    }
    w
}
