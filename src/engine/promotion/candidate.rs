//! A candidate: one strategy with its parameters on one market and timeframe, the unit the
//! board promotes. Its id is derived from what it is (`cand_<strategy>_<MARKET>_<tf>_<8 hex of
//! its parameters>`), not stamped with a time as other ids are, so every artifact that traded or
//! tested the same thing (a sweep's best row, a walk-forward's last choice, a paper or live
//! session) names the same candidate and its evidence adds up.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::data::catalog;
use crate::engine::error::Result;
use crate::engine::live::session as live_session;
use crate::engine::paper::feed::FeedSpec;
use crate::engine::paper::live_feed::LiveSpec;
use crate::engine::paper::session as paper_session;
use crate::engine::research::sweep::{self, SweepStatus};
use crate::engine::research::walkforward as wf;
use crate::engine::strategy;
use crate::engine::time::{fmt_timeframe, parse_timeframe};
use crate::engine::workspace::{read_json, Workspace};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Candidate {
    pub id: String,
    pub strategy: String,
    /// Every parameter, defaults filled in, as the strategy resolved them.
    pub params: BTreeMap<String, String>,
    /// The base asset, as every venue's spelling of it reads (XBT is BTC; quote and -PERP dropped).
    pub market: String,
    /// Canonical (`1h`).
    pub timeframe: String,
}

/// The base asset of a symbol as any venue spells it: `BTC/USD`, `XBTUSD`, `XXBTZUSD`,
/// `BTC-PERP` and `BTC` are all `BTC`.
pub fn market_of(symbol: &str) -> String {
    let s = symbol.trim().to_ascii_uppercase();
    let s = s.strip_suffix("-PERP").or_else(|| s.strip_suffix("PERP")).unwrap_or(&s).to_string();
    let base = match s.split_once(['/', '-', ':']) {
        Some((b, _)) => b.to_string(),
        None => ["ZUSD", "ZEUR", "USDT", "USDC", "USD", "EUR"]
            .iter()
            .find_map(|q| s.strip_suffix(q).filter(|b| !b.is_empty()))
            .unwrap_or(&s)
            .to_string(),
    };
    match base.as_str() {
        "XBT" | "XXBT" => "BTC".into(),
        "XETH" => "ETH".into(),
        _ => base,
    }
}

impl Candidate {
    /// The candidate `strategy` with `params` (resolved through the strategy, so a default
    /// given or left out is the same candidate) trades on `symbol` at `timeframe`.
    pub fn new(strategy: &str, params: &BTreeMap<String, String>, symbol: &str, timeframe: &str) -> Result<Self> {
        let (_, resolved) = strategy::build(strategy, params)?;
        let params: BTreeMap<String, String> = resolved.iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
        let timeframe = fmt_timeframe(parse_timeframe(timeframe)?);
        let market = market_of(symbol);
        let text: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let hash = crate::engine::research::artifacts::sha256_hex(text.join(";").as_bytes());
        let safe: String = market.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        let id = format!("cand_{strategy}_{safe}_{timeframe}_{}", &hash[..8]);
        Ok(Candidate { id, strategy: strategy.into(), params, market, timeframe })
    }

    /// `sma_cross fast=20 slow=100 BTC 1h`.
    pub fn label(&self) -> String {
        let p: Vec<String> = self.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{} {} {} {}", self.strategy, p.join(" "), self.market, self.timeframe)
    }

    /// Whether a sweep or walk-forward row of `strategy` with these f64 parameters is this one.
    pub fn same_params(&self, strategy: &str, params: &BTreeMap<String, f64>) -> bool {
        strategy == self.strategy
            && params.len() == self.params.len()
            && params.iter().all(|(k, v)| self.params.get(k).is_some_and(|p| *p == v.to_string()))
    }
}

fn text_params(p: &BTreeMap<String, f64>) -> BTreeMap<String, String> {
    p.iter().map(|(k, v)| (k.clone(), v.to_string())).collect()
}

/// Every walk-forward report in the workspace, by folder.
pub fn walkforwards(ws: &Workspace) -> Vec<wf::WalkForwardReport> {
    let Ok(rd) = std::fs::read_dir(ws.root().join("walkforward")) else { return Vec::new() };
    let mut out: Vec<wf::WalkForwardReport> =
        rd.flatten().filter_map(|d| read_json(&d.path().join("walkforward.json")).ok()).collect();
    out.sort_by(|a, b| a.wf_id.cmp(&b.wf_id));
    out
}

/// The timeframe of a paper or live session's replay feed, from the catalogue.
fn replay_timeframe(ws: &Workspace, feed: &str, dataset: Option<&str>) -> Option<String> {
    let spec = FeedSpec::parse(feed).ok()?;
    catalog::find(ws, dataset.unwrap_or(&spec.data)).ok().map(|m| m.timeframe)
}

