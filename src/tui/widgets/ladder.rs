//! A vertical price ladder: each level on the row its price maps to, highest at the top, so
//! the distances between entry, stop, targets and liquidation can be seen at a glance.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// One level: a short tag ("T1", "E", "S", "L"), its price as text and as a number, its style.
pub struct Level {
    pub tag: &'static str,
    pub price: String,
    pub value: f64,
    pub style: Style,
}

/// The row of each level in `height` rows; levels that would share a row are pushed apart,
/// keeping their order.
pub fn rows(levels: &[Level], height: usize) -> Vec<usize> {
    if levels.is_empty() || height == 0 {
        return Vec::new();
    }
    let hi = levels.iter().map(|l| l.value).fold(f64::MIN, f64::max);
    let lo = levels.iter().map(|l| l.value).fold(f64::MAX, f64::min);
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let mut order: Vec<usize> = (0..levels.len()).collect();
    order.sort_by(|&a, &b| levels[b].value.total_cmp(&levels[a].value));
    let mut out = vec![0; levels.len()];
    // Down from the top, each level at least one row below the one above it...
    let mut next_free = 0usize;
    for &i in &order {
        let ideal = (((hi - levels[i].value) / span) * (height - 1) as f64).round() as usize;
        out[i] = ideal.max(next_free);
        next_free = out[i] + 1;
    }
    // ...then up from the bottom, so the lowest ones that ran off the end move back up.
    let mut limit = height - 1;
    for &i in order.iter().rev() {
        out[i] = out[i].min(limit);
        limit = out[i].saturating_sub(1);
    }
    out
}

pub fn draw(f: &mut Frame, area: Rect, levels: &[Level], line_style: Style) {
    let h = area.height as usize;
    let w = area.width as usize;
    let at = rows(levels, h);
    // A dotted axis under the tags joins the levels.
    let mut lines: Vec<Line> = (0..h).map(|_| Line::from(Span::styled(" ┊", line_style))).collect();
    for (l, &r) in levels.iter().zip(&at) {
        let label = format!(" {:<2} {}", l.tag, l.price);
        let fill = w.saturating_sub(label.chars().count() + 1);
        lines[r] = Line::from(vec![
            Span::styled(label, l.style),
            Span::styled(format!(" {}", "─".repeat(fill)), l.style),
        ]);
    }
    f.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lv(tag: &'static str, v: f64) -> Level {
        Level { tag, price: v.to_string(), value: v, style: Style::default() }
    }

    #[test]
    fn highest_on_top_proportional_and_never_overlapping() {
        let levels = [lv("T1", 110.0), lv("E", 100.0), lv("S", 95.0), lv("T2", 120.0)];
        let r = rows(&levels, 11);
        assert_eq!(r, vec![4, 8, 10, 0]);
        // Two nearly equal prices still get their own rows, in order.
        let r = rows(&[lv("E", 100.0), lv("S", 99.99), lv("T1", 200.0)], 5);
        assert_eq!(r[2], 0);
        assert!(r[1] > r[0]);
    }
}
