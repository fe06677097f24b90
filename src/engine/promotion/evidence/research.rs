//! Research's evidence, the gate to paper: how these exact parameters ranked in sweeps of the
//! strategy on the candidate's market and timeframe, and how a walk-forward of the strategy
//! there held up out of sample.

use super::super::candidate::{market_of, Candidate};
use super::super::model::{GateLine, Stage};
use super::{num, Reads};
use crate::engine::time::{fmt_timeframe, parse_timeframe};

fn same_market(c: &Candidate, symbol: &str, timeframe: &str) -> bool {
    market_of(symbol) == c.market && parse_timeframe(timeframe).map(fmt_timeframe).ok().as_deref() == Some(&c.timeframe)
}

pub fn lines(r: &Reads, c: &Candidate) -> Vec<GateLine> {
    let g = &r.gates.research;
    let mut out = Vec::new();

    // The best rank these parameters reached in any sweep of the strategy on the market.
    let mut best: Option<(usize, usize, String)> = None;
    let mut read = Vec::new();
    for s in r.sweeps.iter().filter(|s| s.config.strategy == c.strategy && same_market(c, &s.data.symbol, &s.data.timeframe)) {
        read.push(s.sweep_id.clone());
        if let Some(row) = s.combinations.iter().find(|row| c.same_params(&c.strategy, &row.params)) {
            if best.as_ref().is_none_or(|b| row.rank < b.0) {
                best = Some((row.rank, s.combinations.len(), s.sweep_id.clone()));
            }
        }
    }
    let line = match (&best, g.require_sweep) {
        (Some((rank, of, id)), _) => GateLine::new(
            Stage::Paper,
            "sweep_rank",
            !g.require_sweep || *rank <= g.max_sweep_rank,
            format!("best rank {rank} of {of} in {id} (at most {} needed)", g.max_sweep_rank),
            read,
        ),
        (None, true) if read.is_empty() => GateLine::new(
            Stage::Paper,
            "sweep_rank",
            false,
            format!("no sweep of {} on {} {}: run `quantlab sweep`", c.strategy, c.market, c.timeframe),
            read,
        ),
        (None, true) => GateLine::new(
            Stage::Paper,
            "sweep_rank",
            false,
            format!("these parameters are in none of the {} sweep(s) read", read.len()),
            read,
        ),
        (None, false) => {
            GateLine::new(Stage::Paper, "sweep_rank", true, "not required (research.require_sweep = false)", read)
        }
    };
    out.push(line);

    // The newest walk-forward of the strategy on the market: its out-of-sample summary.
    let wf = r
        .walkforwards
        .iter()
        .filter(|w| w.config.strategy == c.strategy && same_market(c, &w.data.symbol, &w.data.timeframe))
        .max_by(|a, b| a.created_at.cmp(&b.created_at).then(a.wf_id.cmp(&b.wf_id)));
    let line = match wf {
        None if g.require_walkforward => GateLine::new(
            Stage::Paper,
            "walkforward",
            false,
            format!("no walk-forward of {} on {} {}: run `quantlab walkforward`", c.strategy, c.market, c.timeframe),
            Vec::new(),
        ),
        None => GateLine::new(Stage::Paper, "walkforward", true, "not required (research.require_walkforward = false)", Vec::new()),
        Some(w) => {
            let s = &w.summary;
            let oos_ok = s.mean_out_of_sample_objective.is_some_and(|v| v >= g.min_oos_objective);
            let eff_ok = s.efficiency.is_some_and(|v| v >= g.min_efficiency);
            let chosen = w.folds.iter().filter(|f| c.same_params(&c.strategy, &f.chosen)).count();
            GateLine::new(
                Stage::Paper,
                "walkforward",
                !g.require_walkforward || (oos_ok && eff_ok),
                format!(
                    "{} folds: mean out-of-sample {} {} (at least {} needed), efficiency {} (at least {}), degradation {}; these parameters chosen in {chosen} fold(s)",
                    s.folds,
                    w.config.objective,
                    num(s.mean_out_of_sample_objective),
                    g.min_oos_objective,
                    num(s.efficiency),
                    g.min_efficiency,
                    num(s.degradation),
                ),
                vec![w.wf_id.clone()],
            )
        }
    };
    out.push(line);
    out
}
