//! A question that must be answered with its key; Enter alone never confirms.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::centered;
use crate::tui::app::Confirm;
use crate::tui::theme::Theme;

/// `subject` names what the question is about (the session to stop).
pub fn draw(f: &mut Frame, area: Rect, c: Confirm, subject: Option<&str>, t: &Theme) {
    let stop;
    let (title, body, style) = match c {
        Confirm::QuitWhileBusy => (" Quit? ", "A run is still in progress. Quitting stops it; its folder will record it as incomplete or be missing.\n\ny  quit anyway      n / Esc  stay", t.warning),
        Confirm::KillSwitch => (" KILL SWITCH ", "Halt every corridor and cancel all open orders at every venue? Corridors stay halted, across restarts, until `quantlab rearm` reconciles them.\n\ny  kill now      n / Esc  cancel", t.critical),
        // The order dialog draws itself (panes::order_confirm); this is its fallback.
        Confirm::SendOrder => (" Send order? ", "y  send      n / Esc  cancel", t.critical),
        // The Promotion dialog draws itself too (panes::promotion_confirm).
        Confirm::Promote => (" Promote? ", "type the candidate's id, Enter      Esc  cancel", t.critical),
        // The grant dialog draws itself too (screens::corridors::grant::dialog).
        Confirm::Grant => (" Grant automation? ", "type the corridor's name, Enter      Esc  cancel", t.critical),
        Confirm::RevokeGrant => {
            stop = format!("Revoke grant {}? Automation on its corridor stops at once and its key is deleted; its intents wait for the keypress again.\n\ny  revoke      n / Esc  keep it", subject.unwrap_or("?"));
            (" Revoke automation? ", stop.as_str(), t.warning)
        }
        Confirm::Disarm => (" Disarm? ", "Disarm the selected corridor? Nothing more is sent; the venue's dead-man timer runs out and cancels its open orders.\n\ny  disarm      n / Esc  keep it armed", t.warning),
        Confirm::StopPaper => {
            stop = format!("Stop paper session {}? It finishes its current bar, writes its artifacts and never runs again (pause keeps it resumable).\n\ny  stop it      n / Esc  keep it running", subject.unwrap_or("?"));
            (" Stop session? ", stop.as_str(), t.warning)
        }
        Confirm::StopLive => {
            stop = format!("Stop live session {}? It finishes its current bar and never runs again; an intent of it still waiting stays in the Corridors tab until its TTL (pause keeps it resumable).\n\ny  stop it      n / Esc  keep it running", subject.unwrap_or("?"));
            (" Stop live session? ", stop.as_str(), t.warning)
        }
    };
    let r = centered(area, 60, 8);
    f.render_widget(Clear, r);
    let block = Block::bordered().title(Line::styled(title, style)).border_style(style);
    f.render_widget(Paragraph::new(body).style(t.base).wrap(Wrap { trim: true }).block(block), r);
}
