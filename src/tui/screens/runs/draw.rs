//! The runs index as a table: sort by any column, filter, mark, page through thousands. Every
//! cell is made to fit its column ([`fit`]): ids short, parameters abbreviated and cut between
//! parameters, a run's status a symbol and a word in a column of its own, so nothing is cut
//! mid-word at any width.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::compact::abbreviate_params;
use super::table::{data, status_word, Widest, COLUMNS};
use super::RunsScreen;
use crate::engine::research::{IndexEntry, RunStatus};
use crate::tui::jobs::{JobKey, Jobs};
use crate::tui::panes::{num, pct};
use crate::tui::theme::Theme;
use crate::tui::widgets::fit::{fit, width};

// Indices into COLUMNS.
const RUN: usize = 0;
const STATUS: usize = 1;
const STRATEGY: usize = 2;
const PARAMS: usize = 3;
const DATA: usize = 4;

/// Columns by priority: narrow terminals drop the least essential ones; the status and the
/// parameters stay down to 80 columns.
fn columns(width: u16) -> &'static [usize] {
    match width {
        135.. => &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        116.. => &[0, 1, 2, 3, 4, 5, 7, 9, 10, 11],
        96.. => &[0, 1, 2, 3, 5, 7, 9, 10],
        80.. => &[0, 1, 2, 3, 5, 7, 9],
        _ => &[0, 1, 2, 3, 5],
    }
}

/// Cells a column takes; the parameters take what the others leave. Each fits its header with
/// the sort arrow (`sharpe ▼`), the strategy and data columns their widest value up to a cap.
fn fixed_width(c: usize, w: &Widest) -> usize {
    match c {
        RUN => (w.id + 1).clamp(7, 13),
        STATUS => 9,
        STRATEGY => w.strategy.clamp(10, 19),
        DATA => w.data.clamp(6, 12),
        5 | 8 => 9,
        11 => 7,
        _ => 8,
    }
}

/// A run started from the console, in the table until it is done (it has no id or metrics yet).
struct Running<'a> {
    strategy: &'a str,
    params: &'a str,
}

/// A status as a symbol and a word, and its style.
fn status_mark(s: Option<RunStatus>, t: &Theme) -> (String, Style) {
    match s {
        None => ("▶ running".into(), t.accent),
        Some(RunStatus::Success) => (format!("✔ {}", status_word(RunStatus::Success)), t.ok),
        Some(RunStatus::Failed) => (format!("✖ {}", status_word(RunStatus::Failed)), t.negative),
    }
}

pub(super) fn draw(f: &mut Frame, area: Rect, s: &RunsScreen, jobs: &Jobs, t: &Theme) {
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
    let running: Vec<Running> = jobs
        .keys()
        .filter_map(|k| match k {
            JobKey::Run { strategy, params, .. } => Some(Running { strategy, params }),
            _ => None,
        })
        .collect();
    if !s.loaded {
        f.render_widget(Paragraph::new(" loading the runs index…").style(t.dim).block(block), area);
        return;
    }
    if rt.all.is_empty() && running.is_empty() {
        let msg = " no runs yet: press n for a new run, or run `quantlab run` / `quantlab demo`";
        f.render_widget(Paragraph::new(msg).style(t.dim).block(block), area);
        return;
    }
    let cols = columns(area.width);
    let mut widest = rt.widest;
    widest.strategy = running.iter().map(|r| width(r.strategy)).fold(widest.strategy, usize::max);
    let inner = area.width.saturating_sub(2) as usize;
    let others: usize = cols.iter().filter(|&&c| c != PARAMS).map(|&c| fixed_width(c, &widest)).sum();
    let params_w = inner.saturating_sub(others + cols.len().saturating_sub(1));
    let col_w = |c: usize| if c == PARAMS { params_w } else { fixed_width(c, &widest) };

    let header = Row::new(cols.iter().map(|&i| {
        let arrow = match (i == rt.sort, rt.desc) {
            (false, _) => "",
            (true, true) => " ▼",
            (true, false) => " ▲",
        };
        Cell::from(fit(&format!("{}{arrow}", COLUMNS[i].0), col_w(i)))
    }))
    .style(t.header.add_modifier(Modifier::BOLD));

    // Runs in progress first, then the page of the index the selection is on.
    let rows_fit = (area.height.saturating_sub(3) as usize).saturating_sub(running.len());
    let first = rt.selected.top(rows_fit);
    let running_rows = running.iter().map(|r| {
        let cell = |c: usize| -> Cell {
            match c {
                RUN => Cell::from(" -"),
                STATUS => {
                    let (m, st) = status_mark(None, t);
                    Cell::from(m).style(st)
                }
                STRATEGY => Cell::from(fit(r.strategy, col_w(c))),
                PARAMS => Cell::from(fit(&abbreviate_params(r.params), col_w(c))),
                _ => Cell::from("-"),
            }
        };
        Row::new(cols.iter().map(|&c| cell(c))).style(t.dim)
    });
    // Only the rows on screen are built: paging through 10,000 runs costs what one page costs.
    let rows = rt.visible.iter().enumerate().skip(first).take(rows_fit).map(|(pos, &i)| {
        let e = &rt.all[i];
        let marked = rt.marked.contains(&e.run_id);
        let style = if rt.selected.is(pos) {
            t.selected
        } else if marked {
            t.marked
        } else if e.status == RunStatus::Failed {
            t.dim
        } else {
            t.base
        };
        let mark = if marked { "●" } else { " " };
        let short = rt.short.get(i).map_or("", String::as_str);
        Row::new(cols.iter().map(|&c| match c {
            RUN => Cell::from(format!("{mark}{}", fit(short, col_w(c).saturating_sub(1)))),
            _ => cell(e, c, col_w(c), t),
        }))
        .style(style)
    });
    let widths: Vec<Constraint> = cols.iter().map(|&c| Constraint::Length(col_w(c) as u16)).collect();
    let table = Table::new(running_rows.chain(rows), widths).header(header).block(block).column_spacing(1);
    f.render_widget(table, area);
}

/// One cell of a run of the index, made to fit `room` cells.
fn cell(e: &IndexEntry, c: usize, room: usize, t: &Theme) -> Cell<'static> {
    let m = |k: &str| e.metrics.get(k).copied().flatten();
    let signed = |v: Option<f64>| if v.unwrap_or(0.0) < 0.0 { t.negative } else { t.positive };
    match c {
        STATUS => {
            let (m, st) = status_mark(Some(e.status), t);
            Cell::from(m).style(st)
        }
        STRATEGY => Cell::from(fit(&e.strategy, room)),
        PARAMS => Cell::from(fit(&abbreviate_params(&e.params), room)),
        DATA => Cell::from(fit(&data(e), room)),
        5 => Cell::from(pct(m("total_return"))).style(signed(m("total_return"))),
        6 => Cell::from(pct(m("cagr"))),
        7 => Cell::from(num(m("sharpe"), 2)),
        8 => Cell::from(num(m("sortino"), 2)),
        9 => Cell::from(pct(m("max_drawdown"))),
        10 => Cell::from(num(m("trade_count"), 0)),
        _ => Cell::from(pct(m("win_rate"))),
    }
}
