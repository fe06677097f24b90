//! Runs side by side: metrics, the config diff, equity curves overlaid (normalized to 1).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Row, Table};
use ratatui::Frame;

use super::load::CompareView;
use crate::tui::panes::num;
use crate::tui::theme::Theme;
use crate::tui::widgets::line_chart;

pub(super) fn draw(f: &mut Frame, area: Rect, c: &CompareView, t: &Theme) {
    let outer = Block::bordered()
        .title(Line::styled(format!(" Compare · {} runs ", c.cmp.runs.len()), t.title))
        .border_style(t.border_focus);
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(inner);
    let legend_h = (c.cmp.runs.len() as u16 + 2).min(6);
    let [metrics, diff, legend] =
        Layout::vertical([Constraint::Min(8), Constraint::Length(8), Constraint::Length(legend_h)])
            .areas(left);
    // Runs are numbered in the order they were marked; the legend under the diff names them.
    let label = |i: usize| format!("#{}", i + 1);
    let mut header = vec![Cell::from("metric")];
    header.extend((0..c.cmp.runs.len()).map(|i| Cell::from(label(i))));
    let shown = [
        "total_return",
        "cagr",
        "sharpe",
        "sortino",
        "max_drawdown",
        "calmar",
        "trade_count",
        "win_rate",
        "profit_factor",
        "exposure",
        "final_equity",
    ];
    let rows = shown.iter().filter_map(|k| c.cmp.metrics.get(*k).map(|v| (k, v))).map(|(k, vals)| {
        let mut cells = vec![Cell::from(k.to_string()).style(t.dim)];
        cells.extend(vals.iter().map(|v| Cell::from(num(*v, 4))));
        Row::new(cells)
    });
    let mut widths = vec![Constraint::Length(14)];
    widths.extend(c.cmp.runs.iter().map(|_| Constraint::Length(12)));
    f.render_widget(
        Table::new(rows, widths.clone())
            .header(Row::new(header.clone()).style(t.header.add_modifier(Modifier::BOLD)))
            .block(Block::bordered().title(Line::styled(" metrics ", t.dim)).border_style(t.border)),
        metrics,
    );
    let rows = c.cmp.config_diff.iter().map(|(k, vals)| {
        let mut cells = vec![Cell::from(k.clone()).style(t.accent)];
        cells.extend(vals.iter().map(|v| Cell::from(v.to_string().trim_matches('"').to_string())));
        Row::new(cells)
    });
    f.render_widget(
        Table::new(rows, widths).header(Row::new(header).style(t.header.add_modifier(Modifier::BOLD))).block(
            Block::bordered().title(Line::styled(" config differences ", t.dim)).border_style(t.border),
        ),
        diff,
    );
    let names: Vec<ratatui::text::Line> =
        c.cmp.runs.iter().enumerate().map(|(i, id)| Line::from(format!(" {} {id}", label(i)))).collect();
    f.render_widget(
        ratatui::widgets::Paragraph::new(names).style(t.dim).block(Block::bordered().border_style(t.border)),
        legend,
    );
    let styles = [t.chart_line, t.chart_alt, t.accent, t.warning, t.positive, t.info];
    let lines: Vec<line_chart::Line> = c
        .curves
        .iter()
        .enumerate()
        .map(|(i, (_, pts))| line_chart::Line {
            name: label(i),
            points: pts,
            style: styles[i % styles.len()],
        })
        .collect();
    line_chart::draw(
        f,
        right,
        Block::bordered().title(Line::styled(" equity (start = 1) ", t.dim)).border_style(t.border),
        &lines,
        &|v| format!("{v:.2}"),
        t.dim,
    );
}
