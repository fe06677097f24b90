//! What the execution policy file (`execution_policy.toml`) can be refused for: bytes that are
//! not text, a schema this build does not read, a corridor defined twice, or one field of a
//! corridor out of its bounds. All are the operator's input (exit 2, `engine/error_kinds.rs`);
//! TOML syntax errors are [`crate::engine::config::TomlError`].

use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::engine::error::Error;

#[derive(Debug, Clone, thiserror::Error)]
pub enum PolicyError {
    #[error("{}: the execution policy is not UTF-8", .0.display())]
    NotUtf8(PathBuf),
    #[error("{}: schema_version {version} is not supported (this build reads 1)", path.display())]
    Schema { path: PathBuf, version: u32 },
    #[error("{}: corridor {venue}/{account} is defined twice", path.display())]
    Twice { path: PathBuf, venue: String, account: String },
    /// A corridor (`at`: the file and which corridor) whose venue and account do not make a
    /// corridor id; `source` says why.
    #[error("{at}: {source}")]
    Corridor { at: String, source: Error },
    /// One field of a corridor (`at`: the file and which corridor).
    #[error("{at}.{field}: {problem}")]
    Field { at: String, field: &'static str, problem: PolicyProblem },
}

/// What is wrong with one field of a corridor's policy.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyProblem {
    #[error("list at least one symbol")]
    NoSymbols,
    #[error("list at least one order type")]
    NoOrderTypes,
    #[error("must be positive, got {0}")]
    NotPositive(Decimal),
    #[error("must be at least 1")]
    BelowOne,
    #[error("must be between 1 and 600 seconds")]
    ApprovalTtl,
    #[error("must be between 1 and 604800 seconds (seven days)")]
    IntentTtl,
    #[error("must be between 30 and 3600 seconds (the console renews every 10 s)")]
    DeadMan,
    #[error("max_failures and window_minutes must be at least 1")]
    Breaker,
    #[error("clock skew and mark age limits must be positive")]
    Staleness,
    #[error("must be between 1 and 168 hours (one week)")]
    GrantHours,
    #[error("must be above 0 and at most 100 percent, got {0}")]
    Percent(Decimal),
}
