//! Selecting runs from the index: filters, sorting, limits.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::error::ResearchError;
use super::index::IndexEntry;
use crate::engine::backtest::metrics::METRIC_NAMES;
use crate::engine::error::Result;

/// Text fields a filter or sort can name, besides the metrics.
pub const TEXT_FIELDS: [&str; 9] =
    ["run_id", "created_at", "status", "label", "strategy", "params", "symbol", "timeframe", "data_id"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    Eq,
    Contains,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    pub field: String,
    pub op: Op,
    pub value: String,
}

impl Filter {
    /// `field=value`, `field~text`, `field>x`, `field>=x`, `field<x`, `field<=x`.
    pub fn parse(s: &str) -> Result<Filter> {
        let ops = [
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("=", Op::Eq),
            ("~", Op::Contains),
            (">", Op::Gt),
            ("<", Op::Lt),
        ];
        let (pos, tok, op) = ops
            .iter()
            .filter_map(|(tok, op)| s.find(tok).map(|p| (p, *tok, *op)))
            .min_by_key(|(p, tok, _)| (*p, std::cmp::Reverse(tok.len())))
            .ok_or_else(|| ResearchError::FilterOperator(s.into()))?;
        let field = s[..pos].trim().to_string();
        check_field(&field)?;
        let value = s[pos + tok.len()..].trim().to_string();
        if matches!(op, Op::Gt | Op::Ge | Op::Lt | Op::Le) && value.parse::<f64>().is_err() {
            return Err(ResearchError::FilterNotANumber { filter: s.into(), value }.into());
        }
        Ok(Filter { field, op, value })
    }

    pub fn matches(&self, e: &IndexEntry) -> bool {
        if let Some(v) = metric(e, &self.field) {
            let Ok(x) = self.value.parse::<f64>() else {
                return false;
            };
            return match self.op {
                Op::Eq => v == x,
                Op::Contains => v.to_string().contains(&self.value),
                Op::Gt => v > x,
                Op::Ge => v >= x,
                Op::Lt => v < x,
                Op::Le => v <= x,
            };
        }
        let text = text(e, &self.field).to_ascii_lowercase();
        let want = self.value.to_ascii_lowercase();
        match self.op {
            Op::Eq => text == want,
            Op::Contains => text.contains(&want),
            // Ordering on text fields (e.g. created_at>2026-01-01) compares lexically: RFC 3339
            // and our ids sort by time as text.
            Op::Gt => text.as_str() > want.as_str(),
            Op::Ge => text.as_str() >= want.as_str(),
            Op::Lt => text.as_str() < want.as_str(),
            Op::Le => text.as_str() <= want.as_str(),
        }
    }
}

pub fn check_field(field: &str) -> Result<()> {
    if TEXT_FIELDS.contains(&field) || METRIC_NAMES.contains(&field) {
        Ok(())
    } else {
        let fields = format!("{}, {}", TEXT_FIELDS.join(", "), METRIC_NAMES.join(", "));
        Err(ResearchError::UnknownField { field: field.into(), fields }.into())
    }
}

fn metric(e: &IndexEntry, name: &str) -> Option<f64> {
    e.metrics.get(name).copied().flatten()
}

fn text(e: &IndexEntry, field: &str) -> String {
    match field {
        "run_id" => e.run_id.clone(),
        "created_at" => e.created_at.clone(),
        "status" => format!("{:?}", e.status).to_lowercase(),
        "label" => e.label.clone().unwrap_or_default(),
        "strategy" => e.strategy.clone(),
        "params" => e.params.clone(),
        "symbol" => e.symbol.clone(),
        "timeframe" => e.timeframe.clone(),
        "data_id" => e.data_id.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Query {
    pub filters: Vec<Filter>,
    pub sort: Option<String>,
    pub desc: bool,
    pub limit: Option<usize>,
}

/// Apply a query. Runs without a value for the sort metric go last in either direction.
pub fn select(runs: &[IndexEntry], q: &Query) -> Result<Vec<IndexEntry>> {
    if let Some(s) = &q.sort {
        check_field(s)?;
    }
    let mut out: Vec<IndexEntry> =
        runs.iter().filter(|e| q.filters.iter().all(|f| f.matches(e))).cloned().collect();
    if let Some(field) = &q.sort {
        let is_metric = METRIC_NAMES.contains(&field.as_str());
        out.sort_by(|a, b| {
            let ord = if is_metric {
                match (metric(a, field), metric(b, field)) {
                    (Some(x), Some(y)) => {
                        let o = x.partial_cmp(&y).unwrap_or(Ordering::Equal);
                        if q.desc {
                            o.reverse()
                        } else {
                            o
                        }
                    }
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                }
            } else {
                let o = text(a, field).cmp(&text(b, field));
                if q.desc {
                    o.reverse()
                } else {
                    o
                }
            };
            ord.then_with(|| a.run_id.cmp(&b.run_id))
        });
    }
    if let Some(n) = q.limit {
        out.truncate(n);
    }
    Ok(out)
}
