//! A strategy followed along a series that grows one bar at a time: what paper and live
//! sessions decide with.
//!
//! The follower takes each bar of the series once, through the strategy's [`Incremental`]
//! form, so a bar costs O(1) however long the session has run. Bars it has not seen yet are
//! taken in order when a later bar is asked for: a session resumed at bar 5,000 (its feed
//! holding bars 0..5,000 as history) rebuilds the state once, in one O(n) pass, then goes on
//! at O(1). Nothing of the state is persisted: replaying the stored bars gives it back
//! exactly, where a serialized state would be one more thing to keep in step with the code.
//!
//! A strategy without an incremental form is evaluated over all the bars so far on every
//! bar, as sessions did before (O(n) per bar); none of the built-ins is one.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::incremental::{Bar, Incremental};
use super::{Strategy, Target, FLAT};
use crate::engine::data::Bars;

/// Why no target came out for a bar; each session kind reports it in its own error.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// The strategy panicked, with the panic's message.
    Panicked(String),
    /// A whole-series strategy gave a number of targets other than the bars it was given.
    Targets { targets: usize, bars: usize },
}

pub struct Follower {
    strategy: Box<dyn Strategy>,
    /// The running state; `None` for a strategy that only decides over a whole series.
    state: Option<Box<dyn Incremental>>,
    /// Bars taken so far (bars `0..taken` of the series).
    taken: usize,
    /// The time of the last bar taken: a series that no longer has it there was replaced.
    last_ts: i64,
    /// The target decided on the last bar taken.
    target: Target,
}

impl Follower {
    pub fn new(strategy: Box<dyn Strategy>) -> Follower {
        let state = strategy.incremental();
        Follower { strategy, state, taken: 0, last_ts: 0, target: FLAT }
    }

    /// Whether bars are taken one at a time (O(1) each), not over the whole series each time.
    pub fn is_incremental(&self) -> bool {
        self.state.is_some()
    }

    pub fn strategy(&self) -> &dyn Strategy {
        &*self.strategy
    }

    /// The target decided on bar `t` of `bars`, the series so far. A feed's series only grows,
    /// so bars before `t` already taken are not taken again; should the series not be the one
    /// followed so far (an earlier bar asked for, or the last bar taken not where it was), the
    /// state is rebuilt from the first bar. A panic in the strategy is returned as a fault, and
    /// the state is dropped (the next call rebuilds it).
    pub fn target_at(&mut self, bars: &Bars, t: usize) -> Result<Target, Fault> {
        if self.state.is_none() {
            return self.whole(bars, t);
        }
        let same_series = self.taken == 0 || bars.ts.get(self.taken - 1) == Some(&self.last_ts);
        if !same_series || t + 1 < self.taken {
            self.restart();
        }
        if t + 1 == self.taken {
            return Ok(self.target);
        }
        let (from, state) = (self.taken, self.state.as_mut().expect("incremental mode has a state"));
        let taken = catch_unwind(AssertUnwindSafe(|| {
            let mut target = FLAT;
            for i in from..=t {
                target = state.update(&Bar::of(bars, i));
            }
            target
        }));
        match taken {
            Ok(target) => {
                (self.taken, self.last_ts, self.target) = (t + 1, bars.ts[t], target);
                Ok(target)
            }
            Err(p) => {
                // Half an update may have happened: never continue from it.
                self.restart();
                Err(Fault::Panicked(crate::engine::error::panic_message(&*p)))
            }
        }
    }

    fn restart(&mut self) {
        self.state = self.strategy.incremental();
        (self.taken, self.last_ts, self.target) = (0, 0, FLAT);
    }

    /// The whole-series form on bars `0..=t`.
    fn whole(&self, bars: &Bars, t: usize) -> Result<Target, Fault> {
        let strategy = &self.strategy;
        let decided = catch_unwind(AssertUnwindSafe(|| {
            if bars.len() == t + 1 {
                strategy.targets(bars)
            } else {
                strategy.targets(&bars.slice(0, t + 1))
            }
        }));
        match decided {
            Ok(v) if v.len() == t + 1 => Ok(v[t]),
            Ok(v) => Err(Fault::Targets { targets: v.len(), bars: t + 1 }),
            Err(p) => Err(Fault::Panicked(crate::engine::error::panic_message(&*p))),
        }
    }
}

#[cfg(test)]
mod tests;
