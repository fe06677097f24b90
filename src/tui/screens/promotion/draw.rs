//! The board as a table (candidate, where, stage, next stage, the gate: ready or its first
//! failing line) and below it the selected row's gate, every line.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row as TableRow, Table, Wrap};
use ratatui::Frame;

use super::PromotionScreen;
use crate::engine::promotion::Row;
use crate::tui::panes::promotion_confirm::gate_line;
use crate::tui::theme::Theme;

/// Where the row's stage holds.
fn scope(r: &Row) -> String {
    r.corridor.as_ref().map_or("everywhere".into(), |c| c.to_string())
}

/// The gate column: ready, its first failing line, or why there is no promotion to make.
fn gate<'a>(r: &Row, t: &Theme) -> Cell<'a> {
    match (r.next, r.gates.iter().find(|g| !g.passed)) {
        (None, _) => Cell::from("-").style(t.dim),
        (Some(_), _) if r.ready => Cell::from("✓ ready").style(t.ok),
        (Some(_), Some(g)) => Cell::from(format!("✗ {}: {}", g.item, g.detail)).style(t.critical),
        (Some(_), None) => Cell::from("✗ no lines").style(t.critical),
    }
}

pub(super) fn draw(f: &mut Frame, area: Rect, p: &PromotionScreen, t: &Theme) {
    let rows = p.rows();
    let ready = rows.iter().filter(|r| r.ready).count();
    let title = match &p.board {
        Some(b) => format!(" Promotion · rows {} · ready {ready} · gates {} ", rows.len(), b.gates_file),
        None => " Promotion ".into(),
    };
    let block = Block::bordered().title(Line::styled(title, t.title)).border_style(t.border_focus);
    let mut notes: Vec<Line> = Vec::new();
    if let Some(why) = &p.error {
        notes.push(Line::styled(format!(" board unknown: {why}"), t.critical));
    }
    if let Some((refused, text)) = &p.outcome {
        notes.push(Line::styled(format!(" {text}"), if *refused { t.critical } else { t.ok }));
    }
    if let Some(b) = &p.board {
        for d in &b.demoted {
            notes.push(Line::styled(format!(" {}", d.reason.as_deref().unwrap_or("demoted")), t.warning));
        }
        for u in &b.untrusted {
            notes.push(Line::styled(format!(" untrusted decision (line {}): {}", u.line, u.why), t.warning));
        }
    }
    let Some(sel) = p.selected() else {
        let msg = match (&p.board, &p.error) {
            (_, Some(_)) => "",
            (Some(_), None) => {
                " no candidates: a sweep, a walk-forward or a session makes one (docs/promotion.md)"
            }
            (None, None) => " reading the promotion board…",
        };
        let mut lines = notes;
        lines.push(Line::styled(msg, t.dim));
        f.render_widget(Paragraph::new(lines).style(t.base).wrap(Wrap { trim: false }).block(block), area);
        return;
    };
    let mut lines = notes;
    lines.push(Line::styled(
        format!(
            " {} · {} · {}{}",
            sel.candidate.label(),
            scope(sel),
            sel.stage,
            sel.next.map_or(" (no next stage here)".to_string(), |n| format!(" → {n}"))
        ),
        t.header,
    ));
    if sel.next.is_some() && sel.gates.is_empty() {
        lines.push(Line::styled(" the gate has no lines to pass", t.critical));
    }
    lines.extend(sel.gates.iter().map(|g| gate_line(g, t)));
    if sel.ready {
        lines.push(Line::styled(" P  promote: type its id in the dialog", t.accent));
    }
    let inner = area.width.saturating_sub(2).max(1) as usize;
    let need: usize = lines.iter().map(|x| x.width().max(1).div_ceil(inner)).sum();
    let height = (need as u16 + 2).min(area.height.saturating_sub(5));
    let [table, below] = Layout::vertical([Constraint::Min(5), Constraint::Length(height)]).areas(area);
    let wide = area.width >= 110;
    let mut titles = vec!["candidate", "where", "stage", "next", "gate"];
    let mut widths = vec![
        Constraint::Length(34),
        Constraint::Length(14),
        Constraint::Length(15),
        Constraint::Length(15),
        Constraint::Min(10),
    ];
    if !wide {
        titles.remove(3);
        widths.remove(3);
        widths[0] = Constraint::Length(31);
        widths[2] = Constraint::Length(11);
    }
    let header = TableRow::new(titles).style(t.header.add_modifier(Modifier::BOLD));
    let fit = table.height.saturating_sub(3) as usize;
    let first = p.sel.top(fit);
    let body = rows.iter().enumerate().skip(first).take(fit).map(|(i, r)| {
        let mut cells = vec![
            Cell::from(r.candidate.id.clone()),
            Cell::from(scope(r)),
            Cell::from(r.stage.name()),
            Cell::from(r.next.map_or("-", |n| n.name())),
            gate(r, t),
        ];
        if !wide {
            cells.remove(3);
        }
        TableRow::new(cells).style(if p.sel.is(i) { t.selected } else { t.base })
    });
    f.render_widget(Table::new(body, widths).header(header).block(block), table);
    let block = Block::bordered()
        .title(Line::styled(format!(" gate of {} ", sel.candidate.id), t.title))
        .border_style(t.border);
    f.render_widget(Paragraph::new(lines).style(t.base).wrap(Wrap { trim: false }).block(block), below);
}
