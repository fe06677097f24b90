//! Strategies decide a target position on each bar's close.
//!
//! A strategy maps a bar series to one target per bar, computed causally: the target at bar
//! t depends only on bars 0..=t. Whole-series evaluation lets indicator kernels run as tight
//! loops (research speed); a live or replayed feed calls it on the series so far.

mod builtins;
pub mod error;
pub mod incremental;
inner_modules! {
    follow,
    inputs,
    params,
}
mod registry;

pub use error::StrategyError;
pub use incremental::{Bar, Incremental};
pub use inputs::{Inputs, Key};
pub use params::parse_pairs;
pub use params::{ParamKind, ParamSpec, Params};
pub use registry::{build, catalogue, info as registry_info, StrategyInfo};

use crate::engine::data::Bars;

/// Target position: short, flat or long.
pub type Target = i8;
pub const SHORT: Target = -1;
pub const FLAT: Target = 0;
pub const LONG: Target = 1;

pub trait Strategy: Send + Sync {
    /// Registry name, e.g. `sma_cross`.
    fn name(&self) -> &'static str;
    /// The indicator series [`Strategy::decide`] reads.
    fn needs(&self) -> Vec<Key>;
    /// The target position decided on each bar's close, one per bar, from precomputed inputs
    /// (which must hold every key of [`Strategy::needs`]).
    fn decide(&self, bars: &Bars, inputs: &Inputs) -> Vec<Target>;
    /// Compute the inputs, then decide: the single-run path.
    fn targets(&self, bars: &Bars) -> Vec<Target> {
        self.decide(bars, &Inputs::compute(bars, &self.needs()))
    }
    /// The same decisions one bar at a time (O(1) per bar), made from the same parameters:
    /// what paper and live sessions follow a growing series with. `None` for a strategy that
    /// only decides over a whole series, which a session then evaluates on all the bars so far
    /// on every bar. Every built-in has one, giving the same target on every bar as
    /// [`Strategy::decide`] (tests/cli/strategy_incremental.rs).
    fn incremental(&self) -> Option<Box<dyn Incremental>> {
        None
    }
}

/// True when `a` crosses above `b` at `t`: strictly below on the previous bar, strictly above
/// on this one. NaN (warm-up) compares false, so no cross fires before both series exist.
#[inline]
pub fn crossed_above(a: &[f64], b: &[f64], t: usize) -> bool {
    t > 0 && a[t - 1] < b[t - 1] && a[t] > b[t]
}

/// Mirror of [`crossed_above`].
#[inline]
pub fn crossed_below(a: &[f64], b: &[f64], t: usize) -> bool {
    t > 0 && a[t - 1] > b[t - 1] && a[t] < b[t]
}

/// Targets for a crossover system: long after `a` crosses above `b`, short after it crosses
/// below, holding the last decision in between; flat before the first cross.
pub fn cross_targets(a: &[f64], b: &[f64]) -> Vec<Target> {
    let n = a.len().min(b.len());
    // Two passes on purpose: the side of `a` against `b` on each bar is a compare the compiler
    // vectorizes, and the scan over one byte per bar stays in cache. A sweep runs this a
    // thousand times over a million bars.
    let mut out: Vec<Target> =
        a[..n].iter().zip(&b[..n]).map(|(&x, &y)| (x > y) as Target - (x < y) as Target).collect();
    // A cross is strictly below then strictly above (or the reverse); NaN is neither, so
    // warm-up bars never cross.
    let (mut cur, mut prev) = (FLAT, FLAT);
    for slot in out.iter_mut() {
        let now = *slot;
        cur = if now != FLAT && prev == -now { now } else { cur };
        prev = now;
        *slot = cur;
    }
    out.resize(a.len(), cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_needs_strict_inequality_on_both_bars() {
        let a = [1.0, 2.0, 3.0, 3.0, 2.0];
        let b = [2.0, 2.0, 2.0, 3.0, 3.0];
        // t=1: a touches b (not strictly above) -> no cross; t=2: previous not strictly below.
        assert!(!crossed_above(&a, &b, 1));
        assert!(!crossed_above(&a, &b, 2));
        assert!(!crossed_below(&a, &b, 3)); // equal is not below
        assert_eq!(cross_targets(&a, &b), vec![0, 0, 0, 0, 0]);
        let a = [1.0, 3.0, 1.0];
        let b = [2.0, 2.0, 2.0];
        assert_eq!(cross_targets(&a, &b), vec![0, 1, -1]);
    }

    #[test]
    fn nan_never_crosses() {
        let a = [f64::NAN, 3.0];
        let b = [2.0, 2.0];
        assert!(!crossed_above(&a, &b, 1));
    }
}
