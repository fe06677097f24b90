//! Key handling: the keymap turns a key into an action for the focused context; text-capturing
//! contexts (the filter, the form) take the keys the keymap leaves unbound.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{App, Confirm, Tab, View};
use super::jobs::{Cmd, JobKey, PaperOp};
use super::keymap::{Action, Context, Keymap};
use super::screens::new_run::fields as form;
use super::screens::new_run::fields::FormKind;
use super::screens::runs::table::COLUMNS;
use super::widgets::form::Edit;
use super::widgets::list_cursor::ListCursor;
use crate::engine::gate::TerminalKey;

impl App {
    /// `ev`, typed as `typed` when the terminal delivered it (a paste's characters have none).
    pub(super) fn key(
        &mut self,
        ev: KeyEvent,
        typed: Option<&TerminalKey>,
        keymap: &Keymap,
        out: &mut Vec<Cmd>,
    ) {
        let ctx = self.context();
        let action = keymap.action(ctx, &ev);
        match ctx {
            // The order dialog is the gate to a live order: its own handler takes every key.
            Context::Confirm if self.confirm == Some(Confirm::SendOrder) => {
                return self.order_key(typed, keymap, out)
            }
            // A held key's repeats never answer a question.
            Context::Confirm if ev.kind == KeyEventKind::Repeat => return,
            Context::Confirm => return self.confirm_key(action, out),
            Context::Filter => return self.filter_key(action, ev),
            Context::Form => return self.form_key(action, ev, out),
            Context::PretradeForm => return self.pretrade.form_key(action, ev),
            Context::Help => {
                match action {
                    Some(Action::Back | Action::Help | Action::Quit) => self.help = false,
                    Some(a) => {
                        self.help_scroll.apply(a, super::screens::help::line_count(keymap), self.page);
                    }
                    None => {}
                }
                return;
            }
            _ => {}
        }
        let Some(action) = action else { return };
        self.message = None;
        match action {
            Action::Quit => {
                if !self.jobs.busy() {
                    self.should_quit = true;
                } else {
                    self.confirm = Some(Confirm::QuitWhileBusy);
                }
            }
            Action::Help => {
                self.help = true;
                self.help_scroll = ListCursor::default();
            }
            Action::NextTab
            | Action::PrevTab
            | Action::Tab1
            | Action::Tab2
            | Action::Tab3
            | Action::Tab4
            | Action::Tab5
            | Action::Tab6
            | Action::Tab7 => {
                let i = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
                let n = Tab::ALL.len();
                let next = match action {
                    Action::NextTab => (i + 1) % n,
                    Action::PrevTab => (i + n - 1) % n,
                    Action::Tab1 => 0,
                    Action::Tab2 => 1,
                    Action::Tab3 => 2,
                    Action::Tab4 => 3,
                    Action::Tab5 => 4,
                    Action::Tab6 => 5,
                    _ => 6,
                };
                if Tab::ALL[next] != self.tab {
                    self.tab = Tab::ALL[next];
                    self.view = View::Table;
                    // Signals arrive from other processes: what the tab shows is read as it opens.
                    if self.tab == Tab::Signals {
                        out.push(Cmd::LoadSignals);
                    }
                    if self.tab == Tab::Corridors {
                        out.push(Cmd::LoadCorridorList);
                        out.extend(self.corridors.selected().cloned().map(Cmd::LoadCorridorDetail));
                    }
                }
            }
            // Refresh reads again everything the console read at start.
            Action::Refresh => out.extend(App::reads()),
            Action::KillSwitch => self.confirm = Some(Confirm::KillSwitch),
            Action::Back => self.view = View::Table,
            _ => self.view_key(action, out),
        }
    }

