//! The normalized in-memory OHLCV series every part of the engine works on.

use super::error::DataError;
use crate::engine::error::Result;

/// Columnar OHLCV bars, ascending by time, timestamps in UTC epoch milliseconds.
///
/// Columnar because indicators and the simulation loop read one field at a time
/// over millions of bars.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bars {
    pub ts: Vec<i64>,
    pub open: Vec<f64>,
    pub high: Vec<f64>,
    pub low: Vec<f64>,
    pub close: Vec<f64>,
    pub volume: Vec<f64>,
}

impl Bars {
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    pub fn with_capacity(n: usize) -> Self {
        Bars {
            ts: Vec::with_capacity(n),
            open: Vec::with_capacity(n),
            high: Vec::with_capacity(n),
            low: Vec::with_capacity(n),
            close: Vec::with_capacity(n),
            volume: Vec::with_capacity(n),
        }
    }

    pub fn push(&mut self, ts: i64, o: f64, h: f64, l: f64, c: f64, v: f64) {
        self.ts.push(ts);
        self.open.push(o);
        self.high.push(h);
        self.low.push(l);
        self.close.push(c);
        self.volume.push(v);
    }

    /// The bars whose timestamps fall in `[start, end]` (either bound optional).
    pub fn slice_time(&self, start: Option<i64>, end: Option<i64>) -> Bars {
        let lo = start.map_or(0, |s| self.ts.partition_point(|&t| t < s));
        let hi = end.map_or(self.len(), |e| self.ts.partition_point(|&t| t <= e));
        let hi = hi.max(lo);
        self.slice(lo, hi)
    }

    /// [`Bars::slice_time`] that keeps the vectors when the window holds every bar: a run over
    /// a whole 1M-bar series would otherwise copy 48 MB it already owns.
    pub fn into_time_window(self, start: Option<i64>, end: Option<i64>) -> Bars {
        if start.is_none() && end.is_none() {
            self
        } else {
            self.slice_time(start, end)
        }
    }

    /// Rows `lo..hi`.
    pub fn slice(&self, lo: usize, hi: usize) -> Bars {
        Bars {
            ts: self.ts[lo..hi].to_vec(),
            open: self.open[lo..hi].to_vec(),
            high: self.high[lo..hi].to_vec(),
            low: self.low[lo..hi].to_vec(),
            close: self.close[lo..hi].to_vec(),
            volume: self.volume[lo..hi].to_vec(),
        }
    }

    /// Reverse in place (for newest-first files).
    pub fn reverse(&mut self) {
        self.ts.reverse();
        self.open.reverse();
        self.high.reverse();
        self.low.reverse();
        self.close.reverse();
        self.volume.reverse();
    }

    /// Check the invariants every consumer relies on. `row_of(i)` maps a bar index to the
    /// row number the operator should look at in the source (1-based file lines for CSV).
    pub fn validate(&self, source: &str, row_of: &dyn Fn(usize) -> usize) -> Result<()> {
        let bad =
            |i: usize, column: &str, why: String| Err(DataError::cell(source, row_of(i), column, why).into());
        for i in 0..self.len() {
            let (o, h, l, c, v) = (self.open[i], self.high[i], self.low[i], self.close[i], self.volume[i]);
            for (name, x) in [("open", o), ("high", h), ("low", l), ("close", c)] {
                if !x.is_finite() {
                    return bad(i, name, format!("price is not a finite number ({x})"));
                }
                if x <= 0.0 {
                    return bad(i, name, format!("price must be positive, got {x}"));
                }
            }
            if !v.is_finite() || v < 0.0 {
                return bad(i, "volume", format!("volume must be a finite non-negative number, got {v}"));
            }
            if h < o.max(c).max(l) {
                return bad(
                    i,
                    "high",
                    format!("high {h} is below max(open, close, low) = {}", o.max(c).max(l)),
                );
            }
            if l > o.min(c).min(h) {
                return bad(
                    i,
                    "low",
                    format!("low {l} is above min(open, close, high) = {}", o.min(c).min(h)),
                );
            }
            if i > 0 {
                let (prev, t) = (self.ts[i - 1], self.ts[i]);
                if t == prev {
                    return bad(
                        i,
                        "timestamp",
                        format!(
                            "duplicate timestamp {} (same as the row before)",
                            crate::engine::time::fmt_ms(t)
                        ),
                    );
                }
                if t < prev {
                    return bad(
                        i,
                        "timestamp",
                        format!(
                            "timestamps are not sorted: {} comes after {}",
                            crate::engine::time::fmt_ms(t),
                            crate::engine::time::fmt_ms(prev)
                        ),
                    );
                }
            }
        }
        Ok(())
    }
}
