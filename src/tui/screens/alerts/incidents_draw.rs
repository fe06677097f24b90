//! The Alerts tab's incidents section: a table (id, status, where, opened, cause) and below it
//! what became of the selected incident (closed with whose note, resolved, or still open).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::incidents::IncidentsList;
use crate::engine::incidents::Incident;
use crate::tui::screens::incident::words::{place, status, time, word};
use crate::tui::theme::Theme;

/// What became of it, in a line.
fn fate(i: &Incident) -> String {
    match (&i.closed, &i.resolved) {
        (Some(c), _) => format!(" closed {} by {}: {}", time(&c.time), c.operator, c.note),
        (None, Some(r)) => format!(
            " resolved {} ({}); still open until closed with a note: Enter reviews it, c there closes it",
            time(&r.time),
            word(&r.kind)
        ),
        (None, None) => " open: Enter reviews its timeline, c there closes it with a note".into(),
    }
}

pub(super) fn draw(f: &mut Frame, area: Rect, l: &IncidentsList, t: &Theme) {
    let title = match &l.all {
        Some(all) => format!(" Incidents · {} open of {} · i alerts ", l.open(), all.len()),
        None => " Incidents · i alerts ".into(),
    };
    let block = Block::bordered().title(Line::styled(title, t.title)).border_style(t.border_focus);
    let empty = match (&l.all, &l.error) {
        (_, Some(why)) => Some((format!(" incidents unknown: {why}"), t.critical)),
        (None, None) => Some((" reading the incidents…".to_string(), t.dim)),
        (Some(all), None) if all.is_empty() => Some((
            " no incidents: a halt, a kill, a mismatch, a breaker trip or a critical alert opens one".into(),
            t.dim,
        )),
        _ => None,
    };
    if let Some((text, style)) = empty {
        f.render_widget(Paragraph::new(Line::styled(text, style)).block(block), area);
        return;
    }
    let [table, below] = Layout::vertical([Constraint::Min(4), Constraint::Length(3)]).areas(area);
    let header = Row::new(["incident", "status", "where", "opened", "cause"])
        .style(t.header.add_modifier(Modifier::BOLD));
    let fit = table.height.saturating_sub(3) as usize;
    let first = l.sel.top(fit);
    let rows = l.rows().iter().enumerate().skip(first).take(fit).map(|(n, i)| {
        let (mark, style) = status(i, t);
        let row = Row::new(vec![
            Cell::from(i.id.clone()),
            Cell::from(mark).style(style),
            Cell::from(place(i)),
            Cell::from(time(&i.opened_at)),
            Cell::from(i.summary.clone()),
        ]);
        row.style(if l.sel.is(n) { t.selected } else { t.base })
    });
    let widths = [
        Constraint::Length(30),
        Constraint::Length(10),
        Constraint::Length(18),
        Constraint::Length(19),
        Constraint::Min(20),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(block), table);
    let text = l.selected().map(fate).unwrap_or_default();
    let block = Block::bordered().border_style(t.border);
    f.render_widget(Paragraph::new(text).style(t.base).wrap(Wrap { trim: false }).block(block), below);
}
