//! Validation goals and invalidation conditions: a metric threshold (`sharpe > 1`,
//! `max_drawdown < 20% and trade_count >= 10`) that research can check, or free text that a
//! person judges. Metric names are the backtest's own (docs/metrics.md).

use serde::{Deserialize, Serialize};

use super::error::SignalError;
use crate::engine::backtest::metrics::{Metrics, METRIC_NAMES};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }

    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Lt => a < b,
            Op::Le => a <= b,
        }
    }
}

/// One `metric op value` term.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub metric: String,
    pub op: Op,
    /// A fraction when the text gave a percentage (`20%` -> 0.2).
    pub value: f64,
}

impl Condition {
    pub fn text(&self) -> String {
        format!("{} {} {}", self.metric, self.op.symbol(), self.value)
    }
}

/// What a goal (or an invalidation condition) asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Goal {
    /// Every condition must hold.
    Threshold { conditions: Vec<Condition> },
    /// Nothing a machine can check.
    Text { text: String },
}

/// The result of checking one condition against a set of metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub condition: String,
    /// null when the metric is undefined for these results (a Sharpe with no volatility).
    pub value: Option<f64>,
    /// null when it cannot be told (the value is undefined).
    pub passed: Option<bool>,
}

/// Any comparison character makes the text a threshold that must parse: `sharp > 1` is a
/// typo to refuse, not prose to keep.
pub fn parse(text: &str) -> Result<Goal, SignalError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(SignalError::EmptyGoal);
    }
    if !t.contains(['<', '>', '=']) {
        return Ok(Goal::Text { text: t.to_string() });
    }
    let mut conditions = Vec::new();
    for term in split_and(t) {
        conditions.push(parse_term(term.trim(), t)?);
    }
    Ok(Goal::Threshold { conditions })
}

/// Terms joined by `and` (any case) or `&&`.
fn split_and(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in t.split("&&") {
        let lower = part.to_ascii_lowercase();
        let mut start = 0;
        let mut search = 0;
        while let Some(i) = lower[search..].find(" and ") {
            let at = search + i;
            out.push(&part[start..at]);
            start = at + 5;
            search = start;
        }
        out.push(&part[start..]);
    }
    out
}

fn parse_term(term: &str, whole: &str) -> Result<Condition, SignalError> {
    let ops = [(">=", Op::Ge), ("<=", Op::Le), (">", Op::Gt), ("<", Op::Lt)];
    let Some((tok, op)) = ops.iter().find(|(s, _)| term.contains(s)) else {
        return Err(SignalError::NotAThreshold { term: term.into(), whole: whole.into() });
    };
    let (metric, value) = term.split_once(tok).expect("contains the operator");
    let metric = metric.trim();
    if !METRIC_NAMES.contains(&metric) {
        return Err(SignalError::UnknownMetric {
            metric: metric.into(),
            whole: whole.into(),
            valid: METRIC_NAMES.join(", "),
        });
    }
    let raw = value.trim();
    let (num, scale) = match raw.strip_suffix('%') {
        Some(n) => (n.trim(), 0.01),
        None => (raw, 1.0),
    };
    let v: f64 = num
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| SignalError::NotANumber { raw: raw.into(), whole: whole.into() })?;
    Ok(Condition { metric: metric.to_string(), op: *op, value: v * scale })
}

impl Goal {
    /// The metrics the conditions name, in order (none for free text).
    pub fn metrics(&self) -> Vec<&str> {
        match self {
            Goal::Threshold { conditions } => conditions.iter().map(|c| c.metric.as_str()).collect(),
            Goal::Text { .. } => Vec::new(),
        }
    }

    /// One check per condition (empty for free text).
    pub fn check(&self, m: &Metrics) -> Vec<Check> {
        let Goal::Threshold { conditions } = self else { return Vec::new() };
        conditions
            .iter()
            .map(|c| {
                let value = m.get(&c.metric).filter(|v| v.is_finite());
                Check { condition: c.text(), value, passed: value.map(|v| c.op.holds(v, c.value)) }
            })
            .collect()
    }
}

/// All passed: Some(true); any failed: Some(false); otherwise (undefined values) None.
pub fn all_pass(checks: &[Check]) -> Option<bool> {
    if checks.iter().any(|c| c.passed == Some(false)) {
        return Some(false);
    }
    if checks.iter().all(|c| c.passed == Some(true)) {
        return Some(true);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        use crate::engine::backtest::metrics::{compute, MetricsInput};
        let mut m = compute(&MetricsInput {
            ts: &[0, 86_400_000, 2 * 86_400_000],
            equity: &[10_000.0, 10_100.0, 10_300.0],
            exposure: &[0.0, 1.0, 1.0],
            close: &[1.0, 1.01, 1.03],
            trades: &[],
            initial_cash: 10_000.0,
            periods_per_year: 365.0,
        });
        m.trade_count = 12;
        m
    }

    #[test]
    fn thresholds_parse_with_percentages_and_conjunctions() {
        let g = parse("sharpe > 1").unwrap();
        assert_eq!(
            g,
            Goal::Threshold {
                conditions: vec![Condition { metric: "sharpe".into(), op: Op::Gt, value: 1.0 }]
            }
        );
        let Goal::Threshold { conditions } =
            parse("max_drawdown <= 20% AND trade_count >= 10 && cagr>0").unwrap()
        else {
            panic!()
        };
        assert_eq!(conditions.len(), 3);
        assert_eq!((conditions[0].op, conditions[0].value), (Op::Le, 0.2));
        assert_eq!(conditions[2].metric, "cagr");
        assert_eq!(
            parse("  momentum persists for a week ").unwrap(),
            Goal::Text { text: "momentum persists for a week".into() }
        );
    }

    #[test]
    fn typos_and_garbage_are_refused_by_name() {
        let e = parse("sharp > 1").unwrap_err();
        assert!(
            matches!(&e, SignalError::UnknownMetric { metric, valid, .. } if metric == "sharp" && valid.contains("sharpe")),
            "{e}"
        );
        assert!(matches!(parse("sharpe > high"), Err(SignalError::NotANumber { raw, .. }) if raw == "high"));
        assert!(matches!(parse("sharpe = 1"), Err(SignalError::NotAThreshold { .. })));
        assert!(matches!(parse("  "), Err(SignalError::EmptyGoal)));
    }

    #[test]
    fn checks_pass_fail_or_cannot_tell() {
        let m = metrics();
        let g = parse("total_return > 2% and trade_count >= 10").unwrap();
        let c = g.check(&m);
        assert_eq!(all_pass(&c), Some(true), "{c:?}");
        let g = parse("total_return > 5%").unwrap();
        assert_eq!(all_pass(&g.check(&m)), Some(false));
        // No losing trade: profit_factor is undefined, so it cannot be told.
        let g = parse("profit_factor > 1.5").unwrap();
        let c = g.check(&m);
        assert_eq!((c[0].value, all_pass(&c)), (None, None));
        assert!(parse("no check here").unwrap().check(&m).is_empty());
    }
}
