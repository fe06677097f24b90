//! Named strategy parameters: declared specs, parsing `k=v`, defaults and validation.

use std::collections::BTreeMap;

use super::error::StrategyError;
use crate::engine::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamKind {
    /// A whole number such as a lookback period.
    Int,
    Float,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub default: f64,
    pub min: f64,
    pub max: f64,
    pub description: &'static str,
}

/// Resolved parameters: every declared name with its value (given or default).
pub type Params = BTreeMap<String, f64>;

/// Merge `given` over the defaults, refusing unknown names and out-of-range values.
pub fn resolve(strategy: &str, specs: &[ParamSpec], given: &BTreeMap<String, String>) -> Result<Params> {
    let valid = || specs.iter().map(|s| s.name).collect::<Vec<_>>().join(", ");
    let mut out: Params = specs.iter().map(|s| (s.name.to_string(), s.default)).collect();
    for (k, raw) in given {
        let (strategy, param, raw) = (strategy.to_string(), k.clone(), raw.clone());
        let Some(spec) = specs.iter().find(|s| s.name == k) else {
            let valid = if specs.is_empty() { "none".into() } else { valid() };
            return Err(StrategyError::UnknownParam { strategy, param, valid }.into());
        };
        let Ok(v) = raw.trim().parse::<f64>() else {
            return Err(StrategyError::ParamNotANumber { strategy, param, raw }.into());
        };
        let whole = spec.kind == ParamKind::Int;
        if !v.is_finite() || (whole && v.fract() != 0.0) {
            return Err(StrategyError::ParamKind { strategy, param, raw, whole }.into());
        }
        if v < spec.min || v > spec.max {
            let (min, max) = (spec.min, spec.max);
            return Err(StrategyError::ParamRange { strategy, param, raw, min, max }.into());
        }
        out.insert(k.clone(), v);
    }
    Ok(out)
}

/// Parse `k=v` pairs from the command line.
pub fn parse_pairs(pairs: &[String]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for p in pairs {
        let (k, v) = p.split_once('=').ok_or_else(|| StrategyError::ParamPair(p.clone()))?;
        if out.insert(k.trim().to_string(), v.trim().to_string()).is_some() {
            return Err(StrategyError::ParamTwice(k.trim().to_string()).into());
        }
    }
    Ok(out)
}
