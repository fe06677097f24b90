//! The command tree.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

mod execution;
pub use execution::{ExitArgs, IntentCmd, IntentNewArgs, JournalCmd, PolicyCmd, PromoteCmd, SecretsCmd};
mod grants;
mod incidents;
pub use grants::GrantsCmd;
pub use incidents::IncidentsCmd;
mod live;
pub use live::{LiveCmd, LiveStartArgs};
mod paper;
pub use paper::{PaperCmd, PaperStartArgs};
mod pretrade;
pub use pretrade::{PlanArgs, PretradeCmd};
mod venues;
pub use venues::{CorridorCmd, DoctorArgs, OrderCmd, PreviewArgs, SimArgs, SimCmd};
mod audit;
pub use audit::AuditCmd;
mod signals;
pub use signals::SignalsCmd;
mod notify;
pub use notify::{NotifyCmd, NotifySecretCmd};

#[derive(Debug, Parser)]
#[command(
    name = "quantlab",
    about = "Quant research, paper trading and supervised live execution",
    long_about = "QuantLab: research -> paper -> supervised live, one gated stage at a time.\n\
                  Every command takes --json for scripts; exit codes: 0 ok, 1 runtime error, \
                  2 usage or bad input, 3 refused by policy, 4 venue error, 5 not found.",
    disable_version_flag = true
)]
pub struct Cli {
    /// Workspace directory (default ./outputs, or $QUANTLAB_WORKSPACE).
    #[arg(long, global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,

    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// Console theme: default, light, high-contrast, mono, or a path to a theme file.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,

    /// Also log to stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Print version, git commit and artifact contract version.
    #[arg(short = 'V', long)]
    pub version: bool,

    /// Same as the `check` subcommand.
    #[arg(long)]
    pub check: bool,

    /// Run the command described by a JSON request (FILE, or - for stdin); prints one JSON
    /// response. See docs/contracts.md.
    #[arg(long, value_name = "FILE", conflicts_with = "check")]
    pub json_request: Option<String>,