    fn view_key(&mut self, action: Action, out: &mut Vec<Cmd>) {
        let page = self.page;
        match (&mut self.view, self.tab) {
            (View::Detail(d), _) => {
                d.scroll.apply(action, d.trades.len(), page);
            }
            (View::Sweep(v), _) => {
                v.scroll.apply(action, v.ranking.len(), page);
            }
            (View::Paper(d), _) => {
                let n = d.detail.orders.len().max(d.detail.fills.len());
                if d.scroll.apply(action, n, page) {
                    return;
                }
                let id = d.detail.view.session.id.clone();
                self.paper_op(action, id, out);
            }
            (View::Signal(d), _) => {
                if d.scroll.apply(action, d.research.len(), page) {
                    return;
                }
                let id = d.record.signal.signal.signal_id.clone();
                self.signal_op(action, id, out);
            }
            (View::Table, Tab::Signals) => {
                if self.signals.sel.apply(action, self.signals.rows.len(), page) {
                    return;
                }
                match (action, self.signals.selected_id().map(String::from)) {
                    (Action::Open, Some(id)) => out.push(Cmd::LoadSignalDetail(id)),
                    (_, Some(id)) => self.signal_op(action, id, out),
                    (Action::Research | Action::Triage, None) => {
                        self.message = Some((
                            true,
                            "no signal selected (take some in: quantlab signals intake FILE)".into(),
                        ))
                    }
                    _ => {}
                }
            }
            (View::Compare(_), _) | (View::Form(_), _) => {}
            (View::Table, Tab::Corridors) => self.corridors_key(action, out),
            (View::Table, Tab::Paper) => {
                if self.paper.sel.apply(action, self.paper.sessions.len(), page) {
                    return;
                }
                match action {
                    Action::NewRun => out.push(Cmd::LoadPaperForm),
                    Action::Open => {
                        if let Some(id) = self.paper.selected_id() {
                            out.push(Cmd::LoadPaperDetail(id.to_string()));
                        }
                    }
                    _ => match self.paper.selected_id().map(String::from) {
                        Some(id) => self.paper_op(action, id, out),
                        None if matches!(action, Action::Pause | Action::Resume | Action::Stop) => {
                            self.message = Some((true, "no paper session selected (n starts one)".into()))
                        }
                        None => {}
                    },
                }
            }
            (View::Table, Tab::Runs) => {
                if self.runs.selected.apply(action, self.runs.visible.len(), page) {
                    return;
                }
                match action {
                    Action::SortNext => self.runs.sort_by((self.runs.sort + 1) % COLUMNS.len()),
                    Action::SortPrev => {
                        self.runs.sort_by((self.runs.sort + COLUMNS.len() - 1) % COLUMNS.len())
                    }
                    Action::SortReverse => self.runs.sort_by(self.runs.sort),
                    Action::Filter => self.filter_edit = Some(self.runs.filter.clone()),
                    Action::ClearFilter => {
                        self.runs.filter.clear();
                        self.runs.refresh();
                    }
                    Action::Mark => {
                        self.runs.toggle_mark();
                        self.runs.selected.move_by(1, self.runs.visible.len());
                    }
                    Action::Open => {
                        if let Some(id) = self.runs.selected_id() {
                            out.push(Cmd::LoadDetail(id));
                        }
                    }
                    Action::Compare => {
                        if self.runs.marked.len() >= 2 {
                            out.push(Cmd::LoadCompare(self.runs.marked.to_vec()));
                        } else {
                            self.message =
                                Some((true, "mark two or more runs (Space) to compare them".into()));
                        }
                    }
                    Action::NewRun => out.push(Cmd::LoadForm),
                    _ => {}
                }
            }
            (View::Table, Tab::Sweeps) => {
                if self.sweep_sel.apply(action, self.sweeps.len(), page) {
                    return;
                }
                if action == Action::Open {
                    if let Some(s) = self.sweep_sel.get(&self.sweeps) {
                        out.push(Cmd::LoadSweep(s.sweep_id.clone()));
                    }
                }
            }
            (View::Table, Tab::Pretrade) => {
                if self.pretrade.sel.apply(action, self.pretrade.plans.len(), page) {
                    return;
                }
                match action {
                    Action::Edit => self.pretrade.editing = true,
                    Action::Open => self.pretrade.reopen_selected(),
                    Action::SavePlan => match self.pretrade.input() {
                        Ok(i) => out.push(Cmd::SavePlan(Box::new(i))),
                        Err(e) => self.message = Some((true, e)),
                    },
                    Action::ToIntent => match self.pretrade.selected() {
                        Some(p) if p.valid() => out.push(Cmd::PlanToIntent(p.id.clone())),
                        Some(p) => {
                            self.message =
                                Some((true, format!("{} was rejected by the policy: no intent", p.id)))
                        }
                        None => {
                            self.message =
                                Some((true, "no saved plan selected (s saves the one on screen)".into()))
                        }
                    },
                    _ => {}
                }
            }
            (View::Table, Tab::Alerts) => {
                if self.alert_sel.apply(action, self.alerts.len(), page) {
                    return;
                }
                if action == Action::Ack {
                    if let Some(a) = self.alert_sel.get(&self.alerts).filter(|a| a.acknowledged_at.is_none())
                    {
                        out.push(Cmd::Ack(Some(a.alert.id.clone())));
                    }
                } else if action == Action::AckAll && self.alerts.iter().any(|a| a.acknowledged_at.is_none())
                {
                    out.push(Cmd::Ack(None));
                }
            }
        }
    }

