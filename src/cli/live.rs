//! `quantlab live start|list|status|pause|resume|stop`

use serde_json::json;

use super::args::{LiveCmd, LiveStartArgs};
use super::output::Outcome;
use crate::engine::execution::Venue;
use crate::engine::live::{LiveSession, LiveStartRequest, Portfolio};
use crate::engine::paper::Status;
use crate::engine::strategy::parse_pairs;
use crate::engine::{Engine, Result};

fn line(s: &LiveSession) -> String {
    let c = &s.config;
    format!(
        "{}  {:<9} {} {} in {}  position {} (desired {})  intents {} created, {} missed, {} refused, {} filled  last bar {}{}{}{}\n",
        s.id,
        s.status.name(),
        c.strategy,
        c.symbol,
        c.corridor,
        s.position.as_deref().unwrap_or("unknown"),
        s.desired,
        s.intents.created,
        s.intents.missed,
        s.intents.refused,
        s.intents.filled,
        s.last_bar_time.as_deref().unwrap_or("-"),
        s.pending_intent.as_deref().map(|i| format!("\n    waiting for the keypress: {i}")).unwrap_or_default(),
        s.last_signal.as_ref().map(|l| format!("\n    last signal: {}", l.reason)).unwrap_or_default(),
        s.reason.as_deref().map(|r| format!("\n    {r}")).unwrap_or_default()
    )
}

/// The portfolio in words: a line a session, the sums against the limits.
fn portfolio_text(p: &Portfolio) -> String {
    let or_unknown = |v: &Option<String>| v.clone().unwrap_or_else(|| "unknown".into());
    let limit = |f: fn(&crate::engine::execution::PortfolioPolicy) -> Option<String>| {
        p.limits.as_ref().and_then(f).map(|l| format!(" (limit {l})")).unwrap_or_default()
    };
    let mut text = format!(
        "portfolio {}: {} live session(s){}  gross exposure {}{}  PnL today {}{}\n",
        p.day,
        p.sessions_live,
        limit(|l| l.max_live_sessions.map(|m| m.to_string())),
        or_unknown(&p.gross_exposure),
        limit(|l| l.max_gross_exposure.map(|m| m.to_string())),
        or_unknown(&p.pnl_today),
        limit(|l| l.daily_loss_limit.map(|m| format!("-{m}"))),
    );
    for s in &p.sessions {
        text.push_str(&format!(
            "  {}  {:<9} {} in {}  position {}  mark {}  exposure {}  PnL today {}  as of {}\n",
            s.id,
            s.status.name(),
            s.symbol,
            s.corridor,
            or_unknown(&s.position),
            or_unknown(&s.mark),
            or_unknown(&s.exposure),
            or_unknown(&s.pnl_today),
            s.as_of.as_deref().unwrap_or("never read"),
        ));
    }
    if !p.unknown.is_empty() {
        text.push_str(&format!("  unknown (not counted as zero): {}\n", p.unknown.join(", ")));
    }
    if p.limits.is_none() {
        text.push_str("  no [portfolio] section in the policy: no portfolio limit applies\n");
    }
    if let Some(h) = &p.loss_hit {
        text.push_str(&format!(
            "  daily loss limit hit at {} by {}: lost {}; every session paused until the next UTC day\n",
            h.at, h.session, h.pnl_today
        ));
    }
    text
}

fn start(engine: &Engine, a: &LiveStartArgs) -> Result<Outcome> {
    let req = LiveStartRequest {
        strategy: a.strategy.clone(),
        params: parse_pairs(&a.params)?,
        feed: a.feed.clone(),
        venue: a.venue.as_deref().map(Venue::parse).transpose()?,
        account: a.account.clone(),
        symbol: a.symbol.clone(),
        sizing: a.sizing.clone(),
        stop_atr: a.stop_atr.clone(),
        atr_period: a.atr_period,
        intent_ttl: a.intent_ttl.clone(),
        allow_short: a.allow_short,
        name: a.name.clone(),
        fee_bps: a.fee_bps,
        slippage_bps: a.slippage_bps,
        candidate: a.candidate.clone(),
    };
    let s = if a.foreground { engine.live().start_here(&req)? } else { engine.live().start(&req)? };
    Ok(finished("live start", s))
}

/// A session's outcome: exit 0, or 1 when it failed.
fn finished(cmd: &'static str, s: LiveSession) -> Outcome {
    let code = if s.status == Status::Failed { 1 } else { 0 };
    Outcome::ok(cmd, &s, line(&s)).with_exit(code)
}

pub fn dispatch(engine: &Engine, cmd: &LiveCmd) -> (&'static str, Result<Outcome>) {
    let live = engine.live();
    match cmd {
        LiveCmd::Start(a) => ("live start", start(engine, a)),
        LiveCmd::Run { id } => {
            // A runner delivers notifications while it trades (one process at a time does).
            let _notify = engine.notify().background(&format!("live:{id}"));
            ("live run", live.run(id).map(|s| finished("live run", s)))
        }
        LiveCmd::List => (
            "live list",
            live.list().map(|all| {
                let mut text: String = all.iter().map(line).collect();
                if all.is_empty() {
                    text.push_str("no live sessions\n");
                }
                Outcome::ok("live list", &json!({ "count": all.len(), "sessions": all }), text)
            }),
        ),
        LiveCmd::Status { id } => {
            ("live status", live.status(id).map(|s| Outcome::ok("live status", &s, line(&s))))
        }
        LiveCmd::Pause { id } => (
            "live pause",
            live.pause(id)
                .map(|s| Outcome::ok("live pause", &s, format!("{}: pausing after the current bar\n", s.id))),
        ),
        LiveCmd::Resume { id, foreground } => (
            "live resume",
            if *foreground { live.resume_here(id) } else { live.resume(id) }
                .map(|s| finished("live resume", s)),
        ),
        LiveCmd::Portfolio => (
            "live portfolio",
            live.portfolio().map(|p| {
                let text = portfolio_text(&p);
                Outcome::ok("live portfolio", &p, text)
            }),
        ),
        LiveCmd::Stop { id } => (
            "live stop",
            live.stop(id).map(|s| Outcome::ok("live stop", &s, format!("{}: stopping\n", s.id))),
        ),
    }
}
