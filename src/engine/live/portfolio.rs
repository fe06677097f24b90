//! The portfolio across live sessions, whatever their corridor or venue, and the policy's
//! `[portfolio]` limits over it: how many sessions may be live, how much gross exposure they
//! may hold together, and how much they may lose together in a UTC day. Each session brings
//! its share (`book`, written by its runner at each read of the venue); an unknown share is
//! shown unknown, never as zero. Written to `live_sessions/portfolio.json`.

use std::io::Write;
use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::book::utc_day;
use super::error::LiveError;
use super::session::{self, LiveSession, PausedBy, Status};
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::error::{Error, Result};
use crate::engine::execution::policy::{self, ExecutionPolicy, PortfolioPolicy};
use crate::engine::execution::CorridorId;
use crate::engine::paper::control::{self, Desired};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_json, Workspace};

pub const PORTFOLIO_SCHEMA: &str = "quantlab.live_portfolio";

/// One session's share. Decimal strings in the quote currency; `None`: unknown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub id: String,
    pub status: Status,
    pub paused_by: Option<PausedBy>,
    pub corridor: CorridorId,
    pub symbol: String,
    /// The session's position (the venue's less its anchor) as last read.
    pub position: Option<String>,
    pub mark: Option<String>,
    /// |position| x mark.
    pub exposure: Option<String>,
    /// The same were its alive intent to fill: what the gross exposure check counts.
    pub exposure_if_filled: Option<String>,
    /// Realized and unrealized since 00:00 UTC of the portfolio's day.
    pub pnl_today: Option<String>,
    /// When the session last read the venue.
    pub as_of: Option<String>,
}

/// `live_sessions/portfolio.json` and `quantlab live portfolio --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Portfolio {
    pub schema: String,
    pub schema_version: u32,
    pub time: String,
    /// The UTC day `pnl_today` and the daily loss limit are for.
    pub day: String,
    /// Sessions created, running or paused: what `max_live_sessions` counts.
    pub sessions_live: usize,
    /// The live sessions and the aborted ones (their positions are still at the venue and
    /// `live resume` continues them).
    pub sessions: Vec<Share>,
    /// Sums over `sessions`; `None` when any session's part is unknown.
    pub gross_exposure: Option<String>,
    pub gross_exposure_if_filled: Option<String>,
    pub pnl_today: Option<String>,
    /// The sessions whose exposure or PnL today is unknown.
    pub unknown: Vec<String>,
    /// The policy's `[portfolio]`; `None`: no portfolio limit applies.
    pub limits: Option<PortfolioPolicy>,
    /// The daily loss limit hit today: every session paused until the next UTC day.
    pub loss_hit: Option<LossHit>,
}

/// What a runner found when the sessions' loss today reached the limit (one file a day,
/// `live_sessions/portfolio_loss/<day>.json`, written once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LossHit {
    pub day: String,
    pub at: String,
    /// The session whose runner found it.
    pub session: String,
    /// The known sessions' PnL today together.
    pub pnl_today: String,
    pub limit: String,
    /// Sessions whose PnL today was unknown (not counted either way).
    pub unknown: Vec<String>,
    pub sessions_paused: Vec<String>,
}

/// A session counted in the portfolio: live, or aborted with its position still at the venue.
fn counted(s: &LiveSession) -> bool {
    s.status.is_live() || s.status == Status::Aborted
}

fn dec(s: Option<&str>) -> Option<Decimal> {
    s.and_then(|v| v.parse().ok())
}

