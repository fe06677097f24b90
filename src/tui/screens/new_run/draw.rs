//! The new-run form.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use crate::tui::screens::new_run::fields::dataset_label;
use crate::tui::screens::new_run::fields::{FormKind, RunForm};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Field, FieldKind, Look};

pub(super) fn draw(f: &mut Frame, area: Rect, form: &RunForm, t: &Theme) {
    let (title, submit) = match form.kind {
        FormKind::Run => (" New run ", "run in the background"),
        FormKind::Paper => (" New paper session ", "start it in the background"),
    };
    let block = Block::bordered().title(Line::styled(title, t.title)).border_style(t.border_focus);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [fields, help] = Layout::vertical([Constraint::Min(3), Constraint::Length(3)]).areas(inner);
    let shown = |fld: &Field| match (&fld.kind, fld.key.as_str()) {
        (FieldKind::Choice(_), "data") if fld.value.is_empty() => {
            Some("(no datasets: import one first)".into())
        }
        (FieldKind::Choice(_), "data") => Some(format!("‹ {} ›", dataset_label(form, &fld.value))),
        _ => None,
    };
    let look = Look { marker: " ▶ ", label_width: 14 };
    let lines = form.form.lines(true, 0, usize::MAX, look, &shown, t);
    f.render_widget(Paragraph::new(lines), fields);
    let mut help_lines = vec![Line::styled(
        format!(" ←/→ choose · type to edit · Tab next field · Enter {submit} · Esc cancel"),
        t.dim,
    )];
    if let Some(e) = &form.error {
        help_lines.push(Line::styled(format!(" {e}"), t.negative));
    }
    f.render_widget(Paragraph::new(help_lines), help);
}
