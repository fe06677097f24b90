//! A live feed the test scripts: hourly bars revealed one a poll, `between(t)` run before bar
//! `t` is known (the operator's turn: approve, lapse, kill, resume). Live sessions run on it
//! in this process.
#![allow(dead_code)]

use quantlab::engine::data::Bars;
use quantlab::engine::paper::{Feed, FeedEvent};
use quantlab::engine::Result;

pub const HOUR: i64 = 3_600_000;

pub struct Script {
    all: Vec<f64>,
    known: Bars,
    between: Box<dyn FnMut(usize) + Send>,
    symbol: &'static str,
}

impl Script {
    /// Bars closing at `all` (open, high and low the same), of `symbol`.
    pub fn new(all: Vec<f64>, symbol: &'static str, between: impl FnMut(usize) + Send + 'static) -> Script {
        Script { all, known: Bars::default(), between: Box::new(between), symbol }
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
        (self.between)(t);
        let c = self.all[t];
        self.known.push(1_700_000_000_000 + t as i64 * HOUR, c, c, c, c, 1.0);
        Ok(FeedEvent::Bar { index: t, last: t + 1 == self.all.len() })
    }
    fn interval_ms(&self) -> i64 {
        HOUR
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
