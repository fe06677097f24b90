//! The stepper's state that a bar without a trade reads, kept in registers through a by-bar
//! loop, and what such a bar (or a block of them) writes.

use super::trade;
use crate::engine::backtest::simulate::Stepper;
use crate::engine::data::Bars;
use crate::engine::strategy::{Target, FLAT};

/// Bars a block holds: one cache line of closes, equity and units each.
pub(super) const BLOCK: usize = 8;

/// The stepper's state that a bar without a trade reads, kept in registers through a loop
/// and read back from the stepper after each trade.
pub(super) struct Held {
    cash: f64,
    units: f64,
    dir: Target,
    decided: Target,
}

impl Held {
    #[inline(always)]
    pub(super) fn of(st: &Stepper) -> Held {
        Held { cash: st.book.cash, units: st.units, dir: st.dir, decided: st.decided }
    }

    /// Bar `t`, closing at `close`, toward `target` (already clamped): its equity and units
    /// into `e` and `p`, through the stepper when the bar may trade.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub(super) fn bar<const NEXT_OPEN: bool, const SHORT: bool>(
        &mut self,
        st: &mut Stepper,
        bars: &Bars,
        t: usize,
        target: Target,
        close: f64,
        e: &mut f64,
        p: &mut f64,
    ) {
        let want = if NEXT_OPEN { self.decided } else { target };
        if want != self.dir {
            st.decided = self.decided;
            (*e, *p) = trade::<NEXT_OPEN, SHORT>(st, bars, t, target, false);
            *self = Held::of(st);
        } else {
            *e = self.cash + self.units * close;
            *p = self.units;
            if NEXT_OPEN {
                self.decided = target;
            }
        }
    }

    /// Whether a bar whose target is `target` (clamped) trades nothing: the position is the
    /// target, and on next-open fills the target decided on the bar before is too.
    #[inline(always)]
    pub(super) fn settled<const NEXT_OPEN: bool>(&self, target: Target) -> bool {
        target == self.dir && (!NEXT_OPEN || self.decided == target)
    }

    /// A block of bars that hold the position (each one's target is the one held, and was
    /// decided): what `bar` gives each of them.
    #[inline(always)]
    pub(super) fn hold(&self, close: &[f64], eq: &mut [f64], pos: &mut [f64]) {
        let c: &[f64; BLOCK] = close.try_into().expect("a block of closes");
        let e: &mut [f64; BLOCK] = eq.try_into().expect("a block of equity");
        let p: &mut [f64; BLOCK] = pos.try_into().expect("a block of units");
        for k in 0..BLOCK {
            e[k] = self.cash + self.units * c[k];
            p[k] = self.units;
        }
    }

    /// The loop's state back into the stepper.
    #[inline(always)]
    pub(super) fn store(&self, st: &mut Stepper) {
        st.decided = self.decided;
    }
}

/// A target as the loop fills it: long-only, a short target means flat.
#[inline(always)]
pub(super) fn clamp<const SHORT: bool>(t: Target) -> Target {
    if SHORT {
        t
    } else {
        t.max(FLAT)
    }
}
