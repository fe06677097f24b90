//! Revoking a live grant from the Corridors tab: a small form (the console's [`Form`]) with the
//! reason, typed, and the grant, chosen among the corridor's live ones; an empty reason is
//! refused here, before anything is asked. Enter then asks the question (y revokes), whose yes
//! runs the engine's revocation, as `quantlab grants revoke --reason` does: journaled with the
//! reason and the operator's name, the grant's automation key deleted.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use crate::engine::automation::GrantView;
use crate::engine::execution::CorridorId;
use crate::tui::panes::popup;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Field, Form, Look};

#[derive(Debug, Clone)]
pub struct RevokeForm {
    pub corridor: CorridorId,
    pub form: Form,
    /// The live grants offered, as their limits read (shown under the form).
    pub grants: Vec<(String, String)>,
    /// Why the last Enter asked nothing (an empty reason).
    pub refused: Option<String>,
}

impl RevokeForm {
    /// On the corridor's live `grants` (at least one), newest first.
    pub fn new(corridor: CorridorId, grants: &[&GrantView]) -> RevokeForm {
        let ids: Vec<String> = grants.iter().map(|v| v.grant.id.clone()).collect();
        let fields = vec![Field::text("reason", "reason", ""), Field::choice("grant", "grant", ids)];
        let grants = grants.iter().map(|v| (v.grant.id.clone(), v.grant.limits_line())).collect();
        RevokeForm { corridor, form: Form::new(fields, Form::any), grants, refused: None }
    }

    /// The grant and the reason to revoke it with, or why not yet.
    pub fn submit(&mut self) -> Option<(String, String)> {
        let reason = self.form.get("reason").to_string();
        if reason.is_empty() {
            self.refused = Some("a reason is needed: say why automation stops here".into());
            return None;
        }
        Some((self.form.get("grant").to_string(), reason))
    }
}

pub fn draw(f: &mut Frame, area: Rect, r: &RevokeForm, t: &Theme) {
    let look = Look { marker: "▸ ", label_width: 10 };
    let mut lines = vec![
        Line::raw("Automation on this corridor stops at once: its intents wait for the keypress again."),
        Line::raw("The reason is journaled with your name; the grant's key is deleted."),
        Line::raw(""),
    ];
    lines.extend(r.form.lines(true, 0, r.form.fields.len(), look, &|_| None, t));
    let chosen = r.form.get("grant");
    if let Some((_, limits)) = r.grants.iter().find(|(id, _)| id == chosen) {
        lines.push(Line::styled(format!("{:10}{limits}", ""), t.dim));
    }
    if let Some(why) = &r.refused {
        lines.push(Line::styled(format!("not revoked: {why}"), t.critical));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Enter  revoke (asks first)      Tab  field, ←/→ grant      Esc  cancel", t.dim));
    let title = Line::styled(format!(" Revoke automation on {} ", r.corridor), t.title);
    popup::draw(f, area, lines, title, t.border_focus, 96, t);
}
