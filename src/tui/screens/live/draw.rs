//! The live sessions as a table (status as a symbol and a word, the venue's position against
//! the desired one, whether an intent waits), and below it the selected session's detail.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::LiveScreen;
use crate::engine::live::{LiveSession, PausedBy};
use crate::tui::screens::paper::draw::{age, status_mark};
use crate::tui::theme::Theme;

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
    Bars,
    LastBar,
}

impl Col {
    const ALL: [Col; 10] = [
        Col::Session,
        Col::Status,
        Col::Strategy,
        Col::Symbol,
        Col::Corridor,
        Col::Position,
        Col::Desired,
        Col::Pending,
        Col::Bars,
        Col::LastBar,
    ];

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
    let lines = detail(s, t);
    // The detail gets a row per line, and more for a long one (the reason) as it wraps,
    // counted by characters: word wrapping may need one more now and then, which clips the
    // last line (the last bar). The table takes the rest.
    let inner = area.width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|x| x.width().max(1).div_ceil(inner)).sum();
    let height = (rows as u16 + 2).min(area.height.saturating_sub(4));
    let [table, below] = Layout::vertical([Constraint::Min(4), Constraint::Length(height)]).areas(area);
    // Narrow terminals keep what tells the sessions apart and what each holds and wants.
    let cols: &[Col] = match area.width {
        140.. => &Col::ALL,
        100..=139 => &[
            Col::Session,
            Col::Status,
            Col::Symbol,
            Col::Position,
            Col::Desired,
            Col::Pending,
            Col::Bars,
            Col::LastBar,
        ],
        _ => &[Col::Session, Col::Status, Col::Position, Col::Desired, Col::Pending],
    };
    let header = Row::new(cols.iter().map(|c| c.title())).style(t.header.add_modifier(Modifier::BOLD));
    let fit = table.height.saturating_sub(3) as usize;
    let first = l.sel.top(fit);
    let body = l.sessions.iter().enumerate().skip(first).take(fit).map(|(i, s)| {
        Row::new(cols.iter().map(|c| c.cell(s, t))).style(if l.sel.is(i) { t.selected } else { t.base })
    });
    let widths: Vec<Constraint> = cols.iter().map(|c| c.width()).collect();
    f.render_widget(Table::new(body, widths).header(header).block(block), table);
    let block = Block::bordered().title(Line::styled(format!(" {} ", s.id), t.title)).border_style(t.border);
    f.render_widget(Paragraph::new(lines).style(t.base).wrap(Wrap { trim: false }).block(block), below);
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
    let last = match &s.last_bar_time {
        Some(at) => format!("{at} · {} bars", s.bars_processed),
        None => "none yet".into(),
    };
    lines.push(row("last bar", text(last, t.base), t));
    lines
}
