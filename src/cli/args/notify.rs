//! `quantlab notify ...`: notifications (docs/notifications.md).

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum NotifyCmd {
    /// Send a test message on one channel of notify.toml now; exit 0 only if it was delivered.
    Test { channel: String },
    /// The delivery log (notify/deliveries.jsonl), newest first.
    Log {
        /// At most N lines (default 50).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only this channel's lines.
        #[arg(long)]
        channel: Option<String>,
    },
    /// notify.toml checked: the channels (whether each secret is stored), the rules, what waits
    /// for a retry, and which process delivers now.
    Status,
    /// Today's summary so far (what the daily summary sends): PnL per live session, fills,
    /// rejects, incidents; unknown where it could not be read.
    Summary,
    /// Deliver in the foreground until interrupted (a service of its own; the console and each
    /// live session's runner deliver too, one at a time).
    Run,
    /// A channel's secret (bot token, SMTP password, bearer token) in the OS keyring.
    #[command(subcommand)]
    Secret(NotifySecretCmd),
}

#[derive(Debug, Subcommand)]
pub enum NotifySecretCmd {
    /// Store a channel's secret, read from stdin without echo.
    Set { channel: String },
    /// Remove a channel's secret.
    Delete { channel: String },
}
