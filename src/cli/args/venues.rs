//! `quantlab sim ...`, `quantlab doctor`, `quantlab order preview`: the venue commands.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SimArgs {
    #[command(subcommand)]
    pub cmd: Option<SimCmd>,
    /// The simulator's TOML config (market, accounts, book, faults).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Loopback address to listen on (port 0 picks a free one and prints it).
    #[arg(long, default_value = "127.0.0.1:8790", value_name = "ADDR")]
    pub listen: String,
}

#[derive(Debug, Subcommand)]
pub enum SimCmd {
    /// Inject a fault into a running simulator: latency MS, drop-ack [N], http-5xx [N],
    /// rate-limit [N], drop-fill-event [N], reject-order [N], clock-offset MS, ws-disconnect,
    /// clear.
    Fault {
        /// The running simulator.
        #[arg(long, default_value = "http://127.0.0.1:8790", value_name = "URL")]
        url: String,
        kind: String,
        value: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[arg(long)]
    pub venue: String,
    #[arg(long)]
    pub account: String,
}

#[derive(Debug, Subcommand)]
pub enum OrderCmd {
    /// Print the exact signed request an order would go out as (API key redacted) without
    /// sending it; --validate sends Kraken's validate-only order. Journaled as a dry run.
    Preview(PreviewArgs),
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    #[arg(long)]
    pub venue: String,
    #[arg(long)]
    pub account: String,
    /// As the venue spells it (Kraken XBTUSD, Hyperliquid BTC).
    #[arg(long)]
    pub symbol: String,
    #[arg(long)]
    pub side: String,
    #[arg(long, value_name = "QTY")]
    pub qty: String,
    /// market, limit, stop-market, stop-limit, take-profit-market, take-profit-limit
    /// (default: limit with --limit, else market).
    #[arg(long = "type", value_name = "TYPE")]
    pub order_type: Option<String>,
    #[arg(long, value_name = "PRICE")]
    pub limit: Option<String>,
    #[arg(long, value_name = "PRICE")]
    pub trigger: Option<String>,
    /// gtc, ioc, fok or post-only (alias alo; limit orders only).
    #[arg(long, default_value = "gtc")]
    pub tif: String,
    #[arg(long)]
    pub reduce_only: bool,
    #[command(flatten)]
    pub exits: super::ExitArgs,
    /// Ask the venue to validate it (Kraken validate=true); nothing is placed.
    #[arg(long)]
    pub validate: bool,
}

#[derive(Debug, Subcommand)]
pub enum CorridorCmd {
    /// Every corridor with its state (disarmed, armed, halted), lease and counts.
    List,
    /// Check venue status, clock skew and credentials, reconcile, set the venue's dead-man
    /// timer, and arm. Any failure leaves it disarmed (a mismatch halts it) and says why.
    Arm {
        #[arg(long)]
        venue: String,
        #[arg(long)]
        account: String,
    },
    /// Stop sending; the venue's dead-man timer runs out and cancels open orders unless
    /// --keep-orders clears it.
    Disarm {
        #[arg(long)]
        venue: String,
        #[arg(long)]
        account: String,
        #[arg(long)]
        keep_orders: bool,
    },
    /// State, connection, balances, positions, open orders, recent fills and pending intents
    /// with their preflight.
    Status {
        #[arg(long)]
        venue: String,
        #[arg(long)]
        account: String,
    },
    /// Renew the dead-man timer of an armed corridor once (the console does this while it runs).
    KeepAlive {
        #[arg(long)]
        venue: String,
        #[arg(long)]
        account: String,
    },
}
