//! `quantlab live ...`: live strategy sessions.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum LiveCmd {
    /// Start a session in an armed corridor (in the background unless --foreground). Its
    /// intents wait for the operator's keypress in the console's Corridors tab.
    Start(Box<LiveStartArgs>),
    /// Sessions, oldest first (a session whose process died is marked aborted here).
    List,
    /// One session: status, position (the venue's), desired position, last signal, pending intent.
    Status { id: String },
    /// Pause a running session after its current bar: it makes no intent until resumed.
    Pause { id: String },
    /// Continue a paused session (its corridor armed again), or an aborted one.
    Resume {
        id: String,
        /// Run in this process instead of the background.
        #[arg(long)]
        foreground: bool,
    },
    /// Stop a session after its current bar.
    Stop { id: String },
    /// The portfolio across live sessions: each one's exposure and PnL today (unknown where a
    /// session's is), the sums, and the policy's [portfolio] limits.
    Portfolio,
    /// The session runner itself (what `start` and `resume` launch in the background).
    #[command(hide = true)]
    Run { id: String },
}

#[derive(Debug, Args)]
pub struct LiveStartArgs {
    #[arg(long)]
    pub strategy: String,
    /// Strategy parameter, name=value (repeatable).
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// live:VENUE[/ACCOUNT]:SYMBOL@TIMEFRAME (the paper sessions' live feed); or
    /// replay:DATA[@SPEED] with --venue fake, a rehearsal on the in-process venue.
    #[arg(long)]
    pub feed: String,
    /// The corridor's venue, when not the feed's.
    #[arg(long)]
    pub venue: Option<String>,
    /// The corridor's account, when not the feed's.
    #[arg(long)]
    pub account: Option<String>,
    /// The venue's order symbol, when not the feed's.
    #[arg(long)]
    pub symbol: Option<String>,
    /// fraction:F of the account's equity, notional:N in the quote currency, or risk:PCT of
    /// equity on a stop --stop-atr ATRs away.
    #[arg(long)]
    pub sizing: String,
    /// Risk sizing's stop distance, in ATRs.
    #[arg(long, value_name = "MULT")]
    pub stop_atr: Option<String>,
    /// Risk sizing's ATR period (default 14).
    #[arg(long, value_name = "BARS")]
    pub atr_period: Option<usize>,
    /// How long an intent waits for the keypress (default one bar), never longer than the
    /// policy's approval_ttl_secs.
    #[arg(long, value_name = "DURATION")]
    pub intent_ttl: Option<String>,
    /// Trade short targets too (default: long or flat).
    #[arg(long)]
    pub allow_short: bool,
    /// The shadow paper session's fee, basis points per fill (the venue's fee, to compare like
    /// for like; default 0).
    #[arg(long)]
    pub fee_bps: Option<f64>,
    /// The shadow paper session's slippage, basis points (default 0).
    #[arg(long)]
    pub slippage_bps: Option<f64>,
    /// Session name (default live_<strategy>_<symbol>_<UTC stamp>); unique.
    #[arg(long)]
    pub name: Option<String>,
    /// The promotion board's candidate the session trades (`quantlab promote board`); it must
    /// be the one the strategy, parameters, market and timeframe make. Derived when absent.
    #[arg(long)]
    pub candidate: Option<String>,
    /// Run in this process until the session ends (for service managers and tests).
    #[arg(long)]
    pub foreground: bool,
}
