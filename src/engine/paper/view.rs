//! What a supervisor sees of sessions: each with its health, PnL and last-bar age, totals
//! across the live ones, and one session's equity, orders and fills. Read-only; the console
//! and `paper status` draw from it.

use serde::{Deserialize, Serialize};

use super::runner::Health;
use super::session::{self, Session, Status};
use crate::engine::error::Result;
use crate::engine::time::{now_ms, parse_timestamp};
use crate::engine::workspace::{read_json, Workspace};

/// Orders and fills kept for a detail view; the files keep everything.
const DETAIL_ROWS: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub session: Session,
    pub health: Option<Health>,
    /// Equity minus the starting cash.
    pub pnl: f64,
    /// Wall-clock ms since the last bar arrived, as of the moment this view was read.
    pub last_bar_age_ms: Option<i64>,
}

/// Totals across the sessions that are live (created, running, paused or stopping).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub live: usize,
    pub running: usize,
    pub equity: f64,
    pub starting_cash: f64,
    pub pnl: f64,
}

/// A change of target position the session ordered (a line of orders.jsonl).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    pub bar: usize,
    pub ts: String,
    pub from: i64,
    pub to: i64,
    pub fill: String,
}

/// A simulated fill (a line of fills.jsonl).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FillLine {
    pub bar: usize,
    pub time: String,
    pub side: String,
    pub qty: f64,
    pub price: f64,
    pub fee: f64,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub view: SessionView,
    /// (epoch ms of the bar, equity) per bar.
    pub equity: Vec<(i64, f64)>,
    /// The newest last, at most [`DETAIL_ROWS`].
    pub orders: Vec<OrderLine>,
    pub fills: Vec<FillLine>,
}

pub fn view(ws: &Workspace, s: Session) -> SessionView {
    let health: Option<Health> = read_json(&session::dir(ws, &s.id).join("health.json")).ok();
    // The age grows between heartbeats: count from when the heartbeat was written.
    let last_bar_age_ms = health.as_ref().and_then(|h| {
        let beat = parse_timestamp(&h.heartbeat).ok()?;
        h.since_last_bar_ms.map(|since| since + (now_ms() - beat).max(0))
    });
    SessionView { pnl: s.equity - s.config.backtest.cash, health, last_bar_age_ms, session: s }
}

pub fn totals(views: &[SessionView]) -> Totals {
    let mut t = Totals::default();
    for v in views.iter().filter(|v| v.session.status.is_live()) {
        t.live += 1;
        t.running += usize::from(v.session.status == Status::Running);
        t.equity += v.session.equity;
        t.starting_cash += v.session.config.backtest.cash;
        t.pnl += v.pnl;
    }
    t
}

/// The last `n` lines of a JSON-lines file that parse as `T` (a torn last line is skipped).
fn tail_jsonl<T: serde::de::DeserializeOwned>(path: &std::path::Path, n: usize) -> Vec<T> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut rows: Vec<T> = text.lines().rev().filter_map(|l| serde_json::from_str(l).ok()).take(n).collect();
    rows.reverse();
    rows
}

pub fn detail(ws: &Workspace, s: Session) -> Result<Detail> {
    let dir = session::dir(ws, &s.id);
    let text = std::fs::read_to_string(dir.join("equity.csv")).unwrap_or_default();
    // bar,time,close,equity,position
    let equity = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut c = l.split(',');
            let time = c.nth(1)?;
            let eq = c.nth(1)?.parse().ok()?;
            Some((parse_timestamp(time).ok()?, eq))
        })
        .collect();
    Ok(Detail {
        orders: tail_jsonl(&dir.join("orders.jsonl"), DETAIL_ROWS),
        fills: tail_jsonl(&dir.join("fills.jsonl"), DETAIL_ROWS),
        equity,
        view: view(ws, s),
    })
}
