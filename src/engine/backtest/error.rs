//! What a backtest's settings can be refused for. The exit-code kind of each is in
//! `engine/error_kinds.rs`.

/// A `--fill`, `--sizing`, `--cash` or cost that no operator means.
#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    #[error("--fill '{0}' is not valid; use next-open or close")]
    Fill(String),
    #[error("--sizing '{0}' is not valid; use fraction:F with 0 < F <= 1, or qty:Q with Q > 0")]
    Sizing(String),
    /// `--cash` outside (0, `max`].
    #[error("--cash must be above 0 and at most {max:e} (1e12), got {cash}")]
    Cash { cash: f64, max: f64 },
    /// `--fee-bps` or `--slippage-bps` (`flag`, without its dashes) outside [0, 1000).
    #[error("--{flag} must be in [0, 1000), got {value}")]
    CostBps { flag: &'static str, value: f64 },
}
