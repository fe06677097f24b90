//! The by-bar loop for a rule that can tell, eight bars at a time, that its target stays
//! where it is. Such a block holds the position: its equity is `cash + units * close`, eight
//! independent multiply-adds, and its units eight copies, so it is written as a block
//! instead of bar by bar through the loop's compare and branch. A block where the target may
//! move goes bar by bar as in [`super::bars_as`].

use super::super::sim::{prefetch, Curves};
use super::held::{clamp, Held, BLOCK};
use super::AHEAD;
use crate::engine::backtest::simulate::Stepper;
use crate::engine::data::Bars;
use crate::engine::strategy::Target;

/// A rule read bar by bar that can also look a block ahead, over one chunk of bars.
pub(super) trait Ahead {
    /// Bar `j`'s target (the bar's offset in the chunk), each bar once and in order, except
    /// the bars of blocks that [`Ahead::holds`] passed over.
    fn target(&mut self, j: usize) -> Target;
    /// The target the bars so far leave the rule at: what a bar that does not move it gives.
    fn current(&self) -> Target;
    /// Whether every bar of `j..j + BLOCK` (`j` at least 1) would leave the target at
    /// [`Ahead::current`]. When it is true the block is passed over: `target` is next called
    /// for a bar after it, and must give what it would have given after the block bar by
    /// bar. False where it is not sure: the block then goes bar by bar.
    fn holds(&self, j: usize) -> bool;
}

/// Bars `[a, a + len)` of `bars`, their targets from `rule`, into `curves`; the same
/// equity, units and trades as `super::bars_of` gives from the same targets.
#[inline(always)]
pub(super) fn bars_ahead<const NEXT_OPEN: bool, const SHORT: bool, R: Ahead>(
    st: &mut Stepper,
    bars: &Bars,
    a: usize,
    len: usize,
    curves: &mut Curves,
    rule: &mut R,
) {
    let close = &bars.close[a..a + len];
    let (eq, pos) = curves.next(len);
    // The series' last bar always goes through the stepper (it may close the position).
    let body = if a + len == bars.len() { len - 1 } else { len };
    let mut r = Held::of(st);
    // Bar 0 reads what the chunk before left; blocks start at bar 1.
    let mut j = body.min(1);
    one_by_one::<NEXT_OPEN, SHORT, R>(&mut r, st, bars, a, rule, (close, eq, pos), 0..j);
    while j + BLOCK <= body {
        // One prefetch per cache line of each series, as `super::bars_as` does.
        prefetch(&bars.open, a + j + AHEAD);
        prefetch(&bars.ts, a + j + AHEAD);
        // A block holds when nothing in it would trade: the target it keeps is the one
        // held, and on next-open fills the one decided on the bar before as well.
        if r.settled::<NEXT_OPEN>(clamp::<SHORT>(rule.current())) && rule.holds(j) {
            r.hold(&close[j..j + BLOCK], &mut eq[j..j + BLOCK], &mut pos[j..j + BLOCK]);
        } else {
            one_by_one::<NEXT_OPEN, SHORT, R>(&mut r, st, bars, a, rule, (close, eq, pos), j..j + BLOCK);
        }
        j += BLOCK;
    }
    one_by_one::<NEXT_OPEN, SHORT, R>(&mut r, st, bars, a, rule, (close, eq, pos), j..body);
    r.store(st);
    if body < len {
        let target = clamp::<SHORT>(rule.target(body));
        (eq[body], pos[body]) = super::trade::<NEXT_OPEN, SHORT>(st, bars, a + body, target, true);
    }
}

/// Bars `range` of the chunk from `a`, one by one as `super::bars_as` takes them.
#[inline(always)]
fn one_by_one<const NEXT_OPEN: bool, const SHORT: bool, R: Ahead>(
    r: &mut Held,
    st: &mut Stepper,
    bars: &Bars,
    a: usize,
    rule: &mut R,
    (close, eq, pos): (&[f64], &mut [f64], &mut [f64]),
    range: std::ops::Range<usize>,
) {
    for j in range {
        let target = clamp::<SHORT>(rule.target(j));
        r.bar::<NEXT_OPEN, SHORT>(st, bars, a + j, target, close[j], &mut eq[j], &mut pos[j]);
    }
}

