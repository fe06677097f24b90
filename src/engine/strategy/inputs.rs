//! Indicator series a strategy reads, computed once and shared: a sweep over 1,000 parameter
//! combinations computes each distinct SMA once, not once per combination.

use std::collections::HashMap;

use crate::engine::data::Bars;
use crate::engine::indicators::{self, Bands, Channel, Macd};

/// One indicator series over the close (high/low for Donchian), by its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Sma(usize),
    Ema(usize),
    Rsi(usize),
    Macd(usize, usize, usize),
    /// Period and the f64 bits of k (hashable).
    Bollinger(usize, u64),
    Donchian(usize),
}

impl Key {
    pub fn bollinger(period: usize, k: f64) -> Key {
        Key::Bollinger(period, k.to_bits())
    }
}

#[derive(Debug, Clone)]
pub enum Series {
    Line(Vec<f64>),
    Macd(Macd),
    Bands(Bands),
    Channel(Channel),
}

fn compute(bars: &Bars, key: Key) -> Series {
    match key {
        Key::Sma(n) => Series::Line(indicators::sma(&bars.close, n)),
        Key::Ema(n) => Series::Line(indicators::ema(&bars.close, n)),
        Key::Rsi(n) => Series::Line(indicators::rsi(&bars.close, n)),
        Key::Macd(f, s, g) => Series::Macd(indicators::macd(&bars.close, f, s, g)),
        Key::Bollinger(n, k) => Series::Bands(indicators::bollinger(&bars.close, n, f64::from_bits(k))),
        Key::Donchian(n) => Series::Channel(indicators::donchian(&bars.high, &bars.low, n)),
    }
}

/// Computed series by key. Read-only once built, so sweep workers share one by reference.
#[derive(Debug, Default)]
pub struct Inputs {
    series: HashMap<Key, Series>,
}

impl Inputs {
    /// Compute every distinct key (in parallel when there are several).
    pub fn compute(bars: &Bars, keys: &[Key]) -> Inputs {
        use rayon::prelude::*;
        let mut distinct: Vec<Key> = keys.to_vec();
        distinct.sort_by_key(|k| format!("{k:?}"));
        distinct.dedup();
        let series = distinct.into_par_iter().map(|k| (k, compute(bars, k))).collect();
        Inputs { series }
    }

    pub fn len(&self) -> usize {
        self.series.len()
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    fn get(&self, key: Key) -> &Series {
        self.series.get(&key).unwrap_or_else(|| {
            panic!("indicator {key:?} was not computed: the strategy's needs() must list it")
        })
    }

    pub fn line(&self, key: Key) -> &[f64] {
        match self.get(key) {
            Series::Line(v) => v,
            other => panic!("{key:?} is not a line: {other:?}"),
        }
    }

    pub fn macd(&self, key: Key) -> &Macd {
        match self.get(key) {
            Series::Macd(m) => m,
            _ => panic!("{key:?} is not a MACD"),
        }
    }

    pub fn bands(&self, key: Key) -> &Bands {
        match self.get(key) {
            Series::Bands(b) => b,
            _ => panic!("{key:?} is not a band"),
        }
    }

    pub fn channel(&self, key: Key) -> &Channel {
        match self.get(key) {
            Series::Channel(c) => c,
            _ => panic!("{key:?} is not a channel"),
        }
    }
}