/// One session's share on `day`. A session that has made no intent holds nothing of its own
/// (its anchor is what the account held when it started): its share is zero by construction,
/// even before its first read.
pub fn share(s: &LiveSession, day: &str) -> Share {
    let book = s.book.as_ref();
    let never_traded = s.intents.created == 0 && s.pending_intent.is_none();
    let position = dec(s.position.as_deref()).or(never_traded.then_some(Decimal::ZERO));
    let mark = book.and_then(|b| dec(b.mark.as_deref()));
    let pending = book.and_then(|b| dec(Some(&b.pending))).unwrap_or_default();
    // Nothing held is worth nothing at any mark; anything else needs the mark.
    let value = |units: Decimal| if units.is_zero() { Some(Decimal::ZERO) } else { mark.map(|m| units * m) };
    let exposure = position.and_then(|p| value(p.abs()));
    let if_filled = position.and_then(|p| value(p.abs().max((p + pending).abs())));
    let pnl_today = match book {
        Some(b) if b.day == day => dec(b.pnl_today.as_deref()),
        // Last read on an earlier day: today's is unknown until it reads again.
        Some(_) => None,
        None if never_traded => Some(Decimal::ZERO),
        None => None,
    };
    Share {
        id: s.id.clone(),
        status: s.status,
        paused_by: s.paused_by,
        corridor: s.config.corridor.clone(),
        symbol: s.config.symbol.clone(),
        position: s.position.clone(),
        mark: book.and_then(|b| b.mark.clone()),
        exposure: exposure.map(|e| e.normalize().to_string()),
        exposure_if_filled: if_filled.map(|e| e.normalize().to_string()),
        pnl_today: pnl_today.map(|p| p.normalize().to_string()),
        as_of: book.map(|b| b.as_of.clone()),
    }
}

fn sum<'a>(parts: impl Iterator<Item = Option<&'a String>>) -> Option<Decimal> {
    parts.map(|p| dec(p.map(String::as_str))).sum()
}

/// The portfolio of `sessions` at `now_ms`, pure.
pub fn build(
    sessions: &[LiveSession],
    limits: Option<PortfolioPolicy>,
    loss_hit: Option<LossHit>,
    now_ms: i64,
) -> Portfolio {
    let day = utc_day(now_ms);
    let shares: Vec<Share> = sessions.iter().filter(|s| counted(s)).map(|s| share(s, &day)).collect();
    let unknown = shares
        .iter()
        .filter(|s| s.exposure.is_none() || s.pnl_today.is_none())
        .map(|s| s.id.clone())
        .collect();
    let text = |d: Option<Decimal>| d.map(|d| d.normalize().to_string());
    Portfolio {
        schema: PORTFOLIO_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        time: fmt_ms(now_ms),
        sessions_live: sessions.iter().filter(|s| s.status.is_live()).count(),
        gross_exposure: text(sum(shares.iter().map(|s| s.exposure.as_ref()))),
        gross_exposure_if_filled: text(sum(shares.iter().map(|s| s.exposure_if_filled.as_ref()))),
        pnl_today: text(sum(shares.iter().map(|s| s.pnl_today.as_ref()))),
        unknown,
        sessions: shares,
        limits,
        loss_hit,
        day,
    }
}

pub fn path(ws: &Workspace) -> PathBuf {
    session::root(ws).join("portfolio.json")
}

fn loss_path(ws: &Workspace, day: &str) -> PathBuf {
    session::root(ws).join("portfolio_loss").join(format!("{day}.json"))
}

/// The daily loss limit's hit of `day`, if any. A record that cannot be read is an error,
/// never taken as "not hit".
pub fn loss_hit(ws: &Workspace, day: &str) -> Result<Option<LossHit>> {
    let p = loss_path(ws, day);
    if !p.exists() {
        return Ok(None);
    }
    read_json(&p).map(Some)
}

/// The portfolio now, with `overlay` (a runner's own session, fresher than its file) in place
/// of its file.
pub fn snapshot(ws: &Workspace, overlay: Option<&LiveSession>) -> Result<Portfolio> {
    let limits = policy::load(ws)?.and_then(|p| p.policy.portfolio);
    let mut sessions = session::all(ws)?;
    if let Some(o) = overlay {
        match sessions.iter_mut().find(|s| s.id == o.id) {
            Some(s) => *s = o.clone(),
            None => sessions.push(o.clone()),
        }
    }
    let now = now_ms();
    let hit = loss_hit(ws, &utc_day(now))?;
    Ok(build(&sessions, limits, hit, now))
}

