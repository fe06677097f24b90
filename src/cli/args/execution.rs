//! `quantlab policy|intent|journal|secrets|promote ...`: the execution boundary's commands.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum PolicyCmd {
    /// Write an example policy (for the fake venue) to <workspace>/execution_policy.toml.
    Init,
    /// Validate and print the policy with its fingerprint.
    Show,
}

#[derive(Debug, Subcommand)]
pub enum IntentCmd {
    /// Record a new intent (no venue is involved).
    New(Box<IntentNewArgs>),
    /// List intents, newest first.
    List {
        #[arg(long)]
        venue: Option<String>,
        #[arg(long, requires = "venue")]
        account: Option<String>,
        /// pending, approved, submitting, waiting, uncertain, open, partially_filled, filled, cancelled,
        /// rejected.
        #[arg(long)]
        status: Option<String>,
    },
    /// One intent with its status.
    Show { id: String },
    /// Withdraw an intent, or cancel it at the venue if it rests there.
    Cancel {
        id: String,
        #[arg(long, default_value = "cancelled by the operator")]
        reason: String,
    },
    /// Approve without the keypress, only inside a live grant of automation that covers the
    /// intent (a live session's, of the grant's candidate, within every limit); otherwise
    /// refused (exit 3) naming the limit, and it waits for the console's confirm key.
    Approve { id: String },
}

#[derive(Debug, Args)]
pub struct IntentNewArgs {
    #[arg(long)]
    pub venue: String,
    #[arg(long)]
    pub account: String,
    /// As the venue spells it, e.g. BTC/USD.
    #[arg(long)]
    pub symbol: String,
    /// buy or sell.
    #[arg(long)]
    pub side: String,
    /// Quantity in base units (a decimal, e.g. 0.01).
    #[arg(long, allow_hyphen_values = true)]
    pub qty: String,
    /// market, limit, stop-market, stop-limit, take-profit-market or take-profit-limit.
    #[arg(long = "type", default_value = "limit")]
    pub order_type: String,
    /// Limit price (limit, stop-limit and take-profit-limit).
    #[arg(long, allow_hyphen_values = true)]
    pub price: Option<String>,
    /// Trigger price (stop-* and take-profit-*; a take-profit triggers in the order's favour:
    /// a sell at or above it, a buy at or below).
    #[arg(long, allow_hyphen_values = true)]
    pub trigger: Option<String>,
    /// gtc, ioc, fok or post-only (alias alo; limit orders only, refused rather than take).
    #[arg(long, default_value = "gtc")]
    pub tif: String,
    #[arg(long)]
    pub reduce_only: bool,
    #[command(flatten)]
    pub exits: ExitArgs,
    /// Life of the intent, e.g. 30s, 10m, 1h (default 1h).
    #[arg(long)]
    pub expires: Option<String>,
    /// operator, plan, strategy or automation.
    #[arg(long, default_value = "operator")]
    pub source: String,
    #[arg(long)]
    pub note: Option<String>,
}

/// Exits attached to an entry (`intent new`, `order preview`).
#[derive(Debug, Args)]
pub struct ExitArgs {
    /// Attach a take-profit at this trigger price: the venue holds it until the entry fills,
    /// then it closes the fill at market once triggered.
    #[arg(long, value_name = "PRICE")]
    pub take_profit: Option<String>,
    /// Attach a stop-loss at this trigger price, as --take-profit (Kraken takes one of the two).
    #[arg(long, value_name = "PRICE")]
    pub stop_loss: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum JournalCmd {
    /// Print a corridor's journal entries.
    Show {
        #[arg(long)]
        venue: String,
        #[arg(long)]
        account: String,
        /// Only the last N entries.
        #[arg(long)]
        tail: Option<usize>,
    },
    /// Verify hash chains (every corridor without --venue); exit 3 if one is broken.
    Verify {
        #[arg(long)]
        venue: Option<String>,
        #[arg(long, requires = "venue")]
        account: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SecretsCmd {
    /// Store a venue credential, read from stdin without echo.
    Set {
        venue: String,
        #[arg(long)]
        account: String,
    },
    /// Names of the stored credentials (never values).
    List,
    /// Remove a credential.
    Delete {
        venue: String,
        #[arg(long)]
        account: String,
    },
    /// Make and trust a new operator signing key when the keyring lost the one this workspace
    /// trusts (a keyring emptied by a reboot); the old key stays trusted. Refused while the
    /// keyring holds a key.
    NewOperatorKey,
}

#[derive(Debug, Subcommand)]
pub enum PromoteCmd {
    /// Evaluate the promotion checklist and write a report; exit 3 if it does not pass.
    Check {
        #[arg(long)]
        venue: String,
        #[arg(long)]
        account: String,
    },
    /// The promotion board: every candidate's stage, the next one and the gate to it, line by
    /// line with the artifacts each read (gates from promotion_gates.toml).
    Board {
        /// Only candidates at this stage: research, paper, micro_live, supervised_live, automation.
        #[arg(long)]
        stage: Option<String>,
    },
    /// One candidate: its stage in every scope, each gate's lines, its decisions.
    Show { candidate: String },
    /// Refused from scripts (exit 3): a promotion is the operator's typed confirmation in the
    /// console's Promotion tab.
    Advance {
        candidate: String,
        /// The corridor of a live stage.
        #[arg(long)]
        venue: Option<String>,
        #[arg(long, requires = "venue")]
        account: Option<String>,
    },
}
