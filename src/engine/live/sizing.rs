//! How big a live session's position is: a fraction of the corridor's equity as the venue
//! reports it, a fixed notional, or a risk budget over a stop an ATR multiple away; always
//! floored to the venue's lot, and nothing when the result is below its minimums.

use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::LiveError;
use crate::engine::execution::model::InstrumentRules;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveSizing {
    /// This fraction of the account's equity, in the quote currency, at the mark.
    Fraction { fraction: Decimal },
    /// This many units of the quote currency at the mark.
    Notional { notional: Decimal },
    /// Risk `pct` percent of equity on a stop `atr_mult` ATRs (of `atr_period` bars) away.
    Risk { pct: Decimal, atr_mult: Decimal, atr_period: usize },
}

impl fmt::Display for LiveSizing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveSizing::Fraction { fraction } => write!(f, "fraction:{fraction}"),
            LiveSizing::Notional { notional } => write!(f, "notional:{notional}"),
            LiveSizing::Risk { pct, atr_mult, atr_period } => write!(f, "risk:{pct} (stop {atr_mult} x ATR{atr_period})"),
        }
    }
}

impl LiveSizing {
    /// `--sizing fraction:F | notional:N | risk:PCT`, with `--stop-atr MULT` (and the ATR's
    /// period, 14 unless given) for risk sizing.
    pub fn parse(value: &str, stop_atr: Option<&str>, atr_period: Option<usize>) -> Result<LiveSizing, LiveError> {
        let bad = |why| LiveError::Sizing { value: value.to_string(), why };
        let (kind, number) = value.split_once(':').ok_or_else(|| bad("has no kind"))?;
        let n = Decimal::from_str(number.trim()).map_err(|_| bad("is not a number after its kind"))?;
        if n <= Decimal::ZERO {
            return Err(bad("must be positive"));
        }
        let sizing = match kind {
            "fraction" if n > Decimal::ONE => return Err(bad("is more than the whole equity")),
            "fraction" => LiveSizing::Fraction { fraction: n },
            "notional" => LiveSizing::Notional { notional: n },
            "risk" if n > Decimal::from(100) => return Err(bad("risks more than 100%")),
            "risk" => {
                let mult = stop_atr.ok_or(LiveError::StopAtr("risk sizing needs the stop's distance in ATRs"))?;
                let atr_mult = Decimal::from_str(mult).map_err(|_| LiveError::StopAtr("is not a number"))?;
                if atr_mult <= Decimal::ZERO {
                    return Err(LiveError::StopAtr("must be positive"));
                }
                LiveSizing::Risk { pct: n, atr_mult, atr_period: atr_period.unwrap_or(14).max(1) }
            }
            _ => return Err(bad("has an unknown kind")),
        };
        if stop_atr.is_some() && !matches!(sizing, LiveSizing::Risk { .. }) {
            return Err(LiveError::StopAtr("only risk sizing takes a stop"));
        }
        Ok(sizing)
    }
}

/// What a sizing came to at one bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Sized {
    /// Base units, floored to the lot; zero when below the venue's minimums.
    pub quantity: Decimal,
    /// Before rounding, for the refusal's words.
    pub raw: Decimal,
}

/// Size a position at `mark`, with `equity` in the quote currency and `atr` the last ATR (for
/// risk sizing). `None` inputs are unknown, and an unknown is an error, never a zero.
pub fn quantity(
    sizing: &LiveSizing,
    equity: Option<Decimal>,
    mark: Decimal,
    atr: Option<f64>,
    rules: &InstrumentRules,
) -> Result<Sized, LiveError> {
    if mark <= Decimal::ZERO {
        return Err(LiveError::Unknown(format!("the venue's mark for {} is {mark}", rules.symbol)));
    }
    let need_equity = || equity.ok_or_else(|| LiveError::Unknown("the venue reports no equity to size from".into()));
    let raw = match sizing {
        LiveSizing::Fraction { fraction } => need_equity()? * fraction / mark,
        LiveSizing::Notional { notional } => notional / mark,
        LiveSizing::Risk { pct, atr_mult, .. } => {
            let atr = atr
                .filter(|a| a.is_finite() && *a > 0.0)
                .and_then(Decimal::from_f64)
                .ok_or_else(|| LiveError::Unknown("the ATR is not known yet (too few bars)".into()))?;
            need_equity()? * pct / Decimal::from(100) / (atr_mult * atr)
        }
    };
    let quantity = floor_to(raw, rules.lot_size);
    let ok = quantity >= rules.min_quantity && quantity > Decimal::ZERO && quantity * mark >= rules.min_notional;
    Ok(Sized { quantity: if ok { quantity } else { Decimal::ZERO }, raw })
}

/// `x` rounded down to a multiple of `step` (a step of zero leaves it).
pub fn floor_to(x: Decimal, step: Decimal) -> Decimal {
    if step <= Decimal::ZERO {
        return x;
    }
    ((x / step).floor() * step).normalize()
}

/// The ATR a risk sizing reads, following the feed's bars one at a time (each bar taken once,
/// O(1)), with the `atr` kernel's values bit for bit. A series that is not the one followed
/// (an earlier bar asked for, the last bar taken no longer there) is followed again from its
/// first bar.
#[derive(Debug, Clone)]
pub struct AtrFollower {
    period: usize,
    atr: crate::engine::indicators::incremental::Atr,
    taken: usize,
    last_ts: i64,
    value: f64,
}

