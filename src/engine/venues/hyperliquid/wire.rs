//! How Hyperliquid numbers go on the wire, and its tick and lot size rules.
//!
//! [`float_to_wire`] is the Python SDK's function, quirks included: format with 8 decimals,
//! refuse if that moved the value by 1e-12 or more, then `Decimal(..).normalize()` printed with
//! `:f` (trailing zeros and a bare `.` dropped). The venue hashes these strings, so they must
//! be exactly the SDK's.
//!
//! Tick/lot rules (Hyperliquid docs, "Tick and lot size"): a price has at most 5 significant
//! figures and at most `MAX_DECIMALS - szDecimals` decimals (6 for perps, 8 for spot), but an
//! integer price is always allowed; a size has at most `szDecimals` decimals.
//! Two ways to apply them:
//! - `round_price` / `round_size` round to the nearest valid value and report the change;
//! - `check_price` / `check_size` refuse an invalid value with a [`WireError`] naming it.
//!
//! Both judge the string that would be sent (`float_to_wire`), which is what the venue sees:
//! `0.1 + 0.2` is sent as `"0.3"`, so it passes `check_price`.

use std::fmt;

/// Which rule a value broke, with the value itself.
#[derive(Debug, Clone, PartialEq)]
pub enum WireError {
    /// Writing with 8 decimals would change the value (the SDK's "float_to_wire causes rounding").
    CausesRounding { value: f64 },
    /// NaN or infinite.
    NotFinite { field: Field, value: f64 },
    /// A price or size must be greater than zero (also after rounding).
    NotPositive { field: Field, value: f64 },
    /// A non-integer price with more than 5 significant figures.
    TooManySignificantFigures { value: f64, wire: String, max: u32 },
    /// More decimals than the market allows.
    TooManyDecimals { field: Field, value: f64, wire: String, max: u32 },
}

/// The number a [`WireError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Number,
    Price,
    Size,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::Number => "number",
            Field::Price => "price",
            Field::Size => "size",
        })
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CausesRounding { value } => {
                write!(f, "float_to_wire causes rounding: {value} has more than 8 decimals")
            }
            Self::NotFinite { field, value } => write!(f, "{field} {value} is not finite"),
            Self::NotPositive { field, value } => write!(f, "{field} {value} is not positive"),
            Self::TooManySignificantFigures { value, wire, max } => write!(
                f,
                "price {value} (wire \"{wire}\") has more than {max} significant figures and is not an integer"
            ),
            Self::TooManyDecimals { field, value, wire, max } => {
                write!(f, "{field} {value} (wire \"{wire}\") has more than {max} decimals")
            }
        }
    }
}

impl std::error::Error for WireError {}

/// Perpetuals allow 6 price decimals (less szDecimals), spot 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarketKind {
    Perp,
    Spot,
}

impl MarketKind {
    /// `MAX_DECIMALS` of the tick rule.
    pub fn max_decimals(self) -> u32 {
        match self {
            MarketKind::Perp => 6,
            MarketKind::Spot => 8,
        }
    }
}

/// Most significant figures of a non-integer price.
pub const MAX_PRICE_SIG_FIGS: u32 = 5;

/// Python's `Decimal` context precision, which `normalize()` rounds to.
const PY_DECIMAL_PREC: usize = 28;

/// The result of a `round_*` function: what was asked, what will be sent, and whether it moved.
#[derive(Debug, Clone, PartialEq)]
pub struct Rounded {
    pub original: f64,
    pub value: f64,
    /// `float_to_wire(value)`: the string to put in the order.
    pub wire: String,
    /// `value != original`: the caller asked for a price/size the venue would not take.
    pub changed: bool,
}

