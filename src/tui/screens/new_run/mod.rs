//! The new-run form (and the new paper session form, its sibling), opened over the Runs or the
//! Paper tab: Enter starts it in the background, Esc leaves it.

mod draw;
pub(crate) mod fields;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen};
use crate::tui::jobs::Cmd;
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::form::Edit;
use fields::{FormKind, RunForm};

pub struct NewRunScreen {
    pub form: RunForm,
}

impl NewRunScreen {
    pub fn new(form: RunForm) -> NewRunScreen {
        NewRunScreen { form }
    }
}

impl Screen for NewRunScreen {
    fn title(&self) -> &'static str {
        match self.form.kind {
            FormKind::Run => "New run",
            FormKind::Paper => "New paper session",
        }
    }

    fn context(&self) -> Context {
        Context::Form
    }

    fn on_action(&mut self, action: Option<Action>, ev: &KeyEvent, cx: &mut Cx) {
        let f = &mut self.form;
        match f.key(action, ev) {
            Edit::Action(Action::Cancel | Action::Back) => cx.close(),
            Edit::Action(Action::Submit) => {
                let cmd = match f.kind {
                    FormKind::Run => fields::to_request(f).map(|r| Cmd::StartRun(Box::new(r))),
                    FormKind::Paper => fields::to_paper_request(f).map(|r| Cmd::StartPaper(Box::new(r))),
                };
                match cmd {
                    Ok(cmd) => {
                        cx.close();
                        cx.start(cmd);
                    }
                    Err(e) => f.error = Some(e),
                }
            }
            _ => {}
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, &self.form, cx.theme);
    }
}
