//! Paper's evidence, part of the gate to micro-live: the candidate's paper sessions that ended
//! well, how long they ran, whether each replays through the backtest to the same result, and
//! what they raised that nobody acknowledged.

use super::super::candidate::Candidate;
use super::super::model::{GateLine, Stage};
use super::Reads;
use crate::engine::backtest::simulate::{Fill, Stepper};
use crate::engine::backtest::BacktestConfig;
use crate::engine::data::catalog;
use crate::engine::paper::feed::FeedSpec;
use crate::engine::paper::session::Session;
use crate::engine::strategy;
use crate::engine::time::{parse_bound, parse_timestamp};
use crate::engine::workspace::Workspace;

const DAY_MS: i64 = 86_400_000;

/// Replay `s` through the backtest's own stepper on the dataset it pinned: every fill, then
/// its equity and position after its last bar, against the session's. `Err` says why it cannot be replayed.
pub fn replay_parity(ws: &Workspace, s: &Session) -> Result<(bool, String), String> {
    let spec = FeedSpec::parse(&s.config.feed).map_err(|e| e.message)?;
    let data = catalog::resolve(ws, s.config.dataset.as_deref().unwrap_or(&spec.data)).map_err(|e| e.message)?;
    if let Some(fp) = &s.config.fingerprint {
        if *fp != data.fingerprint {
            return Ok((false, format!("{}: its dataset changed since the session ran", s.id)));
        }
    }
    let start = s.config.from.as_deref().map(|f| parse_bound("--start", f)).transpose().map_err(|e| e.message)?;
    let all = data.bars.slice_time(start, None);
    let n = s.bars_processed;
    if n == 0 || n > all.len() {
        return Err(format!("{}: {n} bars processed, {} in its data", s.id, all.len()));
    }
    let bars = all.slice(0, n);
    let (strat, _) = strategy::build(&s.config.strategy, &s.config.params).map_err(|e| e.message)?;
    let targets = strat.targets(&bars);
    let cfg: &BacktestConfig = &s.config.backtest;
    let mut stepper = Stepper::new(cfg);
    stepper.record_fills();
    let mut last = (0.0, 0.0);
    let mut replayed = Vec::new();
    for (t, target) in targets.iter().enumerate().take(n) {
        last = stepper.on_bar(&bars, t, *target, n == all.len() && t + 1 == n);
        replayed.extend(stepper.take_fills());
    }
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0);
    // Fill by fill: the same bars, sides, quantities, prices and fees, not only the same end.
    let recorded = session_fills(ws, s)?;
    let same_fill = |a: &Fill, b: &Fill| {
        a.bar == b.bar && a.side == b.side && a.kind == b.kind && close(a.qty, b.qty) && close(a.price, b.price) && close(a.fee, b.fee)
    };
    if let Some(i) = (0..replayed.len().max(recorded.len())).find(|&i| match (replayed.get(i), recorded.get(i)) {
        (Some(a), Some(b)) => !same_fill(a, b),
        _ => true,
    }) {
        let show = |f: Option<&Fill>| {
            f.map_or("nothing".to_string(), |f| format!("{} {} {} at {} (bar {}, fee {})", f.kind, f.side, f.qty, f.price, f.bar, f.fee))
        };
        return Ok((
            false,
            format!(
                "{}: fill {} differs: the replay has {}, the session {} ({} fills replayed, {} recorded)",
                s.id,
                i + 1,
                show(replayed.get(i)),
                show(recorded.get(i)),
                replayed.len(),
                recorded.len()
            ),
        ));
    }
    let same = close(last.0, s.equity) && close(last.1, s.position);
    Ok((
        same,
        if same {
            format!("{}: replayed {n} bars to its {} fills and equity {:.2}", s.id, recorded.len(), s.equity)
        } else {
            format!(
                "{}: replayed {n} bars to equity {:.2} position {}, the session has {:.2} and {}",
                s.id, last.0, last.1, s.equity, s.position
            )
        },
    ))
}

