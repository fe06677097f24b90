//! A running job's progress on one line: its percentage, a bar, and the time it has left
//! (` 42% ━━━━━━──────── ETA 1m10s`). The bar's two halves differ in shape as well as colour,
//! so a mono terminal reads it too; an unknown total reads `?%` over an empty bar and an
//! unknown time left `ETA unknown`, never a made-up number.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{LineGauge, Paragraph};
use ratatui::Frame;

use crate::tui::jobs::Progress;
use crate::tui::theme::Theme;
use crate::tui::widgets::fit::width;

/// The percentage as the bar's label: `  7%`, ` 42%`, `100%`, or `  ?%` before the total is known.
pub fn percent(p: &Progress) -> String {
    match p.view.percent() {
        Some(n) => format!("{n:>3}%"),
        None => "  ?%".into(),
    }
}

/// What follows the bar: the time left.
fn after(p: &Progress) -> String {
    format!(" {} ", p.eta)
}

/// Cells the line takes with a bar of `bar` cells: the percentage, a space, the bar, the time left.
pub fn cells(p: &Progress, bar: u16) -> u16 {
    (width(&percent(p)) + 1 + width(&after(p))) as u16 + bar
}

/// Draw the line in `area`: the bar takes what the percentage and the time left do not.
pub fn draw(f: &mut Frame, area: Rect, p: &Progress, t: &Theme) {
    let after = after(p);
    let [bar, rest] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(width(&after) as u16)]).areas(area);
    let gauge = LineGauge::default()
        .ratio(p.view.ratio().unwrap_or(0.0).clamp(0.0, 1.0))
        .label(Span::styled(percent(p), t.accent))
        .filled_symbol("━")
        .unfilled_symbol("─")
        .filled_style(t.accent)
        .unfilled_style(t.dim);
    f.render_widget(gauge, bar);
    f.render_widget(Paragraph::new(Span::styled(after, t.accent)), rest);
}
