//! The new-run form.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use crate::tui::screens::new_run::fields::dataset_label;
use crate::tui::theme::Theme;
use crate::tui::views::{FieldKind, FormKind, RunForm};

pub fn draw(f: &mut Frame, area: Rect, form: &RunForm, t: &Theme) {
    let (title, submit) = match form.kind {
        FormKind::Run => (" New run ", "run in the background"),
        FormKind::Paper => (" New paper session ", "start it in the background"),
    };
    let block = Block::bordered().title(Line::styled(title, t.title)).border_style(t.border_focus);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [fields, help] = Layout::vertical([Constraint::Min(3), Constraint::Length(3)]).areas(inner);
    let lines: Vec<Line> = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, fld)| {
            let focus = i == form.focus;
            let value = match (&fld.kind, fld.key.as_str()) {
                (FieldKind::Choice(_), "data") if fld.value.is_empty() => {
                    "(no datasets: import one first)".to_string()
                }
                (FieldKind::Choice(_), "data") => format!("‹ {} ›", dataset_label(form, &fld.value)),
                (FieldKind::Choice(_), _) => format!("‹ {} ›", fld.value),
                (FieldKind::Text, _) if focus => format!("{}▏", fld.value),
                (FieldKind::Text, _) => fld.value.clone(),
            };
            Line::from(vec![
                Span::styled(if focus { " ▶ " } else { "   " }, t.accent),
                Span::styled(format!("{:<14}", fld.label), t.dim),
                Span::styled(value, if focus { t.selected } else { t.base }),
            ])
        })
        .collect();
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
