//! The simulation: targets -> fills, fees, slippage, sizing -> trades and equity; and metrics.

pub mod error;
inner_modules! {
    config,
    fused,
    metrics,
    result,
    simulate,
    trade,
}

pub use config::{BacktestConfig, FillMode, Sizing};
pub use error::BacktestError;
pub use result::BacktestResult;
pub use simulate::{simulate, simulate_into, simulate_metrics};
pub use trade::{Side, Trade};
