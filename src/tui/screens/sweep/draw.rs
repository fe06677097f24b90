//! One sweep: the objective heatmap over two parameters, and the ranking.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Row, Table, Widget};
use ratatui::Frame;

use super::load::SweepView;
use crate::tui::panes::{num, pct};
use crate::tui::theme::Theme;

pub(super) fn draw(f: &mut Frame, area: Rect, s: &SweepView, t: &Theme) {
    let outer = Block::bordered()
        .title(Line::styled(format!(" {} · {} by {} ", s.sweep_id, s.strategy, s.objective), t.title))
        .border_style(t.border_focus);
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    let [heat, rank] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    let block = Block::bordered()
        .title(Line::styled(format!(" {} : rows {} × columns {} ", s.objective, s.y_name, s.x_name), t.dim))
        .border_style(t.border);
    let hi = block.inner(heat);
    f.render_widget(block, heat);
    f.render_widget(Heatmap { s, t }, hi);

    let header = Row::new(["#", "params", s.objective.as_str(), "return", "sharpe", "trades"])
        .style(t.header.add_modifier(Modifier::BOLD));
    let fit = rank.height.saturating_sub(3) as usize;
    let rows = s.ranking.iter().skip(s.scroll.index).take(fit).map(|(r, p, o, ret, sh, n)| {
        Row::new(vec![
            Cell::from(r.to_string()),
            Cell::from(p.clone()),
            Cell::from(num(*o, 3)),
            Cell::from(pct(Some(*ret))),
            Cell::from(num(*sh, 2)),
            Cell::from(n.to_string()),
        ])
    });
    let widths = [
        Constraint::Length(4),
        Constraint::Min(14),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Length(6),
    ];
    f.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(Block::bordered().title(Line::styled(" ranking ", t.dim)).border_style(t.border)),
        rank,
    );
}

/// Cells coloured by the objective (and labelled with it, so mono and 16-colour terminals
/// still read the map).
struct Heatmap<'a> {
    s: &'a SweepView,
    t: &'a Theme,
}

impl Widget for Heatmap<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.s;
        let vals: Vec<f64> = s.cells.iter().flatten().flatten().copied().collect();
        let (lo, hi) =
            vals.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        let label_w = 7u16;
        if area.width <= label_w + 2 || area.height < 3 || s.xs.is_empty() {
            return;
        }
        let cell_w = ((area.width - label_w) / s.xs.len() as u16).clamp(1, 9);
        let rows = (area.height - 1).min(s.ys.len() as u16);
        for (j, x) in s.xs.iter().enumerate() {
            let xpos = area.x + label_w + j as u16 * cell_w;
            if xpos + cell_w > area.right() {
                break;
            }
            buf.set_stringn(
                xpos,
                area.y,
                format!("{x:>w$}", w = cell_w as usize - 1),
                cell_w as usize,
                self.t.dim,
            );
        }
        for (i, y) in s.ys.iter().enumerate().take(rows as usize) {
            let ypos = area.y + 1 + i as u16;
            buf.set_stringn(area.x, ypos, format!("{y:>6} "), label_w as usize, self.t.dim);
            for (j, v) in s.cells[i].iter().enumerate() {
                let xpos = area.x + label_w + j as u16 * cell_w;
                if xpos + cell_w > area.right() {
                    break;
                }
                let (text, style) = match v {
                    Some(v) => {
                        let frac = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                        (
                            format!("{v:>w$.2}", w = cell_w as usize - 1),
                            Style::default().bg(self.t.heat(frac)).fg(ratatui::style::Color::Black),
                        )
                    }
                    None => (format!("{:>w$}", "·", w = cell_w as usize - 1), self.t.dim),
                };
                buf.set_stringn(xpos, ypos, text, cell_w as usize, style);
            }
        }
    }
}
