//! Parameter grids (`fast=5:50:5`, `slow=20,50,100`) and constraints (`fast<slow`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::{GridProblem as G, SweepError};
use crate::engine::error::{Error, Result};
use crate::engine::strategy::{ParamKind, ParamSpec};

/// Largest grid we enumerate; beyond it a typo (a step of 0.0001) is far more likely than intent.
pub const MAX_COMBINATIONS: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    pub name: String,
    pub values: Vec<f64>,
}

fn bad(problem: G) -> Error {
    SweepError::Grid(problem).into()
}

/// `name=a:b:step` (inclusive), `name=v1,v2,...`, or `name=v`. Checked against the strategy's
/// parameters: the name must exist, values must be in range and whole for integer params.
pub fn parse_axis(s: &str, specs: &[ParamSpec], strategy: &str) -> Result<Axis> {
    let (name, rhs) = s.split_once('=').ok_or_else(|| bad(G::NotAnAxis(s.into())))?;
    let name = name.trim();
    let spec = specs.iter().find(|p| p.name == name).ok_or_else(|| {
        bad(G::UnknownParam {
            strategy: strategy.into(),
            param: name.into(),
            valid: specs.iter().map(|p| p.name).collect::<Vec<_>>().join(", "),
        })
    })?;
    let num =
        |t: &str| t.trim().parse::<f64>().map_err(|_| bad(G::NotANumber { value: t.into(), text: s.into() }));
    let values: Vec<f64> = if rhs.contains(':') {
        let parts: Vec<&str> = rhs.split(':').collect();
        if parts.len() != 3 {
            return Err(bad(G::RangeShape(s.into())));
        }
        let (a, b, step) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
        if !(a.is_finite() && b.is_finite() && step.is_finite()) || step <= 0.0 || b < a {
            return Err(bad(G::BadRange(s.into())));
        }
        // Counted in f64 first (finite ends, so never NaN): -1e308:1e308:1 has more values
        // than usize holds.
        let span = ((b - a) / step + 1e-9).floor();
        if span >= MAX_COMBINATIONS as f64 {
            return Err(bad(G::TooManyValues { text: s.into(), count: span + 1.0, max: MAX_COMBINATIONS }));
        }
        let n = span as usize + 1;
        // Computed from the index, not accumulated, so 0.1 steps do not drift; rounded to
        // 1e-9 so 0.30000000000000004 prints and compares as 0.3.
        (0..n).map(|i| ((a + i as f64 * step) * 1e9).round() / 1e9).collect()
    } else {
        rhs.split(',').filter(|t| !t.trim().is_empty()).map(num).collect::<Result<_>>()?
    };
    if values.is_empty() {
        return Err(bad(G::NoValues(s.into())));
    }
    for v in &values {
        if spec.kind == ParamKind::Int && v.fract() != 0.0 {
            return Err(bad(G::NotWhole { param: name.into(), value: *v }));
        }
        // NaN compares false both ways: it is out of every range.
        if !v.is_finite() || *v < spec.min || *v > spec.max {
            return Err(bad(G::OutOfRange { param: name.into(), value: *v, min: spec.min, max: spec.max }));
        }
    }
    let mut dedup = values.clone();
    dedup.sort_by(|a, b| a.total_cmp(b));
    dedup.dedup();
    if dedup.len() != values.len() {
        return Err(bad(G::Repeats(s.into())));
    }
    Ok(Axis { name: name.to_string(), values })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Ne,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Operand {
    Param(String),
    Value(f64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Constraint {
    pub left: Operand,
    pub op: Cmp,
    pub right: Operand,
    pub text: String,
}

/// `fast<slow`, `lower<=upper`, `period>10`, `a!=b`. Parameter names must exist in the grid.
pub fn parse_constraint(s: &str, axes: &[Axis]) -> Result<Constraint> {
    let bad = |problem| -> Error { SweepError::Constraint(problem).into() };
    let ops = [("<=", Cmp::Le), (">=", Cmp::Ge), ("!=", Cmp::Ne), ("<", Cmp::Lt), (">", Cmp::Gt)];
    let (tok, op) = ops.iter().find(|(t, _)| s.contains(t)).ok_or_else(|| bad(G::NoOperator(s.into())))?;
    let (l, r) = s.split_once(tok).expect("contains the operator");
    let operand = |t: &str| -> Result<Operand> {
        let t = t.trim();
        if let Ok(v) = t.parse::<f64>() {
            return Ok(Operand::Value(v));
        }
        if axes.iter().any(|a| a.name == t) {
            return Ok(Operand::Param(t.to_string()));
        }
        Err(bad(G::UnknownOperand {
            operand: t.into(),
            text: s.into(),
            swept: axes.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "),
        }))
    };
    Ok(Constraint { left: operand(l)?, op: *op, right: operand(r)?, text: s.trim().to_string() })
}

impl Constraint {
    pub fn holds(&self, p: &BTreeMap<String, f64>) -> bool {
        let v = |o: &Operand| match o {
            Operand::Param(n) => p[n],
            Operand::Value(x) => *x,
        };
        let (a, b) = (v(&self.left), v(&self.right));
        match self.op {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Ne => a != b,
        }
    }
}

/// The cartesian product in a fixed order (first axis outermost), filtered by the constraints.
/// The position in this list is a combination's index everywhere (shards, merge, artifacts).
pub fn combinations(axes: &[Axis], constraints: &[Constraint]) -> Result<Vec<BTreeMap<String, f64>>> {
    let total: usize = axes
        .iter()
        .map(|a| a.values.len())
        .try_fold(1usize, |acc, n| acc.checked_mul(n))
        .unwrap_or(usize::MAX);
    if total > MAX_COMBINATIONS {
        return Err(bad(G::TooManyCombinations { total, max: MAX_COMBINATIONS }));
    }
    let mut out = Vec::new();
    let mut idx = vec![0usize; axes.len()];
    for _ in 0..total {
        let p: BTreeMap<String, f64> =
            axes.iter().zip(&idx).map(|(a, &i)| (a.name.clone(), a.values[i])).collect();
        if constraints.iter().all(|c| c.holds(&p)) {
            out.push(p);
        }
        // Odometer: the last axis turns fastest.
        for k in (0..axes.len()).rev() {
            idx[k] += 1;
            if idx[k] < axes[k].values.len() {
                break;
            }
            idx[k] = 0;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::strategy::catalogue;

    fn specs() -> Vec<ParamSpec> {
        catalogue().into_iter().find(|s| s.name == "sma_cross").unwrap().params
    }

    #[test]
    fn ranges_lists_and_constraints() {
        let f = parse_axis("fast=5:20:5", &specs(), "sma_cross").unwrap();
        assert_eq!(f.values, vec![5.0, 10.0, 15.0, 20.0]);
        let s = parse_axis("slow=10,30", &specs(), "sma_cross").unwrap();
        let axes = vec![f, s];
        let c = parse_constraint("fast<slow", &axes).unwrap();
        let combos = combinations(&axes, &[c]).unwrap();
        let pairs: Vec<(f64, f64)> = combos.iter().map(|p| (p["fast"], p["slow"])).collect();
        assert_eq!(pairs, vec![(5.0, 10.0), (5.0, 30.0), (10.0, 30.0), (15.0, 30.0), (20.0, 30.0)]);
    }

    #[test]
    fn bad_grids_name_the_problem() {
        let grid = |s: &str| match parse_axis(s, &specs(), "sma_cross").unwrap_err().domain() {
            Some(SweepError::Grid(p)) => p.clone(),
            other => panic!("{s}: {other:?}"),
        };
        assert!(
            matches!(grid("fats=1:3:1"), G::UnknownParam { param, valid, .. } if param == "fats" && valid == "fast, slow")
        );
        assert!(matches!(grid("fast=1.5"), G::NotWhole { value, .. } if value == 1.5));
        assert_eq!(grid("fast=5:1:1"), G::BadRange("fast=5:1:1".into()));
        assert_eq!(grid("fast=1:5:0"), G::BadRange("fast=1:5:0".into()));
        assert_eq!(grid("fast="), G::NoValues("fast=".into()));
        assert!(matches!(grid("fast=0"), G::OutOfRange { value, .. } if value == 0.0));
        let axes = vec![parse_axis("fast=5", &specs(), "sma_cross").unwrap()];
        let e = parse_constraint("fast<slow", &axes).unwrap_err();
        assert!(
            matches!(e.domain(), Some(SweepError::Constraint(G::UnknownOperand { operand, .. })) if operand == "slow"),
            "{e:?}"
        );
    }

    #[test]
    fn float_steps_do_not_drift() {
        let specs = catalogue().into_iter().find(|s| s.name == "bollinger_reversion").unwrap().params;
        let k = parse_axis("k=0.1:0.5:0.1", &specs, "bollinger_reversion").unwrap();
        assert_eq!(k.values, vec![0.1, 0.2, 0.3, 0.4, 0.5]);
    }
}