impl AtrFollower {
    pub fn new(period: usize) -> AtrFollower {
        AtrFollower {
            period,
            atr: crate::engine::indicators::incremental::Atr::new(period),
            taken: 0,
            last_ts: 0,
            value: f64::NAN,
        }
    }

    /// The ATR at bar `t` of `bars` (the bars so far); `None` while it is not known yet.
    pub fn last(&mut self, bars: &crate::engine::data::Bars, t: usize) -> Option<f64> {
        let same_series = self.taken == 0 || bars.ts.get(self.taken - 1) == Some(&self.last_ts);
        if !same_series || t + 1 < self.taken {
            *self = AtrFollower::new(self.period);
        }
        for i in self.taken..=t {
            self.value = self.atr.update(bars.high[i], bars.low[i], bars.close[i]);
        }
        if self.taken <= t {
            (self.taken, self.last_ts) = (t + 1, bars.ts[t]);
        }
        Some(self.value).filter(|a| a.is_finite())
    }
}

/// `x` as f64 for artifacts (NaN for the unrepresentable, which never happens for quantities).
pub fn as_f64(x: Decimal) -> f64 {
    x.to_f64().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> InstrumentRules {
        InstrumentRules {
            symbol: "BTC/USD".into(),
            tick_size: Decimal::new(1, 1),
            lot_size: Decimal::new(1, 4),
            min_quantity: Decimal::new(1, 4),
            min_notional: Decimal::from(5),
            max_price_sig_figs: None,
        }
    }

    #[test]
    fn parses_each_kind_and_names_what_is_wrong() {
        assert_eq!(
            LiveSizing::parse("fraction:0.1", None, None).unwrap(),
            LiveSizing::Fraction { fraction: Decimal::new(1, 1) }
        );
        assert!(matches!(LiveSizing::parse("notional:500", None, None), Ok(LiveSizing::Notional { .. })));
        assert!(matches!(
            LiveSizing::parse("risk:1", Some("2"), None),
            Ok(LiveSizing::Risk { atr_period: 14, .. })
        ));
        assert!(matches!(LiveSizing::parse("risk:1", None, None), Err(LiveError::StopAtr(_))));
        assert!(matches!(LiveSizing::parse("fraction:2", None, None), Err(LiveError::Sizing { .. })));
        assert!(matches!(LiveSizing::parse("half", None, None), Err(LiveError::Sizing { .. })));
        assert!(matches!(LiveSizing::parse("kelly:0.5", None, None), Err(LiveError::Sizing { .. })));
        assert!(matches!(LiveSizing::parse("notional:-5", None, None), Err(LiveError::Sizing { .. })));
        assert!(matches!(LiveSizing::parse("notional:5", Some("2"), None), Err(LiveError::StopAtr(_))));
    }

    #[test]
    fn sizes_floor_to_the_lot_and_vanish_below_the_minimums() {
        let f = LiveSizing::Fraction { fraction: Decimal::new(1, 1) };
        let q = quantity(&f, Some(Decimal::from(10_000)), Decimal::from(60_000), None, &rules()).unwrap();
        assert_eq!(q.quantity, Decimal::new(166, 4), "1000 / 60000 = 0.01666.. floored to 0.0166");
        let tiny = LiveSizing::Notional { notional: Decimal::from(3) };
        let q = quantity(&tiny, None, Decimal::from(60_000), None, &rules()).unwrap();
        assert_eq!(q.quantity, Decimal::ZERO, "below the lot");
        let r = LiveSizing::Risk { pct: Decimal::ONE, atr_mult: Decimal::from(2), atr_period: 14 };
        let q = quantity(&r, Some(Decimal::from(10_000)), Decimal::from(100), Some(2.5), &rules()).unwrap();
        assert_eq!(q.quantity, Decimal::from(20), "100 risked over a 5.0 stop");
    }

    #[test]
    fn an_unknown_is_an_error_not_a_zero() {
        let f = LiveSizing::Fraction { fraction: Decimal::new(1, 1) };
        assert!(matches!(quantity(&f, None, Decimal::from(100), None, &rules()), Err(LiveError::Unknown(_))));
        assert!(matches!(quantity(&f, Some(Decimal::ONE), Decimal::ZERO, None, &rules()), Err(LiveError::Unknown(_))));
        let r = LiveSizing::Risk { pct: Decimal::ONE, atr_mult: Decimal::ONE, atr_period: 14 };
        assert!(matches!(quantity(&r, Some(Decimal::ONE), Decimal::ONE, None, &rules()), Err(LiveError::Unknown(_))));
    }

    #[test]
    fn the_followed_atr_is_the_kernels_on_the_bars_so_far() {
        let mut bars = crate::engine::data::Bars::default();
        for i in 0..60 {
            let p = 100.0 + (i as f64 * 0.9).sin() * 4.0;
            bars.push(i * 60_000, p, p + 1.0 + (i % 3) as f64, p - 1.0, p + 0.25, 1.0);
        }
        let whole = |t: usize| {
            let b = bars.slice(0, t + 1);
            crate::engine::indicators::atr(&b.high, &b.low, &b.close, 14).last().copied().filter(|a| a.is_finite())
        };
        let mut f = AtrFollower::new(14);
        assert_eq!(f.last(&bars, 5), None, "not known before bar 14");
        for t in [13, 14, 15, 15, 30, 59, 20] {
            assert_eq!(f.last(&bars, t).map(f64::to_bits), whole(t).map(f64::to_bits), "bar {t}");
        }
    }
}
