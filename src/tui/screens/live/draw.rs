//! The live sessions as a table (status as a symbol and a word, the venue's position against
//! the desired one, whether an intent waits), and below it the selected session's detail.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Wrap};
use ratatui::Frame;

use super::LiveScreen;
use crate::engine::live::{Drift, LiveSession, PausedBy, Portfolio};
use crate::tui::screens::paper::draw::{age, signed, status_mark};
use crate::tui::theme::Theme;
use crate::tui::widgets::columns::{self, Column};

/// `2026-01-02T14:00:00Z` -> `2026-01-02 14:00`.
fn minute(time: Option<&str>) -> String {
    time.and_then(|x| x.get(..16)).unwrap_or("-").replace('T', " ")
}

#[derive(Clone, Copy)]
enum Col {
    Session,
    Status,
    Strategy,
    Symbol,
    Corridor,
    Position,
    Desired,
    Pending,
    Pnl,
    Drift,
    Bars,
    LastBar,
}

impl Col {
    const ALL: [Col; 12] = [
        Col::Session,
        Col::Status,
        Col::Strategy,
        Col::Symbol,
        Col::Corridor,
        Col::Position,
        Col::Desired,
        Col::Pending,
        Col::Pnl,
        Col::Drift,
        Col::Bars,
        Col::LastBar,
    ];
}

impl Column<LiveSession> for Col {
    fn title(self) -> &'static str {
        match self {
            Col::Session => "session",
            Col::Status => "status",
            Col::Strategy => "strategy",
            Col::Symbol => "symbol",
            Col::Corridor => "corridor",
            Col::Position => "position",
            Col::Desired => "desired",
            Col::Pending => "pending",
            Col::Pnl => "pnl",
            Col::Drift => "drift",
            Col::Bars => "bars",
            Col::LastBar => "last bar",
        }
    }

    fn width(self) -> Constraint {
        match self {
            Col::Session => Constraint::Min(14),
            Col::Status => Constraint::Length(11),
            Col::Strategy => Constraint::Length(12),
            Col::Symbol => Constraint::Length(9),
            Col::Corridor => Constraint::Length(12),
            Col::Position => Constraint::Length(10),
            Col::Desired => Constraint::Length(10),
            Col::Pending => Constraint::Length(10),
            Col::Pnl => Constraint::Length(10),
            Col::Drift => Constraint::Length(9),
            Col::Bars => Constraint::Length(6),
            Col::LastBar => Constraint::Length(16),
        }
    }

    fn cell(self, s: &LiveSession, t: &Theme) -> Cell<'static> {
        match self {
            Col::Session => Cell::from(s.id.clone()),
            Col::Status => {
                let (mark, style) = status_mark(s.status, t);
                Cell::from(mark).style(style)
            }
            Col::Strategy => Cell::from(s.config.strategy.clone()),
            Col::Symbol => Cell::from(s.config.symbol.clone()),
            Col::Corridor => Cell::from(s.config.corridor.to_string()),
            // Never read yet is unknown, not flat.
            Col::Position => match &s.position {
                Some(p) => Cell::from(p.clone()),
                None => Cell::from("unknown").style(t.warning),
            },
            Col::Desired => Cell::from(s.desired.clone()),
            Col::Pending => match &s.pending_intent {
                Some(_) => Cell::from("⧗ waiting").style(t.warning),
                None => Cell::from("-"),
            },
            // The session's PnL since it started, as measured against its shadow: unknown until
            // a bar measured it, or while the venue's position or a fill price is unknown.
            Col::Pnl => match s.drift.as_ref().and_then(|d| d.pnl_live) {
                Some(p) => Cell::from(signed(p)).style(if p < 0.0 { t.negative } else { t.base }),
                None => Cell::from("unknown").style(t.warning),
            },
            Col::Drift => match &s.drift {
                Some(d) if !d.breaches.is_empty() => {
                    Cell::from(format!("✖ {}", d.breaches.len())).style(t.critical)
                }
                Some(_) => Cell::from("✓ within").style(t.positive),
                None => Cell::from("-").style(t.dim),
            },
            Col::Bars => Cell::from(s.bars_processed.to_string()),
            Col::LastBar => Cell::from(minute(s.last_bar_time.as_deref())),
        }
    }
}