/// The Python SDK's `float_to_wire`, byte for byte.
///
/// One divergence: NaN and infinities are refused (the SDK would send "NaN"/"Infinity").
pub fn float_to_wire(x: f64) -> Result<String, WireError> {
    if !x.is_finite() {
        return Err(WireError::NotFinite { field: Field::Number, value: x });
    }
    // Rust's `{:.8}` and Python's `{:.8f}` both round the exact binary value half-to-even.
    let rounded = format!("{x:.8}");
    let back: f64 = rounded.parse().expect("formatted f64 parses");
    if (back - x).abs() >= 1e-12 {
        return Err(WireError::CausesRounding { value: x });
    }
    // The SDK's `if rounded == "-0"` never matches ("-0.00000000"), so -0.0 goes out as "-0".
    Ok(py_decimal_normalize_f(&rounded))
}

/// `f"{Decimal(s).normalize():f}"` for a plain decimal string `[-]digits[.digits]`.
fn py_decimal_normalize_f(s: &str) -> String {
    let (sign, unsigned) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s),
    };
    let (int_part, frac_part) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let frac = frac_part.trim_end_matches('0');
    let int_digits = int_part.trim_start_matches('0');
    // normalize() first rounds to 28 significant digits (half-even). Only an integer part of
    // more than 28 digits can exceed that, as an f64 that large has no fractional bits.
    if frac.is_empty() && int_digits.len() > PY_DECIMAL_PREC {
        return format!("{sign}{}", round_digits_half_even(int_digits, PY_DECIMAL_PREC));
    }
    let int_part = if int_digits.is_empty() { "0" } else { int_digits };
    if frac.is_empty() {
        format!("{sign}{int_part}")
    } else {
        format!("{sign}{int_part}.{frac}")
    }
}

/// Rounds an integer digit string to `keep` significant digits, half-even, zero-filled.
fn round_digits_half_even(digits: &str, keep: usize) -> String {
    let (head, tail) = digits.split_at(keep);
    let mut head: Vec<u8> = head.bytes().collect();
    let first = tail.as_bytes()[0];
    let rest_zero = tail[1..].bytes().all(|b| b == b'0');
    let last_odd = (head[keep - 1] - b'0') % 2 == 1;
    let up = first > b'5' || (first == b'5' && (!rest_zero || last_odd));
    let mut len = digits.len();
    if up {
        let mut i = keep;
        loop {
            if i == 0 {
                head.insert(0, b'1');
                len += 1;
                break;
            }
            i -= 1;
            if head[i] == b'9' {
                head[i] = b'0';
            } else {
                head[i] += 1;
                break;
            }
        }
    }
    let mut out = String::from_utf8(head).expect("ascii digits");
    out.extend(std::iter::repeat_n('0', len - out.len()));
    out
}

