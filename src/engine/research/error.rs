//! What a run, a portfolio, a comparison, a runs query or a report can refuse or fail on.
//! Sweeps and walk-forwards have theirs in `sweep/error.rs`. The exit-code kind of each is in
//! `engine/error_kinds.rs`.

use std::path::PathBuf;

use super::portfolio::MAX_WEIGHT;
use super::query::TEXT_FIELDS;
use super::run::MAX_LABEL_CHARS;
use crate::engine::backtest::metrics::METRIC_NAMES;
use crate::engine::error::Error;

#[derive(Debug, thiserror::Error)]
pub enum ResearchError {
    /// A `--label` longer than [`MAX_LABEL_CHARS`] (its length in characters).
    #[error("--label is {0} characters; the most is {MAX_LABEL_CHARS}")]
    LabelTooLong(usize),
    /// The run's window holds no bars (`start`, `end` as given, or "the start"/"the end").
    #[error("no bars between {start} and {end} in {data}")]
    NoBars { start: String, end: String, data: String },
    /// A metric of the run overflowed (`NaN` or infinite).
    #[error("the run's {0} is not a finite number")]
    NonFiniteMetric(&'static str),
    /// A recorded run that failed; the failure is the source, and gives the kind.
    #[error("run {run_id} failed: {source}")]
    RunFailed { run_id: String, source: Error },
    #[error("no run '{id}' in {}", dir.display())]
    NoRun { id: String, dir: PathBuf },
    /// An id prefix that matches several runs or sweeps (`what`).
    #[error("'{id}' matches {count} {what}; give more of the id")]
    Ambiguous { id: String, count: usize, what: &'static str },
    #[error("--rebalance '{0}': use none or monthly")]
    Rebalance(String),
    #[error("--runs: a portfolio needs at least two runs")]
    TooFewRuns,
    #[error("--weights: {weights} weights for {runs} runs")]
    WeightCount { weights: usize, runs: usize },
    #[error("--weights: each weight must be between 0 and {MAX_WEIGHT:e} (1e6), not all zero; got {0:?}")]
    Weights(Vec<f64>),
    /// A run given to a portfolio that failed (its id).
    #[error("--runs: {0} did not succeed; only successful runs combine")]
    RunNotSucceeded(String),
    #[error("--runs: the runs share fewer than two bar timestamps; nothing to combine")]
    NoCommonBars,
    #[error("the portfolio's {0} is not a finite number; nothing was recorded")]
    PortfolioNonFinite(&'static str),
    #[error("compare needs at least two runs")]
    CompareTooFew,
    #[error("filter '{0}' needs an operator: = ~ > >= < <=")]
    FilterOperator(String),
    #[error("filter '{filter}': '{value}' is not a number")]
    FilterNotANumber { filter: String, value: String },
    /// A filter or sort naming a field runs do not have.
    #[error("unknown field '{0}'; fields: {fields}", fields = known_fields())]
    UnknownField(String),
    /// A report asked of a failed run (its id).
    #[error("run {0} failed; it has no results to report")]
    NoResults(String),
    #[error("the run has no equity file")]
    NoEquityFile,
    #[error("{}: corrupt equity file: {source}", path.display())]
    CorruptEquity { path: PathBuf, source: polars::error::PolarsError },
}

/// Every field a runs filter or sort can name: the text fields, then the metrics.
fn known_fields() -> String {
    format!("{}, {}", TEXT_FIELDS.join(", "), METRIC_NAMES.join(", "))
}
