//! Strategies by name, with their parameters and defaults.

use std::collections::BTreeMap;

use serde::Serialize;

use super::builtins::*;
use super::error::StrategyError;
use super::params::{resolve, ParamKind, ParamSpec, Params};
use super::Strategy;
use crate::engine::error::Result;

#[derive(Debug, Clone, Serialize)]
pub struct StrategyInfo {
    pub name: &'static str,
    pub description: &'static str,
    pub params: Vec<ParamSpec>,
}

const fn period(name: &'static str, default: f64, description: &'static str) -> ParamSpec {
    ParamSpec { name, kind: ParamKind::Int, default, min: 1.0, max: 100_000.0, description }
}

const fn float(name: &'static str, default: f64, min: f64, max: f64, description: &'static str) -> ParamSpec {
    ParamSpec { name, kind: ParamKind::Float, default, min, max, description }
}

/// Every built-in strategy, in display order.
pub fn catalogue() -> Vec<StrategyInfo> {
    vec![
        StrategyInfo { name: "buy_and_hold", description: "Long from the first bar to the end.", params: vec![] },
        StrategyInfo {
            name: "sma_cross",
            description: "Long when the fast SMA crosses above the slow SMA, short (or flat when long-only) when it crosses below.",
            params: vec![period("fast", 10.0, "fast SMA period"), period("slow", 30.0, "slow SMA period")],
        },
        StrategyInfo {
            name: "ema_cross",
            description: "Long when the fast EMA crosses above the slow EMA, short (or flat) when it crosses below.",
            params: vec![period("fast", 12.0, "fast EMA period"), period("slow", 26.0, "slow EMA period")],
        },
        StrategyInfo {
            name: "rsi_reversion",
            description: "Long when RSI is below `lower`, short (or flat) when above `upper`; holds in between.",
            params: vec![
                period("period", 14.0, "RSI period (Wilder)"),
                float("lower", 30.0, 0.0, 100.0, "oversold level"),
                float("upper", 70.0, 0.0, 100.0, "overbought level"),
            ],
        },
        StrategyInfo {
            name: "bollinger_reversion",
            description: "Long below the lower band, short (or flat) above the upper band; exits at the middle band.",
            params: vec![period("period", 20.0, "band period"), float("k", 2.0, 0.1, 10.0, "band width in standard deviations")],
        },
        StrategyInfo {
            name: "donchian_breakout",
            description: "Long when the close breaks the previous `period` bars' highest high, short (or flat) below their lowest low.",
            params: vec![period("period", 20.0, "channel period")],
        },
        StrategyInfo {
            name: "macd_cross",
            description: "Long when the MACD line crosses above its signal line, short (or flat) when it crosses below.",
            params: vec![
                period("fast", 12.0, "fast EMA period"),
                period("slow", 26.0, "slow EMA period"),
                period("signal", 9.0, "signal EMA period"),
            ],
        },
    ]
}

pub fn info(name: &str) -> Result<StrategyInfo> {
    let all = catalogue();
    all.iter().find(|s| s.name == name).cloned().ok_or_else(|| {
        let valid = all.iter().map(|s| s.name).collect::<Vec<_>>().join(", ");
        StrategyError::UnknownStrategy { name: name.into(), valid }.into()
    })
}

/// Build a strategy from its name and `k=v` parameters; returns it with the resolved params.
pub fn build(name: &str, given: &BTreeMap<String, String>) -> Result<(Box<dyn Strategy>, Params)> {
    let spec = info(name)?;
    let p = resolve(name, &spec.params, given)?;
    let n = |k: &str| p[k] as usize;
    let ordered = |fast: &'static str, slow: &'static str| -> Result<()> {
        if p[fast] >= p[slow] {
            let (fast_value, slow_value, strategy) = (p[fast], p[slow], name.to_string());
            return Err(StrategyError::ParamOrder { strategy, fast, fast_value, slow, slow_value }.into());
        }
        Ok(())
    };
    let s: Box<dyn Strategy> = match name {
        "buy_and_hold" => Box::new(BuyAndHold),
        "sma_cross" => {
            ordered("fast", "slow")?;
            Box::new(SmaCross { fast: n("fast"), slow: n("slow") })
        }
        "ema_cross" => {
            ordered("fast", "slow")?;
            Box::new(EmaCross { fast: n("fast"), slow: n("slow") })
        }
        "macd_cross" => {
            ordered("fast", "slow")?;
            Box::new(MacdCross { fast: n("fast"), slow: n("slow"), signal: n("signal") })
        }
        "rsi_reversion" => {
            ordered("lower", "upper")?;
            Box::new(RsiReversion { period: n("period"), lower: p["lower"], upper: p["upper"] })
        }
        "bollinger_reversion" => Box::new(BollingerReversion { period: n("period"), k: p["k"] }),
        "donchian_breakout" => Box::new(DonchianBreakout { period: n("period") }),
        _ => unreachable!("catalogue and build list the same names"),
    };
    Ok((s, p))
}
