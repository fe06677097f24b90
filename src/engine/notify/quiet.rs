//! Quiet hours: a window of local time (notify.toml's `utc_offset`) in which the channels it
//! names get critical alerts only. A window may run over midnight (22:00 to 07:00).

use super::config::Quiet;

/// Minutes after local midnight at `now_ms`.
pub fn local_minute(now_ms: i64, utc_offset_minutes: i32) -> u32 {
    let m = now_ms.div_euclid(60_000) + i64::from(utc_offset_minutes);
    m.rem_euclid(1440) as u32
}

/// The local day (YYYY-MM-DD) at `now_ms`.
pub fn local_day(now_ms: i64, utc_offset_minutes: i32) -> String {
    use crate::engine::time::{fmt_ms, MS_PER_DAY};
    let local = now_ms + i64::from(utc_offset_minutes) * 60_000;
    fmt_ms(local.div_euclid(MS_PER_DAY) * MS_PER_DAY)[..10].to_string()
}

/// Whether `channel` is inside its quiet hours at `now_ms`.
pub fn is_quiet(q: &Quiet, utc_offset_minutes: i32, channel: &str, now_ms: i64) -> bool {
    if !q.channels.iter().any(|c| c == channel) {
        return false;
    }
    let m = local_minute(now_ms, utc_offset_minutes);
    if q.start < q.end {
        (q.start..q.end).contains(&m)
    } else {
        m >= q.start || m < q.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_midnight_in_local_time() {
        let q = Quiet { start: 22 * 60, end: 7 * 60, channels: vec!["phone".into()] };
        let at = |h: i64, m: i64| (h * 60 + m) * 60_000;
        // UTC+1: 21:30 UTC is 22:30 local.
        assert!(is_quiet(&q, 60, "phone", at(21, 30)));
        assert!(!is_quiet(&q, 0, "phone", at(21, 30)));
        assert!(is_quiet(&q, 0, "phone", at(6, 59)));
        assert!(!is_quiet(&q, 0, "phone", at(7, 0)));
        assert!(!is_quiet(&q, 0, "mail", at(23, 0)), "only the channels it names");
        let day = Quiet { start: 12 * 60, end: 13 * 60, channels: vec!["phone".into()] };
        assert!(is_quiet(&day, 0, "phone", at(12, 0)) && !is_quiet(&day, 0, "phone", at(13, 0)));
        assert_eq!(local_minute(-60_000, 0), 1439);
    }
}
