//! Alerts: time, severity (symbol, word, colour), code, source, message, acknowledgement.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::AlertsScreen;
use crate::tui::screens::Shared;
use crate::tui::theme::Theme;
use crate::tui::widgets::status_bar::{style, symbol};

pub(super) fn draw(f: &mut Frame, area: Rect, screen: &AlertsScreen, shared: &Shared, t: &Theme) {
    let open = shared.alerts.iter().filter(|a| a.acknowledged_at.is_none()).count();
    let block = Block::bordered()
        .title(Line::styled(format!(" Alerts · {open} unacknowledged of {} ", shared.alerts.len()), t.title))
        .border_style(t.border_focus);
    if shared.alerts.is_empty() {
        f.render_widget(Paragraph::new(" no alerts").style(t.dim).block(block), area);
        return;
    }
    let header = Row::new(["time", "severity", "code", "source", "message", "acknowledged"])
        .style(t.header.add_modifier(Modifier::BOLD));
    let fit = area.height.saturating_sub(3) as usize;
    let first = screen.sel.top(fit);
    let rows = shared.alerts.iter().enumerate().skip(first).take(fit).map(|(i, a)| {
        let s = a.alert.severity;
        let acked = a.acknowledged_at.is_some();
        let row = Row::new(vec![
            Cell::from(a.alert.time.replace('T', " ").chars().take(16).collect::<String>()),
            Cell::from(format!("{} {}", symbol(s), s.word())).style(if acked { t.dim } else { style(t, s) }),
            Cell::from(a.alert.code.clone()),
            Cell::from(a.alert.source.clone()),
            Cell::from(a.alert.message.clone()),
            Cell::from(
                a.acknowledged_at
                    .as_ref()
                    .map(|x| x.replace('T', " ").chars().take(16).collect::<String>())
                    .unwrap_or_else(|| String::from("no")),
            ),
        ]);
        if screen.sel.is(i) {
            row.style(t.selected)
        } else if acked {
            row.style(t.dim)
        } else {
            row.style(t.base)
        }
    });
    let widths = [
        Constraint::Length(16),
        Constraint::Length(7),
        Constraint::Length(24),
        Constraint::Length(30),
        Constraint::Min(20),
        Constraint::Length(16),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
