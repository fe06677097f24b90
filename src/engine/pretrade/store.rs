//! Plans on disk: `pretrade_sessions/<id>/plan.json` and `plan.md`, deterministic (the same
//! inputs give the same bytes apart from `id` and `created_at`).

use serde::{Deserialize, Serialize};

use super::checks;
use super::compute::{size, Sizing};
use super::error::PretradeError;
use super::plan::{EntryKind, PlanInput};
use crate::engine::contract::{make_id, CONTRACT_VERSION};
use crate::engine::error::Result;
use crate::engine::execution::policy::{self, LoadedPolicy};
use crate::engine::execution::preflight::Check;
use crate::engine::execution::CorridorId;
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_atomic, write_json, Workspace};

pub const PLAN_SCHEMA: &str = "quantlab.pretrade_plan";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub schema: String,
    pub schema_version: u32,
    pub id: String,
    pub created_at: String,
    /// "valid" or "rejected" (by the policy).
    pub verdict: String,
    pub input: PlanInput,
    pub sizing: Sizing,
    pub checks: Vec<Check>,
    pub warnings: Vec<String>,
    pub policy_fingerprint: Option<String>,
}

impl Plan {
    pub fn valid(&self) -> bool {
        self.verdict == "valid"
    }
}

/// Compute a plan without writing it (the console recomputes on every key).
pub fn evaluate(input: PlanInput, policy: Option<&LoadedPolicy>) -> Result<Plan> {
    input.validate()?;
    let sizing = size(&input);
    let id = CorridorId { venue: input.venue, account: input.account.clone() };
    let cp = policy.and_then(|p| p.corridor(&id));
    let checks = checks::against_policy(&input, &sizing, cp);
    let warnings = checks::warnings(&input, &sizing);
    Ok(Plan {
        schema: PLAN_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        id: String::new(),
        created_at: String::new(),
        verdict: if checks.iter().all(|c| c.passed) { "valid" } else { "rejected" }.into(),
        input,
        sizing,
        checks,
        warnings,
        policy_fingerprint: cp.and(policy).map(|p| p.fingerprint.clone()),
    })
}

fn dir(ws: &Workspace) -> std::path::PathBuf {
    ws.root().join("pretrade_sessions")
}

/// Evaluate, then write `plan.json` and `plan.md`; rejected plans are written too (an operator
/// reviews why).
pub fn save(ws: &Workspace, input: PlanInput) -> Result<Plan> {
    let loaded = policy::load(ws)?;
    let mut plan = evaluate(input, loaded.as_ref())?;
    let now = now_ms();
    let key = serde_json::to_vec(&plan.input).unwrap_or_default();
    plan.id = make_id("plan", now, &[key.as_slice(), &now.to_le_bytes()].concat());
    plan.created_at = fmt_ms(now);
    let d = dir(ws).join(&plan.id);
    write_json(&d.join("plan.json"), &plan)?;
    write_atomic(&d.join("plan.md"), markdown(&plan).as_bytes())?;
    Ok(plan)
}

pub fn list(ws: &Workspace) -> Result<Vec<Plan>> {
    let Ok(rd) = std::fs::read_dir(dir(ws)) else { return Ok(Vec::new()) };
    let mut out: Vec<Plan> =
        rd.filter_map(|e| e.ok()).filter_map(|e| read_json(&e.path().join("plan.json")).ok()).collect();
    // Newest first; ids made in the same second order by their time to the millisecond.
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    Ok(out)
}

/// A plan by id or unique prefix.
pub fn show(ws: &Workspace, id: &str) -> Result<Plan> {
    let all = list(ws)?;
    let hits: Vec<&Plan> = all.iter().filter(|p| p.id.starts_with(id)).collect();
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(PretradeError::NoPlan(id.into()).into()),
        many => Err(PretradeError::Ambiguous { id: id.into(), count: many.len() }.into()),
    }
}

/// The human-readable plan.
pub fn markdown(p: &Plan) -> String {
    let i = &p.input;
    let s = &p.sizing;
    let market = match i.market {
        super::plan::Market::Spot => "spot".to_string(),
        super::plan::Market::Perp => format!("perpetual, {}x", i.leverage.unwrap_or_default()),
    };
    let mut m = format!(
        "# Pre-trade plan {}\n\n{} {} {} on {}/{} ({market}): {}\n\n",
        p.id,
        i.side.name(),
        s.size,
        i.symbol,
        i.venue,
        i.account,
        p.verdict.to_uppercase()
    );
    m.push_str("| | |\n|---|---|\n");
    let entry = match i.entry_kind {
        EntryKind::Limit => format!("limit {}", i.entry),
        EntryKind::Market => format!("market, reference {}", i.entry),
    };
    let mut rows = vec![
        ("entry", entry),
        ("stop", i.stop.to_string()),
        ("equity", i.equity.to_string()),
        ("risk budget", s.risk_budget.to_string()),
        ("risk per unit (distance + fees)", s.risk_per_unit.to_string()),
        ("size (raw)", format!("{} ({})", s.size, s.raw_size)),
        ("notional", s.notional.to_string()),
        ("leverage needed", s.leverage_needed.to_string()),
        ("margin", s.margin.to_string()),
        ("loss at stop, fees included", format!("{} ({}% of equity)", s.loss_at_stop, s.loss_at_stop_pct)),
        ("reward/risk", s.reward_risk.map_or("-".into(), |x| x.to_string())),
        ("exposure after", format!("{}% of equity", s.exposure_after_pct)),
    ];
    if let Some(l) = s.liquidation_price {
        rows.push(("estimated liquidation", l.to_string()));
    }
    for (k, v) in rows {
        m.push_str(&format!("| {k} | {v} |\n"));
    }
    if !s.targets.is_empty() {
        m.push_str("\n| target | share | quantity | PnL | R |\n|---|---|---|---|---|\n");
        for t in &s.targets {
            m.push_str(&format!(
                "| {} | {}% | {} | {} | {} |\n",
                t.price, t.share_pct, t.quantity, t.pnl, t.r_multiple
            ));
        }
    }
    m.push_str("\n| rule | result | plan | limit |\n|---|---|---|---|\n");
    for c in &p.checks {
        m.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            c.rule,
            if c.passed { "ok" } else { "FAIL" },
            c.actual,
            c.limit
        ));
    }
    if let Some(v) = &i.from_venue {
        m.push_str(&format!("\nFrom {} as of {}: {}.\n", v.corridor, v.as_of, v.fields.join(", ")));
    }
    if !p.warnings.is_empty() {
        m.push_str("\nWarnings:\n");
        for w in &p.warnings {
            m.push_str(&format!("- {w}\n"));
        }
    }
    m
}
