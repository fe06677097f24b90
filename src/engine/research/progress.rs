//! How far a long piece of research has got while it runs: units done of a total (a sweep's
//! combinations, a walk-forward's folds), what it is, when it began, and the time left
//! estimated from those. The engine reports into a [`ProgressTracker`]; any client (the
//! console's status bar, the CLI's `--progress`) reads a [`ProgressView`] of it from another
//! thread. The estimate is never a made-up number: until a unit is done, or while the clock
//! has not moved, it is [`Eta::Unknown`].

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The current stage of one piece of work, shared between the thread doing it and readers.
/// Workers may report in any order: the count never goes back.
#[derive(Debug, Default)]
pub struct ProgressTracker {
    stage: Mutex<Option<ProgressView>>,
}

/// A stage as last reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressView {
    /// What runs, for a reader: `sweep sma_cross on GOOG 1d`, `walk-forward sma_cross on GOOG 1d`.
    pub what: String,
    pub done: usize,
    /// How many units the stage has; None until the work has said (it plans first).
    pub total: Option<usize>,
    /// When the stage began, on the clock readers measure against.
    pub started: Instant,
}

/// The time left of a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eta {
    /// No unit done yet, no total, or no time measured: there is no rate to estimate from.
    Unknown,
    /// Every unit is done.
    Done,
    Left(Duration),
}

impl ProgressTracker {
    pub fn new() -> ProgressTracker {
        ProgressTracker::default()
    }

    /// A new stage begins now: nothing done, its total not known yet.
    pub fn begin(&self, what: impl Into<String>) {
        self.begin_at(what, Instant::now());
    }

    /// A new stage began at `at` (a reader's clock; tests pass their own).
    pub fn begin_at(&self, what: impl Into<String>, at: Instant) {
        *self.lock() = Some(ProgressView { what: what.into(), done: 0, total: None, started: at });
    }

    /// `done` of `total` units. Returns whether the count moved on: a report below one already
    /// made (workers finish in any order) changes nothing. A report before any [`begin`] starts
    /// an unnamed stage now.
    ///
    /// [`begin`]: ProgressTracker::begin
    pub fn report(&self, done: usize, total: usize) -> bool {
        let mut stage = self.lock();
        let v = stage.get_or_insert_with(|| ProgressView {
            what: String::new(),
            done: 0,
            total: None,
            started: Instant::now(),
        });
        let moved = done > v.done || v.total != Some(total);
        v.done = v.done.max(done).min(total);
        v.total = Some(total);
        moved
    }

