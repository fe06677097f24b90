//! Indicator specs as typed on the command line (`rsi:14`, `macd:12,26,9`, `bb:20,2`)
//! and the named output columns they compute. docs/indicators.md has the syntax.

use crate::engine::data::bars::Bars;
use crate::engine::error::Result;
use crate::engine::indicators;
use crate::engine::strategy::error::{IndicatorProblem as P, StrategyError};

/// A parsed spec: canonical `kind` (`bb` becomes `bollinger`) and every argument, with
/// defaults filled in for the omitted ones.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSpec {
    pub kind: String,
    pub args: Vec<f64>,
}

/// Largest accepted period; far beyond any series, it only keeps names and casts sane.
const MAX_PERIOD: f64 = 1e9;

struct Def {
    name: &'static str,
    alias: Option<&'static str>,
    /// Parameter names; all are periods in bars except `k`.
    params: &'static [&'static str],
    defaults: &'static [f64],
    usage: &'static str,
}

const DEFS: &[Def] = &[
    Def { name: "sma", alias: None, params: &["n"], defaults: &[20.0], usage: "sma:n (default 20)" },
    Def { name: "ema", alias: None, params: &["n"], defaults: &[20.0], usage: "ema:n (default 20)" },
    Def { name: "rsi", alias: None, params: &["n"], defaults: &[14.0], usage: "rsi:n (default 14)" },
    Def {
        name: "macd",
        alias: None,
        params: &["fast", "slow", "signal"],
        defaults: &[12.0, 26.0, 9.0],
        usage: "macd:fast,slow,signal (default 12,26,9)",
    },
    Def {
        name: "bollinger",
        alias: Some("bb"),
        params: &["n", "k"],
        defaults: &[20.0, 2.0],
        usage: "bollinger:n,k or bb:n,k (default 20,2)",
    },
    Def { name: "atr", alias: None, params: &["n"], defaults: &[14.0], usage: "atr:n (default 14)" },
    Def {
        name: "donchian",
        alias: None,
        params: &["n"],
        defaults: &[20.0],
        usage: "donchian:n (default 20)",
    },
    Def { name: "std", alias: None, params: &["n"], defaults: &[20.0], usage: "std:n (default 20)" },
    Def { name: "zscore", alias: None, params: &["n"], defaults: &[20.0], usage: "zscore:n (default 20)" },
    Def { name: "roc", alias: None, params: &["n"], defaults: &[10.0], usage: "roc:n (default 10)" },
];

fn find(name: &str) -> Option<&'static Def> {
    DEFS.iter().find(|d| d.name == name || d.alias == Some(name))
}

/// Every indicator as (name, argument form with defaults), for help and error messages.
pub fn catalogue() -> Vec<(&'static str, &'static str)> {
    DEFS.iter().map(|d| (d.name, d.usage)).collect()
}

impl IndicatorSpec {
    /// Parses `name[:arg,arg,...]`. The name is case-insensitive; trailing arguments may
    /// be omitted and take their defaults (`macd:5,35` is `macd:5,35,9`). Periods must be
    /// whole numbers ≥ 1, `k` a positive number, and MACD's fast period shorter than its
    /// slow one. Any violation is a bad-input error naming the spec and listing the forms.
    pub fn parse(s: &str) -> Result<IndicatorSpec> {
        let bad = |problem: P| {
            let valid = DEFS.iter().map(|d| d.usage).collect::<Vec<_>>().join(", ");
            StrategyError::Indicator { spec: s.to_string(), problem, valid }
        };
        let (name, rest) = match s.split_once(':') {
            Some((name, rest)) => (name, Some(rest)),
            None => (s, None),
        };
        let name = name.trim().to_ascii_lowercase();
        let def = find(&name).ok_or_else(|| bad(P::Unknown(name.clone())))?;

        let mut given = Vec::new();
        for a in rest.map(|r| r.split(',')).into_iter().flatten() {
            let a = a.trim();
            given.push(a.parse::<f64>().map_err(|_| bad(P::NotANumber(a.into())))?);
        }
        if given.len() > def.params.len() {
            return Err(bad(P::TooManyArgs {
                indicator: def.name,
                most: def.params.len(),
                params: def.params.join(","),
                given: given.len(),
            })
            .into());
        }
        let mut args = def.defaults.to_vec();
        args[..given.len()].copy_from_slice(&given);

        for (&param, &v) in def.params.iter().zip(&args) {
            if param == "k" {
                if !(v.is_finite() && v > 0.0) {
                    return Err(bad(P::K(v)).into());
                }
            } else if !((1.0..=MAX_PERIOD).contains(&v) && v.fract() == 0.0) {
                return Err(bad(P::Period { param, value: v, max: MAX_PERIOD }).into());
            }
        }
        if def.name == "macd" && args[0] >= args[1] {
            return Err(bad(P::MacdOrder { fast: args[0], slow: args[1] }).into());
        }
        Ok(IndicatorSpec { kind: def.name.to_string(), args })
    }
}

