//! When a pause between two bars is missing data and when it is the market's own calendar. A
//! 24/7 market has no closes, so anything past 1.5 intervals is a hole. A market that closes
//! (equities, FX) pauses overnight and over weekends and holidays: a pause from one UTC day into
//! another, of at most four days, is its calendar; within a day, 1.5 intervals is a hole.

const DAY_MS: i64 = 86_400_000;
/// The longest close a market takes: a weekend next to a one-day holiday, with a margin.
const LONGEST_CLOSE_MS: i64 = 4 * DAY_MS;

/// True when the bars at `prev` and `next` (epoch ms) have data missing between them.
pub fn is_hole(prev: i64, next: i64, interval_ms: i64, always_open: bool) -> bool {
    let gap = next - prev;
    if gap as f64 <= interval_ms as f64 * 1.5 {
        return false;
    }
    if always_open {
        return true;
    }
    let other_day = next.div_euclid(DAY_MS) != prev.div_euclid(DAY_MS);
    !(other_day && gap <= LONGEST_CLOSE_MS.max(interval_ms * 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    #[test]
    fn the_calendar_is_not_a_hole_but_missing_bars_are() {
        // 24/7: two hours missing is a hole.
        assert!(!is_hole(0, H, H, true));
        assert!(is_hole(0, 3 * H, H, true));
        // Hourly equities: 20:00 to 14:00 the next day is the overnight close; Friday to
        // Monday is the weekend; a missing hour inside the session is a hole.
        let fri_20h = 4 * DAY_MS + 20 * H; // 1970-01-05 is a Monday; +4 days is Friday
        assert!(!is_hole(20 * H, DAY_MS + 14 * H, H, false));
        assert!(!is_hole(fri_20h, fri_20h + 2 * DAY_MS + 18 * H, H, false));
        assert!(is_hole(15 * H, 17 * H, H, false));
        // A week without data is never a close.
        assert!(is_hole(20 * H, 7 * DAY_MS + 14 * H, H, false));
        // Daily bars: Friday to Monday is the weekend, a two-week pause is a hole.
        assert!(!is_hole(4 * DAY_MS, 7 * DAY_MS, DAY_MS, false));
        assert!(is_hole(4 * DAY_MS, 18 * DAY_MS, DAY_MS, false));
    }
}