pub(super) fn draw(f: &mut Frame, area: Rect, l: &LiveScreen, t: &Theme) {
    let title = format!(
        " Live · sessions {} · live {} · intents waiting {} ",
        l.sessions.len(),
        l.live(),
        l.waiting()
    );
    let block = Block::bordered().title(Line::styled(title, t.title)).border_style(t.border_focus);
    let Some(s) = l.selected() else {
        let msg = if l.loaded {
            " no live sessions: `quantlab live start ...` starts one (docs/live-sessions.md)"
        } else {
            " reading live sessions…"
        };
        f.render_widget(Paragraph::new(msg).style(t.dim).block(block), area);
        return;
    };
    let [head, area] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(portfolio_line(l.portfolio.as_ref(), t)), head);
    let lines = detail(s, t);
    // The detail gets a row per line, and more for a long one (the reason) as it wraps,
    // counted by characters: word wrapping may need one more now and then, which clips the
    // last line (the last bar). The table takes the rest.
    let inner = area.width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|x| x.width().max(1).div_ceil(inner)).sum();
    let height = (rows as u16 + 2).min(area.height.saturating_sub(4));
    let [table, below] = Layout::vertical([Constraint::Min(4), Constraint::Length(height)]).areas(area);
    // Narrow terminals keep what tells the sessions apart and what each holds and wants.
    let cols = columns::for_width(
        area.width,
        &Col::ALL,
        &[
            Col::Session,
            Col::Status,
            Col::Symbol,
            Col::Position,
            Col::Desired,
            Col::Pending,
            Col::Pnl,
            Col::Drift,
            Col::LastBar,
        ],
        &[Col::Session, Col::Status, Col::Position, Col::Desired, Col::Pending, Col::Pnl],
    );
    columns::draw(f, table, block, cols, &l.sessions, &l.sel, t);
    let block = Block::bordered().title(Line::styled(format!(" {} ", s.id), t.title)).border_style(t.border);
    f.render_widget(Paragraph::new(lines).style(t.base).wrap(Wrap { trim: false }).block(block), below);
}

/// The portfolio across the sessions against the policy's `[portfolio]` limits, or why it is
/// unknown. Amounts the sessions did not read are said unknown, never summed as zero.
fn portfolio_line<'a>(p: Option<&Result<Portfolio, String>>, t: &Theme) -> Line<'a> {
    let label = Span::styled(" portfolio ", t.header);
    let p = match p {
        None => return Line::from(vec![label, Span::styled("reading…", t.dim)]),
        Some(Err(why)) => return Line::from(vec![label, Span::styled(format!("unknown: {why}"), t.warning)]),
        Some(Ok(p)) => p,
    };
    let amount = |x: &Option<String>, f: fn(f64) -> String| {
        x.as_deref().and_then(|v| v.parse::<f64>().ok()).map_or("unknown".to_string(), f)
    };
    let limits = p.limits.clone().unwrap_or_default();
    let of = |limit: Option<String>, word: &str| limit.map(|l| format!(" {word} {l}")).unwrap_or_default();
    let mut spans = vec![
        label,
        Span::styled(
            format!(
                "gross exposure {}{} · live sessions {}{} · pnl today {}{}",
                amount(&p.gross_exposure, |v| format!("{v:.2}")),
                of(limits.max_gross_exposure.map(|d| d.to_string()), "of"),
                p.sessions_live,
                of(limits.max_live_sessions.map(|n| n.to_string()), "of"),
                amount(&p.pnl_today, signed),
                of(limits.daily_loss_limit.map(|d| format!("-{d}")), "stops at"),
            ),
            t.base,
        ),
    ];
    if p.limits.is_none() {
        spans.push(Span::styled(" · no [portfolio] limits in the policy", t.dim));
    }
    if !p.unknown.is_empty() {
        spans.push(Span::styled(format!(" · unknown for {}", p.unknown.join(", ")), t.warning));
    }
    if let Some(hit) = &p.loss_hit {
        spans.push(Span::styled(
            format!(" · ✖ daily loss limit hit at {}: every session paused until the next UTC day", hit.at),
            t.critical,
        ));
    }
    Line::from(spans)
}

