//! The Alerts tab: every alert, newest first, by severity (a symbol and a word); `a`
//! acknowledges the selected one, `A` every open one. The alerts themselves are shared: the
//! status bar shows them on every screen.

mod draw;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen, Shared};
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey};
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::list_cursor::ListCursor;

#[derive(Default)]
pub struct AlertsScreen {
    pub sel: ListCursor,
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
        Context::Alerts
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        let Some(action) = action else { return };
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

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, self, cx.shared, cx.theme);
    }
}