/// The candidate a live session trades: recorded at its start, else derived from its config.
pub fn of_live(ws: &Workspace, s: &live_session::LiveSession) -> Option<Candidate> {
    let tf = if LiveSpec::is_live(&s.config.feed) {
        LiveSpec::parse(&s.config.feed).ok().map(|l| fmt_timeframe(l.interval_ms))
    } else {
        replay_timeframe(ws, &s.config.feed, None)
    }?;
    Candidate::new(&s.config.strategy, &s.config.params, &s.config.symbol, &tf).ok()
}

/// The candidate a paper session ran.
pub fn of_paper(ws: &Workspace, s: &paper_session::Session) -> Option<Candidate> {
    let tf = replay_timeframe(ws, &s.config.feed, s.config.dataset.as_deref())?;
    Candidate::new(&s.config.strategy, &s.config.params, &s.symbol, &tf).ok()
}

/// A candidate with the artifacts it was found in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    pub candidate: Candidate,
    pub sources: Vec<String>,
}

/// Every candidate the workspace's artifacts name: each sweep's best row, each walk-forward's
/// last choice, every paper and live session; plus those with a promotion decision recorded
/// (`extra`). Sorted by id, each once.
pub fn discover(ws: &Workspace, extra: &[Candidate]) -> Result<Vec<Found>> {
    let mut found: BTreeMap<String, Found> = BTreeMap::new();
    let mut add = |c: Candidate, source: String| {
        let f = found.entry(c.id.clone()).or_insert_with(|| Found { candidate: c, sources: Vec::new() });
        if !source.is_empty() && !f.sources.contains(&source) {
            f.sources.push(source);
        }
    };
    // Each sweep's best row: rank 1 even where the objective is undefined (so no best_params).
    for s in sweep::list(ws)? {
        if s.status != SweepStatus::Success {
            continue;
        }
        let report = sweep::load(ws, &s.sweep_id)?;
        if let Some(best) = report.combinations.iter().min_by_key(|c| c.rank) {
            if let Ok(c) = Candidate::new(&s.strategy, &text_params(&best.params), &s.symbol, &s.timeframe) {
                add(c, s.sweep_id.clone());
            }
        }
    }
    for w in walkforwards(ws) {
        if let Some(last) = w.folds.last() {
            if let Ok(c) = Candidate::new(&w.config.strategy, &text_params(&last.chosen), &w.data.symbol, &w.data.timeframe)
            {
                add(c, w.wf_id.clone());
            }
        }
    }
    for s in paper_session::all(ws)? {
        if let Some(c) = of_paper(ws, &s) {
            add(c, s.id.clone());
        }
    }
    for s in live_session::all(ws)? {
        if let Some(c) = of_live(ws, &s) {
            add(c, s.id.clone());
        }
    }
    for c in extra {
        add(c.clone(), String::new());
    }
    Ok(found.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_spelling_of_a_market_is_one_market() {
        for s in ["BTC/USD", "XBTUSD", "XXBTZUSD", "BTC-PERP", "BTC", "btc/usdt", "XBT/USD"] {
            assert_eq!(market_of(s), "BTC", "{s}");
        }
        assert_eq!(market_of("ETH/USD"), "ETH");
        assert_eq!(market_of("SOL"), "SOL");
    }

    #[test]
    fn the_id_is_what_the_candidate_is() {
        let a = Candidate::new("sma_cross", &p(&[("fast", "20"), ("slow", "100")]), "BTC/USD", "60m").unwrap();
        // The same parameters given otherwise (a float, the venue's symbol, another spelling of
        // the timeframe) are the same candidate.
        let b = Candidate::new("sma_cross", &p(&[("fast", "20.0"), ("slow", "100")]), "XBTUSD", "1h").unwrap();
        assert_eq!(a, b);
        assert!(a.id.starts_with("cand_sma_cross_BTC_1h_") && a.id.len() == "cand_sma_cross_BTC_1h_".len() + 8, "{}", a.id);
        let c = Candidate::new("sma_cross", &p(&[("fast", "10"), ("slow", "100")]), "BTC/USD", "1h").unwrap();
        assert_ne!(a.id, c.id);
        let d = Candidate::new("sma_cross", &p(&[("fast", "20"), ("slow", "100")]), "BTC/USD", "4h").unwrap();
        assert_ne!(a.id, d.id);
        assert!(a.same_params("sma_cross", &[("fast".to_string(), 20.0), ("slow".to_string(), 100.0)].into()));
        assert!(!a.same_params("ema_cross", &[("fast".to_string(), 20.0), ("slow".to_string(), 100.0)].into()));
        assert!(Candidate::new("no_such", &p(&[]), "BTC", "1h").is_err());
    }
}
