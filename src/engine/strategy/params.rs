//! Named strategy parameters: declared specs, parsing `k=v`, defaults and validation.

use std::collections::BTreeMap;

use crate::engine::error::{Error, Result};

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
        let spec = specs.iter().find(|s| s.name == k).ok_or_else(|| {
            Error::bad_input(format!(
                "--param: strategy {strategy} has no parameter '{k}'; valid: {}",
                if specs.is_empty() { "none".into() } else { valid() }
            ))
        })?;
        let v: f64 = raw
            .trim()
            .parse()
            .map_err(|_| Error::bad_input(format!("{strategy}: parameter {k}='{raw}' is not a number")))?;
        if !v.is_finite() || (spec.kind == ParamKind::Int && v.fract() != 0.0) {
            return Err(Error::bad_input(format!(
                "{strategy}: parameter {k}={raw} must be a {}",
                if spec.kind == ParamKind::Int { "whole number" } else { "finite number" }
            )));
        }
        if v < spec.min || v > spec.max {
            return Err(Error::bad_input(format!(
                "{strategy}: parameter {k}={raw} is out of range [{}, {}]",
                spec.min, spec.max
            )));
        }
        out.insert(k.clone(), v);
    }
    Ok(out)
}

/// Parse `k=v` pairs from the command line.
pub fn parse_pairs(pairs: &[String]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for p in pairs {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| Error::bad_input(format!("--param '{p}' must look like name=value")))?;
        if out.insert(k.trim().to_string(), v.trim().to_string()).is_some() {
            return Err(Error::bad_input(format!("--param {} is given twice", k.trim())));
        }
    }
    Ok(out)
}
