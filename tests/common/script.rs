//! A live feed the test scripts: hourly bars revealed one a poll, `between(t)` run before bar
//! `t` is known (the operator's turn: approve, lapse, kill, resume). Live sessions run on it
//! in this process. It can also use a shorter bar length and fall silent before a bar until a
//! condition holds (a stale feed, without racing sleeps).
#![allow(dead_code)]

use std::time::{Duration, Instant};

use quantlab::engine::data::Bars;
use quantlab::engine::paper::{Feed, FeedEvent};
use quantlab::engine::Result;

pub const HOUR: i64 = 3_600_000;

/// A silent feed ends after this, so a session that never reacts fails its test, not hangs it.
const SILENCE_DEADLINE: Duration = Duration::from_secs(20);
/// How often a silent feed asks whether to speak again.
const SILENCE_POLL: Duration = Duration::from_millis(20);

pub struct Script {
    all: Vec<f64>,
    known: Bars,
    between: Box<dyn FnMut(usize) + Send>,
    symbol: &'static str,
    interval_ms: i64,
    silence: Option<Silence>,
}

/// Before bar `from` the feed says nothing (Idle) until `until()` holds.
struct Silence {
    from: usize,
    until: Box<dyn FnMut() -> bool + Send>,
    began: Option<Instant>,
    last_asked: Option<Instant>,
}

impl Script {
    /// Bars closing at `all` (open, high and low the same), of `symbol`.
    pub fn new(all: Vec<f64>, symbol: &'static str, between: impl FnMut(usize) + Send + 'static) -> Script {
        Script {
            all,
            known: Bars::default(),
            between: Box::new(between),
            symbol,
            interval_ms: HOUR,
            silence: None,
        }
    }

    /// Bars `ms` apart (the bar length the runner's stale-feed check counts in).
    pub fn every(mut self, ms: i64) -> Script {
        self.interval_ms = ms;
        self
    }

    /// Before bar `from` is known, deliver nothing (the runner sees Idle polls) until `until()`
    /// holds, asked every few milliseconds; then the bars go on. After twenty seconds of silence the
    /// feed ends instead.
    pub fn silent_before(mut self, from: usize, until: impl FnMut() -> bool + Send + 'static) -> Script {
        self.silence = Some(Silence { from, until: Box::new(until), began: None, last_asked: None });
        self
    }
}

impl Feed for Script {
    fn bars(&self) -> &Bars {
        &self.known
    }
    fn poll(&mut self, _now_ms: i64) -> Result<FeedEvent> {
        let t = self.known.len();
        if t >= self.all.len() {
            return Ok(FeedEvent::End);
        }
        if let Some(s) = self.silence.as_mut().filter(|s| s.from == t) {
            let now = Instant::now();
            let began = *s.began.get_or_insert(now);
            if now - began > SILENCE_DEADLINE {
                return Ok(FeedEvent::End);
            }
            if s.last_asked.is_some_and(|at| now - at < SILENCE_POLL) {
                return Ok(FeedEvent::Idle);
            }
            s.last_asked = Some(now);
            if !(s.until)() {
                return Ok(FeedEvent::Idle);
            }
            self.silence = None;
        }
        (self.between)(t);
        let c = self.all[t];
        self.known.push(1_700_000_000_000 + t as i64 * self.interval_ms, c, c, c, c, 1.0);
        Ok(FeedEvent::Bar { index: t, last: t + 1 == self.all.len() })
    }
    fn interval_ms(&self) -> i64 {
        self.interval_ms
    }
    fn cadence_ms(&self) -> i64 {
        0
    }
    fn weekend_bars(&self) -> bool {
        true
    }
    fn symbol(&self) -> &str {
        self.symbol
    }
}
