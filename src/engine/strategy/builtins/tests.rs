//! The rules of the reversion and breakout strategies, bar by bar, against positions worked
//! by hand on short synthetic series. Warm-up bars (indicator NaN) must stay flat.

use super::*;
use crate::engine::data::Bars;
use crate::engine::strategy::Strategy;

/// Bars from closes; open = close, high/low = close +/- `half_range`.
fn bars(closes: &[f64], half_range: f64) -> Bars {
    let mut b = Bars::default();
    for (i, &c) in closes.iter().enumerate() {
        b.push(i as i64 * 3_600_000, c, c + half_range, c - half_range, c, 1.0);
    }
    b
}

#[test]
fn rsi_reversion_goes_long_below_lower_short_above_upper_and_holds_between() {
    // RSI(2), Wilder: seeded at bar 2 with the mean gain/loss of the first 2 changes, then
    // avg = (avg * 1 + change) / 2.
    //   bar  close  change  avg gain  avg loss  RSI      rule (30/70)
    //   0    10     -       -         -         NaN      flat
    //   1    11     +1      -         -         NaN      flat
    //   2    12     +1      1         0         100      > 70: short
    //   3    11     -1      0.5       0.5       50       hold short
    //   4    10     -1      0.25      0.75      25       < 30: long
    //   5     9     -1      0.125     0.875     12.5     long
    //   6    10     +1      0.5625    0.4375    56.25    hold long
    //   7    11     +1      0.78125   0.21875   78.125   > 70: short
    //   8    12     +1      0.890625  0.109375  89.06    short
    //   9    13     +1      0.9453125 0.0546875 94.53    short
    let b = bars(&[10.0, 11.0, 12.0, 11.0, 10.0, 9.0, 10.0, 11.0, 12.0, 13.0], 0.5);
    let s = RsiReversion { period: 2, lower: 30.0, upper: 70.0 };
    assert_eq!(s.targets(&b), vec![0, 0, -1, -1, 1, 1, 1, -1, -1, -1]);
    // The thresholds are strict: RSI exactly 25 (bar 4) is not below 25 and exactly 100
    // (bar 2) is not above 100, so the first decision is bar 5's long, held to the end
    // (no RSI above 100 can ever short it).
    let s = RsiReversion { period: 2, lower: 25.0, upper: 100.0 };
    assert_eq!(s.targets(&b), vec![0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
}

#[test]
fn bollinger_reversion_enters_outside_the_bands_and_exits_at_the_middle() {
    // Bollinger(3, k = 1), population std over the last 3 closes.
    //   bar  close  window      mid     lower   upper    rule
    //   0,1  10     -           NaN     NaN     NaN      flat (warm-up)
    //   2    10     10 10 10    10      10      10       inside (not strictly out): flat
    //   3     7     10 10  7    9       7.586   10.414   7 < lower: long
    //   4     8     10  7  8    8.333   7.086   9.581    above lower, below mid: hold long
    //   5     8      7  8  8    7.667   7.195   8.138    long and close >= mid: flat
    //   6    11      8  8 11    9       7.586   10.414   11 > upper: short
    //   7    10      8 11 10    9.667   8.419   10.914   short and close > mid: hold short
    //   8    10     11 10 10    10.333  9.862   10.805   short and close <= mid: flat
    let b = bars(&[10.0, 10.0, 10.0, 7.0, 8.0, 8.0, 11.0, 10.0, 10.0], 0.5);
    let s = BollingerReversion { period: 3, k: 1.0 };
    assert_eq!(s.targets(&b), vec![0, 0, 0, 1, 1, 0, -1, -1, 0]);

    // A close exactly on the middle band closes the position: window 10 7 8.5 has mean 8.5.
    let b = bars(&[10.0, 10.0, 10.0, 7.0, 8.5], 0.5);
    let inputs = Inputs::compute(&b, &s.needs());
    assert_eq!(inputs.bands(Key::bollinger(3, 1.0)).mid[4], 8.5);
    assert_eq!(s.decide(&b, &inputs), vec![0, 0, 0, 1, 0]);
}

#[test]
fn donchian_breakout_compares_the_close_with_the_previous_channel() {
    // Donchian(3) on high = close + 0.5, low = close - 0.5; bar t is compared with the
    // channel of bars t-3..t-1 (the channel at t-1), which excludes bar t itself.
    //   bar  close  prev channel (bars)      rule
    //   0-2  10     NaN (warm-up)            flat
    //   3    10.5   0-2: high 10.5 low 9.5   10.5 is not above 10.5 (strict): flat
    //   4    11.2   1-3: high 11   low 9.5   11.2 > 11: long
    //   5    10.8   2-4: high 11.7 low 9.5   inside: hold long
    //   6    10     3-5: high 11.7 low 10    10 is not below 10 (strict): hold long
    //   7     9     4-6: high 11.7 low 9.5   9 < 9.5: short
    //   8     9.2   5-7: high 11.3 low 8.5   inside: hold short
    //   9    12     6-8: high 10.5 low 8.5   12 > 10.5: long
    let b = bars(&[10.0, 10.0, 10.0, 10.5, 11.2, 10.8, 10.0, 9.0, 9.2, 12.0], 0.5);
    let s = DonchianBreakout { period: 3 };
    assert_eq!(s.targets(&b), vec![0, 0, 0, 0, 1, 1, 1, -1, -1, 1]);
}
