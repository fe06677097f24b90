//! Grants of automation on the Corridors tab (docs/automation.md). `A` on the selected corridor
//! reads the form's starting values in a job ([`seed`]) and opens the grant form over the tab
//! ([`form`]); Enter asks the engine what is wrong with the grant it describes and opens the
//! typed-confirmation dialog on it (the app's, drawn by [`dialog`] from the engine's
//! `GrantGate`, fed only the terminal's keys: the operator types the corridor's name after the
//! dwell and presses Enter). Its confirmation is made into a grant in a job, signed and
//! journaled by the engine, which checks everything again. `x` revokes a live grant with a
//! reason ([`revoke`]) after asking. The tab lists the corridor's grants ([`list`]).

pub mod dialog;
pub mod form;
pub mod list;
pub mod revoke;
pub mod seed;

use crossterm::event::KeyEvent;

use super::CorridorsScreen;
use crate::engine::automation::GrantState;
use crate::engine::gate::GrantGate;
use crate::tui::app::Confirm;
use crate::tui::jobs::{Cmd, JobKey, Loaded};
use crate::tui::keymap::Action;
use crate::tui::screens::Cx;
use crate::tui::widgets::form::Edit;
use form::GrantForm;
use revoke::RevokeForm;

impl CorridorsScreen {
    /// `A`: read the form's starting values for the selected corridor (the form opens with them).
    pub(super) fn open_grant_form(&mut self, cx: &mut Cx) {
        match self.selected().cloned() {
            None => cx.error("no corridor selected"),
            Some(id) if cx.running(&JobKey::MakeGrant(id.clone())) => {
                cx.error(format!("a grant on {id} is being made"))
            }
            Some(id) => cx.start(Cmd::LoadGrantForm(id)),
        }
    }

    /// `x`: the reason form on the selected corridor's live grants.
    pub(super) fn open_revoke_form(&mut self, cx: &mut Cx) {
        let Some(id) = self.selected().cloned() else { return cx.error("no corridor selected") };
        let all = match &self.grants {
            None => return cx.error("the grants are not read yet"),
            Some(Err(why)) => return cx.error(format!("grants unknown: {why}")),
            Some(Ok(all)) => all,
        };
        let live: Vec<_> = list::of(all, &id).into_iter().filter(|v| v.state == GrantState::Live).collect();
        if live.is_empty() {
            return cx.error(format!("no live grant on {id} to revoke"));
        }
        self.revoke_form = Some(RevokeForm::new(id, &live));
    }

    /// A key while the grant form is open: Enter has the engine look at the grant it describes.
    pub(super) fn grant_form_key(&mut self, action: Option<Action>, ev: &KeyEvent, cx: &mut Cx) {
        let Some(g) = self.grant_form.as_mut() else { return };
        match g.form.key(action, ev) {
            Edit::Action(Action::Submit) => match g.target() {
                Ok(t) => {
                    g.refused = None;
                    cx.start(Cmd::CheckGrant(Box::new(t)));
                }
                Err(why) => g.refused = Some(why),
            },
            Edit::Action(_) => self.grant_form = None,
            Edit::Changed(_) => g.refused = None,
            Edit::Moved | Edit::None => {}
        }
    }

    /// A key while the revoke form is open: Enter asks, and only the question's yes revokes.
    pub(super) fn revoke_form_key(&mut self, action: Option<Action>, ev: &KeyEvent, cx: &mut Cx) {
        let Some(r) = self.revoke_form.as_mut() else { return };
        match r.form.key(action, ev) {
            Edit::Action(Action::Submit) => {
                if let Some((id, reason)) = r.submit() {
                    let subject = format!("{id} on {} (reason: {reason})", r.corridor);
                    self.revoke_form = None;
                    cx.ask(Confirm::RevokeGrant, Some(subject), Some(Cmd::RevokeGrant { id, reason }));
                }
            }
            Edit::Action(_) => self.revoke_form = None,
            Edit::Changed(_) => r.refused = None,
            Edit::Moved | Edit::None => {}
        }
    }

    /// The grant jobs' results; returns None for anything else (left in `r`), else whether what
    /// the tab draws changed.
    pub(super) fn grant_result(&mut self, r: &mut Option<Loaded>, cx: &mut Cx) -> Option<bool> {
        match r.take() {
            Some(Loaded::GrantSeed(seed)) => {
                // Only onto the corridor still selected: the operator may have moved on.
                if self.selected() == Some(&seed.corridor) {
                    self.grant_form = Some(GrantForm::new(*seed));
                }
            }
            Some(Loaded::GrantChecked(target, problems)) => {
                // The dialog opens on the form still open for that corridor, not on a stale one.
                if self.grant_form.as_ref().is_some_and(|g| g.seed.corridor == target.corridor) {
                    cx.grant(GrantGate::open(*target, problems));
                }
            }
            Some(Loaded::GrantMade(g)) => {
                let text = format!(
                    "automation granted on {}: {} for {}, until {}",
                    g.corridor,
                    g.id,
                    g.candidate,
                    crate::engine::time::fmt_ms(g.expires_ms)
                );
                cx.say(text.clone());
                self.grant_outcome = Some((false, text));
                self.grant_form = None;
                self.grants_changed(cx);
            }
            Some(Loaded::GrantRefused(corridor, why)) => {
                cx.error(format!("no grant on {corridor}: {why}"));
                self.grant_outcome = Some((true, format!("no grant on {corridor}: {why}")));
                // The form stays open to correct what the engine refused.
                if let Some(g) = self.grant_form.as_mut().filter(|g| g.seed.corridor == corridor) {
                    g.refused = Some(why);
                }
            }
            Some(Loaded::Grants(all)) => self.grants = Some(all),
            Some(Loaded::GrantRevoked(v)) => {
                let why = match &v.state {
                    GrantState::Revoked { reason, .. } => reason.clone(),
                    other => other.name().to_string(),
                };
                let text = format!("{} on {} revoked: {why}", v.grant.id, v.grant.corridor);
                cx.say(text.clone());
                self.grant_outcome = Some((false, text));
                self.grants_changed(cx);
            }
            Some(Loaded::GrantNotRevoked(id, why)) => {
                let text = format!("{id} not revoked: {why}");
                cx.error(text.clone());
                self.grant_outcome = Some((true, text));
                self.grants_changed(cx);
            }
            other => {
                *r = other;
                return None;
            }
        }
        Some(true)
    }

    /// A grant made or revoked: the tab's list, and the status bar's automation (the poll).
    fn grants_changed(&self, cx: &mut Cx) {
        cx.start(Cmd::LoadGrants);
        cx.start(self.poll());
    }
}
