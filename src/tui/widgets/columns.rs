//! A table of selectable rows whose columns narrow with the terminal. The session lists (Paper,
//! Live) share it, so a column kept or dropped, the header and the selection work alike on each.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::widgets::{Block, Cell, Row, Table};
use ratatui::Frame;

use super::list_cursor::ListCursor;
use crate::tui::theme::Theme;

/// One column of a table of `T`.
pub trait Column<T>: Copy {
    fn title(self) -> &'static str;
    fn width(self) -> Constraint;
    fn cell(self, item: &T, t: &Theme) -> Cell<'static>;
}

/// The columns a width affords: every one from 140 cells, `medium` from 100, `narrow` below.
pub fn for_width<'c, C>(width: u16, all: &'c [C], medium: &'c [C], narrow: &'c [C]) -> &'c [C] {
    match width {
        140.. => all,
        100..=139 => medium,
        _ => narrow,
    }
}

/// The rows that fit, scrolled to keep the selection in view, with a bold header.
pub fn draw<T, C: Column<T>>(
    f: &mut Frame,
    area: Rect,
    block: Block,
    cols: &[C],
    items: &[T],
    sel: &ListCursor,
    t: &Theme,
) {
    let header = Row::new(cols.iter().map(|c| c.title())).style(t.header.add_modifier(Modifier::BOLD));
    let fit = area.height.saturating_sub(3) as usize;
    let rows = items.iter().enumerate().skip(sel.top(fit)).take(fit).map(|(i, item)| {
        Row::new(cols.iter().map(|c| c.cell(item, t))).style(if sel.is(i) { t.selected } else { t.base })
    });
    let widths: Vec<Constraint> = cols.iter().map(|c| c.width()).collect();
    f.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