/// Write `p` to `live_sessions/portfolio.json`.
pub fn write(ws: &Workspace, p: &Portfolio) -> Result<()> {
    write_json(&path(ws), p)
}

/// May one more session go live (`adds_one`: a start, or the resume of an aborted one), or a
/// paused one resume? Refused while the daily loss limit is hit today, and beyond
/// `max_live_sessions`. Reads only: nothing is written on a refusal.
pub fn admit(ws: &Workspace, policy: &ExecutionPolicy, adds_one: bool) -> Result<()> {
    let Some(limits) = &policy.portfolio else { return Ok(()) };
    let day = utc_day(now_ms());
    if let (Some(limit), Some(hit)) = (limits.daily_loss_limit, loss_hit(ws, &day)?) {
        return Err(LiveError::PortfolioLoss { day, limit, pnl_today: hit.pnl_today, at: hit.at }.into());
    }
    if let (Some(max), true) = (limits.max_live_sessions, adds_one) {
        let live: Vec<String> = session::all(ws)?.into_iter().filter(|s| s.status.is_live()).map(|s| s.id).collect();
        if live.len() >= max {
            return Err(LiveError::PortfolioSessions { max, live }.into());
        }
    }
    Ok(())
}

/// Would an order of `delta` (signed base units) by session `id`, holding `held` at `mark`,
/// raise the gross exposure past `limit`? An order that does not raise the session's own
/// exposure always passes; one that does is blocked when the total would exceed the limit or
/// another session's exposure is unknown (it cannot be shown to fit). `Err`: why it is blocked.
pub fn check_exposure(
    p: &Portfolio,
    limit: Decimal,
    id: &str,
    held: Decimal,
    delta: Decimal,
    mark: Decimal,
) -> std::result::Result<(), String> {
    let (before, after) = (held.abs() * mark, (held + delta).abs() * mark);
    if after <= before {
        return Ok(());
    }
    let others: Vec<&Share> = p.sessions.iter().filter(|s| s.id != id).collect();
    let unknown: Vec<&str> = others.iter().filter(|s| s.exposure_if_filled.is_none()).map(|s| s.id.as_str()).collect();
    if !unknown.is_empty() {
        return Err(format!(
            "portfolio.max_gross_exposure: the exposure of {} is unknown, so this order cannot be shown to stay within {limit}",
            unknown.join(", ")
        ));
    }
    let rest: Decimal = others.iter().filter_map(|s| dec(s.exposure_if_filled.as_deref())).sum();
    let total = rest + after;
    if total > limit {
        return Err(format!(
            "portfolio.max_gross_exposure: {} after this order ({} of this session, {} of {} other session(s) with their alive intents filled) > {limit}",
            total.normalize(),
            after.normalize(),
            rest.normalize(),
            others.len()
        ));
    }
    Ok(())
}

/// The loss of the sessions whose PnL today is known, when it reaches `limit`. A session whose
/// PnL today is unknown is not counted as a gain or a loss: it cannot offset the others'.
pub fn loss_reached(p: &Portfolio, limit: Decimal) -> Option<Decimal> {
    let known: Decimal = p.sessions.iter().filter_map(|s| dec(s.pnl_today.as_deref())).sum();
    (known <= -limit).then_some(known)
}

