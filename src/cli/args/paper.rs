//! `quantlab paper ...`: the paper-session commands.

use clap::{Args, Subcommand};

use super::BacktestArgs;

#[derive(Debug, Subcommand)]
pub enum PaperCmd {
    /// Start a session (in the background unless --foreground).
    Start(Box<PaperStartArgs>),
    /// Sessions, newest first (a session whose process died is marked aborted here).
    List,
    /// One session: status, reason, equity, position, last bar.
    Status { id: String },
    /// Pause a running session after its current bar.
    Pause { id: String },
    /// Continue a paused session, or an aborted one from its last persisted bar.
    Resume {
        id: String,
        /// Run in this process instead of the background.
        #[arg(long)]
        foreground: bool,
    },
    /// Stop a session; it writes its artifacts and ends as stopped.
    Stop { id: String },
    /// The session runner itself (what `start` and `resume` launch in the background).
    #[command(hide = true)]
    Run { id: String },
}

#[derive(Debug, Args)]
pub struct PaperStartArgs {
    #[arg(long)]
    pub strategy: String,
    /// Strategy parameter, name=value (repeatable).
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// replay:DATA[@SPEED] (SPEED max, the default, or a multiple of real time such as 60x), or
    /// live:VENUE[/ACCOUNT]:SYMBOL@TIMEFRAME for a venue's market data (see venues.toml).
    #[arg(long)]
    pub feed: String,
    #[command(flatten)]
    pub bt: BacktestArgs,
    /// Pause the session when equity falls this percent below its peak.
    #[arg(long)]
    pub max_drawdown: Option<f64>,
    /// Session name (default paper_<strategy>_<symbol>_<UTC stamp>); unique.
    #[arg(long)]
    pub name: Option<String>,
    /// Append each change of target position to FILE as a JSON line.
    #[arg(long, value_name = "FILE")]
    pub signal_out: Option<String>,
    /// Run in this process until the session ends (for service managers and tests).
    #[arg(long)]
    pub foreground: bool,
}
