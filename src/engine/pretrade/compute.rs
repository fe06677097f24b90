//! Sizing and everything derived from it. Exact decimal arithmetic, so a plan is reproducible to
//! the byte; derived amounts are rounded to 8 places, the size down to the lot.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::plan::{Market, PlanInput, Risk};

const DP: u32 = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetResult {
    pub price: Decimal,
    pub share_pct: Decimal,
    /// Quantity this target closes (lot-rounded; the last of targets adding to 100% closes the rest).
    pub quantity: Decimal,
    /// PnL of that quantity at the target, entry and exit fees included.
    pub pnl: Decimal,
    /// Reward per unit over risk per unit, fees included.
    pub r_multiple: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sizing {
    /// Cash at risk: the percent of equity, or the amount given.
    pub risk_budget: Decimal,
    /// Price distance to the stop plus entry and exit fees, per unit.
    pub risk_per_unit: Decimal,
    /// risk_budget / risk_per_unit before rounding.
    pub raw_size: Decimal,
    /// Rounded down to the lot.
    pub size: Decimal,
    pub notional: Decimal,
    /// notional / equity.
    pub leverage_needed: Decimal,
    /// Margin the position ties up: notional / leverage (spot: the notional).
    pub margin: Decimal,
    /// Loss at the stop, fees included, for the rounded size.
    pub loss_at_stop: Decimal,
    pub loss_at_stop_pct: Decimal,
    pub targets: Vec<TargetResult>,
    /// Quantity no target closes.
    pub unallocated: Decimal,
    /// Sum of the targets' PnL over the loss at the stop.
    pub reward_risk: Option<Decimal>,
    /// Perpetuals: estimated isolated-margin liquidation price.
    pub liquidation_price: Option<Decimal>,
    /// (current exposure + notional) / equity.
    pub exposure_after_pct: Decimal,
}

fn floor_to(x: Decimal, step: Decimal) -> Decimal {
    ((x / step).floor() * step).normalize()
}

pub fn size(p: &PlanInput) -> Sizing {
    let f = p.fee_bps / Decimal::from(10_000);
    let s = p.sign();
    let e = p.entry;
    let dist = (e - p.stop).abs();
    let budget = match p.risk {
        Risk::Pct(pct) => p.equity * pct / Decimal::ONE_HUNDRED,
        Risk::Cash(c) => c,
    };
    let per_unit = dist + f * (e + p.stop);
    let raw = budget / per_unit;
    let size = floor_to(raw, p.rules.lot_size);
    let notional = size * e;
    let leverage_needed = notional / p.equity;
    let margin = match (p.market, p.leverage) {
        (Market::Perp, Some(l)) => notional / l,
        _ => notional,
    };
    let loss = size * per_unit;

    let mut targets = Vec::new();
    let total_share: Decimal = p.targets.iter().map(|t| t.share_pct).sum();
    let mut allocated = Decimal::ZERO;
    for (i, t) in p.targets.iter().enumerate() {
        let last_closes_all = i + 1 == p.targets.len() && total_share == Decimal::ONE_HUNDRED;
        let q = if last_closes_all {
            size - allocated
        } else {
            floor_to(size * t.share_pct / Decimal::ONE_HUNDRED, p.rules.lot_size)
        };
        allocated += q;
        let gain_per_unit = s * (t.price - e) - f * (e + t.price);
        targets.push(TargetResult {
            price: t.price,
            share_pct: t.share_pct,
            quantity: q.normalize(),
            pnl: (q * gain_per_unit).round_dp(DP).normalize(),
            r_multiple: (gain_per_unit / per_unit).round_dp(4).normalize(),
        });
    }
    let reward: Decimal = targets.iter().map(|t| t.pnl).sum();
    let liquidation_price = match (p.market, p.leverage) {
        (Market::Perp, Some(l)) => {
            let k = Decimal::ONE / l - p.maintenance_margin_rate;
            Some((e * (Decimal::ONE - s * k)).round_dp(DP).normalize())
        }
        _ => None,
    };
    Sizing {
        risk_budget: budget.round_dp(DP).normalize(),
        risk_per_unit: per_unit.round_dp(DP).normalize(),
        raw_size: raw.round_dp(DP).normalize(),
        size,
        notional: notional.round_dp(DP).normalize(),
        leverage_needed: leverage_needed.round_dp(4).normalize(),
        margin: margin.round_dp(DP).normalize(),
        loss_at_stop: loss.round_dp(DP).normalize(),
        loss_at_stop_pct: (loss / p.equity * Decimal::ONE_HUNDRED).round_dp(4).normalize(),
        targets,
        unallocated: (size - allocated).normalize(),
        reward_risk: (!loss.is_zero() && !p.targets.is_empty())
            .then(|| (reward / loss).round_dp(4).normalize()),
        liquidation_price,
        exposure_after_pct: ((p.current_exposure + notional) / p.equity * Decimal::ONE_HUNDRED)
            .round_dp(4)
            .normalize(),
    }
}