/// Computes the spec's output columns over `bars`, each as long as the series.
///
/// Prices are the close, except `atr` (high, low, close) and `donchian` (high, low).
/// Column names embed the arguments (`rsi_14`, `bb_20_2.5_upper`); see docs/indicators.md.
/// Meant for parsed specs: an unknown kind gives no columns, missing arguments take
/// their defaults, and an invalid period yields all-NaN columns rather than a panic.
pub fn compute(spec: &IndicatorSpec, bars: &Bars) -> Vec<(String, Vec<f64>)> {
    let Some(def) = find(&spec.kind) else {
        return Vec::new();
    };
    let arg = |i: usize| spec.args.get(i).copied().unwrap_or(def.defaults[i]);
    // Saturating cast: NaN and negatives become 0, which the kernels answer with NaN.
    let period = |i: usize| arg(i) as usize;
    let tag = |i: usize| fmt_num(arg(i));
    let c = &bars.close;
    match def.name {
        "sma" => vec![(format!("sma_{}", tag(0)), indicators::sma(c, period(0)))],
        "ema" => vec![(format!("ema_{}", tag(0)), indicators::ema(c, period(0)))],
        "rsi" => vec![(format!("rsi_{}", tag(0)), indicators::rsi(c, period(0)))],
        "std" => vec![(format!("std_{}", tag(0)), indicators::rolling_std(c, period(0)))],
        "zscore" => vec![(format!("zscore_{}", tag(0)), indicators::zscore(c, period(0)))],
        "roc" => vec![(format!("roc_{}", tag(0)), indicators::roc(c, period(0)))],
        "atr" => vec![(format!("atr_{}", tag(0)), indicators::atr(&bars.high, &bars.low, c, period(0)))],
        "macd" => {
            let m = indicators::macd(c, period(0), period(1), period(2));
            let base = format!("macd_{}_{}_{}", tag(0), tag(1), tag(2));
            vec![
                (format!("{base}_line"), m.line),
                (format!("{base}_signal"), m.signal),
                (format!("{base}_hist"), m.hist),
            ]
        }
        "bollinger" => {
            let b = indicators::bollinger(c, period(0), arg(1));
            let base = format!("bb_{}_{}", tag(0), tag(1));
            vec![
                (format!("{base}_mid"), b.mid),
                (format!("{base}_upper"), b.upper),
                (format!("{base}_lower"), b.lower),
            ]
        }
        "donchian" => {
            let ch = indicators::donchian(&bars.high, &bars.low, period(0));
            let base = format!("donchian_{}", tag(0));
            vec![(format!("{base}_upper"), ch.upper), (format!("{base}_lower"), ch.lower)]
        }
        _ => Vec::new(),
    }
}

