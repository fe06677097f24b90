//! What can be wrong with a signal's text fields, the research rules, or a sweep plan built
//! from them. The exit-code kind of each is in `engine/error_kinds.rs`.

use crate::engine::error::Error;

/// A refused horizon, goal, rules file or sweep plan.
#[derive(Debug, thiserror::Error)]
pub enum SignalError {
    /// A horizon that is not a count and a unit.
    #[error(
        "'{0}' is not a horizon: use a count from 1 to 10000 and a unit h (hours), d (days), \
         w (weeks), m (months) or y (years), e.g. 5d or 3m"
    )]
    Horizon(String),
    /// An empty validation goal or invalidation condition.
    #[error("must not be empty")]
    EmptyGoal,
    /// A goal term with a comparison character that is not `metric op value`.
    #[error("'{term}' in '{whole}' is not a threshold: use metric > value, >=, < or <= (e.g. sharpe > 1)")]
    NotAThreshold { term: String, whole: String },
    /// A goal naming a metric that does not exist (`valid` lists those that do).
    #[error("unknown metric '{metric}' in '{whole}'; valid: {valid}")]
    UnknownMetric { metric: String, whole: String, valid: String },
    /// A goal threshold that is not a finite number.
    #[error("'{raw}' in '{whole}' is not a number")]
    NotANumber { raw: String, whole: String },
    /// A rules file that is not valid TOML (the TOML error names the line).
    #[error("{file}: {}", source.to_string().trim_end())]
    RulesSyntax { file: String, source: toml::de::Error },
    /// A rules key with a value that cannot be used.
    #[error("{file}: {key}: {problem}")]
    Rules { file: String, key: String, problem: String },
    /// A rules strategy with no grid to sweep.
    #[error("{strategy} needs a grid over at least one of its parameters")]
    NoGrid { strategy: String },
    /// A strategy, grid (`part` "grid") or constraint (`part` "constraints") of a rules sweep
    /// that the research layer refuses; the research error is the source.
    #[error("{}", rule_problem(part, source))]
    RuleSweep { part: Option<&'static str>, source: Error },
    /// A suggested sweep the research layer refuses (strategy, grid or constraint).
    #[error("{source}")]
    Suggested { source: Error },
    /// A suggestion with no ranges when the rules have none either.
    #[error("no ranges given and none in the rules")]
    NoRanges,
    #[error("cannot read signals from stdin: {source}")]
    Stdin { source: std::io::Error },
    #[error("signal file {0} does not exist")]
    FileMissing(String),
    /// A signal file that is there but cannot be read (permissions, a directory, not UTF-8).
    #[error("cannot read signal file {file}: {source}")]
    FileUnreadable { file: String, source: std::io::Error },
    /// An intake input with nothing in it (`input` names it: a file, or `-`).
    #[error("{input}: no signal in it (empty input)")]
    EmptyInput { input: String },
    /// An intake input that is neither a JSON document nor JSON lines.
    #[error("{input}: not valid JSON: {json}")]
    NotJson { input: String, json: serde_json::Error },
    /// An intake input that is an empty array.
    #[error("{input}: holds no signal documents (an empty array)")]
    NoDocuments { input: String },
    /// No document of an intake was taken in: the first failure's message, and how many more.
    #[error("{first}{}", if *more > 0 { format!(" (and {more} more)") } else { String::new() })]
    NoneTakenIn { first: String, more: usize },
    /// A `--status` filter that names no decision or verdict (`valid` lists those that do).
    #[error("--status: unknown status '{status}'; valid: {valid}")]
    UnknownStatus { status: String, valid: String },
    #[error("no signal '{0}' (quantlab signals list shows them)")]
    NoSignal(String),
    #[error("'{id}' matches {count} signals; give more of the id")]
    Ambiguous { id: String, count: usize },
    /// A signal triaged other than `test` (`decision`), asked to be researched.
    #[error("signal {id} is {decision}: {reason}; only `test` signals are researched")]
    NotForResearch { id: String, decision: &'static str, reason: String },
    /// A suggested sweep larger than the rules allow.
    #[error("{n} combinations, over research.max_combinations ({max})")]
    TooManyCombinations { n: usize, max: usize },
}

/// The research error's text without the CLI flag it names (a rules file has no flags).
fn rule_problem(part: &Option<&'static str>, source: &Error) -> String {
    let m = source.message.as_str();
    match part {
        None => m.trim_start_matches("--strategy: ").to_string(),
        Some("grid") => format!("grid: {}", m.trim_start_matches("--grid: ")),
        Some(p) => format!("{p}: {}", m.trim_start_matches("--constraint: ")),
    }
}
