//! UTC time helpers: epoch milliseconds inside, RFC 3339 outside.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};

use crate::engine::error::Result;

/// Why a timestamp cell was refused: each form the parser will not guess at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error("empty timestamp")]
    Empty,
    #[error("'{0}' is an epoch outside the years -262143 to 262142")]
    EpochOutOfRange(String),
    #[error(
        "'{0}' is a leap second; bars are on the UTC clock without leap seconds: write it as \
         23:59:59 or fold the bar into its neighbour"
    )]
    LeapSecond(String),
    #[error("'{0}' uses a 12-hour clock; convert it to ISO 8601 (e.g. 2019-10-17T09:00:00Z)")]
    TwelveHourClock(String),
    #[error(
        "'{0}' is not an ISO 8601 date/datetime or an integer epoch (s, ms, us or ns) \
         (day-first and month-first dates are refused as ambiguous)"
    )]
    NotIso(String),
}

/// A time the operator typed (a bound, a window, a timeframe) that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// `--start`/`--end` (the flag) that is not a timestamp.
    #[error("{flag}: {source}")]
    Bound { flag: String, source: TimestampError },
    #[error("--start is after --end")]
    WindowReversed,
    #[error(
        "timeframe '{0}' is not valid: use a positive count and a unit s, m, h, d or w (e.g. 1h, 4h, 1d)"
    )]
    Timeframe(String),
}

pub const MS_PER_DAY: i64 = 86_400_000;

/// RFC 3339 with a `Z` suffix, seconds precision unless the value has milliseconds.
pub fn fmt_ms(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(t) if ms % 1000 == 0 => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => format!("<invalid time {ms}>"),
    }
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// `yyyymmddThhmmssZ`, the time part of every id.
pub fn id_stamp(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|| "00000000T000000Z".into())
}

/// The epoch unit of an integer timestamp, told by its magnitude: below 1e11 it is seconds
/// (1e11 s is the year 5138), below 1e14 milliseconds, below 1e17 microseconds, else
/// nanoseconds. Each band's lowest value in the next unit is 1973, so data from 1973 on cannot
/// be misread; an earlier series misread lands after 2100 and is refused by the loader.
pub fn epoch_to_ms(v: i64) -> i64 {
    match v.unsigned_abs() {
        a if a < 100_000_000_000 => v * 1000,
        a if a < 100_000_000_000_000 => v,
        a if a < 100_000_000_000_000_000 => v.div_euclid(1_000),
        _ => v.div_euclid(1_000_000),
    }
}

/// `hh:mm:60` anywhere in the text: chrono would read it as the next second, silently moving
/// a 23:59:60 bar onto the next day's midnight.
fn is_leap_second(s: &str) -> bool {
    s.as_bytes().windows(8).any(|w| {
        w[2] == b':'
            && w[5] == b':'
            && &w[6..] == b"60"
            && [0, 1, 3, 4].iter().all(|&i| w[i].is_ascii_digit())
    })
}

/// Parse one timestamp cell into UTC epoch ms. Accepts ISO 8601 dates and datetimes (with
/// `T` or a space, optional fractional seconds, `Z` or a numeric offset; no offset means UTC)
/// and integer epochs in seconds, milliseconds, microseconds or nanoseconds ([`epoch_to_ms`]).
/// Anything else is refused rather than guessed: day-first and 12-hour formats are ambiguous or
/// lossy in the wild, and a leap second (`23:59:60`) has no place on a UTC bar clock.
pub fn parse_timestamp(s: &str) -> std::result::Result<i64, TimestampError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(TimestampError::Empty);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) || (s.starts_with('-') && s.len() > 1) {
        if let Ok(v) = s.parse::<i64>() {
            return in_range(epoch_to_ms(v)).ok_or_else(|| TimestampError::EpochOutOfRange(s.to_string()));
        }
    }
    if is_leap_second(s) {
        return Err(TimestampError::LeapSecond(s.to_string()));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_millis());
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Ok(t.timestamp_millis());
        }
    }
    let naive = s.strip_suffix('Z').unwrap_or(s);
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(naive, fmt) {
            return Ok(t.and_utc().timestamp_millis());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(naive, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp_millis());
    }
    let upper = s.to_ascii_uppercase();
    if upper.ends_with("AM") || upper.ends_with("PM") {
        return Err(TimestampError::TwelveHourClock(s.to_string()));
    }
    Err(TimestampError::NotIso(s.to_string()))
}

/// `ms` when it is a time chrono can represent (about 262,000 years either side of 1970), so
/// differences of two such times never overflow.
pub fn in_range(ms: i64) -> Option<i64> {
    DateTime::from_timestamp_millis(ms).map(|_| ms)
}

/// Parse a user-supplied bound (`--start`/`--end`): a date or datetime.
pub fn parse_bound(flag: &str, s: &str) -> Result<i64> {
    parse_timestamp(s).map_err(|source| TimeError::Bound { flag: flag.to_string(), source }.into())
}

