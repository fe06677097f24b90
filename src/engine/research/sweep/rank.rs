//! Objectives and ranking: which combination is best.

use super::error::SweepError;
use crate::engine::backtest::metrics::{Metrics, METRIC_NAMES};
use crate::engine::error::Result;

/// Metrics where a smaller value is better.
const LOWER_IS_BETTER: [&str; 4] =
    ["max_drawdown", "max_drawdown_duration_bars", "max_drawdown_duration_days", "volatility_ann"];

/// Objectives that make no sense to optimize (counts and bookkeeping).
const NOT_OBJECTIVES: [&str; 6] = ["bars", "start_ts", "end_ts", "initial_cash", "open_trades", "total_fees"];

pub fn check_objective(name: &str) -> Result<()> {
    if METRIC_NAMES.contains(&name) && !NOT_OBJECTIVES.contains(&name) {
        return Ok(());
    }
    let valid: Vec<&str> = METRIC_NAMES.iter().copied().filter(|m| !NOT_OBJECTIVES.contains(m)).collect();
    Err(SweepError::UnknownObjective { name: name.into(), valid: valid.join(", ") }.into())
}

/// A score where larger is always better, or None when the metric is undefined.
pub fn score(objective: &str, m: Option<&Metrics>) -> Option<f64> {
    let v = m?.get(objective)?;
    if !v.is_finite() {
        return None;
    }
    Some(if LOWER_IS_BETTER.contains(&objective) { -v } else { v })
}

/// Ranks (1 = best) for items with scores; undefined scores rank last; ties go to the lower
/// index, so ranking is deterministic whatever order the workers finished in.
pub fn ranks(scores: &[(usize, Option<f64>)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| {
        let (ia, sa) = scores[a];
        let (ib, sb) = scores[b];
        match (sa, sb) {
            (Some(x), Some(y)) => y.total_cmp(&x).then(ia.cmp(&ib)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => ia.cmp(&ib),
        }
    });
    let mut out = vec![0; scores.len()];
    for (rank, &i) in order.iter().enumerate() {
        out[i] = rank + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_are_deterministic_with_ties_and_missing() {
        let r = ranks(&[(0, Some(1.0)), (1, None), (2, Some(3.0)), (3, Some(1.0))]);
        assert_eq!(r, vec![2, 4, 1, 3]);
    }

    #[test]
    fn objectives_are_checked() {
        assert!(check_objective("sharpe").is_ok());
        assert!(check_objective("max_drawdown").is_ok());
        let e = check_objective("shrape").unwrap_err();
        assert!(
            matches!(e.domain(), Some(SweepError::UnknownObjective { name, valid }) if name == "shrape" && valid.contains("calmar")),
            "{e:?}"
        );
        let e = check_objective("bars").unwrap_err();
        assert!(matches!(e.domain(), Some(SweepError::UnknownObjective { .. })), "{e:?}");
    }
}
