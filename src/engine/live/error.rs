//! What starting, steering or running a live strategy session can fail on. The exit-code kind
//! of each is in `engine/error_kinds.rs`.

use rust_decimal::Decimal;

use crate::engine::execution::CorridorId;

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// `--sizing` is not `fraction:F`, `notional:N` or `risk:PCT` (`why`: what is wrong).
    #[error(
        "--sizing: '{value}' {why}; use fraction:F (0 < F <= 1), notional:N or risk:PCT with --stop-atr"
    )]
    Sizing { value: String, why: &'static str },
    #[error("--stop-atr: {0}")]
    StopAtr(&'static str),
    /// A feed a live session cannot trade from.
    #[error("--feed: {0}")]
    Feed(String),
    #[error("{flag}: {value} must be in [0, 1000)")]
    Costs { flag: &'static str, value: f64 },
    #[error("--intent-ttl: '{0}' is not a duration like 30s, 10m or 1h")]
    IntentTtl(String),
    /// The corridor has no `[[corridor]]` in the policy: nothing could be approved in it.
    #[error("policy: no [[corridor]] for {0}; a live session trades only in a corridor the policy allows")]
    NoPolicy(CorridorId),
    /// The policy does not list the symbol for the corridor.
    #[error("policy: {symbol} is not among {corridor}'s symbols")]
    SymbolNotAllowed { corridor: CorridorId, symbol: String },
    /// A live venue's corridor that is not armed now (`state`: what it reads).
    #[error("corridor_armed: corridor {corridor} is {state}: `quantlab corridor arm` (or a in the Corridors tab) first")]
    NotArmed { corridor: CorridorId, state: &'static str },
    #[error("corridor_armed: corridor {corridor} is halted ({why}): `quantlab rearm` lifts the halt first")]
    Halted { corridor: CorridorId, why: String },
    /// Another live session already trades this symbol in this corridor.
    #[error("live session {other} already trades {symbol} in {corridor}; stop it first")]
    SymbolTaken { other: String, symbol: String, corridor: CorridorId },
    /// The venue gave no mark, or no equity to size from: unknown, never guessed.
    #[error("--sizing: {0}")]
    Unknown(String),
    /// The sizing rounds to nothing at the venue's lot and minimums.
    #[error("{0}")]
    SizesToZero(Box<ZeroSized>),
    #[error("--name: a live session '{0}' exists")]
    NameTaken(String),
    #[error("no live session '{0}'")]
    NoSession(String),
    #[error("live session {id} is {status}: only a running session can be paused")]
    NotPausable { id: String, status: &'static str },
    #[error("live session {id} is {status}: only a paused or aborted session can be resumed")]
    NotResumable { id: String, status: &'static str },
    #[error("live session {id} already ended ({status})")]
    AlreadyEnded { id: String, status: &'static str },
    #[error("live session {id} is {status}; it cannot run again")]
    CannotRunAgain { id: String, status: &'static str },
    #[error("live session {0} is already running in another process")]
    AlreadyRunning(String),
    #[error("live session {id}: cannot lock its runner file: {source}")]
    Lock { id: String, source: std::io::Error },
    #[error("cannot start the session's runner: {source}")]
    Spawn { source: std::io::Error },
    #[error("live session {id}: its runner did not start within {secs} s")]
    NotTaken { id: String, secs: u64 },
    /// The policy's `[portfolio] max_live_sessions` is reached (`live`: the sessions counted).
    #[error(
        "portfolio.max_live_sessions: {} live session(s) already ({}), the policy allows {max}; stop one first",
        live.len(),
        live.join(", ")
    )]
    PortfolioSessions { max: usize, live: Vec<String> },
    /// The live sessions lost the policy's `[portfolio] daily_loss_limit` today: nothing goes
    /// live again before the next UTC day.
    #[error(
        "portfolio.daily_loss_limit: the live sessions lost {pnl_today} today {day} (limit {limit}, hit at {at}); \
         no session starts or resumes before the next UTC day"
    )]
    PortfolioLoss { day: String, limit: Decimal, pnl_today: String, at: String },
    /// The strategy gave a wrong number of targets, or panicked.
    #[error("strategy failed at bar {bar}: {why}")]
    Strategy { bar: usize, why: String },
}

/// A sizing that rounds to nothing, with the venue's rules it met.
#[derive(Debug, thiserror::Error)]
#[error(
    "--sizing: {sizing} at mark {mark} is {raw} {symbol}, which rounds to 0 (lot {lot}, minimum {min_quantity}, \
     minimum value {min_notional})"
)]
pub struct ZeroSized {
    pub sizing: String,
    pub mark: Decimal,
    pub raw: Decimal,
    pub symbol: String,
    pub lot: Decimal,
    pub min_quantity: Decimal,
    pub min_notional: Decimal,
}
