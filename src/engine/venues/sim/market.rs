//! The simulator's market: one price per feed per tick, from a replayed dataset (looped) or a
//! seeded random walk, so a run is reproducible. Recent ticks are kept for candles.

use std::collections::{BTreeMap, VecDeque};

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::instruments::FEEDS;

/// Ticks kept per feed for OHLC and candleSnapshot.
const HISTORY: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Source {
    Walk {
        step_bps: f64,
    },
    /// Closes of the replayed series; `native` is the feed that takes them as they are (the
    /// dataset's own symbol), the others follow the same returns from their own start.
    Replay {
        closes: Vec<f64>,
        native: Option<String>,
    },
}

/// Where the market is; persisted so a restart continues rather than starts over.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MarketState {
    pub step: u64,
    pub rng: u64,
}

pub struct MarketFeed {
    source: Source,
    pub state: MarketState,
    history: BTreeMap<String, VecDeque<(i64, Decimal)>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candle {
    pub open_ms: i64,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    pub ticks: u64,
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A standard normal draw (Box-Muller) from the seeded stream.
fn normal(state: &mut u64) -> f64 {
    let u1 = ((splitmix(state) >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
    let u2 = (splitmix(state) >> 11) as f64 / (1u64 << 53) as f64;
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn dec(x: f64) -> Decimal {
    Decimal::from_f64(x).unwrap_or_default().round_dp(8).normalize()
}

/// The feed a dataset symbol names (BTCUSD, XBT/USD, ETH-PERP ...), if any.
pub fn native_feed(symbol: &str) -> Option<String> {
    let s = symbol.to_ascii_uppercase().replace("XBT", "BTC");
    FEEDS.iter().map(|f| f.0).find(|f| s.starts_with(f)).map(str::to_string)
}

impl MarketFeed {
    pub fn new(source: Source, seed: u64) -> MarketFeed {
        MarketFeed { source, state: MarketState { step: 0, rng: seed }, history: BTreeMap::new() }
    }

    pub fn resume(mut self, state: MarketState) -> MarketFeed {
        self.state = state;
        self
    }

    /// Advance one tick from `mids` (the current prices; empty at the very start).
    pub fn next(&mut self, mids: &BTreeMap<String, Decimal>, now_ms: i64) -> BTreeMap<String, Decimal> {
        let mut out = BTreeMap::new();
        for (name, start) in FEEDS {
            let start_f = start as f64;
            let price = match &self.source {
                Source::Walk { step_bps } => {
                    let cur = mids.get(name).and_then(|d| d.to_f64()).unwrap_or(start_f);
                    cur * (step_bps / 10_000.0 * normal(&mut self.state.rng)).exp()
                }
                Source::Replay { closes, native } => {
                    let i = (self.state.step as usize) % closes.len();
                    if native.as_deref() == Some(name) {
                        closes[i]
                    } else {
                        start_f * closes[i] / closes[0]
                    }
                }
            };
            out.insert(name.to_string(), dec(price));
        }
        self.state.step += 1;
        for (k, v) in &out {
            let h = self.history.entry(k.clone()).or_default();
            if h.len() == HISTORY {
                h.pop_front();
            }
            h.push_back((now_ms, *v));
        }
        out
    }

    /// Candles of `interval_ms` from the kept ticks, oldest first, within [start, end].
    pub fn candles(&self, feed: &str, interval_ms: i64, start_ms: i64, end_ms: i64) -> Vec<Candle> {
        let mut out: Vec<Candle> = Vec::new();
        let Some(h) = self.history.get(feed) else { return out };
        for &(t, p) in h.iter().filter(|(t, _)| *t >= start_ms - interval_ms && *t <= end_ms) {
            let open_ms = t - t.rem_euclid(interval_ms.max(1));
            if open_ms < start_ms - start_ms.rem_euclid(interval_ms.max(1)) {
                continue;
            }
            match out.last_mut() {
                Some(c) if c.open_ms == open_ms => {
                    c.high = c.high.max(p);
                    c.low = c.low.min(p);
                    c.close = p;
                    c.ticks += 1;
                }
                _ => out.push(Candle { open_ms, open: p, high: p, low: p, close: p, ticks: 1 }),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seeded_walk_is_reproducible_and_moves() {
        let mut a = MarketFeed::new(Source::Walk { step_bps: 5.0 }, 42);
        let mut b = MarketFeed::new(Source::Walk { step_bps: 5.0 }, 42);
        let (mut ma, mut mb) = (BTreeMap::new(), BTreeMap::new());
        for t in 0..100 {
            ma = a.next(&ma, t);
            mb = b.next(&mb, t);
        }
        assert_eq!(ma, mb);
        assert_ne!(ma["BTC"], Decimal::from(60_000));
    }

    #[test]
    fn a_replay_loops_and_keeps_the_native_prices() {
        let src = Source::Replay { closes: vec![100.0, 110.0], native: Some("ETH".into()) };
        let mut m = MarketFeed::new(src, 0);
        let first = m.next(&BTreeMap::new(), 0);
        let second = m.next(&first, 1);
        let third = m.next(&second, 2);
        assert_eq!(first["ETH"], Decimal::from(100));
        assert_eq!(second["BTC"], Decimal::from(66_000));
        assert_eq!(third, first);
        assert_eq!(native_feed("XBTUSD").as_deref(), Some("BTC"));
    }

    #[test]
    fn candles_bucket_ticks() {
        let mut m =
            MarketFeed::new(Source::Replay { closes: vec![1.0, 2.0, 3.0], native: Some("BTC".into()) }, 0);
        let mut mids = BTreeMap::new();
        for t in [0, 30_000, 61_000] {
            mids = m.next(&mids, t);
        }
        let c = m.candles("BTC", 60_000, 0, 120_000);
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].open, c[0].close, c[0].ticks), (Decimal::ONE, Decimal::from(2), 2));
    }
}
