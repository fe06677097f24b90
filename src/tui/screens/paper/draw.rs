//! The paper sessions: status (a symbol and a word), equity, PnL, open position, last bar and
//! its age, and totals across the live sessions; the selected session's reason below.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph};
use ratatui::Frame;

use super::PaperScreen;
use crate::engine::paper::SessionView;
use crate::engine::paper::Status;
use crate::tui::theme::Theme;
use crate::tui::widgets::columns::{self, Column};

/// A status as a symbol and a word, never colour alone.
pub(crate) fn status_mark(s: Status, t: &Theme) -> (String, Style) {
    let (sym, style) = match s {
        Status::Created => ("○", t.dim),
        Status::Running => ("▶", t.positive),
        Status::Paused => ("‖", t.warning),
        Status::Stopping => ("◼", t.warning),
        Status::Completed => ("✔", t.ok),
        Status::Stopped => ("■", t.dim),
        Status::Failed => ("✖", t.critical),
        Status::Aborted => ("✖", t.critical),
    };
    (format!("{sym} {}", s.name()), style)
}

/// `1234` ms -> `1s`; minutes and hours as `4m05s`, `2h07m`.
pub(crate) fn age(ms: Option<i64>) -> String {
    let Some(ms) = ms else { return "-".into() };
    let s = ms.max(0) / 1000;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

pub(crate) fn signed(v: f64) -> String {
    format!("{v:+.2}")
}

#[derive(Clone, Copy)]
enum Col {
    Session,
    Status,
    Strategy,
    Symbol,
    Equity,
    Pnl,
    Position,
    Trades,
    Bars,
    LastBar,
    Age,
}

impl Col {
    const ALL: [Col; 11] = [
        Col::Session,
        Col::Status,
        Col::Strategy,
        Col::Symbol,
        Col::Equity,
        Col::Pnl,
        Col::Position,
        Col::Trades,
        Col::Bars,
        Col::LastBar,
        Col::Age,
    ];
}

impl Column<SessionView> for Col {
    fn title(self) -> &'static str {
        match self {
            Col::Session => "session",
            Col::Status => "status",
            Col::Strategy => "strategy",
            Col::Symbol => "symbol",
            Col::Equity => "equity",
            Col::Pnl => "PnL",
            Col::Position => "position",
            Col::Trades => "trades",
            Col::Bars => "bars",
            Col::LastBar => "last bar",
            Col::Age => "age",
        }
    }

    fn width(self) -> Constraint {
        match self {
            Col::Session => Constraint::Min(16),
            Col::Status => Constraint::Length(11),
            Col::Strategy => Constraint::Length(12),
            Col::Symbol => Constraint::Length(8),
            Col::Equity => Constraint::Length(10),
            Col::Pnl => Constraint::Length(9),
            Col::Position => Constraint::Length(9),
            Col::Trades => Constraint::Length(6),
            Col::Bars => Constraint::Length(6),
            Col::LastBar => Constraint::Length(16),
            Col::Age => Constraint::Length(6),
        }
    }

    fn cell(self, v: &SessionView, t: &Theme) -> Cell<'static> {
        let s = &v.session;
        match self {
            Col::Session => Cell::from(s.id.clone()),
            Col::Status => {
                let (mark, style) = status_mark(s.status, t);
                Cell::from(mark).style(style)
            }
            Col::Strategy => Cell::from(s.config.strategy.clone()),
            Col::Symbol => Cell::from(s.symbol.clone()),
            Col::Equity => Cell::from(format!("{:.2}", s.equity)),
            Col::Pnl => Cell::from(signed(v.pnl)).style(if v.pnl < 0.0 { t.negative } else { t.positive }),
            Col::Position => Cell::from(units(s.position)),
            Col::Trades => Cell::from(s.trades.to_string()),
            Col::Bars => Cell::from(s.bars_processed.to_string()),
            Col::LastBar => Cell::from(
                s.last_bar_time.as_deref().and_then(|x| x.get(..16)).unwrap_or("-").replace('T', " "),
            ),
            // A finished session's age only grows: it says nothing.
            Col::Age => Cell::from(if s.status.is_live() { age(v.last_bar_age_ms) } else { "-".into() }),
        }
    }
}

/// Units held without trailing zeros: `4.02863`, `0`.
fn units(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

pub(crate) fn draw(f: &mut Frame, area: Rect, p: &PaperScreen, t: &Theme) {
    let tot = &p.totals;
    let title = format!(
        " Paper · sessions {} · live {} (running {}): equity {:.2}, PnL {} ",
        p.sessions.len(),
        tot.live,
        tot.running,
        tot.equity,
        signed(tot.pnl)
    );
    let block = Block::bordered().title(Line::styled(title, t.title)).border_style(t.border_focus);
    if p.sessions.is_empty() {
        let msg = if p.loaded {
            " no paper sessions yet: n starts one (or `quantlab paper start ...`)"
        } else {
            " reading paper sessions…"
        };
        f.render_widget(Paragraph::new(msg).style(t.dim).block(block), area);
        return;
    }
    let [table, reason] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    // Narrow terminals drop what the default session name already says, then the counts.
    let cols = columns::for_width(
        area.width,
        &Col::ALL,
        &[
            Col::Session,
            Col::Status,
            Col::Equity,
            Col::Pnl,
            Col::Position,
            Col::Trades,
            Col::Bars,
            Col::LastBar,
            Col::Age,
        ],
        &[Col::Session, Col::Status, Col::Equity, Col::Pnl, Col::Position, Col::Age],
    );
    columns::draw(f, table, block, cols, &p.sessions, &p.sel, t);
    if let Some(v) = p.selected() {
        let line = match &v.session.reason {
            Some(r) => Line::from(vec![Span::styled(" reason ", t.dim), Span::styled(r.clone(), t.base)]),
            None => Line::styled(format!(" feed {}", v.session.config.feed), t.dim),
        };
        f.render_widget(Paragraph::new(line), reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_at_a_glance() {
        assert_eq!(age(None), "-");
        assert_eq!(age(Some(-5)), "0s");
        assert_eq!(age(Some(59_999)), "59s");
        assert_eq!(age(Some(245_000)), "4m05s");
        assert_eq!(age(Some(7_620_000)), "2h07m");
    }
}