/// `--start`/`--end` as bounds, refusing a window that ends before it starts.
pub fn parse_window(start: Option<&str>, end: Option<&str>) -> Result<(Option<i64>, Option<i64>)> {
    let start = start.map(|s| parse_bound("--start", s)).transpose()?;
    let end = end.map(|s| parse_bound("--end", s)).transpose()?;
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(TimeError::WindowReversed.into());
        }
    }
    Ok((start, end))
}

/// A bar interval like `1m`, `15m`, `1h`, `4h`, `1d`, `1w`, in milliseconds.
pub fn parse_timeframe(s: &str) -> Result<i64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = num.parse().unwrap_or(0);
    // A count too large for milliseconds is as invalid as a zero one.
    let n = if n.checked_mul(7 * MS_PER_DAY).is_some() { n } else { 0 };
    let unit_ms = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => MS_PER_DAY,
        "w" => 7 * MS_PER_DAY,
        _ => 0,
    };
    if n <= 0 || unit_ms == 0 {
        return Err(TimeError::Timeframe(s.to_string()).into());
    }
    Ok(n * unit_ms)
}

/// The canonical text of a timeframe in ms (`3600000` -> `1h`).
pub fn fmt_timeframe(ms: i64) -> String {
    for (unit, size) in
        [("w", 7 * MS_PER_DAY), ("d", MS_PER_DAY), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)]
    {
        if ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

/// Day of week of an epoch-ms timestamp, 0 = Monday .. 6 = Sunday.
pub fn weekday(ms: i64) -> u32 {
    // 1970-01-01 was a Thursday (3 with Monday = 0).
    ((ms.div_euclid(MS_PER_DAY) + 3).rem_euclid(7)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_accepted_forms() {
        let h = 1_498_906_800_000; // 2017-07-01T11:00:00Z
        assert_eq!(parse_timestamp("2017-07-01T11:00:00Z"), Ok(h));
        assert_eq!(parse_timestamp("2017-07-01 11:00:00"), Ok(h));
        assert_eq!(parse_timestamp("2017-07-01 11:00"), Ok(h));
        assert_eq!(parse_timestamp("2017-07-01T13:00:00+02:00"), Ok(h));
        assert_eq!(parse_timestamp("1498906800"), Ok(h));
        assert_eq!(parse_timestamp("1498906800000"), Ok(h));
        assert_eq!(parse_timestamp("2017-07-01"), Ok(h - 11 * 3_600_000));
    }

    #[test]
    fn refuses_ambiguous_forms() {
        assert!(matches!(parse_timestamp("2019-10-17 09-AM"), Err(TimestampError::TwelveHourClock(_))));
        assert!(parse_timestamp("01.01.2017 22:00:00.000").is_err());
        assert!(parse_timestamp("10/17/2019").is_err());
        assert_eq!(parse_timestamp(""), Err(TimestampError::Empty));
        assert!(matches!(parse_timestamp("2016-12-31T23:59:60Z"), Err(TimestampError::LeapSecond(_))));
        assert!(matches!(parse_timestamp("2016-12-31 23:59:60"), Err(TimestampError::LeapSecond(_))));
    }

    #[test]
    fn epoch_units_follow_the_magnitude() {
        let h = 1_498_906_800_000; // 2017-07-01T11:00:00Z
        assert_eq!(parse_timestamp("1498906800000000"), Ok(h));
        assert_eq!(parse_timestamp("1498906800000000000"), Ok(h));
        assert_eq!(epoch_to_ms(-86_400), -MS_PER_DAY);
        assert_eq!(epoch_to_ms(i64::MAX), i64::MAX / 1_000_000);
        assert_eq!(epoch_to_ms(i64::MIN), i64::MIN.div_euclid(1_000_000));
    }

    #[test]
    fn timeframes_round_trip() {
        for s in ["1m", "15m", "1h", "4h", "1d", "1w"] {
            assert_eq!(fmt_timeframe(parse_timeframe(s).unwrap()), s);
        }
        assert!(parse_timeframe("0h").is_err());
        assert!(parse_timeframe("1y").is_err());
        assert!(parse_timeframe("h").is_err());
        assert!(parse_timeframe("999999999999999999w").is_err());
    }

    #[test]
    fn weekday_is_monday_based() {
        assert_eq!(weekday(0), 3); // Thursday
        assert_eq!(weekday(1_498_906_800_000), 5); // 2017-07-01 was a Saturday
    }

    #[test]
    fn ids_and_formatting() {
        assert_eq!(id_stamp(1_498_906_800_000), "20170701T110000Z");
        assert_eq!(fmt_ms(1_498_906_800_000), "2017-07-01T11:00:00Z");
        assert_eq!(fmt_ms(1_498_906_800_123), "2017-07-01T11:00:00.123Z");
    }
}
