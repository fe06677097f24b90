//! The clock values of notify.toml: `HH:MM` times of day and `+HH:MM` UTC offsets.

use super::Minute;

/// `HH:MM`, 24-hour: minutes after midnight.
pub(super) fn parse_clock(s: &str) -> Option<Minute> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// `+HH:MM` / `-HH:MM` (or `Z`): minutes east of UTC.
pub(super) fn parse_offset(s: &str) -> Option<i32> {
    if s == "Z" || s == "UTC" {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let m = parse_clock(rest)? as i32;
    (m <= 14 * 60).then_some(sign * m)
}
