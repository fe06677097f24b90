//! What starting, running or steering a paper session can refuse or fail on. The exit-code
//! kind of each is in `engine/error_kinds.rs`.

use crate::engine::error::Error;
use crate::engine::execution::model::VenueError;

#[derive(Debug, thiserror::Error)]
pub enum PaperError {
    /// A `--feed` that is neither `replay:` nor `live:`.
    #[error("--feed: '{0}' is not a feed; use replay:DATA[@SPEED] or live:VENUE[/ACCOUNT]:SYMBOL@TIMEFRAME")]
    NotAFeed(String),
    #[error("--feed: replay: needs a dataset, e.g. replay:BTCUSD:1h@60")]
    ReplayNeedsData,
    #[error("--feed: speed '{0}' is not max or a positive multiple")]
    Speed(String),
    #[error("--feed: '{0}' is not a live feed; use live:VENUE[/ACCOUNT]:SYMBOL@TIMEFRAME, e.g. live:kraken:XBTUSD@1m")]
    NotALiveFeed(String),
    /// The venue or timeframe of a live feed, refused by its own parser (the source).
    #[error("--feed: {}", source.message.trim_start_matches("--venue: "))]
    FeedPart { source: Error },
    #[error("--feed: the fake venue has no market feed; use replay:DATA")]
    FakeVenueFeed,
    #[error("--feed: '{0}' is not a Kraken pair (use its altname, e.g. XBTUSD)")]
    NotAKrakenPair(String),
    #[error("--feed: '{0}' is not a Hyperliquid perp (e.g. BTC)")]
    NotAHyperliquidPerp(String),
    /// The venue could not be reached or answered with an error while the feed was set up.
    #[error("{source}")]
    FeedVenue { source: VenueError },
    /// A Hyperliquid reply (`meta`, `candleSnapshot`) that was not JSON.
    #[error("{0}: reply is not JSON")]
    NotJson(&'static str),
    /// The replay window from `--start` is empty (`from` as read, RFC 3339).
    #[error("--start: no bars of {symbol} at or after {from}")]
    NoBarsFrom { symbol: String, from: String },
    /// A snapshot that resumes past the end of its data.
    #[error("resume at bar {at} but the data has {bars}")]
    ResumePastEnd { at: usize, bars: usize },
    #[error("--end: a paper session runs until its feed ends or it is stopped")]
    EndGiven,
    #[error("--start: a live feed starts now; --start is for replays")]
    LiveWithStart,
    #[error("--max-drawdown: {0} is not a percent in (0, 100)")]
    MaxDrawdown(f64),
    #[error("--name: '{0}' is not a session name (letters, digits, _ - .)")]
    BadName(String),
    #[error("--name: a paper session '{0}' exists; names are unique")]
    NameTaken(String),
    #[error("cannot read the current directory: {source}")]
    NoCurrentDir { source: std::io::Error },
    /// A `--signal-out` file whose folder does not exist (the path as given).
    #[error("--signal-out: the folder of {0} does not exist")]
    SignalOutFolder(String),
    #[error("no paper session '{0}'")]
    NoSession(String),
    /// A session that has ended (`status`, its status's name) asked to run.
    #[error("paper session {id} is {status}; it cannot run again")]
    CannotRunAgain { id: String, status: &'static str },
    #[error(
        "paper session {0} runs on a live feed and has seen bars already; a live session cannot resume, start a new one"
    )]
    LiveCannotResume(String),
    /// The replayed dataset no longer hashes to the fingerprint pinned at creation.
    #[error(
        "paper session {id}: its data {data} changed since the session was created (fingerprint {was}, now {now}); start a new session"
    )]
    DataChanged { id: String, data: String, was: String, now: String },
    #[error("paper session {id} is {status}; only a running one pauses")]
    NotPausable { id: String, status: &'static str },
    #[error("paper session {id} is {status}; only a paused or aborted one resumes")]
    NotResumable { id: String, status: &'static str },
    #[error("paper session {id} is already {status}")]
    AlreadyEnded { id: String, status: &'static str },
    #[error("paper session {0} is already running in another process")]
    AlreadyRunning(String),
    #[error("cannot lock paper session {id}: {source}")]
    Lock { id: String, source: std::io::Error },
    #[error("cannot find this program: {source}")]
    NoProgram { source: std::io::Error },
    #[error("cannot start the session runner: {source}")]
    Spawn { source: std::io::Error },
    /// The runner did not take the session in time.
    #[error(
        "the runner for {id} did not start within {secs} s; see the workspace logs, then `quantlab paper resume {id}`"
    )]
    NotTaken { id: String, secs: u64 },
    /// The strategy answered with a series of the wrong length.
    #[error("the strategy gave {targets} targets for {bars} bars")]
    StrategyTargets { targets: usize, bars: usize },
    /// The strategy panicked on bar `bar` (time `at`), saying `why`.
    #[error("the strategy failed on bar {bar} ({at}): {why}")]
    StrategyPanicked { bar: usize, at: String, why: String },
}

impl PaperError {
    /// The strategy, not the session's machinery, failed (raised as its own alert).
    pub fn is_strategy(&self) -> bool {
        matches!(self, PaperError::StrategyTargets { .. } | PaperError::StrategyPanicked { .. })
    }
}