/// (significant figures, decimals) of a wire string as `float_to_wire` writes it.
fn digits_of(wire: &str) -> (u32, u32) {
    let unsigned = wire.trim_start_matches('-');
    let (int_part, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all: String = format!("{int_part}{frac}");
    let sig = all.trim_start_matches('0').len() as u32;
    (sig, frac.len() as u32)
}

fn price_max_decimals(sz_decimals: u32, kind: MarketKind) -> u32 {
    kind.max_decimals().saturating_sub(sz_decimals)
}

fn finite_positive(field: Field, value: f64) -> Result<(), WireError> {
    if !value.is_finite() {
        return Err(WireError::NotFinite { field, value });
    }
    if value <= 0.0 {
        return Err(WireError::NotPositive { field, value });
    }
    Ok(())
}

/// Rounds `value` to `decimals` decimals (half-even on its exact binary value).
fn round_to(value: f64, decimals: u32) -> f64 {
    format!("{value:.*}", decimals as usize).parse().expect("formatted f64 parses")
}

fn rounded(field: Field, original: f64, value: f64) -> Result<Rounded, WireError> {
    if value <= 0.0 {
        return Err(WireError::NotPositive { field, value: original });
    }
    let wire = float_to_wire(value)?;
    Ok(Rounded { original, value, wire, changed: value != original })
}

/// ROUNDING variant: the nearest valid price (one rounding, no double rounding).
///
/// The decimals kept are the fewest of `MAX_DECIMALS - szDecimals` and those that leave 5
/// significant figures; from 100000 up that is 0, an integer, which is always valid.
/// Refuses non-finite or non-positive prices, and prices that round to 0.
pub fn round_price(px: f64, sz_decimals: u32, kind: MarketKind) -> Result<Rounded, WireError> {
    finite_positive(Field::Price, px)?;
    let exponent: i32 = {
        let sci = format!("{px:e}");
        sci.split_once('e').expect("{:e} has an exponent").1.parse().expect("exponent")
    };
    let sig_decimals = (MAX_PRICE_SIG_FIGS as i32 - 1 - exponent).max(0) as u32;
    let decimals = sig_decimals.min(price_max_decimals(sz_decimals, kind));
    rounded(Field::Price, px, round_to(px, decimals))
}

/// REFUSING variant: the wire string of `px` if the venue accepts it as is, else the rule broken.
pub fn check_price(px: f64, sz_decimals: u32, kind: MarketKind) -> Result<String, WireError> {
    finite_positive(Field::Price, px)?;
    let wire = float_to_wire(px)?;
    let (sig, decimals) = digits_of(&wire);
    let max_decimals = price_max_decimals(sz_decimals, kind);
    if decimals > 0 && sig > MAX_PRICE_SIG_FIGS {
        return Err(WireError::TooManySignificantFigures { value: px, wire, max: MAX_PRICE_SIG_FIGS });
    }
    if decimals > max_decimals {
        return Err(WireError::TooManyDecimals { field: Field::Price, value: px, wire, max: max_decimals });
    }
    Ok(wire)
}

/// ROUNDING variant: `sz` rounded (half-even) to `szDecimals` decimals.
/// Refuses non-finite or non-positive sizes, and sizes that round to 0.
pub fn round_size(sz: f64, sz_decimals: u32) -> Result<Rounded, WireError> {
    finite_positive(Field::Size, sz)?;
    rounded(Field::Size, sz, round_to(sz, sz_decimals.min(8)))
}

/// REFUSING variant: the wire string of `sz` if it has at most `szDecimals` decimals.
pub fn check_size(sz: f64, sz_decimals: u32) -> Result<String, WireError> {
    finite_positive(Field::Size, sz)?;
    let wire = float_to_wire(sz)?;
    let (_, decimals) = digits_of(&wire);
    if decimals > sz_decimals {
        return Err(WireError::TooManyDecimals { field: Field::Size, value: sz, wire, max: sz_decimals });
    }
    Ok(wire)
}

#[cfg(test)]
mod tests {
    use super::*;
    use MarketKind::{Perp, Spot};

    #[test]
    fn docs_examples_perp() {
        assert_eq!(check_price(1234.5, 0, Perp).unwrap(), "1234.5");
        assert!(matches!(check_price(1234.56, 0, Perp), Err(WireError::TooManySignificantFigures { .. })));
        assert_eq!(check_price(0.001234, 0, Perp).unwrap(), "0.001234");
        assert!(matches!(
            check_price(0.0012345, 0, Perp),
            Err(WireError::TooManyDecimals { field: Field::Price, max: 6, .. })
        ));
        assert_eq!(check_price(0.01234, 1, Perp).unwrap(), "0.01234");
        assert!(check_price(0.012345, 1, Perp).is_err());
        // Integer prices are always allowed, whatever their significant figures.
        assert_eq!(check_price(123456.0, 5, Perp).unwrap(), "123456");
        assert!(check_price(12345.6, 0, Perp).is_err());
    }

    #[test]
    fn docs_examples_spot() {
        assert_eq!(check_price(0.0001234, 0, Spot).unwrap(), "0.0001234");
        assert_eq!(check_price(0.0001234, 1, Spot).unwrap(), "0.0001234");
        // 7 decimals > 8 - 2: refused from szDecimals 2 on.
        assert!(matches!(check_price(0.0001234, 2, Spot), Err(WireError::TooManyDecimals { max: 6, .. })));
    }

    #[test]
    fn round_price_rounds_and_reports() {
        let r = round_price(1234.56, 0, Perp).unwrap();
        assert_eq!((r.value, r.wire.as_str(), r.changed), (1234.6, "1234.6", true));
        let r = round_price(100000.0, 5, Perp).unwrap();
        assert_eq!((r.wire.as_str(), r.changed), ("100000", false));
        let r = round_price(123456.7, 5, Perp).unwrap();
        assert_eq!(r.wire, "123457");
        let r = round_price(0.0012345678, 0, Perp).unwrap();
        assert_eq!(r.wire, "0.001235");
        let r = round_price(0.0012345678, 2, Perp).unwrap();
        assert_eq!(r.wire, "0.0012");
        let r = round_price(0.0000123456, 0, Spot).unwrap();
        assert_eq!(r.wire, "0.00001235");
        let r = round_price(0.1 + 0.2, 0, Perp).unwrap();
        assert_eq!((r.wire.as_str(), r.changed), ("0.3", true));
        let r = round_price(99999.7, 0, Perp).unwrap();
        assert_eq!(r.wire, "100000");
        let r = round_price(2000.5, 4, Perp).unwrap();
        assert_eq!((r.wire.as_str(), r.changed), ("2000.5", false));
        // Every rounded price passes the check.
        for px in [0.000123456, 1.23456789, 98765.4321, 5e7 + 0.3, 7.65432] {
            for sz in 0..=6 {
                match round_price(px, sz, Perp) {
                    Ok(r) => assert_eq!(check_price(r.value, sz, Perp).unwrap(), r.wire, "{px} {sz}"),
                    // 0.000123456 with 6 - szDecimals < 4 decimals rounds to 0: refused.
                    Err(e) => assert!(matches!(e, WireError::NotPositive { .. }) && px < 0.001, "{e}"),
                }
            }
        }
    }

    #[test]
    fn round_price_refuses() {
        assert!(matches!(round_price(0.0000001, 0, Perp), Err(WireError::NotPositive { .. })));
        assert!(matches!(round_price(-1.0, 0, Perp), Err(WireError::NotPositive { .. })));
        assert!(matches!(round_price(f64::NAN, 0, Perp), Err(WireError::NotFinite { .. })));
    }

    #[test]
    fn sizes() {
        assert_eq!(check_size(1.001, 3).unwrap(), "1.001");
        let err = check_size(1.0001, 3).unwrap_err();
        assert_eq!(
            err,
            WireError::TooManyDecimals { field: Field::Size, value: 1.0001, wire: "1.0001".into(), max: 3 }
        );
        assert!(err.to_string().contains("1.0001"), "{err}");
        let r = round_size(1.0006, 3).unwrap();
        assert_eq!((r.value, r.wire.as_str(), r.changed), (1.001, "1.001", true));
        let r = round_size(10.0, 0).unwrap();
        assert_eq!((r.wire.as_str(), r.changed), ("10", false));
        assert!(matches!(round_size(0.0004, 3), Err(WireError::NotPositive { .. })));
        assert!(matches!(check_size(0.0, 3), Err(WireError::NotPositive { .. })));
    }

    #[test]
    fn errors_name_the_value() {
        let e = check_price(1234.56, 0, Perp).unwrap_err();
        assert!(e.to_string().contains("1234.56"), "{e}");
        let e = float_to_wire(1.234567891).unwrap_err();
        assert!(e.to_string().contains("1.234567891"), "{e}");
    }

    #[test]
    fn python_decimal_precision_is_emulated() {
        // Decimal("1e300-ish exact digits").normalize() keeps 28 significant digits.
        let w = float_to_wire(1e300).unwrap();
        assert_eq!(w.len(), 301);
        assert!(w.starts_with("1000000000000000052504760255") && w[28..].bytes().all(|b| b == b'0'));
        assert_eq!(round_digits_half_even("99999", 2), "100000");
        assert_eq!(round_digits_half_even("12500", 2), "12000");
        assert_eq!(round_digits_half_even("13500", 2), "14000");
        assert_eq!(round_digits_half_even("12501", 2), "13000");
    }
}
