//! The Promotion dialog, drawn: the candidate, the stage it leaves and the one it would reach,
//! where (everywhere, or one corridor), every line of the gate, and the id typed so far. Its
//! state and key handler, the gate between keys and a promotion, are the engine's
//! ([`PromotionGate`]): the console only says which keys are Enter, Escape and Backspace
//! ([`promotion_action`]) and draws. Every other key is a character of the id, so the dialog
//! takes keys itself rather than through the keymap (whose `y`, `n` or `q` would be letters of
//! an id here).

use std::time::Instant;

use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::engine::gate::{PromotionAction, PromotionGate, PromotionOutcome, TerminalKey, DWELL};
use crate::engine::promotion::GateLine;
use crate::tui::theme::Theme;

/// Enter confirms, Escape and Ctrl+C cancel, Backspace takes a character back; any other key
/// is what it types. The grant dialog's keys too (`screens::corridors::grant::dialog`).
pub fn promotion_action(key: &TerminalKey) -> Option<PromotionAction> {
    let ev = key.event();
    match ev.code {
        KeyCode::Enter => Some(PromotionAction::Confirm),
        KeyCode::Esc => Some(PromotionAction::Cancel),
        KeyCode::Char('c') if ev.modifiers.contains(KeyModifiers::CONTROL) => Some(PromotionAction::Cancel),
        KeyCode::Backspace => Some(PromotionAction::Erase),
        _ => None,
    }
}

/// The dialog's key: its action said, judged by the gate.
pub fn key(g: &mut PromotionGate, key: &TerminalKey, now: Instant, operator: &str) -> PromotionOutcome {
    g.key(key, promotion_action(key), now, operator)
}

/// One gate line: `ok`/`FAIL`, the gate, the item, what was found and the artifacts read.
pub fn gate_line<'a>(g: &GateLine, t: &Theme) -> Line<'a> {
    let (mark, style) = if g.passed { ("ok  ", t.ok) } else { ("FAIL", t.critical) };
    let mut spans = vec![
        Span::styled(format!("{mark} "), style),
        Span::styled(format!("{:<16} ", g.item), t.header),
        Span::styled(g.detail.clone(), t.base),
    ];
    if !g.artifacts.is_empty() {
        spans.push(Span::styled(format!(" [{}]", g.artifacts.join(", ")), t.dim));
    }
    Line::from(spans)
}

/// `refused`: why the last Enter promoted nothing, if it did not.
pub fn draw(f: &mut Frame, area: Rect, g: &PromotionGate, refused: Option<&str>, t: &Theme) {
    let place = g
        .target()
        .corridor
        .as_ref()
        .map_or("everywhere (research and paper hold for every corridor)".to_string(), |c| {
            format!("on corridor {c}")
        });
    let mut lines = vec![
        Line::styled(g.target().candidate.clone(), t.header),
        Line::raw(format!("from {} to {}, {place}", g.target().from, g.target().to)),
        Line::raw(""),
    ];
    if g.gates().is_empty() {
        lines.push(Line::styled("the gate has no lines to pass", t.critical));
    }
    lines.extend(g.gates().iter().map(|l| gate_line(l, t)));
    lines.push(Line::raw(""));
    let failing = g.gates().iter().any(|l| !l.passed) || g.gates().is_empty();
    let style = if failing {
        lines.push(Line::styled("cannot be promoted: a line of the gate fails", t.critical));
        lines.push(Line::raw("Esc  close"));
        t.warning
    } else {
        lines.push(Line::from(vec![
            Span::styled("type its id: ", t.base),
            Span::styled(format!("{}_", g.typed()), t.accent),
        ]));
        if let Some(why) = refused {
            lines.push(Line::styled(format!("not promoted: {why}"), t.critical));
        }
        lines.push(Line::styled("Enter  PROMOTE (signed and journaled)      Esc  cancel", t.critical));
        lines.push(Line::styled(
            format!("keys typed in its first {} ms and pastes are ignored", DWELL.as_millis()),
            t.dim,
        ));
        t.critical
    };
    super::popup::draw(f, area, lines, Line::styled(" Promote this candidate? ", style), style, 100, t);
}
