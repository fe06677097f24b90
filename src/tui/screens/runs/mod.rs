//! The Runs tab: every run in the index, sorted, filtered and marked for compare; Enter opens a
//! run's detail, `n` the new-run form.

mod compact;
mod draw;
mod table;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::Frame;

use super::compare::CompareScreen;
use super::new_run::NewRunScreen;
use super::run_detail::RunDetailScreen;
use super::{Cx, DrawCx, Screen};
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey};
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::list_cursor::ListCursor;
use table::{RunsTable, COLUMNS};

pub struct RunsScreen {
    pub table: RunsTable,
    /// The index has been read once.
    pub loaded: bool,
    /// The filter being typed (None when not editing).
    pub filter_edit: Option<String>,
    /// A run to select once the index has been read again (after a new run).
    pub pending_select: Option<String>,
}

impl Default for RunsScreen {
    fn default() -> Self {
        // Newest first: the run just made is the one the operator looks for.
        RunsScreen {
            table: RunsTable { desc: true, ..RunsTable::default() },
            loaded: false,
            filter_edit: None,
            pending_select: None,
        }
    }
}

impl RunsScreen {
    fn filter_key(&mut self, action: Option<Action>, ev: &KeyEvent) {
        let Some(buf) = self.filter_edit.as_mut() else { return };
        match action {
            Some(Action::Submit) => {
                self.table.filter = self.filter_edit.take().unwrap_or_default();
                self.table.refresh();
                self.table.selected = ListCursor::default();
            }
            Some(Action::Cancel | Action::Back) => self.filter_edit = None,
            _ => match ev.code {
                KeyCode::Backspace => {
                    buf.pop();
                }
                KeyCode::Char(c) if !ev.modifiers.contains(KeyModifiers::CONTROL) => buf.push(c),
                _ => {}
            },
        }
    }
}

impl Screen for RunsScreen {
    fn title(&self) -> &'static str {
        "Runs"
    }

    fn badge(&self, _: &super::Shared) -> String {
        if self.loaded {
            format!(" ({})", self.table.all.len())
        } else {
            String::new()
        }
    }

    fn startup(&self) -> Vec<Cmd> {
        vec![Cmd::LoadRuns]
    }

    fn context(&self) -> Context {
        if self.filter_edit.is_some() {
            Context::Filter
        } else {
            Context::Runs
        }
    }

    fn on_action(&mut self, action: Option<Action>, ev: &KeyEvent, cx: &mut Cx) {
        if self.filter_edit.is_some() {
            return self.filter_key(action, ev);
        }
        let Some(action) = action else { return };
        let t = &mut self.table;
        if t.selected.apply(action, t.visible.len(), cx.page) {
            return;
        }
        match action {
            Action::SortNext => t.sort_by((t.sort + 1) % COLUMNS.len()),
            Action::SortPrev => t.sort_by((t.sort + COLUMNS.len() - 1) % COLUMNS.len()),
            Action::SortReverse => t.sort_by(t.sort),
            Action::Filter => self.filter_edit = Some(t.filter.clone()),
            Action::ClearFilter => {
                t.filter.clear();
                t.refresh();
            }
            Action::Mark => {
                t.toggle_mark();
                t.selected.move_by(1, t.visible.len());
            }
            Action::Open => {
                if let Some(id) = t.selected_id() {
                    cx.start(Cmd::LoadDetail(id));
                }
            }
            Action::Compare if t.marked.len() >= 2 => cx.start(Cmd::LoadCompare(t.marked.to_vec())),
            Action::Compare => cx.error("mark two or more runs (Space) to compare them"),
            Action::NewRun => cx.start(Cmd::LoadForm),
            _ => {}
        }
    }

    fn on_result(&mut self, key: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        match r.take() {
            Some(Loaded::Runs(runs)) => {
                self.table.set_runs(runs);
                self.loaded = true;
                if let Some(id) = self.pending_select.take() {
                    match self.table.all.iter().any(|r| r.run_id == id) {
                        true => self.table.select_id(&id),
                        false => self.pending_select = Some(id),
                    }
                }
            }
            Some(Loaded::RunDone(r)) => {
                cx.say(format!("run {} finished", r.run_id));
                self.table.filter.clear();
                cx.start(Cmd::LoadRuns);
                cx.start(Cmd::LoadAlerts);
                // Select it once the index is back.
                self.pending_select = Some(r.run_id.clone());
            }
            Some(Loaded::RunFailed(msg)) => {
                cx.error(msg);
                cx.start(Cmd::LoadRuns);
                cx.start(Cmd::LoadAlerts);
            }
            Some(Loaded::Detail(d)) => cx.open(RunDetailScreen::new(*d)),
            Some(Loaded::Compare(c)) => cx.open(CompareScreen::new(*c)),
            Some(Loaded::Form(f)) if *key == JobKey::RunForm => cx.open(NewRunScreen::new(*f)),
            other => {
                *r = other;
                return false;
            }
        }
        true
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, self, cx.jobs, cx.theme);
    }
}
