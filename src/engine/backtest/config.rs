//! How a backtest fills, charges and sizes.

use serde::{Deserialize, Serialize};

use crate::engine::error::{Error, Result};

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
            _ => Err(Error::bad_input(format!("--fill '{s}' is not valid; use next-open or close"))),
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
        let bad = || {
            Error::bad_input(format!(
                "--sizing '{s}' is not valid; use fraction:F with 0 < F <= 1, or qty:Q with Q > 0"
            ))
        };
        let (kind, v) = s.split_once(':').ok_or_else(bad)?;
        let v: f64 = v.parse().map_err(|_| bad())?;
        match kind {
            "fraction" if v > 0.0 && v <= 1.0 => Ok(Sizing::Fraction(v)),
            "qty" if v > 0.0 && v.is_finite() => Ok(Sizing::Qty(v)),
            _ => Err(bad()),
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
        Err(Error::bad_input(format!("--cash must be above 0 and at most {MAX_CASH:e} (1e12), got {cash}")))
    }
}

impl BacktestConfig {
    /// Refuse values no operator means: negative costs, no money, more money than f64 keeps.
    pub fn validate(&self) -> Result<()> {
        let check = |ok: bool, msg: &str| if ok { Ok(()) } else { Err(Error::bad_input(msg.to_string())) };
        check_cash(self.cash)?;
        check(
            self.fee_bps.is_finite() && (0.0..1000.0).contains(&self.fee_bps),
            &format!("--fee-bps must be in [0, 1000), got {}", self.fee_bps),
        )?;
        check(
            self.slippage_bps.is_finite() && (0.0..1000.0).contains(&self.slippage_bps),
            &format!("--slippage-bps must be in [0, 1000), got {}", self.slippage_bps),
        )
    }
}
