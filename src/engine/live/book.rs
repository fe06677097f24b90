//! A live session's share of the portfolio as of its last read of the venue: the mark, its
//! PnL (its fills at the venue's prices and fees, its position at the mark) and today's part
//! of that PnL. Pure, from what the journal and the venue said; an unknown stays unknown.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// In `session.json` (`book`). Decimal strings in the quote currency; `None`: unknown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Book {
    /// When the session last read the venue (wall clock).
    pub as_of: String,
    /// The venue's mark for the session's symbol then.
    pub mark: Option<String>,
    /// Signed base units of the session's intent still alive (waiting for the keypress or at
    /// the venue) and not yet filled: what its position may still become. "0" when none.
    pub pending: String,
    /// Since the session started.
    pub pnl: Option<String>,
    /// The UTC day (wall clock) `pnl_today` is for.
    pub day: String,
    /// Since the session's last read before 00:00 UTC of `day` (or since it started, that day).
    pub pnl_today: Option<String>,
    /// The best `pnl` so far (from 0 at the start): a grant's drawdown counts from it. Absent
    /// in sessions written before it existed; `None` there: unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_pnl: Option<String>,
}

impl Book {
    /// PnL today, as a number; `None`: unknown.
    pub fn pnl_today(&self) -> Option<Decimal> {
        self.pnl_today.as_deref().and_then(|p| p.parse().ok())
    }

    /// How far the PnL is below its best; `None`: unknown.
    pub fn drawdown(&self) -> Option<Decimal> {
        let pnl: Decimal = self.pnl.as_deref()?.parse().ok()?;
        let peak: Decimal = self.peak_pnl.as_deref()?.parse().ok()?;
        Some((peak - pnl).max(Decimal::ZERO))
    }
}

/// The best PnL after a read that found `pnl`, the best before being `peak` (`None`: the
/// session's first read, which starts from 0). Unknown stays what it was.
pub fn peak(before: Option<Decimal>, pnl: Option<Decimal>, first: bool) -> Option<Decimal> {
    let before = if first { Some(Decimal::ZERO) } else { before };
    match (before, pnl) {
        (Some(b), Some(p)) => Some(b.max(p)),
        (b, None) => b,
        (None, Some(_)) => None,
    }
}

/// One of the session's orders as the journal has it.
#[derive(Debug, Clone)]
pub struct Fill {
    pub buy: bool,
    pub filled: Decimal,
    /// `None` with a filled quantity: the venue's price is unknown.
    pub average_price: Option<Decimal>,
    pub fees: Decimal,
}

/// The session's PnL: what its fills paid and received (fees included) plus its position at
/// the mark. Unknown when the mark or any filled order's price is.
pub fn pnl(fills: &[Fill], held: Decimal, mark: Option<Decimal>) -> Option<Decimal> {
    let mut cash = Decimal::ZERO;
    for f in fills.iter().filter(|f| !f.filled.is_zero()) {
        let paid = f.filled * f.average_price?;
        cash += if f.buy { -paid } else { paid } - f.fees;
    }
    Some(cash + held * mark?)
}

/// Where today's PnL counts from (kept in the runner's `state.json`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DayStart {
    pub day: String,
    /// The session's PnL at its last read before the day began; `None`: unknown.
    pub pnl: Option<Decimal>,
}

/// Today's start and PnL. `start` is the day's start so far (`None` on the session's first
/// read), `previous` the PnL of the session's last read: on a new day, that read is where the
/// day counts from. A session that has not read the venue before holds nothing of its own
/// (its anchor is what the account held), so its day starts at 0.
pub fn today(
    start: Option<&DayStart>,
    previous: Option<Option<Decimal>>,
    day: &str,
    now: Option<Decimal>,
) -> (DayStart, Option<Decimal>) {
    let start = match start.filter(|s| s.day == day) {
        Some(s) => s.clone(),
        None => DayStart { day: day.into(), pnl: previous.unwrap_or(Some(Decimal::ZERO)) },
    };
    let pnl = now.zip(start.pnl).map(|(n, s)| n - s);
    (start, pnl)
}

/// The UTC day of a time, `YYYY-MM-DD`.
pub fn utc_day(ms: i64) -> String {
    crate::engine::time::fmt_ms(ms).chars().take(10).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn pnl_is_the_fills_and_the_position_at_the_mark_or_unknown() {
        let buy = Fill { buy: true, filled: d("0.01"), average_price: Some(d("50000")), fees: d("0.5") };
        assert_eq!(pnl(std::slice::from_ref(&buy), d("0.01"), Some(d("49000"))), Some(d("-10.5")));
        assert_eq!(pnl(std::slice::from_ref(&buy), d("0.01"), None), None, "no mark: unknown, not zero");
        let unpriced = Fill { average_price: None, ..buy.clone() };
        assert_eq!(pnl(&[buy.clone(), unpriced], d("0.02"), Some(d("50000"))), None);
        let sell = Fill { buy: false, filled: d("0.01"), average_price: Some(d("51000")), fees: d("0.5") };
        assert_eq!(pnl(&[buy, sell], d("0"), Some(d("1"))), Some(d("9")));
        assert_eq!(pnl(&[], d("0"), Some(d("50000"))), Some(d("0")));
    }

    #[test]
    fn the_day_counts_from_the_last_read_before_it() {
        // The first read of a session: its day starts at 0.
        let (s, p) = today(None, None, "2026-01-02", Some(d("-3")));
        assert_eq!((s.pnl, p), (Some(d("0")), Some(d("-3"))));
        // The same day: from the same start.
        let (s, p) = today(Some(&s), Some(Some(d("-3"))), "2026-01-02", Some(d("-5")));
        assert_eq!((s.day.as_str(), p), ("2026-01-02", Some(d("-5"))));
        // The next day counts from the last read of the day before.
        let (s, p) = today(Some(&s), Some(Some(d("-5"))), "2026-01-03", Some(d("-4")));
        assert_eq!((s.pnl, p), (Some(d("-5")), Some(d("1"))));
        // A last read whose PnL was unknown: today's is unknown until tomorrow, never from 0.
        let (s, p) = today(Some(&s), Some(None), "2026-01-04", Some(d("-4")));
        assert_eq!((s.pnl, p), (None, None));
        assert_eq!(today(Some(&s), Some(Some(d("1"))), "2026-01-04", None).1, None);
        assert_eq!(utc_day(0), "1970-01-01");
    }
}
