//! What an order's input can be refused for, by the flag the caller has to fix: a venue,
//! account, side, type, time in force, price, quantity, expiry or attached exit, checked on its
//! own (no policy, no venue). Every one is the caller's input (exit 2, `engine/error_kinds.rs`).

use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{flag}: {problem}")]
pub struct OrderError {
    /// The flag or field as the caller named it (`--price`, `--take-profit/--stop-loss`).
    pub flag: String,
    pub problem: OrderProblem,
}

impl OrderError {
    pub fn new(flag: impl Into<String>, problem: OrderProblem) -> Self {
        OrderError { flag: flag.into(), problem }
    }
}

/// What is wrong with one flag of an order.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OrderProblem {
    #[error("unknown venue '{0}'; known: kraken, hyperliquid, fake")]
    UnknownVenue(String),
    #[error("'{0}' is not an account name (letters, digits, - and _, at most 64)")]
    NotAnAccount(String),
    #[error("'{0}' is not buy or sell")]
    NotASide(String),
    #[error(
        "'{0}' is not an order type; known: market, limit, stop-market, stop-limit, take-profit-market, \
         take-profit-limit"
    )]
    NotAnOrderType(String),
    #[error("'{0}' is not gtc, ioc, fok or post-only")]
    NotATimeInForce(String),
    #[error("'{0}' is not operator, plan, strategy or automation")]
    NotASource(String),
    /// `known`: the statuses there are, comma-separated.
    #[error("'{given}' is not an intent status; known: {known}")]
    NotAStatus { given: String, known: String },
    #[error("'{0}' is not a decimal number")]
    NotADecimal(String),
    #[error("'{0}' has more digits than a decimal keeps exactly (28 significant digits)")]
    TooManyDigits(String),
    #[error("'{0}' is not a symbol")]
    NotASymbol(String),
    #[error("must be positive, got {0}")]
    NotPositive(Decimal),
    /// The order type (by name) needs a price it was not given, or takes none and was given one.
    #[error("a {0} order needs a limit price")]
    NeedsLimitPrice(&'static str),
    #[error("a {0} order takes no limit price")]
    TakesNoLimitPrice(&'static str),
    #[error("a {0} order needs a trigger price")]
    NeedsTriggerPrice(&'static str),
    #[error("a {0} order takes no trigger price")]
    TakesNoTriggerPrice(&'static str),
    #[error("post-only is for limit orders, not {0}")]
    PostOnlyNotLimit(&'static str),
    #[error("must be a positive duration")]
    NoLife,
    /// A life (`secs`) longer than any policy allows (`most`).
    #[error("{secs}s is longer than any policy allows ({most}s)")]
    LifeOverAnyPolicy { secs: i64, most: i64 },
    /// A life (`secs`) longer than the corridor policy's `max_intent_ttl_secs`.
    #[error("{secs}s is longer than the policy's max_intent_ttl_secs ({max}s)")]
    LifeOverPolicy { secs: i64, max: i64 },
    /// A price with more decimals than `max`; `rule` says where `max` comes from.
    #[error("{price} has {decimals} decimals; {rule} allows at most {max}")]
    Decimals { price: Decimal, decimals: u32, rule: String, max: u32 },
    #[error("a reduce-only order takes no attached exits")]
    ReduceOnlyExits,
    /// An exit on the wrong side of its entry (`above`: it must be above; `side`: the entry's).
    #[error(
        "{price} must be {} the entry price {entry} for a {side} entry",
        if *above { "above" } else { "below" }
    )]
    ExitSide { price: Decimal, entry: Decimal, above: bool, side: &'static str },
    #[error(
        "Kraken attaches one conditional close to an order; give one of them (the other can be placed \
         as its own reduce order once the entry fills)"
    )]
    KrakenOneExit,
}
