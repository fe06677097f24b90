//! The follower takes each bar once, catches up on bars it was not asked about, rebuilds when
//! the series is not the one it followed, and turns a panic into a fault.

use super::*;
use crate::engine::strategy::{Inputs, Key};

fn walk(n: usize) -> Bars {
    let mut b = Bars::default();
    for i in 0..n {
        let p = 100.0 + (i as f64 * 0.37).sin() * 6.0 + (i as f64 * 0.05).cos() * 3.0;
        b.push(i as i64 * 60_000, p, p + 0.5, p - 0.5, p, 1.0);
    }
    b
}

fn sma_cross() -> Box<dyn Strategy> {
    let given = [("fast", "3"), ("slow", "8")].map(|(k, v)| (k.to_string(), v.to_string())).into_iter().collect();
    crate::engine::strategy::build("sma_cross", &given).unwrap().0
}

#[test]
fn skipped_bars_are_caught_up_and_a_bar_asked_again_is_not_taken_twice() {
    let bars = walk(300);
    let whole = sma_cross().targets(&bars);
    assert!(whole.windows(2).filter(|w| w[0] != w[1]).count() > 5, "the walk must trade");
    let mut f = Follower::new(sma_cross());
    assert!(f.is_incremental());
    // As a resumed session: history up to 120 first, then bar by bar, one bar asked twice.
    assert_eq!(f.target_at(&bars, 120), Ok(whole[120]));
    for (t, &want) in whole.iter().enumerate().skip(121) {
        assert_eq!(f.target_at(&bars, t), Ok(want), "bar {t}");
        assert_eq!(f.target_at(&bars, t), Ok(want), "bar {t} again");
    }
}

#[test]
fn a_series_that_is_not_the_one_followed_is_followed_again_from_its_first_bar() {
    let bars = walk(200);
    let mut f = Follower::new(sma_cross());
    f.target_at(&bars, 150).unwrap();
    // An earlier bar: the state is rebuilt up to it.
    assert_eq!(f.target_at(&bars, 40), Ok(sma_cross().targets(&bars.slice(0, 41))[40]));
    // Another series altogether (a feed reopened on other data): rebuilt too.
    let mut other = walk(260);
    other.ts.iter_mut().for_each(|t| *t += 7);
    other.close.iter_mut().for_each(|c| *c = 200.0 - *c);
    assert_eq!(f.target_at(&other, 259), Ok(sma_cross().targets(&other)[259]));
}

/// Decides over the whole series only, and fails on the bar it is told to.
struct WholeOnly {
    fail_at: usize,
    short_by_one: bool,
}

impl Strategy for WholeOnly {
    fn name(&self) -> &'static str {
        "whole_only"
    }
    fn needs(&self) -> Vec<Key> {
        vec![]
    }
    fn decide(&self, bars: &Bars, _: &Inputs) -> Vec<Target> {
        assert!(bars.len() <= self.fail_at, "deliberate failure");
        vec![1; bars.len() - usize::from(self.short_by_one)]
    }
}

#[test]
fn a_strategy_with_no_incremental_form_is_evaluated_on_the_bars_so_far() {
    let bars = walk(20);
    let mut f = Follower::new(Box::new(WholeOnly { fail_at: 10, short_by_one: false }));
    assert!(!f.is_incremental());
    assert_eq!(f.target_at(&bars, 9), Ok(1));
    assert_eq!(f.target_at(&bars, 10), Err(Fault::Panicked("deliberate failure".into())));
    let mut f = Follower::new(Box::new(WholeOnly { fail_at: 99, short_by_one: true }));
    assert_eq!(f.target_at(&bars, 4), Err(Fault::Targets { targets: 4, bars: 5 }));
}

/// Panics on its `n`-th bar.
struct Breaks(usize);

impl Incremental for Breaks {
    fn update(&mut self, _: &Bar) -> Target {
        self.0 -= 1;
        assert!(self.0 > 0, "broke");
        1
    }
}

struct Breaking;

impl Strategy for Breaking {
    fn name(&self) -> &'static str {
        "breaking"
    }
    fn needs(&self) -> Vec<Key> {
        vec![]
    }
    fn decide(&self, bars: &Bars, _: &Inputs) -> Vec<Target> {
        vec![1; bars.len()]
    }
    fn incremental(&self) -> Option<Box<dyn Incremental>> {
        Some(Box::new(Breaks(5)))
    }
}

#[test]
fn a_panic_is_a_fault_and_the_state_is_not_used_again() {
    let bars = walk(10);
    let mut f = Follower::new(Box::new(Breaking));
    assert_eq!(f.target_at(&bars, 3), Ok(1));
    assert_eq!(f.target_at(&bars, 4), Err(Fault::Panicked("broke".into())));
    // Rebuilt from the first bar: bars 0..=3 are four updates of a fresh state.
    assert_eq!(f.target_at(&bars, 3), Ok(1));
}
