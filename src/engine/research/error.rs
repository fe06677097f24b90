//! What a run, a portfolio, a comparison, a runs query or a report can refuse or fail on.
//! Sweeps and walk-forwards have theirs in `sweep/error.rs`. The exit-code kind of each is in
//! `engine/error_kinds.rs`.

use std::path::PathBuf;

use crate::engine::error::Error;

#[derive(Debug, thiserror::Error)]
pub enum ResearchError {
    /// A `--label` of `chars` characters, more than `max`.
    #[error("--label is {chars} characters; the most is {max}")]
    LabelTooLong { chars: usize, max: usize },
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
    /// Weights that are negative, over `max`, not finite or all zero.
    #[error("--weights: each weight must be between 0 and {max:e} (1e6), not all zero; got {weights:?}")]
    Weights { weights: Vec<f64>, max: f64 },
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
    /// A filter or sort naming a field runs do not have; `fields` lists those they have.
    #[error("unknown field '{field}'; fields: {fields}")]
    UnknownField { field: String, fields: String },
    /// A report asked of a failed run (its id).
    #[error("run {0} failed; it has no results to report")]
    NoResults(String),
    #[error("the run has no equity file")]
    NoEquityFile,
    #[error("{}: corrupt equity file: {source}", path.display())]
    CorruptEquity { path: PathBuf, source: polars::error::PolarsError },
}
