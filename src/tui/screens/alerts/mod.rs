//! The Alerts tab: every alert, newest first, by severity (a symbol and a word); `a`
//! acknowledges the selected one, `A` every open one. The alerts themselves are shared: the
//! status bar shows them on every screen.
//!
//! `i` turns the tab to its incidents section (`i` or Esc back): every incident, open and
//! closed, where an operator who saw a critical alert or a halt looks next. `Enter` opens one
//! (its timeline, and `c` to close it with a note). The incidents are read when the section
//! opens and polled while it is shown, not at the console's start: a workspace only browsed for
//! research need not scan its journals.

mod draw;
pub mod incidents;
mod incidents_draw;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen, Shared, Shown};
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey};
use crate::tui::keymap::{Action, Context};
use crate::tui::screens::incident::IncidentScreen;
use crate::tui::widgets::list_cursor::ListCursor;
use incidents::IncidentsList;

#[derive(Default)]
pub struct AlertsScreen {
    pub sel: ListCursor,
    /// The incidents section is shown instead of the alerts.
    pub showing_incidents: bool,
    pub incidents: IncidentsList,
}

impl AlertsScreen {
    fn incidents_action(&mut self, action: Action, cx: &mut Cx) {
        let l = &mut self.incidents;
        if l.sel.apply(action, l.rows().len(), cx.page) {
            return;
        }
        match action {
            // Esc (the global back) too: the section is left the way a view is.
            Action::Incidents | Action::Back => self.showing_incidents = false,
            Action::Open => match l.selected() {
                Some(i) => {
                    // Drawn from the list as read; the view reads it again on its ticks.
                    cx.open(IncidentScreen::new(i.clone()));
                }
                None if l.all.is_none() => cx.error("the incidents are not read yet"),
                None => cx.error("no incident to open"),
            },
            _ => {}
        }
    }
}

/// Alerts not yet acknowledged.
fn open(shared: &Shared) -> usize {
    shared.alerts.iter().filter(|a| a.acknowledged_at.is_none()).count()
}

impl Screen for AlertsScreen {
    fn title(&self) -> &'static str {
        "Alerts"
    }

    /// The tiniest title, so ten tabs fit on 70 columns.
    fn tiny(&self) -> &'static str {
        "Alrt"
    }

    fn badge(&self, shared: &Shared) -> String {
        match open(shared) {
            0 => String::new(),
            n => format!(" ({n})"),
        }
    }

    /// An open alert is never left out of the tab bar.
    fn badge_short(&self, shared: &Shared) -> String {
        self.badge(shared)
    }

    fn context(&self) -> Context {
        if self.showing_incidents {
            Context::Incidents
        } else {
            Context::Alerts
        }
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        let Some(action) = action else { return };
        if self.showing_incidents {
            return self.incidents_action(action, cx);
        }
        let shared: &Shared = cx.shared;
        let alerts = &shared.alerts;
        if self.sel.apply(action, alerts.len(), cx.page) {
            return;
        }
        match action {
            Action::Ack => {
                if let Some(a) = self.sel.get(alerts).filter(|a| a.acknowledged_at.is_none()) {
                    let id = a.alert.id.clone();
                    cx.start(Cmd::Ack(Some(id)));
                }
            }
            Action::AckAll if open(shared) > 0 => cx.start(Cmd::Ack(None)),
            Action::Incidents => {
                self.showing_incidents = true;
                cx.poll(Cmd::LoadIncidents);
            }
            _ => {}
        }
    }

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        match r.take() {
            // The list itself is the app's (shared): only the selection follows it here.
            Some(Loaded::Alerts(a)) => {
                self.sel.clamp(a.len());
                *r = Some(Loaded::Alerts(a));
                false
            }
            Some(Loaded::Incidents(all)) => self.incidents.loaded(all),
            Some(Loaded::IncidentsUnread(why)) => self.incidents.unread(why),
            Some(Loaded::Acked(ids)) => {
                cx.say(format!("acknowledged {} alert(s)", ids.len()));
                cx.start(Cmd::LoadAlerts);
                true
            }
            other => {
                *r = other;
                false
            }
        }
    }

    /// Back on the tab with its incidents shown: read them again.
    fn on_show(&mut self, cx: &mut Cx) {
        if self.showing_incidents {
            cx.poll(Cmd::LoadIncidents);
        }
    }

    /// The incidents are polled while their section is in front (or under an incident's
    /// view, whose closing the list must show when it comes back).
    fn on_tick(&mut self, shown: Shown, cx: &mut Cx) {
        if self.showing_incidents && shown != Shown::No {
            cx.poll(Cmd::LoadIncidents);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        match self.showing_incidents {
            true => incidents_draw::draw(f, area, &self.incidents, cx.theme),
            false => draw::draw(f, area, self, cx.shared, cx.theme),
        }
    }
}