/// The session against its shadow paper session: what the operator's approvals and the venue's
/// fills cost against the strategy as backtested, and the limits it broke.
fn drift<'a>(d: Option<&Drift>, t: &Theme) -> Vec<Span<'a>> {
    let Some(d) = d else {
        return text("not measured yet (after the first bar)", t.dim);
    };
    let bps = |x: Option<f64>| x.map_or("unknown".to_string(), |v| format!("{v:.1}"));
    let pnl = d.pnl_live.map_or("unknown".to_string(), signed);
    let live = d.position_live.as_deref().unwrap_or("unknown");
    let slippage = match d.fills_compared {
        0 => "no fill compared yet".to_string(),
        n => format!(
            "slippage bps mean {} worst {} over {n} fills",
            bps(d.slippage_bps_mean),
            bps(d.slippage_bps_worst)
        ),
    };
    let mut spans = text(
        format!(
            "pnl {pnl} vs shadow {} · position {live} vs {} ({} bars apart) · missed {} · {slippage}",
            signed(d.pnl_shadow),
            d.position_shadow,
            d.position_drift_bars,
            d.missed_approvals,
        ),
        t.base,
    );
    if !d.breaches.is_empty() {
        spans.push(Span::styled(format!(" · ✖ beyond its limits: {}", d.breaches.join("; ")), t.critical));
    }
    spans
}

/// A labelled line of the detail.
fn row<'a>(label: &'static str, value: Vec<Span<'a>>, t: &Theme) -> Line<'a> {
    let mut spans = vec![Span::styled(format!("{label:<12}"), t.header)];
    spans.extend(value);
    Line::from(spans)
}

fn text<'a>(s: impl Into<String>, style: Style) -> Vec<Span<'a>> {
    vec![Span::styled(s.into(), style)]
}

