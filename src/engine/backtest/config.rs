//! How a backtest fills, charges and sizes.

use serde::{Deserialize, Serialize};

use super::error::BacktestError;
use crate::engine::error::Result;

/// `$f::<NEXT_OPEN, SHORT, ..>(args)` for the config's fill mode and shorting rule: one
/// monomorphized loop per setting, so a hot loop holds no setting checks.
macro_rules! per_setting {
    ($cfg:expr, $f:ident::<$($g:ty),*>($($arg:expr),* $(,)?)) => {{
        use $crate::engine::backtest::config::FillMode as Fill;
        match ($cfg.fill, $cfg.allow_short) {
            (Fill::NextOpen, true) => $f::<true, true, $($g),*>($($arg),*),
            (Fill::NextOpen, false) => $f::<true, false, $($g),*>($($arg),*),
            (Fill::Close, true) => $f::<false, true, $($g),*>($($arg),*),
            (Fill::Close, false) => $f::<false, false, $($g),*>($($arg),*),
        }
    }};
}
pub(crate) use per_setting;

/// When a decision taken on bar t's close is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FillMode {
    /// At bar t+1's open: the decision can only act on the next tradable price.
    #[serde(rename = "next-open")]
    NextOpen,
    /// At bar t's close: the optimistic convention, for comparison.
    #[serde(rename = "close")]
    Close,
}

impl FillMode {
    pub fn parse(s: &str) -> Result<FillMode> {
        match s {
            "next-open" => Ok(FillMode::NextOpen),
            "close" => Ok(FillMode::Close),
            _ => Err(BacktestError::Fill(s.into()).into()),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            FillMode::NextOpen => "next-open",
            FillMode::Close => "close",
        }
    }
}

/// How many units an entry buys or sells.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Sizing {
    /// This fraction of equity, fees included.
    Fraction(f64),
    /// A fixed number of units.
    Qty(f64),
}

impl Sizing {
    /// `fraction:F` (0 < F <= 1) or `qty:Q` (Q > 0).
    pub fn parse(s: &str) -> Result<Sizing> {
        let bad = || BacktestError::Sizing(s.into());
        let (kind, v) = s.split_once(':').ok_or_else(bad)?;
        let v: f64 = v.parse().map_err(|_| bad())?;
        match kind {
            "fraction" if v > 0.0 && v <= 1.0 => Ok(Sizing::Fraction(v)),
            "qty" if v > 0.0 && v.is_finite() => Ok(Sizing::Qty(v)),
            _ => Err(bad().into()),
        }
    }
    pub fn label(&self) -> String {
        match self {
            Sizing::Fraction(f) => format!("fraction:{f}"),
            Sizing::Qty(q) => format!("qty:{q}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestConfig {
    pub cash: f64,
    pub fee_bps: f64,
    pub slippage_bps: f64,
    pub fill: FillMode,
    pub sizing: Sizing,
    pub whole_units: bool,
    pub allow_short: bool,
    pub close_at_end: bool,
}

impl Default for BacktestConfig {
    fn default() -> Self {
        BacktestConfig {
            cash: 10_000.0,
            fee_bps: 0.0,
            slippage_bps: 0.0,
            fill: FillMode::NextOpen,
            sizing: Sizing::Fraction(1.0),
            whole_units: false,
            allow_short: false,
            close_at_end: false,
        }
    }
}

/// Most starting cash a backtest or portfolio takes (one trillion in the quote currency): far
/// above any real account, and far enough below f64's limits that equity, fees and returns stay
/// finite and exact to the cent.
pub const MAX_CASH: f64 = 1e12;

/// `--cash` inside (0, [`MAX_CASH`]], else bad input naming the range.
pub fn check_cash(cash: f64) -> Result<()> {
    if cash.is_finite() && cash > 0.0 && cash <= MAX_CASH {
        Ok(())
    } else {
        Err(BacktestError::Cash { cash, max: MAX_CASH }.into())
    }
}

impl BacktestConfig {
    /// Refuse values no operator means: negative costs, no money, more money than f64 keeps.
    pub fn validate(&self) -> Result<()> {
        let bps = |flag: &'static str, value: f64| -> Result<()> {
            if value.is_finite() && (0.0..1000.0).contains(&value) {
                Ok(())
            } else {
                Err(BacktestError::CostBps { flag, value }.into())
            }
        };
        check_cash(self.cash)?;
        bps("fee-bps", self.fee_bps)?;
        bps("slippage-bps", self.slippage_bps)
    }
}
