//! The runs index as a table: sort by any column, filter, mark, page through thousands.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::RunsScreen;
use crate::tui::panes::{num, pct};
use crate::tui::screens::runs::table::COLUMNS;
use crate::tui::theme::Theme;

pub(super) fn draw(f: &mut Frame, area: Rect, s: &RunsScreen, t: &Theme) {
    let rt = &s.table;
    let filter = match (&s.filter_edit, rt.filter.is_empty()) {
        (Some(buf), _) => format!(" filter: {buf}▏ "),
        (None, false) => format!(" filter: {} ", rt.filter),
        (None, true) => String::new(),
    };
    let title = Line::from(vec![
        Span::styled(" Runs ", t.title),
        Span::styled(format!("{} of {} ", rt.visible.len(), rt.all.len()), t.dim),
        Span::styled(
            if rt.marked.is_empty() { String::new() } else { format!("· {} marked ", rt.marked.len()) },
            t.marked,
        ),
        Span::styled(filter, t.accent),
        Span::styled(rt.filter_error.as_deref().map(|e| format!(" {e} ")).unwrap_or_default(), t.negative),
    ]);
    let block = Block::bordered().title(title).border_style(t.border_focus);
    if !s.loaded {
        f.render_widget(Paragraph::new(" loading the runs index…").style(t.dim).block(block), area);
        return;
    }
    if rt.all.is_empty() {
        let msg = " no runs yet: press n for a new run, or run `quantlab run` / `quantlab demo`";
        f.render_widget(Paragraph::new(msg).style(t.dim).block(block), area);
        return;
    }
    // Columns by priority: narrow terminals drop the least essential ones.
    let cols: Vec<usize> = match area.width {
        w if w >= 135 => (0..COLUMNS.len()).collect(),
        w if w >= 116 => vec![0, 1, 2, 3, 4, 6, 8, 9, 10],
        w if w >= 96 => vec![0, 1, 3, 4, 6, 8, 9],
        _ => vec![0, 1, 4, 6, 8],
    };
    let header = Row::new(cols.iter().map(|&i| {
        let arrow = if i == rt.sort {
            if rt.desc {
                " ▼"
            } else {
                " ▲"
            }
        } else {
            ""
        };
        Cell::from(format!("{}{arrow}", COLUMNS[i].0))
    }))
    .style(t.header.add_modifier(Modifier::BOLD));
    let rows_fit = area.height.saturating_sub(3) as usize;
    let first = rt.selected.top(rows_fit);
    // Only the rows on screen are built: paging through 10,000 runs costs what one page costs.
    let rows = rt.visible.iter().enumerate().skip(first).take(rows_fit).map(|(pos, &i)| {
        let e = &rt.all[i];
        let m = |k: &str| e.metrics.get(k).copied().flatten();
        let signed = |v: Option<f64>| if v.unwrap_or(0.0) < 0.0 { t.negative } else { t.positive };
        let mark = if rt.marked.contains(&e.run_id) { "●" } else { " " };
        let failed = e.status == crate::engine::research::RunStatus::Failed;
        let cell = |c: usize| -> Cell {
            match c {
                0 => Cell::from(format!("{mark}{}", e.run_id.trim_start_matches("run_"))),
                1 => Cell::from(if failed { format!("{} (failed)", e.strategy) } else { e.strategy.clone() }),
                2 => Cell::from(e.params.clone()),
                3 => Cell::from(format!("{} {}", e.symbol, e.timeframe)),
                4 => Cell::from(pct(m("total_return"))).style(signed(m("total_return"))),
                5 => Cell::from(pct(m("cagr"))),
                6 => Cell::from(num(m("sharpe"), 2)),
                7 => Cell::from(num(m("sortino"), 2)),
                8 => Cell::from(pct(m("max_drawdown"))),
                9 => Cell::from(num(m("trade_count"), 0)),
                _ => Cell::from(pct(m("win_rate"))),
            }
        };
        let style = if rt.selected.is(pos) {
            t.selected
        } else if rt.marked.contains(&e.run_id) {
            t.marked
        } else if failed {
            t.dim
        } else {
            t.base
        };
        Row::new(cols.iter().map(|&c| cell(c))).style(style)
    });
    let width_of = |c: usize| match c {
        0 => Constraint::Length(26),
        1 => Constraint::Length(19),
        2 => Constraint::Min(14),
        3 => Constraint::Length(10),
        4 => Constraint::Length(9),
        5 | 8 => Constraint::Length(8),
        6 | 7 => Constraint::Length(9),
        9 => Constraint::Length(6),
        _ => Constraint::Length(7),
    };
    let widths: Vec<Constraint> = cols.iter().map(|&c| width_of(c)).collect();
    f.render_widget(Table::new(rows, widths).header(header).block(block).column_spacing(1), area);
}