/// The fills the session recorded (`fills.jsonl`), in order.
fn session_fills(ws: &Workspace, s: &Session) -> Result<Vec<Fill>, String> {
    let path = crate::engine::paper::session::dir(ws, &s.id).join("fills.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: cannot read {}: {e}", s.id, path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("{}: fills.jsonl line {}: {e}", s.id, i + 1)))
        .collect()
}

pub fn lines(r: &Reads, c: &Candidate) -> Vec<GateLine> {
    let g = &r.gates.paper;
    let all: Vec<&Session> = r.paper_of(c).collect();
    let ok: Vec<&Session> = all.iter().copied().filter(|s| g.ok_statuses.contains(&s.status)).collect();
    let ids = |v: &[&Session]| v.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
    let statuses: Vec<&str> = g.ok_statuses.iter().map(|s| s.name()).collect();
    let mut out = vec![GateLine::new(
        Stage::MicroLive,
        "paper_sessions",
        ok.len() >= g.min_sessions,
        format!(
            "{} of {} paper session(s) ended {} ({} needed)",
            ok.len(),
            all.len(),
            statuses.join(" or "),
            g.min_sessions
        ),
        ids(&all),
    )];
    let bars: usize = ok.iter().map(|s| s.bars_processed).sum();
    out.push(GateLine::new(
        Stage::MicroLive,
        "paper_bars",
        bars >= g.min_bars,
        format!("{bars} bars run ({} needed)", g.min_bars),
        ids(&ok),
    ));
    // Days of bars: from the earliest first bar of the counted sessions to the latest last one.
    let first_bar = |s: &Session| -> Option<i64> {
        if let Some(f) = &s.config.from {
            return parse_bound("--start", f).ok();
        }
        let spec = FeedSpec::parse(&s.config.feed).ok()?;
        let meta = catalog::find(r.ws, s.config.dataset.as_deref().unwrap_or(&spec.data)).ok()?;
        parse_timestamp(&meta.first).ok()
    };
    let firsts: Option<Vec<i64>> = ok.iter().map(|s| first_bar(s)).collect();
    let lasts: Option<Vec<i64>> =
        ok.iter().map(|s| s.last_bar_time.as_deref().and_then(|t| parse_timestamp(t).ok())).collect();
    let days = match (firsts, lasts) {
        (Some(f), Some(l)) if !f.is_empty() => {
            Some((l.iter().max().copied().unwrap_or(0) - f.iter().min().copied().unwrap_or(0)) / DAY_MS)
        }
        _ => None,
    };
    out.push(GateLine::new(
        Stage::MicroLive,
        "paper_days",
        g.min_days == 0 || days.is_some_and(|d| d >= i64::from(g.min_days)),
        match days {
            Some(d) => format!("{d} day(s) of bars ({} needed)", g.min_days),
            None => format!("days run unknown ({} needed)", g.min_days),
        },
        ids(&ok),
    ));
    if g.require_replay_parity {
        let mut details = Vec::new();
        let mut passed = !ok.is_empty();
        for s in &ok {
            match replay_parity(r.ws, s) {
                Ok((same, d)) => {
                    passed &= same;
                    details.push(d);
                }
                Err(why) => {
                    passed = false;
                    details.push(format!("{}: cannot replay: {why}", s.id));
                }
            }
        }
        if ok.is_empty() {
            details.push("no counted session to replay".into());
        }
        out.push(GateLine::new(Stage::MicroLive, "replay_parity", passed, details.join("; "), ids(&ok)));
    } else {
        out.push(GateLine::new(
            Stage::MicroLive,
            "replay_parity",
            true,
            "not required (paper.require_replay_parity = false)",
            Vec::new(),
        ));
    }
    let sources: Vec<String> = ok.iter().map(|s| format!("paper:{}", s.id)).collect();
    let open: Vec<String> = r
        .alerts
        .iter()
        .filter(|a| a.acknowledged_at.is_none() && sources.contains(&a.alert.source))
        .map(|a| a.alert.id.clone())
        .collect();
    out.push(GateLine::new(
        Stage::MicroLive,
        "paper_alerts",
        open.len() <= g.max_unacknowledged_alerts,
        format!("{} unacknowledged alert(s) of these sessions (at most {})", open.len(), g.max_unacknowledged_alerts),
        open,
    ));
    out
}
