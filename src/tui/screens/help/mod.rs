//! The help overlay, generated from the keymap.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use crate::tui::panes::centered;
use crate::tui::screens::DrawCx;
use crate::tui::widgets::list_cursor::ListCursor;

pub fn draw(f: &mut Frame, area: Rect, scroll: &ListCursor, cx: &DrawCx) {
    let t = cx.theme;
    let r = centered(area, 76, area.height.saturating_sub(4));
    let mut lines = Vec::new();
    for (ctx, binds) in cx.keymap.help() {
        lines.push(Line::styled(ctx, t.title));
        for (keys, desc) in binds {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<22}"), t.footer_key),
                Span::styled(desc, t.base),
            ]));
        }
        lines.push(Line::raw(""));
    }
    f.render_widget(Clear, r);
    let block = Block::bordered()
        .title(Line::styled(" Keys (Esc closes, ↑/↓ scroll) ", t.title))
        .border_style(t.border_focus);
    f.render_widget(Paragraph::new(lines).style(t.base).block(block).scroll((scroll.index as u16, 0)), r);
}

/// Lines in the overlay: a heading, the bindings and a blank line per context (scrolling
/// stops at the last).
pub fn line_count(keymap: &crate::tui::keymap::Keymap) -> usize {
    keymap.help().iter().map(|(_, binds)| binds.len() + 2).sum()
}