/// Record today's hit (once: `false` when another runner already did) and pause every live
/// session but `except` (the caller pauses its own): their runners say so at their next look.
pub fn record_loss(ws: &Workspace, hit: &mut LossHit, except: &str) -> Result<bool> {
    let live: Vec<LiveSession> = session::all(ws)?.into_iter().filter(|s| s.status.is_live()).collect();
    hit.sessions_paused = live.iter().map(|s| s.id.clone()).collect();
    let p = loss_path(ws, &hit.day);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).map_err(|e| Error::io("create", d, e))?;
    }
    let mut bytes = serde_json::to_vec_pretty(hit)?;
    bytes.push(b'\n');
    // Created only if absent: two runners finding the hit together record it once.
    let first = match std::fs::OpenOptions::new().write(true).create_new(true).open(&p) {
        Ok(mut f) => {
            f.write_all(&bytes).and_then(|_| f.sync_all()).map_err(|e| Error::io("write", &p, e))?;
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
        Err(e) => return Err(Error::io("create", &p, e)),
    };
    for s in live.iter().filter(|s| s.id != except && s.status != Status::Paused) {
        control::set_in(&session::dir(ws, &s.id), Desired::Paused)?;
    }
    Ok(first)
}

/// Why a session is paused when its control says so: the daily loss limit hit today, or the
/// operator.
pub fn pause_cause(ws: &Workspace) -> (String, PausedBy) {
    match loss_hit(ws, &utc_day(now_ms())) {
        Ok(Some(h)) => (loss_message(&h), PausedBy::Portfolio),
        // An unreadable record still means a hit was recorded today.
        Err(e) => (format!("portfolio.daily_loss_limit: hit today ({})", e.message), PausedBy::Portfolio),
        Ok(None) => ("paused by the operator".into(), PausedBy::Operator),
    }
}

