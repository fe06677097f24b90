//! A strategy's decisions one bar at a time.
//!
//! [`super::Strategy::decide`] maps a whole series to its targets, which is what makes research
//! fast. A paper or live session learns its bars one at a time: evaluating the whole series so
//! far on every bar is O(n) per bar, O(n²) over a session. An [`Incremental`] keeps the
//! strategy's indicators and its last decision as running state and takes each new bar in O(1)
//! (amortized), giving the same target on every bar as the whole-series form on the bars up to
//! it (`tests/cli/strategy_incremental.rs` checks it bar by bar on real data for every
//! built-in).

use crate::engine::data::Bars;

use super::Target;

/// One bar, as an [`Incremental`] takes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub ts: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

impl Bar {
    /// Bar `t` of `bars` (panics past the end, as indexing does).
    pub fn of(bars: &Bars, t: usize) -> Bar {
        Bar {
            ts: bars.ts[t],
            open: bars.open[t],
            high: bars.high[t],
            low: bars.low[t],
            close: bars.close[t],
            volume: bars.volume[t],
        }
    }
}

/// A strategy's running state: made by [`super::Strategy::incremental`] from the same
/// parameters as the whole-series form, it takes the bars of one series in order, each once,
/// from the first.
pub trait Incremental: Send {
    /// Take the next bar; the target decided on its close.
    fn update(&mut self, bar: &Bar) -> Target;
}
