//! What a trade plan can be refused for, by the field the operator has to fix, and why a plan
//! cannot become an intent. The exit-code kind of each is in `engine/error_kinds.rs`.

use rust_decimal::Decimal;

#[derive(Debug, thiserror::Error)]
pub enum PretradeError {
    /// One input of the plan; `field` is its flag without the dashes (`stop`, `risk-cash`).
    #[error("--{field}: {problem}")]
    Field { field: &'static str, problem: PlanProblem },
    #[error("no pre-trade plan '{0}'")]
    NoPlan(String),
    #[error("'{id}' matches {count} plans; give more of the id")]
    Ambiguous { id: String, count: usize },
    /// A plan the policy rejected; `failed` names the checks that did not pass.
    #[error("plan {id} was rejected by the policy ({}); no intent made", failed.join(", "))]
    Rejected { id: String, failed: Vec<String> },
    #[error("plan {0} sizes to zero; no intent made")]
    SizesToZero(String),
    /// A value the operator did not give and the corridor's venue could not tell; `kind`
    /// says whose problem that is (a setup to fix, or the venue).
    #[error("--{field}: not given, and {corridor} could not tell {what}: {why}; give --{field}")]
    Unread {
        field: &'static str,
        what: &'static str,
        corridor: String,
        why: String,
        kind: crate::engine::error::ErrorKind,
    },
}

impl PretradeError {
    pub fn field(field: &'static str, problem: PlanProblem) -> Self {
        PretradeError::Field { field, problem }
    }
}

/// What is wrong with one field of a plan.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanProblem {
    /// The field was not given and cannot be looked up; says what to give.
    #[error("give {0}")]
    Give(&'static str),
    #[error("must be positive, got {0}")]
    NotPositive(Decimal),
    #[error("must not be negative, got {0}")]
    Negative(Decimal),
    #[error("equals the entry: zero distance gives no size")]
    StopAtEntry,
    /// A stop on the wrong side of the entry (`long`: the plan buys).
    #[error("{stop} is {} the entry {entry} of a {}", if *long { "above" } else { "below" }, side(*long))]
    StopPastEntry { stop: Decimal, entry: Decimal, long: bool },
    #[error("at most three targets")]
    TooManyTargets,
    #[error("price must be positive, got {0}")]
    TargetPrice(Decimal),
    /// A target on the losing side of the entry.
    #[error("{price} is behind the entry {entry} of a {}", side(*long))]
    TargetBehind { price: Decimal, entry: Decimal, long: bool },
    #[error("share must be positive, got {0}%")]
    Share(Decimal),
    #[error("shares add up to {0}%, more than the position")]
    SharesOver(Decimal),
    /// A `--target` that is not `PRICE:SHARE_PCT` (as given).
    #[error("'{0}' is not PRICE:SHARE_PCT, e.g. 110:50")]
    TargetForm(String),
    #[error("must be in (0, 100], got {0}")]
    RiskPct(Decimal),
    #[error("{cash} is more than the equity {equity}")]
    RiskOverEquity { cash: Decimal, equity: Decimal },
    #[error("spot plans take no leverage (use --perp)")]
    SpotLeverage,
    #[error("a perpetual plan needs its leverage")]
    PerpNeedsLeverage,
    #[error("must be at least 1, got {0}")]
    LeverageBelowOne(Decimal),
    #[error("must be in [0, 1), got {0}")]
    Mmr(Decimal),
    #[error("{price} is not a multiple of the tick size {tick}")]
    OffTick { price: Decimal, tick: Decimal },
    #[error("{0} is more than 18")]
    SizeDecimals(u32),
    /// A price the venue refuses: not an integer and more significant figures than it takes.
    #[error("{price} has more than {max} significant figures and is not an integer")]
    SigFigs { price: Decimal, max: u32 },
}

fn side(long: bool) -> &'static str {
    if long {
        "long"
    } else {
        "short"
    }
}