    /// When done (success or failure), also write the final JSON status document to FILE,
    /// atomically.
    #[arg(long, global = true, value_name = "FILE")]
    pub signal_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the operator console (the default on a terminal with no subcommand).
    Console,
    /// Build the demo workspace from the bundled data (once) and open the console on it, with
    /// the loopback simulator's corridors and a live session whose orders wait for your key.
    Demo {
        /// Build (or find) the demo workspace and print it; do not open the console.
        #[arg(long)]
        no_console: bool,
        /// Open the research console only: no simulator, no venue corridors, no live session.
        #[arg(long)]
        no_live: bool,
        /// Remove the demo workspace and build it again from scratch (only a workspace the demo
        /// built on its own is removed).
        #[arg(long)]
        reset: bool,
    },
    /// Check the workspace, data, config and keyring; exit 0 only if all pass.
    Check,
    /// Print version, git commit and artifact contract version.
    Version,
    /// Market data: import, list, resample, indicators, synthetic series.
    #[command(subcommand)]
    Data(DataCmd),
    /// List the built-in strategies with their parameters and defaults.
    Strategies,
    /// Backtest one strategy on one dataset and record the run.
    Run(RunArgs),
    /// The runs index: list, show, trades, equity, compare, rebuild.
    #[command(subcommand)]
    Runs(RunsCmd),
    /// Sweep a parameter grid (or `sweep merge` shard folders).
    Sweep(SweepCmd),
    /// The sweeps in the workspace: list, show, grid.
    #[command(subcommand)]
    Sweeps(SweepsCmd),
    /// Walk-forward: optimize on each training window, test on the next, stitch out of sample.
    Walkforward(WalkforwardArgs),
    /// Combine runs into a portfolio (recorded and indexed like a run).
    Portfolio(PortfolioArgs),
    /// Alerts: list, acknowledge.
    #[command(subcommand)]
    Alerts(AlertsCmd),
    /// The execution policy: write the example, or show the one in force.
    #[command(subcommand)]
    Policy(PolicyCmd),
    /// Every corridor (venue and account): halted or armed, intents, open orders.
    Corridors,
    /// Execution intents: new, list, show, cancel.
    #[command(subcommand)]
    Intent(IntentCmd),
    /// Check an intent against the policy and the venue now; exit 3 if refused.
    Preflight {
        /// Intent id.
        intent: String,
    },
    /// Send an intent: the fake venue only (live orders are confirmed in the console), or
    /// --dry-run on any venue (validate-only, nothing placed).
    Submit {
        intent: String,
        #[arg(long)]
        dry_run: bool,
    },
    /// A corridor's journal: show it, or verify its hash chain.
    #[command(subcommand)]
    Journal(JournalCmd),
    /// Audit every corridor journal: hash chains and signed approvals.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// The kill switch: halt corridors (all without --venue) and cancel their open orders.
    Kill {
        #[arg(long)]
        venue: Option<String>,
        #[arg(long, requires = "venue")]
        account: Option<String>,
        #[arg(long, default_value = "operator kill switch")]
        reason: String,
    },
    /// Lift a halt after a clean reconciliation (and the promotion gate).
    Rearm {
        #[arg(long)]
        venue: Option<String>,
        #[arg(long, requires = "venue")]
        account: Option<String>,
    },
    /// Compare a corridor's journal with its venue; mismatches halt it.
    Reconcile {
        #[arg(long)]
        venue: String,
        #[arg(long)]
        account: String,
    },
    /// Venue credentials in the OS keyring: set (from stdin, no echo), list names, delete.
    #[command(subcommand)]
    Secrets(SecretsCmd),
    /// The promotion gate for the first live stage (check), and the promotion board (board,
    /// show, advance).
    #[command(subcommand)]
    Promote(PromoteCmd),
    /// Incidents: every halt, kill, mismatch, breaker trip and critical alert, with its
    /// timeline; list, show, close with a note.
    #[command(subcommand)]
    Incidents(IncidentsCmd),
    /// Grants of automation: list, show, revoke (made only in the console, by a typed
    /// confirmation); inside a live grant a live session's intents need no keypress.
    #[command(subcommand)]
    Grants(GrantsCmd),
    /// Paper sessions: a strategy on a replayed (later live) feed, no capital at risk.
    #[command(subcommand)]
    Paper(PaperCmd),
    /// Live strategy sessions: a strategy on a live feed making intents in an armed corridor,
    /// each sent only after the operator's keypress.
    #[command(subcommand)]
    Live(LiveCmd),
    /// The loopback venue simulator (Kraken and Hyperliquid wire formats), and its faults.
    Sim(SimArgs),
    /// Is a venue account ready: credential, reachability, status, clock skew, signed
    /// request, instrument rules. Exit 0 only if all pass.
    Doctor(DoctorArgs),
    /// Supervised corridors: list, arm, disarm, status, keep-alive.
    #[command(subcommand)]
    Corridor(CorridorCmd),
    /// Orders outside the corridor flow: preview the exact signed request.
    #[command(subcommand)]
    Order(OrderCmd),
    /// The pre-trade workbench: size a trade from its stop and risk, check it against the policy.
    #[command(subcommand)]
    Pretrade(PretradeCmd),
    /// Research signals from upstream desks: intake, list, show, triage, research, rules.
    #[command(subcommand)]
    Signals(SignalsCmd),
    /// Notifications: alerts routed from notify.toml to a webhook, ntfy, Telegram or email;
    /// test a channel, the delivery log, status, the daily summary, the dispatcher, secrets.
    #[command(subcommand)]
    Notify(NotifyCmd),
    /// Write a self-contained HTML tearsheet of a run, portfolio or sweep.
    Report {
        /// Run id, portfolio id, sweep id (or unique prefixes).
        id: String,
        /// HTML output (the only format today; required for clarity in scripts).
        #[arg(long, required = true)]
        html: bool,
        /// Output file (default: report.html beside the run's or sweep's report).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AlertsCmd {
    /// List alerts, newest first (unacknowledged only unless --all).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Acknowledge one alert by id, or every unacknowledged alert with --all.
    Ack {
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<String>,
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Args)]
pub struct PortfolioArgs {
    /// Run ids (or unique prefixes), comma separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub runs: Vec<String>,
    /// One weight per run, comma separated (default equal); normalized to sum to 1.
    #[arg(long, value_delimiter = ',')]
    pub weights: Option<Vec<f64>>,
    /// none (weights drift) or monthly.
    #[arg(long, default_value = "none")]
    pub rebalance: String,
    /// Starting capital (default 10000).
    #[arg(long, default_value_t = 10_000.0)]
    pub cash: f64,
    #[arg(long)]
    pub label: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum DataCmd {
    /// Import a CSV or Parquet file as a normalized dataset.
    Import {
        file: PathBuf,
        #[arg(long)]
        symbol: String,
        /// Bar interval: 1m, 5m, 15m, 1h, 4h, 1d, 1w ...
        #[arg(long)]
        timeframe: String,
        /// Accept bars dated before 1970 or after 2100 (refused by default as a likely
        /// epoch-unit mistake).
        #[arg(long)]
        allow_any_date: bool,
    },
    /// List the stored datasets.
    List,
    /// Re-hash a dataset against its recorded fingerprint (runs trust a dataset whose file is
    /// unchanged in size and modification time since it was verified).
    Verify {
        /// Dataset id, unique prefix, or SYMBOL:TIMEFRAME.
        id: String,
    },
    /// Aggregate a dataset to a coarser timeframe (stored as a new dataset).
    Resample {
        /// Dataset id, unique prefix, or SYMBOL:TIMEFRAME.
        id: String,
        #[arg(long)]
        to: String,
    },
    /// Compute indicators and write them as CSV.
    Indicators {
        /// Dataset id, SYMBOL:TIMEFRAME, or a CSV/Parquet path.
        data: String,
        /// e.g. rsi:14, macd:12,26,9, bollinger:20,2 (repeatable).
        #[arg(long = "indicator", value_name = "SPEC")]
        indicators: Vec<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a deterministic synthetic random-walk series (for benchmarks).
    Synth {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        bars: usize,
        #[arg(long, default_value = "1m")]
        timeframe: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Dataset id, unique prefix, SYMBOL:TIMEFRAME, or a CSV/Parquet path.
    #[arg(long)]
    pub data: String,
    #[arg(long)]
    pub strategy: String,
    /// Strategy parameter, name=value (repeatable).
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    #[command(flatten)]
    pub bt: BacktestArgs,
    /// Free text stored with the run.
    #[arg(long)]
    pub label: Option<String>,
}

/// Simulation settings shared by run, sweep and walkforward.
#[derive(Debug, Args, Clone)]
pub struct BacktestArgs {
    /// Fee in basis points of traded notional, charged on every fill.
    #[arg(long, allow_negative_numbers = true)]
    pub fee_bps: Option<f64>,
    /// Adverse slippage in basis points applied to every fill price.
    #[arg(long, allow_negative_numbers = true)]
    pub slippage_bps: Option<f64>,
    /// next-open (default) or close.
    #[arg(long)]
    pub fill: Option<String>,
    /// fraction:F of equity (default fraction:1) or qty:Q units.
    #[arg(long)]
    pub sizing: Option<String>,
    /// Round entry sizes down to whole units.
    #[arg(long)]
    pub whole_units: bool,
    /// Honour short targets (long-only otherwise).
    #[arg(long)]
    pub allow_short: bool,
    /// Close a position still open on the last bar at its close.
    #[arg(long)]
    pub close_at_end: bool,
    /// Starting cash (default 10000).
    #[arg(long, allow_negative_numbers = true)]
    pub cash: Option<f64>,
    /// First bar to use (date or datetime, UTC).
    #[arg(long)]
    pub start: Option<String>,
    /// Last bar to use (date or datetime, UTC).
    #[arg(long)]
    pub end: Option<String>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepCmd {
    #[command(subcommand)]
    pub sub: Option<SweepSub>,
    #[command(flatten)]
    pub args: SweepArgs,
}

#[derive(Debug, Subcommand)]
pub enum SweepSub {
    /// Merge the shard folders of one sweep into the sweep a single machine would produce.
    Merge {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
}

/// The parameter grid and how to rank it, shared by sweep and walkforward.
#[derive(Debug, Args)]
pub struct GridArgs {
    /// name=start:end:step or name=v1,v2,... (repeatable, one per parameter).
    #[arg(long = "grid", value_name = "AXIS")]
    pub grid: Vec<String>,
    /// e.g. fast<slow (repeatable).
    #[arg(long = "constraint", value_name = "EXPR")]
    pub constraints: Vec<String>,
    /// Metric to rank by: sharpe, cagr, calmar, profit_factor, total_return, sortino ...
    #[arg(long, default_value = "sharpe")]
    pub objective: String,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Dataset id, unique prefix, SYMBOL:TIMEFRAME, or a CSV/Parquet path.
    #[arg(long, required = true)]
    pub data: Option<String>,
    #[arg(long, required = true)]
    pub strategy: Option<String>,
    #[command(flatten)]
    pub grid: GridArgs,
    /// K/N (0-based) or auto (JOB_COMPLETION_INDEX / SLURM_ARRAY_TASK_ID).
    #[arg(long)]
    pub shard: Option<String>,
    /// top:N writes full runs for the best N combinations.
    #[arg(long)]
    pub save_runs: Option<String>,
    /// Progress on stderr: bar (default on a terminal), json (JSON lines) or none.
    #[arg(long)]
    pub progress: Option<String>,
    #[command(flatten)]
    pub bt: BacktestArgs,
    #[arg(long)]
    pub label: Option<String>,
}

#[derive(Debug, Args)]
pub struct WalkforwardArgs {
    /// Dataset id, unique prefix, SYMBOL:TIMEFRAME, or a CSV/Parquet path.
    #[arg(long)]
    pub data: String,
    #[arg(long)]
    pub strategy: String,
    #[command(flatten)]
    pub grid: GridArgs,
    /// Training window, in bars.
    #[arg(long)]
    pub train: usize,
    /// Test window, in bars.
    #[arg(long)]
    pub test: usize,
    /// Bars between fold starts (default: the test length).
    #[arg(long)]
    pub step: Option<usize>,
    /// Train on everything from the first bar (expanding window).
    #[arg(long)]
    pub anchored: bool,
    #[command(flatten)]
    pub bt: BacktestArgs,
    #[arg(long)]
    pub label: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SweepsCmd {
    /// List the sweeps in the workspace.
    List,
    /// Show one sweep (ranking and best combination).
    Show { id: String },
    /// The sweep's objective over its parameter grid (rows: the first parameter, columns: the
    /// second), and its ranking: what the console's sweep view and the HTML report show.
    Grid { id: String },
}

#[derive(Debug, Subcommand)]
pub enum RunsCmd {
    /// List runs from the index.
    List {
        /// Sort by a metric or field (e.g. sharpe, total_return, created_at).
        #[arg(long)]
        sort: Option<String>,
        #[arg(long)]
        desc: bool,
        /// field=value, field~text, metric>x, metric<=x ... (repeatable, all must match).
        #[arg(long = "filter", value_name = "EXPR")]
        filters: Vec<String>,
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Show one run's report.
    Show { id: String },
    /// A run's trade list (trades.csv), first rows and the total.
    Trades {
        id: String,
        /// Show at most N trades (all by default).
        #[arg(long)]
        limit: Option<usize>,
    },
    /// A run's equity and drawdown, reduced to about N points the way the console and the HTML
    /// report draw them (each bucket's low and high, the first and last bars kept).
    Equity {
        id: String,
        #[arg(long, default_value_t = 600)]
        points: usize,
    },
    /// Metrics side by side and the config diff of two or more runs.
    Compare {
        #[arg(num_args = 2.., required = true)]
        ids: Vec<String>,
    },
    /// Rebuild the index from the run folders (corrupt folders are reported and skipped).
    RebuildIndex,
}
