//! `quantlab pretrade ...`: the trade-plan commands.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum PretradeCmd {
    /// Size and check a plan; writes it (exit 0 valid, 3 rejected by the policy).
    Plan(Box<PlanArgs>),
    /// Saved plans, newest first.
    List,
    /// One saved plan.
    Show { id: String },
    /// A draft execution intent from a valid plan (journaled as pending; never sent).
    ToIntent { id: String },
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[arg(long)]
    pub venue: String,
    #[arg(long, default_value = "main")]
    pub account: String,
    #[arg(long)]
    pub symbol: String,
    /// buy (long) or sell (short).
    #[arg(long)]
    pub side: String,
    /// Limit entry price.
    #[arg(
        long,
        allow_hyphen_values = true,
        required_unless_present = "market_ref",
        conflicts_with = "market_ref"
    )]
    pub entry: Option<String>,
    /// Enter at market; the reference price (the mark now) sizes the plan.
    #[arg(long, allow_hyphen_values = true)]
    pub market_ref: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub stop: String,
    /// PRICE:SHARE_PCT, up to three, e.g. --target 110:50 --target 120:50.
    #[arg(long, allow_hyphen_values = true)]
    pub target: Vec<String>,
    /// Account equity in the quote currency (default: what the corridor's venue reports).
    #[arg(long, allow_hyphen_values = true)]
    pub equity: Option<String>,
    /// Risk per trade, percent of equity.
    #[arg(
        long,
        allow_hyphen_values = true,
        required_unless_present = "risk_cash",
        conflicts_with = "risk_cash"
    )]
    pub risk_pct: Option<String>,
    /// Risk per trade, a cash amount.
    #[arg(long, allow_hyphen_values = true)]
    pub risk_cash: Option<String>,
    #[arg(long, default_value = "0", allow_hyphen_values = true)]
    pub fee_bps: String,
    /// A linear perpetual (needs --leverage).
    #[arg(long)]
    pub perp: bool,
    #[arg(long, allow_hyphen_values = true)]
    pub leverage: Option<String>,
    /// Maintenance margin rate for the liquidation estimate (perpetuals).
    #[arg(long, default_value = "0.005", allow_hyphen_values = true)]
    pub mmr: String,
    /// Gross exposure already held, quote currency (default: the positions the corridor's
    /// venue reports, at their marks).
    #[arg(long, allow_hyphen_values = true)]
    pub exposure: Option<String>,
    /// Price increment (default: the instrument's, from the corridor's venue).
    #[arg(long, allow_hyphen_values = true)]
    pub tick: Option<String>,
    /// Quantity increment (default: the instrument's, from the corridor's venue).
    #[arg(long, allow_hyphen_values = true, conflicts_with = "size_decimals")]
    pub lot: Option<String>,
    /// Quantity decimals (a lot of 10^-N), as Hyperliquid states it.
    #[arg(long)]
    pub size_decimals: Option<u32>,
    /// Smallest order quantity (default: the instrument's, from the corridor's venue).
    #[arg(long, allow_hyphen_values = true)]
    pub min_size: Option<String>,
    /// Smallest order value (default: the instrument's, from the corridor's venue).
    #[arg(long, allow_hyphen_values = true)]
    pub min_notional: Option<String>,
}