/// What the engine records of the session, nothing more.
fn detail<'a>(s: &LiveSession, t: &Theme) -> Vec<Line<'a>> {
    let c = &s.config;
    let (mark, mstyle) = status_mark(s.status, t);
    let mut status = vec![Span::styled(mark, mstyle)];
    match s.paused_by {
        Some(PausedBy::Operator) => status.push(Span::styled(" by the operator", mstyle)),
        Some(PausedBy::Corridor) => {
            status.push(Span::styled(" by its corridor: resumes once the corridor is armed again", mstyle))
        }
        Some(PausedBy::Portfolio) => status.push(Span::styled(
            " by the portfolio's daily loss limit: resumes no earlier than the next UTC day",
            mstyle,
        )),
        Some(PausedBy::Promotion) => status.push(Span::styled(
            " by its demotion: resumes once the candidate is promoted here again",
            mstyle,
        )),
        Some(PausedBy::Automation) => {
            status.push(Span::styled(" by automation's checks: resumes when the operator resumes it", mstyle))
        }
        None => {}
    }
    let mut lines = vec![row("status", status, t)];
    if let Some(r) = &s.reason {
        lines.push(row("reason", text(r.clone(), t.base), t));
    }
    lines.push(row("trades", text(format!("{} in {} · feed {}", c.symbol, c.corridor, c.feed), t.base), t));
    let params: Vec<String> = c.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let sides = if c.allow_short { "long, flat or short" } else { "long or flat" };
    lines.push(row("strategy", text(format!("{} {} ({sides})", c.strategy, params.join(" ")), t.base), t));
    lines.push(row(
        "sizing",
        text(
            format!("{} · an intent waits {} for the keypress", c.sizing, age(Some(c.intent_ttl_ms))),
            t.base,
        ),
        t,
    ));
    let mut held = match &s.position {
        Some(p) => vec![Span::styled(format!("{p} at the venue"), t.base)],
        None => vec![Span::styled("unknown (read on the session's first bar)", t.warning)],
    };
    held.push(Span::styled(format!(" · desired {}", s.desired), t.base));
    // What the account held before the session is not the session's: said only when there was some.
    if s.anchor.parse::<rust_decimal::Decimal>().map_or(true, |a| !a.is_zero()) {
        held.push(Span::styled(format!(" · less {} held before it started", s.anchor), t.dim));
    }
    lines.push(row("position", held, t));
    match &s.last_signal {
        Some(sig) => {
            let at = format!("target {} → {} at {}", sig.from, sig.to, sig.bar_time);
            lines.push(row("last signal", text(at, t.base), t));
            lines.push(row("", text(sig.reason.clone(), t.dim), t));
        }
        None => lines.push(row("last signal", text("none yet", t.dim), t)),
    }
    match &s.pending_intent {
        Some(id) => {
            lines.push(row("pending", text(format!("⧗ {id}"), t.warning), t));
            lines.push(row("", text("waits for the keypress: the Corridors tab approves it", t.dim), t));
        }
        None => lines.push(row("pending", text("no intent waiting", t.dim), t)),
    }
    let n = &s.intents;
    let mut counts =
        format!("{} created, {} missed, {} refused, {} filled", n.created, n.missed, n.refused, n.filled);
    for (k, what) in [(n.rejected, "rejected"), (n.cancelled, "cancelled")] {
        if k > 0 {
            counts.push_str(&format!(", {k} {what}"));
        }
    }
    lines.push(row("intents", text(counts, t.base), t));
    lines.push(row("drift", drift(s.drift.as_ref(), t), t));
    let last = match &s.last_bar_time {
        Some(at) => format!("{at} · {} bars", s.bars_processed),
        None => "none yet".into(),
    };
    lines.push(row("last bar", text(last, t.base), t));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn drift_says_unknown_for_what_is_unknown_and_names_each_broken_limit() {
        let t = Theme::builtin("default").unwrap();
        assert_eq!(said(&drift(None, &t)), "not measured yet (after the first bar)");
        let d = Drift {
            missed_approvals: 4,
            fills_compared: 2,
            slippage_bps_mean: Some(61.25),
            slippage_bps_worst: None,
            position_live: None,
            position_shadow: 0.01,
            position_drift_bars: 5,
            pnl_live: None,
            pnl_shadow: -3.5,
            breaches: vec!["missed approvals 4 > 3".into(), "slippage 61.2 bps > 50".into()],
        };
        let spans = drift(Some(&d), &t);
        assert_eq!(
            said(&spans),
            "pnl unknown vs shadow -3.50 · position unknown vs 0.01 (5 bars apart) · missed 4 · slippage bps \
             mean 61.2 worst unknown over 2 fills · ✖ beyond its limits: missed approvals 4 > 3; slippage 61.2 bps > 50"
        );
        assert_eq!(spans.last().unwrap().style, t.critical, "a breach is drawn as critical");
    }

    #[test]
    fn the_portfolio_line_says_unknown_sums_and_a_loss_hit_and_never_zero_for_unknown() {
        let t = Theme::builtin("default").unwrap();
        let said_line = |l: Line| l.spans.iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(said_line(portfolio_line(None, &t)), " portfolio reading…");
        let err = Err("execution_policy.toml: portfolio.max_live_sessions: must be at least 1".to_string());
        assert_eq!(
            said_line(portfolio_line(Some(&err), &t)),
            " portfolio unknown: execution_policy.toml: portfolio.max_live_sessions: must be at least 1"
        );
        let p = Portfolio {
            schema: "quantlab.live_portfolio".into(),
            schema_version: 1,
            time: "2026-12-06T10:00:00Z".into(),
            day: "2026-12-06".into(),
            sessions_live: 2,
            sessions: Vec::new(),
            gross_exposure: None,
            gross_exposure_if_filled: None,
            pnl_today: Some("-312.5".into()),
            unknown: vec!["s2".into()],
            limits: Some(crate::engine::execution::PortfolioPolicy {
                max_gross_exposure: Some(5000.into()),
                max_live_sessions: None,
                daily_loss_limit: Some(300.into()),
            }),
            loss_hit: Some(crate::engine::live::LossHit {
                day: "2026-12-06".into(),
                at: "2026-12-06T09:00:00Z".into(),
                session: "s1".into(),
                pnl_today: "-312.5".into(),
                limit: "300".into(),
                unknown: vec!["s2".into()],
                sessions_paused: vec!["s1".into(), "s2".into()],
            }),
        };
        let line = portfolio_line(Some(&Ok(p)), &t);
        assert_eq!(
            said_line(line.clone()),
            " portfolio gross exposure unknown of 5000 · live sessions 2 · pnl today -312.50 stops at -300 · unknown \
             for s2 · ✖ daily loss limit hit at 2026-12-06T09:00:00Z: every session paused until the next UTC day"
        );
        assert_eq!(line.spans.last().unwrap().style, t.critical);
    }
}
