//! What a strategy name, its parameters or an indicator spec can be refused for. The
//! exit-code kind of each is in `engine/error_kinds.rs`.

/// A strategy, parameter or indicator spec that cannot be used as given.
#[derive(Debug, thiserror::Error)]
pub enum StrategyError {
    /// No strategy by that name; `valid` lists those there are.
    #[error("--strategy: unknown strategy '{name}'; valid: {valid}")]
    UnknownStrategy { name: String, valid: String },
    /// A `--param` the strategy does not declare; `valid` lists those it does ("none").
    #[error("--param: strategy {strategy} has no parameter '{param}'; valid: {valid}")]
    UnknownParam { strategy: String, param: String, valid: String },
    #[error("{strategy}: parameter {param}='{raw}' is not a number")]
    ParamNotANumber { strategy: String, param: String, raw: String },
    /// Not finite, or not whole for a whole-number parameter (`whole`).
    #[error("{strategy}: parameter {param}={raw} must be a {}", if *whole { "whole number" } else { "finite number" })]
    ParamKind { strategy: String, param: String, raw: String, whole: bool },
    #[error("{strategy}: parameter {param}={raw} is out of range [{min}, {max}]")]
    ParamRange { strategy: String, param: String, raw: String, min: f64, max: f64 },
    /// Two periods in the wrong order (a fast average that is not faster than the slow one).
    #[error("{strategy}: {fast} ({fast_value}) must be less than {slow} ({slow_value})")]
    ParamOrder { strategy: String, fast: &'static str, fast_value: f64, slow: &'static str, slow_value: f64 },
    /// A `--param` that is not `name=value`.
    #[error("--param '{0}' must look like name=value")]
    ParamPair(String),
    #[error("--param {0} is given twice")]
    ParamTwice(String),
    /// An indicator spec (`rsi:14`) that does not parse; `valid` lists the forms there are.
    #[error("invalid indicator spec '{spec}': {problem}; valid specs: {valid}")]
    Indicator { spec: String, problem: IndicatorProblem, valid: String },
    #[error("give at least one --indicator (e.g. rsi:14)")]
    NoIndicator,
}

/// What is wrong with an indicator spec.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IndicatorProblem {
    #[error("unknown indicator '{0}'")]
    Unknown(String),
    #[error("'{0}' is not a number")]
    NotANumber(String),
    #[error("{indicator} takes at most {most} argument(s) ({params}), got {given}")]
    TooManyArgs { indicator: &'static str, most: usize, params: String, given: usize },
    #[error("k must be a positive number, got {0}")]
    K(f64),
    /// A period outside 1..=`max` bars, or not whole.
    #[error("{param} must be a whole number of bars from 1 to {max}, got {value}")]
    Period { param: &'static str, value: f64, max: f64 },
    #[error("fast period {fast} must be shorter than slow period {slow}")]
    MacdOrder { fast: f64, slow: f64 },
}
