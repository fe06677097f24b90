//! The built-ins one bar at a time: the same rules as their whole-series forms in
//! `builtins.rs`, on the incremental indicators (`indicators::incremental`), which give the
//! kernels' values bit for bit, so every target is the same.

use super::super::incremental::{Bar, Incremental};
use super::super::{Target, FLAT, LONG, SHORT};
use crate::engine::indicators::incremental::{Bollinger, Donchian, Ema, Macd, Rsi, WindowMoments};

/// [`super::super::cross_targets`] one bar at a time: long once `a` has crossed above `b`
/// (strictly below on the previous bar, strictly above on this one), short once it has crossed
/// below, the last cross held in between; flat before the first. NaN is on neither side.
#[derive(Debug, Clone, Default)]
struct Cross {
    /// The side of `a` against `b` on the previous bar (-1, 0, 1).
    prev: Target,
    cur: Target,
}

impl Cross {
    fn update(&mut self, a: f64, b: f64) -> Target {
        let now = (a > b) as Target - (a < b) as Target;
        if now != FLAT && self.prev == -now {
            self.cur = now;
        }
        self.prev = now;
        self.cur
    }
}

pub struct BuyAndHold;

impl Incremental for BuyAndHold {
    fn update(&mut self, _: &Bar) -> Target {
        LONG
    }
}

pub struct SmaCross {
    fast: WindowMoments,
    slow: WindowMoments,
    cross: Cross,
}

impl SmaCross {
    pub fn new(fast: usize, slow: usize) -> SmaCross {
        SmaCross { fast: WindowMoments::new(fast), slow: WindowMoments::new(slow), cross: Cross::default() }
    }
}

impl Incremental for SmaCross {
    fn update(&mut self, bar: &Bar) -> Target {
        let (a, b) = (self.fast.sma(bar.close), self.slow.sma(bar.close));
        self.cross.update(a, b)
    }
}

pub struct EmaCross {
    fast: Ema,
    slow: Ema,
    cross: Cross,
}

impl EmaCross {
    pub fn new(fast: usize, slow: usize) -> EmaCross {
        EmaCross { fast: Ema::new(fast), slow: Ema::new(slow), cross: Cross::default() }
    }
}

impl Incremental for EmaCross {
    fn update(&mut self, bar: &Bar) -> Target {
        let (a, b) = (self.fast.update(bar.close), self.slow.update(bar.close));
        self.cross.update(a, b)
    }
}

pub struct MacdCross {
    macd: Macd,
    cross: Cross,
}

impl MacdCross {
    pub fn new(fast: usize, slow: usize, signal: usize) -> MacdCross {
        MacdCross { macd: Macd::new(fast, slow, signal), cross: Cross::default() }
    }
}

impl Incremental for MacdCross {
    fn update(&mut self, bar: &Bar) -> Target {
        let m = self.macd.update(bar.close);
        self.cross.update(m.line, m.signal)
    }
}

pub struct RsiReversion {
    rsi: Rsi,
    lower: f64,
    upper: f64,
    cur: Target,
}

impl RsiReversion {
    pub fn new(period: usize, lower: f64, upper: f64) -> RsiReversion {
        RsiReversion { rsi: Rsi::new(period), lower, upper, cur: FLAT }
    }
}

impl Incremental for RsiReversion {
    fn update(&mut self, bar: &Bar) -> Target {
        let rsi = self.rsi.update(bar.close);
        if rsi < self.lower {
            self.cur = LONG;
        } else if rsi > self.upper {
            self.cur = SHORT;
        }
        self.cur
    }
}

pub struct BollingerReversion {
    bands: Bollinger,
    cur: Target,
}

impl BollingerReversion {
    pub fn new(period: usize, k: f64) -> BollingerReversion {
        BollingerReversion { bands: Bollinger::new(period, k), cur: FLAT }
    }
}

impl Incremental for BollingerReversion {
    fn update(&mut self, bar: &Bar) -> Target {
        let b = self.bands.update(bar.close);
        let (c, cur) = (bar.close, self.cur);
        if c < b.lower {
            self.cur = LONG;
        } else if c > b.upper {
            self.cur = SHORT;
        } else if (cur == LONG && c >= b.mid) || (cur == SHORT && c <= b.mid) {
            self.cur = FLAT;
        }
        self.cur
    }
}

pub struct DonchianBreakout {
    channel: Donchian,
    /// The channel after the previous bar (`NaN` before there is one): a bar's close is
    /// compared with the channel of the bars before it.
    prev: (f64, f64),
    cur: Target,
}

impl DonchianBreakout {
    pub fn new(period: usize) -> DonchianBreakout {
        DonchianBreakout { channel: Donchian::new(period), prev: (f64::NAN, f64::NAN), cur: FLAT }
    }
}

impl Incremental for DonchianBreakout {
    fn update(&mut self, bar: &Bar) -> Target {
        let (upper, lower) = self.prev;
        if bar.close > upper {
            self.cur = LONG;
        } else if bar.close < lower {
            self.cur = SHORT;
        }
        self.prev = self.channel.update(bar.high, bar.low);
        self.cur
    }
}