/// Shortest decimal form: 14.0 -> "14", 2.5 -> "2.5" (Rust's `Display` for f64 already
/// prints the shortest round-trip form without a trailing ".0").
fn fmt_num(v: f64) -> String {
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::error::ErrorKind;

    fn spec(s: &str) -> IndicatorSpec {
        IndicatorSpec::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> String {
        let e = IndicatorSpec::parse(s).expect_err(s);
        assert_eq!(e.kind, ErrorKind::BadInput, "{s}");
        e.to_string()
    }

    /// Equal element by element, NaN matching NaN.
    fn assert_same(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        assert!(a.iter().zip(b).all(|(x, y)| x == y || (x.is_nan() && y.is_nan())));
    }

    fn bars(n: usize) -> Bars {
        let mut b = Bars::with_capacity(n);
        for i in 0..n {
            let c = 100.0 + (i as f64 * 0.3).sin() * 5.0;
            b.push(i as i64 * 60_000, c, c + 1.0, c - 1.0, c, 1000.0);
        }
        b
    }

    #[test]
    fn parses_explicit_args() {
        let cases: &[(&str, &str, &[f64])] = &[
            ("rsi:14", "rsi", &[14.0]),
            ("sma:50", "sma", &[50.0]),
            ("ema:20", "ema", &[20.0]),
            ("macd:12,26,9", "macd", &[12.0, 26.0, 9.0]),
            ("bollinger:20,2", "bollinger", &[20.0, 2.0]),
            ("bb:10,2.5", "bollinger", &[10.0, 2.5]),
            ("atr:14", "atr", &[14.0]),
            ("donchian:55", "donchian", &[55.0]),
            ("std:30", "std", &[30.0]),
            ("zscore:20", "zscore", &[20.0]),
            ("roc:10", "roc", &[10.0]),
            (" MACD : 5 , 35 , 5 ", "macd", &[5.0, 35.0, 5.0]),
            ("rsi:14.0", "rsi", &[14.0]),
        ];
        for &(s, kind, args) in cases {
            assert_eq!(spec(s), IndicatorSpec { kind: kind.into(), args: args.to_vec() }, "{s}");
        }
    }

    #[test]
    fn fills_defaults() {
        assert_eq!(spec("rsi").args, [14.0]);
        assert_eq!(spec("macd").args, [12.0, 26.0, 9.0]);
        assert_eq!(spec("macd:5,35").args, [5.0, 35.0, 9.0]);
        assert_eq!(spec("bb").args, [20.0, 2.0]);
        assert_eq!(spec("bollinger:50").args, [50.0, 2.0]);
        assert_eq!(spec("atr").args, [14.0]);
        assert_eq!(spec("donchian").args, [20.0]);
        for name in ["sma", "ema", "std", "zscore"] {
            assert_eq!(spec(name).args, [20.0], "{name}");
        }
        assert_eq!(spec("roc").args, [10.0]);
    }

    #[test]
    fn rejects_bad_specs() {
        let period = |param, value| P::Period { param, value, max: MAX_PERIOD };
        let cases: &[(&str, P)] = &[
            ("foo:3", P::Unknown("foo".into())),
            ("", P::Unknown("".into())),
            ("rsi:0", period("n", 0.0)),
            ("rsi:-3", period("n", -3.0)),
            ("rsi:14.5", period("n", 14.5)),
            ("rsi:abc", P::NotANumber("abc".into())),
            ("rsi:", P::NotANumber("".into())),
            ("sma:1e10", period("n", 1e10)),
            ("rsi:14,2", P::TooManyArgs { indicator: "rsi", most: 1, params: "n".into(), given: 2 }),
            (
                "macd:12,26,9,1",
                P::TooManyArgs { indicator: "macd", most: 3, params: "fast,slow,signal".into(), given: 4 },
            ),
            ("macd:12,,9", P::NotANumber("".into())),
            ("macd:26,12,9", P::MacdOrder { fast: 26.0, slow: 12.0 }),
            ("macd:12,26,0", period("signal", 0.0)),
            ("bb:20,0", P::K(0.0)),
            ("bb:20,-1", P::K(-1.0)),
            ("bb:20,inf", P::K(f64::INFINITY)),
        ];
        for (s, want) in cases {
            let e = IndicatorSpec::parse(s).expect_err(s);
            assert_eq!(e.kind, ErrorKind::BadInput, "{s}");
            assert!(
                matches!(e.domain(), Some(StrategyError::Indicator { spec, problem, .. }) if spec == s && problem == want),
                "{s}: {e:?}"
            );
        }
        // NaN is out of every range (and equal to nothing, so matched by shape).
        let e = IndicatorSpec::parse("rsi:nan").expect_err("nan");
        assert!(
            matches!(e.domain(), Some(StrategyError::Indicator { problem: P::Period { param: "n", value, .. }, .. }) if value.is_nan()),
            "{e:?}"
        );
        // The message names the spec and lists every form, for the operator.
        let msg = err("rsi:14,2");
        assert!(
            msg.contains("'rsi:14,2'") && msg.contains("macd:fast,slow,signal (default 12,26,9)"),
            "{msg}"
        );
        assert!(msg.contains("rsi takes at most 1 argument(s) (n), got 2"), "{msg}");
    }

    #[test]
    fn catalogue_lists_every_indicator_with_defaults() {
        let cat = catalogue();
        let names: Vec<&str> = cat.iter().map(|c| c.0).collect();
        let all = ["sma", "ema", "rsi", "macd", "bollinger", "atr", "donchian", "std", "zscore", "roc"];
        assert_eq!(names, all);
        for (name, usage) in cat {
            let d = spec(name); // parses alone
            let defaults: Vec<String> = d.args.iter().map(|&a| fmt_num(a)).collect();
            let want = format!("(default {})", defaults.join(","));
            assert!(usage.starts_with(name) && usage.ends_with(&want), "{usage}");
        }
    }

    #[test]
    fn column_names() {
        let b = bars(60);
        let cases: &[(&str, &[&str])] = &[
            ("sma:50", &["sma_50"]),
            ("ema", &["ema_20"]),
            ("rsi:14", &["rsi_14"]),
            ("macd:12,26,9", &["macd_12_26_9_line", "macd_12_26_9_signal", "macd_12_26_9_hist"]),
            ("bb:20,2", &["bb_20_2_mid", "bb_20_2_upper", "bb_20_2_lower"]),
            ("bollinger:20,2.5", &["bb_20_2.5_mid", "bb_20_2.5_upper", "bb_20_2.5_lower"]),
            ("atr", &["atr_14"]),
            ("donchian:20", &["donchian_20_upper", "donchian_20_lower"]),
            ("std:20", &["std_20"]),
            ("zscore:20", &["zscore_20"]),
            ("roc:10", &["roc_10"]),
        ];
        for &(s, want) in cases {
            let cols = compute(&spec(s), &b);
            let names: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
            assert_eq!(names, want, "{s}");
            assert!(cols.iter().all(|c| c.1.len() == b.len()), "{s}");
        }
    }

    #[test]
    fn computes_from_the_right_prices() {
        let b = bars(60);
        let ch = indicators::donchian(&b.high, &b.low, 5);
        let cols = compute(&spec("donchian:5"), &b);
        assert_same(&cols[0].1, &ch.upper);
        assert_same(&cols[1].1, &ch.lower);
        let cols = compute(&spec("atr:5"), &b);
        assert_same(&cols[0].1, &indicators::atr(&b.high, &b.low, &b.close, 5));
        let cols = compute(&spec("bb:10,1.5"), &b);
        assert_same(&cols[0].1, &indicators::sma(&b.close, 10));
        assert_same(&cols[1].1, &indicators::bollinger(&b.close, 10, 1.5).upper);
        let cols = compute(&spec("macd:3,7,2"), &b);
        assert_same(&cols[2].1, &indicators::macd(&b.close, 3, 7, 2).hist);
        let cols = compute(&spec("roc:4"), &b);
        assert_same(&cols[0].1, &indicators::roc(&b.close, 4));
    }

    #[test]
    fn hand_built_specs_do_not_panic() {
        let b = bars(10);
        let odd = |kind: &str, args: Vec<f64>| compute(&IndicatorSpec { kind: kind.into(), args }, &b);
        assert!(odd("nope", vec![]).is_empty());
        assert_eq!(odd("macd", vec![]).len(), 3); // defaults
        assert!(odd("rsi", vec![-5.0])[0].1.iter().all(|v| v.is_nan()));
        assert!(odd("sma", vec![f64::NAN])[0].1.iter().all(|v| v.is_nan()));
        assert_eq!(odd("bb", vec![3.0, 1.0])[0].0, "bb_3_1_mid");
    }
}
