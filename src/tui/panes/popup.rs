//! The frame every dialog drawn over a screen shares: as wide as the screen allows up to
//! `max_width`, as tall as its lines once wrapped, centred, cleared under it, bordered and
//! titled. One place, so the dialogs (promotion, grant, a note or a reason typed) wrap and size
//! alike.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::centered;
use crate::tui::theme::Theme;

/// Draw `lines` in a dialog titled `title`, its border in `border`.
pub fn draw(
    f: &mut Frame,
    area: Rect,
    lines: Vec<Line>,
    title: Line,
    border: Style,
    max_width: u16,
    t: &Theme,
) {
    let width = area.width.saturating_sub(4).min(max_width);
    // Rows for the lines as they wrap, counted by characters.
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let r = centered(area, width, rows as u16 + 2);
    f.render_widget(Clear, r);
    let block = Block::bordered().title(title).border_style(border);
    f.render_widget(Paragraph::new(lines).style(t.base).wrap(Wrap { trim: false }).block(block), r);
}