    fn confirm_key(&mut self, action: Option<Action>, out: &mut Vec<Cmd>) {
        match (self.confirm, action) {
            (Some(Confirm::QuitWhileBusy), Some(Action::Confirm)) => self.should_quit = true,
            (Some(Confirm::KillSwitch), Some(Action::Confirm)) => {
                self.confirm = None;
                out.push(Cmd::Kill);
            }
            (Some(Confirm::StopPaper), Some(Action::Confirm)) => {
                self.confirm = None;
                if let Some(id) = self.paper.stop_target.take() {
                    self.start(Cmd::Paper(PaperOp::Stop, id), out);
                }
            }
            (Some(Confirm::Disarm), Some(Action::Confirm)) => {
                self.confirm = None;
                if let Some(id) = self.corridors.selected().cloned() {
                    out.push(Cmd::Disarm(id));
                }
            }
            (_, Some(Action::Deny | Action::Back | Action::Cancel)) => {
                self.confirm = None;
                self.paper.stop_target = None;
            }
            _ => {}
        }
    }

    fn filter_key(&mut self, action: Option<Action>, ev: KeyEvent) {
        let Some(buf) = self.filter_edit.as_mut() else { return };
        match action {
            Some(Action::Submit) => {
                self.runs.filter = self.filter_edit.take().unwrap_or_default();
                self.runs.refresh();
                self.runs.selected = ListCursor::default();
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

    fn form_key(&mut self, action: Option<Action>, ev: KeyEvent, out: &mut Vec<Cmd>) {
        let View::Form(f) = &mut self.view else { return };
        match f.key(action, &ev) {
            Edit::Action(Action::Cancel | Action::Back) => self.view = View::Table,
            Edit::Action(Action::Submit) => {
                let cmd = match f.kind {
                    FormKind::Run => form::to_request(f).map(|r| Cmd::StartRun(Box::new(r))),
                    FormKind::Paper => form::to_paper_request(f).map(|r| Cmd::StartPaper(Box::new(r))),
                };
                match cmd {
                    Ok(cmd) => {
                        self.view = View::Table;
                        self.start(cmd, out);
                    }
                    Err(e) => f.error = Some(e),
                }
            }
            _ => {}
        }
    }
}

impl App {
    /// Research a signal in the background, or triage it again. One research per signal at a
    /// time; whether the signal may be researched is the engine's to judge (it triages first).
    fn signal_op(&mut self, action: Action, id: String, out: &mut Vec<Cmd>) {
        match action {
            Action::Research if self.jobs.running(&JobKey::Research(id.clone())) => {
                self.message = Some((true, format!("signal {id} is already being researched")))
            }
            Action::Research => self.start(Cmd::ResearchSignal(id), out),
            Action::Triage => out.push(Cmd::TriageSignal(id)),
            _ => {}
        }
    }

    /// Pause, resume or stop a paper session; a stop asks first, because a stopped session
    /// never runs again. What the session's state allows is the engine's to judge.
    fn paper_op(&mut self, action: Action, id: String, out: &mut Vec<Cmd>) {
        match action {
            Action::Pause => self.start(Cmd::Paper(PaperOp::Pause, id), out),
            Action::Resume => self.start(Cmd::Paper(PaperOp::Resume, id), out),
            Action::Stop => {
                self.paper.stop_target = Some(id);
                self.confirm = Some(Confirm::StopPaper);
            }
            _ => {}
        }
    }
}
