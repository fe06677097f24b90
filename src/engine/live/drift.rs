//! How far a live session has drifted from its shadow: missed approvals, each fill's price
//! against the shadow's, the position and the PnL. Pure, from what the journal recorded.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::engine::execution::policy::LiveLimits;

/// One of the session's intents as the journal has it, with the shadow's price for its bar.
#[derive(Debug, Clone)]
pub struct LiveFill {
    pub buy: bool,
    pub filled: Decimal,
    /// `None` with a filled quantity: the venue's price is unknown.
    pub average_price: Option<Decimal>,
    pub fees: Decimal,
    /// The shadow's fill price for the bar that made the intent (that bar's close).
    pub reference: Option<f64>,
}

/// The session against its shadow (in session.json). `None`: unknown, never zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    pub missed_approvals: usize,
    pub fills_compared: usize,
    /// Adverse slippage against the shadow's price, basis points (positive: the live fill was
    /// worse).
    pub slippage_bps_mean: Option<f64>,
    pub slippage_bps_worst: Option<f64>,
    pub position_live: Option<String>,
    pub position_shadow: f64,
    /// Bars in a row on which the two positions differed.
    pub position_drift_bars: usize,
    pub pnl_live: Option<f64>,
    pub pnl_shadow: f64,
    pub breaches: Vec<String>,
}

pub struct Inputs<'a> {
    pub fills: &'a [LiveFill],
    /// The venue's position less the anchor; `None` unknown.
    pub held: Option<Decimal>,
    pub close: f64,
    pub shadow_units: f64,
    pub shadow_pnl: f64,
    pub missed: usize,
    /// The run of bars on which the positions differed, before this bar.
    pub drift_bars: usize,
    pub equity_at_start: Option<f64>,
    /// Below this, two positions are the same (the venue's smallest order).
    pub lot: f64,
}

pub fn measure(i: &Inputs, limits: &LiveLimits) -> Drift {
    let mut slips = Vec::new();
    let mut cash = 0.0;
    let mut cash_known = true;
    for f in i.fills.iter().filter(|f| !f.filled.is_zero()) {
        let qty = f.filled.to_f64().unwrap_or(f64::NAN);
        let Some(avg) = f.average_price.and_then(|p| p.to_f64()) else {
            cash_known = false;
            continue;
        };
        let sign = if f.buy { 1.0 } else { -1.0 };
        cash += -sign * qty * avg - f.fees.to_f64().unwrap_or(0.0);
        if let Some(r) = f.reference.filter(|r| *r > 0.0) {
            slips.push(sign * (avg - r) / r * 10_000.0);
        }
    }
    let held = i.held.and_then(|h| h.to_f64());
    let pnl_live = held.filter(|_| cash_known).map(|h| cash + h * i.close);
    let differs = held.is_some_and(|h| (h - i.shadow_units).abs() >= i.lot.max(1e-12));
    let position_drift_bars = if differs { i.drift_bars + 1 } else { 0 };
    let mean = (!slips.is_empty()).then(|| slips.iter().sum::<f64>() / slips.len() as f64);
    let worst = slips.iter().copied().reduce(f64::max);
    let mut breaches = Vec::new();
    if i.missed > limits.max_missed_approvals {
        breaches.push(format!("missed approvals {} > {}", i.missed, limits.max_missed_approvals));
    }
    let max_slip = limits.max_slippage_bps.to_f64().unwrap_or(f64::INFINITY);
    if let Some(w) = worst.filter(|w| *w > max_slip) {
        breaches.push(format!("slippage {w:.1} bps > {max_slip} bps"));
    }
    if position_drift_bars > limits.max_position_drift_bars {
        breaches.push(format!(
            "position {} vs the shadow's {} for {position_drift_bars} bars > {}",
            held.map_or("unknown".into(), |h| h.to_string()),
            i.shadow_units,
            limits.max_position_drift_bars
        ));
    }
    if let (Some(live), Some(eq)) = (pnl_live, i.equity_at_start.filter(|e| *e > 0.0)) {
        let limit = limits.max_pnl_drift_pct.to_f64().unwrap_or(f64::INFINITY) / 100.0 * eq;
        if i.shadow_pnl - live > limit {
            breaches.push(format!("PnL {live:.2} trails the shadow's {:.2} by more than {limit:.2}", i.shadow_pnl));
        }
    }
    Drift {
        missed_approvals: i.missed,
        fills_compared: slips.len(),
        slippage_bps_mean: mean,
        slippage_bps_worst: worst,
        position_live: i.held.map(|h| h.to_string()),
        position_shadow: i.shadow_units,
        position_drift_bars,
        pnl_live,
        pnl_shadow: i.shadow_pnl,
        breaches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn inputs(fills: &[LiveFill]) -> Inputs<'_> {
        Inputs {
            fills,
            held: Some(d("1")),
            close: 110.0,
            shadow_units: 1.0,
            shadow_pnl: 10.0,
            missed: 0,
            drift_bars: 0,
            equity_at_start: Some(1000.0),
            lot: 0.001,
        }
    }

    #[test]
    fn a_worse_fill_is_slippage_and_the_pnl_follows_it() {
        let fills = [LiveFill { buy: true, filled: d("1"), average_price: Some(d("101")), fees: d("0"), reference: Some(100.0) }];
        let m = measure(&inputs(&fills), &LiveLimits::default());
        assert_eq!(m.fills_compared, 1);
        assert!((m.slippage_bps_worst.unwrap() - 100.0).abs() < 1e-9);
        assert_eq!(m.pnl_live, Some(9.0));
        assert_eq!(m.breaches.len(), 1, "100 bps > 50: {:?}", m.breaches);
        // A sell above the shadow's price is better, not worse.
        let fills = [LiveFill { buy: false, filled: d("1"), average_price: Some(d("101")), fees: d("0"), reference: Some(100.0) }];
        assert!(measure(&inputs(&fills), &LiveLimits::default()).slippage_bps_worst.unwrap() < 0.0);
    }

    #[test]
    fn unknowns_stay_unknown_and_breaches_name_their_limit() {
        let fills = [LiveFill { buy: true, filled: d("1"), average_price: None, fees: d("0"), reference: Some(100.0) }];
        let m = measure(&inputs(&fills), &LiveLimits::default());
        assert_eq!((m.pnl_live, m.slippage_bps_worst), (None, None));
        let mut i = inputs(&[]);
        i.held = Some(d("0"));
        i.drift_bars = 3;
        i.missed = 4;
        let m = measure(&i, &LiveLimits::default());
        assert_eq!(m.position_drift_bars, 4);
        assert!(m.breaches.iter().any(|b| b.starts_with("missed approvals 4 > 3")), "{:?}", m.breaches);
        assert!(m.breaches.iter().any(|b| b.starts_with("position 0 vs the shadow's 1")), "{:?}", m.breaches);
        i.held = None;
        assert_eq!(measure(&i, &LiveLimits::default()).position_live, None);
    }
}
