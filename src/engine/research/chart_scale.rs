//! Scales for the tearsheet charts: calendar dates from epoch milliseconds, number formatting,
//! nice axis ticks, min/max downsampling and the diverging colour scale. Pure, std only.

use std::fmt::Write as _;

pub(crate) const MS_PER_DAY: f64 = 86_400_000.0;
pub(crate) const MS_PER_HOUR: f64 = 3_600_000.0;
/// Most points drawn per line; longer series are reduced with [`downsample`].
pub const MAX_POINTS: usize = 1500;
pub const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// ----------------------------------------------------------------------------------------------------------
// Dates (proleptic Gregorian, UTC), after Howard Hinnant's civil_from_days / days_from_civil.

/// Days since 1970-01-01 to (year, month 1..=12, day 1..=31).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month 1..=12, day) to days since 1970-01-01.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// UTC epoch milliseconds to (year, month 1..=12, day).
pub fn civil_from_ms(ms: i64) -> (i64, u32, u32) {
    civil_from_days(ms.div_euclid(86_400_000))
}

/// UTC epoch milliseconds as "YYYY-MM-DD".
pub fn date_string(ms: i64) -> String {
    let (y, m, d) = civil_from_ms(ms);
    format!("{y:04}-{m:02}-{d:02}")
}

// ----------------------------------------------------------------------------------------------------------
// Numbers

/// Appends `v` rounded to one decimal, without a trailing ".0" (compact SVG coordinates).
pub fn push_num(out: &mut String, v: f64) {
    let r = if v.is_finite() { (v * 10.0).round() / 10.0 + 0.0 } else { 0.0 };
    let _ = write!(out, "{r}");
}

pub(crate) fn num(v: f64) -> String {
    let mut s = String::new();
    push_num(&mut s, v);
    s
}

/// Fewest decimals (0..=6) that show multiples of `step` exactly.
pub fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (0..6)
        .find(|&d| {
            let x = step * 10f64.powi(d as i32);
            (x - x.round()).abs() < 1e-6 * x.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// "1234567.5" to "1,234,567.5" (sign and fraction kept).
pub fn group_thousands(s: &str) -> String {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    if !int.bytes().all(|b| b.is_ascii_digit()) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    out.push_str(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// An axis domain `lo..hi` (always `hi > lo`) extended to multiples of a 1/2/2.5/5 x 10^k `step`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub values: Vec<f64>,
}

/// Round ticks covering `lo..hi`, about `target` intervals. Constant or non-finite input gets a padded
/// domain.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let (mut lo, mut hi) =
        if lo.is_finite() && hi.is_finite() { (lo.min(hi), lo.max(hi)) } else { (0.0, 1.0) };
    if hi - lo <= 1e-9 * lo.abs().max(hi.abs()) || hi - lo < f64::MIN_POSITIVE {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.05 };
        lo -= pad;
        hi += pad;
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let mult = match norm {
        x if x <= 1.0 => 1.0,
        x if x <= 2.0 => 2.0,
        x if x <= 2.5 => 2.5,
        x if x <= 5.0 => 5.0,
        _ => 10.0,
    };
    let step = mag * mult;
    let (dlo, dhi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
    if !(step.is_finite() && step > 0.0 && dlo.is_finite() && dhi.is_finite() && dhi > dlo) {
        return Ticks { lo, hi, step: hi - lo, values: vec![lo, hi] };
    }
    let count = (((dhi - dlo) / step).round() as usize).min(50);
    let values = (0..=count).map(|i| dlo + i as f64 * step).collect();
    Ticks { lo: dlo, hi: dhi, step, values }
}

/// The one downsampler (the console's and the CLI's too).
pub use crate::engine::read::downsample::downsample;

// ----------------------------------------------------------------------------------------------------------
// Colours

pub(crate) const LOW: (f64, f64, f64) = (196.0, 78.0, 66.0);
pub(crate) const MID: (f64, f64, f64) = (242.0, 241.0, 236.0);
pub(crate) const HIGH: (f64, f64, f64) = (46.0, 134.0, 89.0);

/// Red (t = -1) through a warm neutral (0) to green (+1), as "#rrggbb". `t` is clamped; NaN is neutral.
pub fn diverging(t: f64) -> String {
    let t = if t.is_nan() { 0.0 } else { t.clamp(-1.0, 1.0) };
    let (to, a) = if t < 0.0 { (LOW, -t) } else { (HIGH, t) };
    let mix = |m: f64, e: f64| (m + (e - m) * a).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(MID.0, to.0), mix(MID.1, to.1), mix(MID.2, to.2))
}

/// Whether text on `diverging(t)` should be light.
pub fn needs_light_text(t: f64) -> bool {
    t.abs() > 0.62
}

// ----------------------------------------------------------------------------------------------------------
// Line and area charts

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YFormat {
    /// Plain numbers with thousands separators ("12,500"), or "1.25M" from a million up.
    Number,
    /// Fractions shown as percentages ("-25%").
    Percent,
}
