//! The simulator's order book: a synthetic ladder quoted around the market price. Each side has
//! `levels` price levels `step_bps` apart, each holding `level_qty` for one market tick, so a
//! large order walks the book (and an IOC beyond it fills partly) while resting orders fill at
//! most `level_qty` per tick (partial fills over time), which is what adapters must cope with.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BookShape {
    /// Half the spread, in basis points of the mid.
    pub half_spread_bps: Decimal,
    pub step_bps: Decimal,
    pub levels: u32,
    /// Base units per level per tick.
    pub level_qty: Decimal,
}

/// One side's prices and sizes, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Ladder {
    pub bids: Vec<(Decimal, Decimal)>,
    pub asks: Vec<(Decimal, Decimal)>,
}

fn bps(x: Decimal) -> Decimal {
    x / Decimal::from(10_000)
}

/// Round to the tick: bids down, asks up, so the spread never collapses by rounding.
fn to_tick(p: Decimal, tick: Decimal, up: bool) -> Decimal {
    if tick.is_zero() {
        return p;
    }
    let n = p / tick;
    let n = if up { n.ceil() } else { n.floor() };
    (n * tick).normalize()
}

impl BookShape {
    pub fn ladder(&self, mid: Decimal, tick: Decimal, level_qty: Decimal) -> Ladder {
        let mut bids = Vec::new();
        let mut asks = Vec::new();
        for i in 0..self.levels {
            let off = bps(self.half_spread_bps + self.step_bps * Decimal::from(i));
            bids.push((to_tick(mid * (Decimal::ONE - off), tick, false), level_qty));
            asks.push((to_tick(mid * (Decimal::ONE + off), tick, true), level_qty));
        }
        Ladder { bids, asks }
    }
}

/// What a taker order of `qty` gets from `levels` (best first) when it will pay at most
/// `limit` (buy) or take at least `limit` (sell): fills as (price, qty), in book order.
pub fn take(
    levels: &[(Decimal, Decimal)],
    qty: Decimal,
    limit: Option<Decimal>,
    buy: bool,
) -> Vec<(Decimal, Decimal)> {
    let mut left = qty;
    let mut out = Vec::new();
    for &(px, avail) in levels {
        if left.is_zero() {
            break;
        }
        if let Some(l) = limit {
            if (buy && px > l) || (!buy && px < l) {
                break;
            }
        }
        let q = left.min(avail);
        if q > Decimal::ZERO {
            out.push((px, q));
            left -= q;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn shape() -> BookShape {
        BookShape { half_spread_bps: d("5"), step_bps: d("10"), levels: 3, level_qty: d("1") }
    }

    #[test]
    fn ladder_brackets_the_mid_on_the_tick() {
        let l = shape().ladder(d("100"), d("0.01"), d("1"));
        assert_eq!(l.bids[0].0, d("99.95"));
        assert_eq!(l.asks[0].0, d("100.05"));
        assert_eq!(l.asks[2].0, d("100.25"));
        assert!(l.bids.windows(2).all(|w| w[0].0 > w[1].0));
    }

    #[test]
    fn a_taker_walks_levels_and_stops_at_its_limit() {
        let l = shape().ladder(d("100"), d("0.01"), d("1"));
        let all = take(&l.asks, d("2.5"), None, true);
        assert_eq!(all, vec![(d("100.05"), d("1")), (d("100.15"), d("1")), (d("100.25"), d("0.5"))]);
        let capped = take(&l.asks, d("2.5"), Some(d("100.10")), true);
        assert_eq!(capped, vec![(d("100.05"), d("1"))]);
        let sells = take(&l.bids, d("5"), None, false);
        assert_eq!(sells.iter().map(|f| f.1).sum::<Decimal>(), d("3"));
    }
}
