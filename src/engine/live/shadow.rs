//! The shadow paper session beside a live session: the same strategy on the same bars with
//! the backtest's own fills and costs, trading the quantity the live session decided, filled at
//! the deciding bar's close, never waiting for a keypress. What the live session did differs
//! from it by what the operator and the venue did: missed approvals, slippage, partial fills.

use serde::{Deserialize, Serialize};

use crate::engine::backtest::simulate::Stepper;
use crate::engine::backtest::{BacktestConfig, FillMode, Sizing};
use crate::engine::data::Bars;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Shadow {
    pub stepper: Stepper,
    /// The shadow's starting cash: the account's equity when the session started (it bounds
    /// only what the shadow may buy on credit, never its PnL).
    pub cash: f64,
    /// The shadow's fill price on the last bar it traded, and that bar's time.
    pub last_fill: Option<(i64, f64)>,
    pub units: f64,
    pub equity: f64,
}

impl Shadow {
    pub fn new(cash: f64, fee_bps: f64, slippage_bps: f64, allow_short: bool) -> Shadow {
        let cfg = BacktestConfig {
            cash,
            fee_bps,
            slippage_bps,
            fill: FillMode::Close,
            sizing: Sizing::Qty(0.0),
            whole_units: false,
            allow_short,
            close_at_end: false,
        };
        let mut stepper = Stepper::new(&cfg);
        stepper.record_fills();
        Shadow { stepper, cash, last_fill: None, units: 0.0, equity: cash }
    }

    /// Bar `t` with the strategy's `target`; `qty` is what the live session sized the target at.
    pub fn on_bar(&mut self, bars: &Bars, t: usize, target: i8, qty: f64) {
        if qty > 0.0 {
            self.stepper.book.set_qty(qty);
        }
        // Fills are taken back every bar: only the last one is kept (a restored stepper does
        // not serialize them).
        self.stepper.record_fills();
        let (equity, units) = self.stepper.on_bar(bars, t, target, false);
        if let Some(f) = self.stepper.take_fills().last() {
            self.last_fill = Some((f.ts, f.price));
        }
        self.units = units;
        self.equity = equity;
    }

    /// The shadow's PnL so far, in the quote currency.
    pub fn pnl(&self) -> f64 {
        self.equity - self.cash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trades_the_live_quantity_at_the_deciding_close_with_costs() {
        let mut bars = Bars::default();
        let mut sh = Shadow::new(10_000.0, 10.0, 0.0, false);
        for (t, (c, target)) in [(100.0, 0), (100.0, 1), (110.0, 1), (120.0, 0)].into_iter().enumerate() {
            bars.push(t as i64 * 1000, c, c, c, c, 1.0);
            sh.on_bar(&bars, t, target, 2.0);
            if t == 1 {
                assert_eq!(sh.units, 2.0);
                assert_eq!(sh.last_fill, Some((1000, 100.0)));
            }
        }
        // Bought 2 at 100, sold 2 at 120, 10 bps each way.
        let fees = 200.0 * 0.001 + 240.0 * 0.001;
        assert!((sh.pnl() - (40.0 - fees)).abs() < 1e-9, "{}", sh.pnl());
        assert_eq!(sh.units, 0.0);
    }

    #[test]
    fn a_restored_shadow_closes_a_position_entered_before_its_bars_were_renumbered() {
        // Entered at bar 6 of the first run; the restarted feed counts from 0 again.
        let mut before = Bars::default();
        let mut sh = Shadow::new(10_000.0, 0.0, 0.0, false);
        for t in 0..7 {
            before.push(t * 1000, 100.0, 100.0, 100.0, 100.0, 1.0);
            sh.on_bar(&before, t as usize, i8::from(t == 6), 1.0);
        }
        assert_eq!(sh.units, 1.0);
        let mut restored: Shadow = serde_json::from_str(&serde_json::to_string(&sh).unwrap()).unwrap();
        let mut after = Bars::default();
        after.push(60_000, 110.0, 110.0, 110.0, 110.0, 1.0);
        restored.on_bar(&after, 0, 0, 1.0);
        assert_eq!(restored.units, 0.0);
        let t = restored.stepper.book.trades.last().unwrap();
        assert_eq!((t.entry_ts, t.exit_ts, t.pnl), (6000, 60_000, 10.0));
    }
}
