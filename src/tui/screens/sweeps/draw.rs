//! The sweeps in the workspace.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::SweepsScreen;
use crate::tui::panes::num;
use crate::tui::theme::Theme;

pub(super) fn draw(f: &mut Frame, area: Rect, screen: &SweepsScreen, t: &Theme) {
    let block = Block::bordered()
        .title(Line::styled(format!(" Sweeps · {} ", screen.sweeps.len()), t.title))
        .border_style(t.border_focus);
    if screen.sweeps.is_empty() {
        f.render_widget(
            Paragraph::new(" no sweeps yet: run `quantlab sweep ...`").style(t.dim).block(block),
            area,
        );
        return;
    }
    let header = Row::new(["sweep", "strategy", "data", "combos", "objective", "best", "best params"])
        .style(t.header.add_modifier(Modifier::BOLD));
    let fit = area.height.saturating_sub(3) as usize;
    let first = screen.sel.top(fit);
    let rows = screen.sweeps.iter().enumerate().skip(first).take(fit).map(|(i, s)| {
        let p: Vec<String> = s.best_params.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
        Row::new(vec![
            Cell::from(s.sweep_id.clone()),
            Cell::from(s.strategy.clone()),
            Cell::from(format!("{} {}", s.symbol, s.timeframe)),
            Cell::from(s.combinations.to_string()),
            Cell::from(s.objective.clone()),
            Cell::from(num(s.best_objective, 3)),
            Cell::from(p.join(" ")),
        ])
        .style(if screen.sel.is(i) { t.selected } else { t.base })
    });
    let widths = [
        Constraint::Length(34),
        Constraint::Length(20),
        Constraint::Length(12),
        Constraint::Length(7),
        Constraint::Length(14),
        Constraint::Length(9),
        Constraint::Min(16),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
