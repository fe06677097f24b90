//! The built-in strategies.

use super::{cross_targets, Incremental, Inputs, Key, Strategy, Target, FLAT, LONG, SHORT};
use crate::engine::data::Bars;

mod incremental;

pub struct BuyAndHold;

impl Strategy for BuyAndHold {
    fn name(&self) -> &'static str {
        "buy_and_hold"
    }
    fn needs(&self) -> Vec<Key> {
        vec![]
    }
    fn decide(&self, bars: &Bars, _: &Inputs) -> Vec<Target> {
        vec![LONG; bars.len()]
    }
    fn incremental(&self) -> Option<Box<dyn Incremental>> {
        Some(Box::new(incremental::BuyAndHold))
    }
}

pub struct SmaCross {
    pub fast: usize,
    pub slow: usize,
}

impl Strategy for SmaCross {
    fn name(&self) -> &'static str {
        "sma_cross"
    }
    fn needs(&self) -> Vec<Key> {
        vec![Key::Sma(self.fast), Key::Sma(self.slow)]
    }
    fn decide(&self, _: &Bars, inp: &Inputs) -> Vec<Target> {
        cross_targets(inp.line(Key::Sma(self.fast)), inp.line(Key::Sma(self.slow)))
    }
    fn incremental(&self) -> Option<Box<dyn Incremental>> {
        Some(Box::new(incremental::SmaCross::new(self.fast, self.slow)))
    }
}

pub struct EmaCross {
    pub fast: usize,
    pub slow: usize,
}

impl Strategy for EmaCross {
    fn name(&self) -> &'static str {
        "ema_cross"
    }
    fn needs(&self) -> Vec<Key> {
        vec![Key::Ema(self.fast), Key::Ema(self.slow)]
    }
    fn decide(&self, _: &Bars, inp: &Inputs) -> Vec<Target> {
        cross_targets(inp.line(Key::Ema(self.fast)), inp.line(Key::Ema(self.slow)))
    }
    fn incremental(&self) -> Option<Box<dyn Incremental>> {
        Some(Box::new(incremental::EmaCross::new(self.fast, self.slow)))
    }
}

pub struct MacdCross {
    pub fast: usize,
    pub slow: usize,
    pub signal: usize,
}

impl MacdCross {
    fn key(&self) -> Key {
        Key::Macd(self.fast, self.slow, self.signal)
    }
}

impl Strategy for MacdCross {
    fn name(&self) -> &'static str {
        "macd_cross"
    }
    fn needs(&self) -> Vec<Key> {
        vec![self.key()]
    }
    fn decide(&self, _: &Bars, inp: &Inputs) -> Vec<Target> {
        let m = inp.macd(self.key());
        cross_targets(&m.line, &m.signal)
    }
    fn incremental(&self) -> Option<Box<dyn Incremental>> {
        Some(Box::new(incremental::MacdCross::new(self.fast, self.slow, self.signal)))
    }
}

/// Long when RSI is below `lower`, short when above `upper`, otherwise hold.
pub struct RsiReversion {
    pub period: usize,
    pub lower: f64,
    pub upper: f64,
}

impl Strategy for RsiReversion {
    fn name(&self) -> &'static str {
        "rsi_reversion"
    }
    fn needs(&self) -> Vec<Key> {
        vec![Key::Rsi(self.period)]
    }
    fn decide(&self, _: &Bars, inp: &Inputs) -> Vec<Target> {
        let rsi = inp.line(Key::Rsi(self.period));
        hold_between(rsi.len(), |t| {
            if rsi[t] < self.lower {
                Some(LONG)
            } else if rsi[t] > self.upper {
                Some(SHORT)
            } else {
                None
            }
        })
    }
    fn incremental(&self) -> Option<Box<dyn Incremental>> {
        Some(Box::new(incremental::RsiReversion::new(self.period, self.lower, self.upper)))
    }
}

/// Long when the close falls below the lower band, short above the upper band; either
/// position is closed when the close returns to the middle band.
pub struct BollingerReversion {
    pub period: usize,
    pub k: f64,
}

impl Strategy for BollingerReversion {
    fn name(&self) -> &'static str {
        "bollinger_reversion"
    }
    fn needs(&self) -> Vec<Key> {
        vec![Key::bollinger(self.period, self.k)]
    }
    fn decide(&self, bars: &Bars, inp: &Inputs) -> Vec<Target> {
        let b = inp.bands(Key::bollinger(self.period, self.k));
        let c = &bars.close;
        let mut out = vec![FLAT; c.len()];
        let mut cur = FLAT;
        for (t, slot) in out.iter_mut().enumerate() {
            if c[t] < b.lower[t] {
                cur = LONG;
            } else if c[t] > b.upper[t] {
                cur = SHORT;
            } else if (cur == LONG && c[t] >= b.mid[t]) || (cur == SHORT && c[t] <= b.mid[t]) {
                cur = FLAT;
            }
            *slot = cur;
        }
        out
    }
    fn incremental(&self) -> Option<Box<dyn Incremental>> {
        Some(Box::new(incremental::BollingerReversion::new(self.period, self.k)))
    }
}

/// Long when the close breaks above the highest high of the previous `period` bars, short
/// when it breaks below the lowest low; hold otherwise. The channel excludes the current bar,
/// which could never be exceeded by its own close.
pub struct DonchianBreakout {
    pub period: usize,
}

impl Strategy for DonchianBreakout {
    fn name(&self) -> &'static str {
        "donchian_breakout"
    }
    fn needs(&self) -> Vec<Key> {
        vec![Key::Donchian(self.period)]
    }
    fn decide(&self, bars: &Bars, inp: &Inputs) -> Vec<Target> {
        let ch = inp.channel(Key::Donchian(self.period));
        let c = &bars.close;
        hold_between(c.len(), |t| {
            if t == 0 {
                None
            } else if c[t] > ch.upper[t - 1] {
                Some(LONG)
            } else if c[t] < ch.lower[t - 1] {
                Some(SHORT)
            } else {
                None
            }
        })
    }
    fn incremental(&self) -> Option<Box<dyn Incremental>> {
        Some(Box::new(incremental::DonchianBreakout::new(self.period)))
    }
}

/// Targets that change only when `decide` says so and otherwise hold the last decision.
fn hold_between(n: usize, mut decide: impl FnMut(usize) -> Option<Target>) -> Vec<Target> {
    let mut out = vec![FLAT; n];
    let mut cur = FLAT;
    for (t, slot) in out.iter_mut().enumerate() {
        if let Some(d) = decide(t) {
            cur = d;
        }
        *slot = cur;
    }
    out
}

#[cfg(test)]
mod tests;