pub fn loss_message(h: &LossHit) -> String {
    format!(
        "portfolio.daily_loss_limit: the live sessions lost {} today (limit {}), found by {} at {}: every session paused until the next UTC day{}",
        h.pnl_today.trim_start_matches('-'),
        h.limit,
        h.session,
        h.at,
        if h.unknown.is_empty() { String::new() } else { format!(" (PnL unknown for {})", h.unknown.join(", ")) }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::Venue;
    use crate::engine::live::book::Book;
    use crate::engine::live::{LiveConfig, LiveSizing};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    const NOW: i64 = 1_767_355_200_000; // 2026-01-02T12:00:00Z

    fn session(id: &str, position: Option<&str>, mark: Option<&str>, pnl_today: Option<&str>) -> LiveSession {
        let config = LiveConfig {
            strategy: "sma_cross".into(),
            params: Default::default(),
            feed: "replay:x".into(),
            corridor: CorridorId::new(Venue::Fake, "main").unwrap(),
            symbol: "BTC/USD".into(),
            sizing: LiveSizing::parse("notional:500", None, None).unwrap(),
            intent_ttl_ms: 1000,
            allow_short: false,
            fee_bps: 0.0,
            slippage_bps: 0.0,
        };
        let mut s = LiveSession::new(id.into(), config, Decimal::ZERO);
        s.status = Status::Running;
        s.intents.created = 1;
        s.position = position.map(Into::into);
        s.book = Some(Book {
            as_of: fmt_ms(NOW),
            mark: mark.map(Into::into),
            pending: "0".into(),
            pnl: pnl_today.map(Into::into),
            day: utc_day(NOW),
            pnl_today: pnl_today.map(Into::into),
            peak_pnl: None,
        });
        s
    }

    #[test]
    fn sums_shares_and_an_unknown_part_makes_the_sum_unknown() {
        let a = session("a", Some("0.01"), Some("50000"), Some("-2"));
        let b = session("b", Some("-1"), Some("3000"), Some("5"));
        let p = build(&[a.clone(), b.clone()], None, None, NOW);
        assert_eq!((p.gross_exposure.as_deref(), p.pnl_today.as_deref()), (Some("3500"), Some("3")));
        assert!(p.unknown.is_empty());
        // b's position was never read, though it traded: unknown, and so is the total.
        let blind = LiveSession { position: None, ..b.clone() };
        let p = build(&[a.clone(), blind], None, None, NOW);
        assert_eq!((p.gross_exposure, p.unknown.clone()), (None, vec!["b".to_string()]));
        assert_eq!(p.sessions[1].exposure, None);
        // A session's book of yesterday says nothing of today's PnL.
        let mut stale = b.clone();
        stale.book.as_mut().unwrap().day = "2026-01-01".into();
        assert_eq!(build(&[a.clone(), stale], None, None, NOW).pnl_today, None);
        // A session that never traded holds nothing of its own, read or not: zero by construction.
        let mut fresh = session("c", None, None, None);
        (fresh.intents.created, fresh.book) = (0, None);
        let p = build(&[a.clone(), fresh.clone()], None, None, NOW);
        assert_eq!((p.gross_exposure.as_deref(), p.pnl_today.as_deref()), (Some("500"), Some("-2")));
        // Ended sessions are not the portfolio's; aborted ones are (their position is still held).
        let ended = LiveSession { status: Status::Stopped, ..b.clone() };
        let aborted = LiveSession { status: Status::Aborted, ..b };
        let p = build(&[a, ended, aborted, fresh], None, None, NOW);
        assert_eq!((p.sessions.len(), p.sessions_live), (3, 2));
    }

    #[test]
    fn an_order_raising_the_gross_exposure_past_the_limit_is_blocked_reducing_ones_pass() {
        let a = session("a", Some("0.01"), Some("50000"), Some("0"));
        let mut b = session("b", Some("0"), Some("50000"), Some("0"));
        b.config.symbol = "ETH/USD".into();
        let p = build(&[a.clone(), b.clone()], None, None, NOW);
        let m = d("50000");
        // b buys 0.01 (500): 1000 in all.
        assert!(check_exposure(&p, d("1000"), "b", d("0"), d("0.01"), m).is_ok());
        let e = check_exposure(&p, d("999"), "b", d("0"), d("0.01"), m).unwrap_err();
        assert!(e.starts_with("portfolio.max_gross_exposure: 1000 after this order"), "{e}");
        // a sells what it holds: always, even far above the limit.
        assert!(check_exposure(&p, d("1"), "a", d("0.01"), d("-0.01"), m).is_ok());
        // Through flat to the same size short is no raise; beyond it is.
        assert!(check_exposure(&p, d("1"), "a", d("0.01"), d("-0.02"), m).is_ok());
        assert!(check_exposure(&p, d("1"), "a", d("0.01"), d("-0.03"), m).is_err());
        // Another session's alive intent counts as if filled.
        let mut waiting = a.clone();
        waiting.book.as_mut().unwrap().pending = "0.02".into();
        let p = build(&[waiting, b.clone()], None, None, NOW);
        assert_eq!(p.gross_exposure_if_filled.as_deref(), Some("1500"));
        assert!(check_exposure(&p, d("1999"), "b", d("0"), d("0.01"), m).is_err());
        // An unknown exposure elsewhere: a raise cannot be shown to fit; a reduction still passes.
        let blind = LiveSession { position: None, ..a };
        let p = build(&[blind, b], None, None, NOW);
        let e = check_exposure(&p, d("1000000"), "b", d("0"), d("0.01"), m).unwrap_err();
        assert!(e.contains("exposure of a is unknown"), "{e}");
        assert!(check_exposure(&p, d("1"), "b", d("0.01"), d("-0.01"), m).is_ok());
    }

    #[test]
    fn the_daily_loss_counts_the_known_sessions_and_no_unknown_offsets_them() {
        let a = session("a", Some("0"), Some("1"), Some("-200"));
        let b = session("b", Some("0"), Some("1"), Some("-100"));
        let p = build(&[a.clone(), b.clone()], None, None, NOW);
        assert_eq!(loss_reached(&p, d("300")), Some(d("-300")));
        assert_eq!(loss_reached(&p, d("301")), None);
        let unknown = session("c", Some("0"), Some("1"), None);
        let p = build(&[a, b, unknown], None, None, NOW);
        assert_eq!(p.pnl_today, None, "the total is unknown");
        assert_eq!(loss_reached(&p, d("300")), Some(d("-300")), "but what is known already lost the limit");
    }
}