    /// The stage as last reported; None before any.
    pub fn view(&self) -> Option<ProgressView> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<ProgressView>> {
        // A reporter that panicked left a count, not a broken invariant: keep reading it.
        self.stage.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl ProgressView {
    /// Done over total in [0, 1]; None while the total is unknown. Nothing to do is all done.
    pub fn ratio(&self) -> Option<f64> {
        self.total.map(|t| if t == 0 { 1.0 } else { self.done.min(t) as f64 / t as f64 })
    }

    /// Whole percent done, rounded down (99% until the last unit is in); None while the total
    /// is unknown.
    pub fn percent(&self) -> Option<u8> {
        self.total.map(|t| (self.done.min(t) * 100).checked_div(t).map_or(100, |p| p as u8))
    }

    /// The time left as of `now`, from the rate so far.
    pub fn eta(&self, now: Instant) -> Eta {
        eta(self.done, self.total, now.saturating_duration_since(self.started))
    }
}

/// The time left when `done` of `total` units took `elapsed`: the remaining units at the rate
/// so far, `elapsed x (total - done) / done`. Unknown with nothing done, no total, or no time
/// measured (a clock that has not moved gives no rate); done when every unit is.
pub fn eta(done: usize, total: Option<usize>, elapsed: Duration) -> Eta {
    let Some(total) = total else { return Eta::Unknown };
    if done >= total {
        return Eta::Done;
    }
    if done == 0 || elapsed.is_zero() {
        return Eta::Unknown;
    }
    let left = elapsed.as_nanos().saturating_mul((total - done) as u128) / done as u128;
    Eta::Left(Duration::from_nanos(u64::try_from(left).unwrap_or(u64::MAX)))
}

impl Eta {
    /// The time left in whole seconds, rounded up (a stage with work left is never 0); 0 when
    /// done; None while unknown.
    pub fn secs(self) -> Option<u64> {
        match self {
            Eta::Unknown => None,
            Eta::Done => Some(0),
            Eta::Left(d) => Some(d.as_secs() + u64::from(d.subsec_nanos() > 0)),
        }
    }
}

impl fmt::Display for Eta {
    /// `ETA unknown`, `done`, or the time left rounded up to the second (`ETA 45s`, `ETA 3m05s`,
    /// `ETA 2h07m`): a stage with work left never reads `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Eta::Unknown => write!(f, "ETA unknown"),
            Eta::Done => write!(f, "done"),
            Eta::Left(_) => {
                let s = self.secs().unwrap_or(0);
                match s {
                    ..60 => write!(f, "ETA {s}s"),
                    60..3600 => write!(f, "ETA {}m{:02}s", s / 60, s % 60),
                    _ => write!(f, "ETA {}h{:02}m", s / 3600, s % 3600 / 60),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn the_time_left_is_the_remaining_units_at_the_rate_so_far() {
        assert_eq!(eta(3, Some(10), 30 * S), Eta::Left(70 * S));
        assert_eq!(eta(1, Some(400), S), Eta::Left(399 * S));
        assert_eq!(eta(2, Some(3), Duration::from_millis(5)), Eta::Left(Duration::from_micros(2500)));
    }

    #[test]
    fn nothing_done_no_total_or_a_clock_that_did_not_move_is_unknown() {
        assert_eq!(eta(0, Some(10), 30 * S), Eta::Unknown, "zero done: no rate yet");
        assert_eq!(eta(0, Some(10), Duration::ZERO), Eta::Unknown);
        assert_eq!(eta(4, Some(10), Duration::ZERO), Eta::Unknown, "a clock that did not move");
        assert_eq!(eta(4, None, 30 * S), Eta::Unknown, "no total yet");
    }

    #[test]
    fn all_done_is_done_whatever_the_clock() {
        assert_eq!(eta(10, Some(10), 30 * S), Eta::Done);
        assert_eq!(eta(10, Some(10), Duration::ZERO), Eta::Done);
        assert_eq!(eta(0, Some(0), Duration::ZERO), Eta::Done, "nothing to do is done");
    }

    #[test]
    fn a_huge_estimate_saturates_instead_of_wrapping() {
        let long = Duration::from_secs(u64::MAX / 2);
        assert_eq!(eta(1, Some(usize::MAX), long), Eta::Left(Duration::from_nanos(u64::MAX)));
    }

    #[test]
    fn the_estimate_reads_in_seconds_minutes_or_hours_rounded_up() {
        let shown = |e: Eta| e.to_string();
        assert_eq!(shown(Eta::Unknown), "ETA unknown");
        assert_eq!(shown(Eta::Done), "done");
        assert_eq!(shown(Eta::Left(Duration::from_millis(1))), "ETA 1s", "never 0s while work is left");
        assert_eq!(shown(Eta::Left(45 * S)), "ETA 45s");
        assert_eq!(shown(Eta::Left(Duration::from_millis(59_001))), "ETA 1m00s");
        assert_eq!(shown(Eta::Left(185 * S)), "ETA 3m05s");
        assert_eq!(shown(Eta::Left((2 * 3600 + 7 * 60 + 59) * S)), "ETA 2h07m");
        assert_eq!((Eta::Unknown.secs(), Eta::Done.secs()), (None, Some(0)));
        assert_eq!(Eta::Left(Duration::from_millis(1500)).secs(), Some(2));
    }

    #[test]
    fn reports_never_go_back_and_a_new_stage_starts_from_nothing() {
        let t = ProgressTracker::new();
        assert_eq!(t.view(), None);
        let t0 = Instant::now();
        t.begin_at("sweep sma_cross on GOOG 1d", t0);
        let v = t.view().unwrap();
        assert_eq!((v.done, v.total, v.ratio(), v.percent()), (0, None, None, None));
        assert_eq!(v.eta(t0 + 5 * S), Eta::Unknown);
        assert!(t.report(0, 4), "the total is news");
        assert!(t.report(2, 4));
        assert!(!t.report(1, 4), "a worker finishing late does not move it back");
        let v = t.view().unwrap();
        assert_eq!((v.done, v.total, v.percent()), (2, Some(4), Some(50)));
        assert_eq!(v.ratio(), Some(0.5));
        assert_eq!(v.eta(t0 + 10 * S), Eta::Left(10 * S));
        assert_eq!(v.eta(t0), Eta::Unknown, "no time measured");
        assert!(t.report(4, 4));
        assert_eq!(t.view().unwrap().eta(t0 + 20 * S), Eta::Done);
        t.begin_at("walk-forward sma_cross on GOOG 1d", t0 + 20 * S);
        let v = t.view().unwrap();
        assert_eq!((v.what.as_str(), v.done, v.total), ("walk-forward sma_cross on GOOG 1d", 0, None));
    }

    #[test]
    fn percent_rounds_down_until_the_last_unit() {
        let t = ProgressTracker::new();
        t.report(399, 400);
        assert_eq!(t.view().unwrap().percent(), Some(99));
        t.report(400, 400);
        assert_eq!(t.view().unwrap().percent(), Some(100));
    }
}
