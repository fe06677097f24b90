//! Console state and `update`: terminal input, timers and finished jobs become messages; each
//! message changes state and may ask for background work. Drawing reads the state only.

use crossterm::event::KeyEvent;

use super::jobs::{Cmd, Done, JobKey, Jobs};
use super::keymap::{Context, Keymap};
use super::screens::new_run::fields::RunForm;
use super::screens::runs::table::RunsTable;
use super::views::*;
use super::widgets::list_cursor::ListCursor;
use crate::engine::alerts::AlertView;
use crate::engine::research::sweep::SweepSummary;
use crate::engine::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Runs,
    Sweeps,
    Alerts,
    Pretrade,
    Paper,
    Signals,
    Corridors,
}

impl Tab {
    pub const ALL: [Tab; 7] =
        [Tab::Runs, Tab::Sweeps, Tab::Alerts, Tab::Pretrade, Tab::Paper, Tab::Signals, Tab::Corridors];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Runs => "Runs",
            Tab::Sweeps => "Sweeps",
            Tab::Alerts => "Alerts",
            Tab::Pretrade => "Pre-trade",
            Tab::Paper => "Paper",
            Tab::Signals => "Signals",
            Tab::Corridors => "Corridors",
        }
    }

    /// For terminals too narrow for every full title.
    pub fn short(self) -> &'static str {
        match self {
            Tab::Pretrade => "Trade",
            Tab::Corridors => "Corr",
            other => other.title(),
        }
    }
}

/// What the Runs or Sweeps tab shows on top of its table.
#[derive(Debug, Clone)]
pub enum View {
    Table,
    Detail(Box<RunDetail>),
    Compare(Box<CompareView>),
    Form(Box<RunForm>),
    Sweep(Box<SweepView>),
    Paper(Box<PaperDetailView>),
    Signal(Box<SignalDetailView>),
}

/// A question the operator must answer before anything happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    QuitWhileBusy,
    /// Halt every corridor and cancel every open order.
    KillSwitch,
    /// Stop the paper session in `PaperState::stop_target` (a stopped session never runs again).
    StopPaper,
    /// Send the order in `CorridorsState::order`: the one dialog whose confirm key approves.
    SendOrder,
    /// Disarm the selected corridor.
    Disarm,
}

#[derive(Debug)]
pub enum Msg {
    /// A key as the terminal delivered it.
    Key(crate::engine::gate::TerminalKey),
    /// Text pasted into the terminal (bracketed paste): typed into what has focus, never into
    /// a confirm dialog, and never as Enter or any other control key.
    Paste(String),
    /// The terminal changed size: redraw everything.
    Resize,
    /// The minute changed: the clock is the only thing redrawn when idle.
    Clock(String),
    /// A background job finished.
    Done(Done),
    /// A couple of seconds passed: live things (paper sessions) are read again.
    Tick,
    /// SIGTERM or SIGHUP: leave now, restoring the terminal.
    Terminate,
    /// A push from an armed corridor's account stream (its orders, fills, balances).
    Venue {
        corridor: crate::engine::execution::CorridorId,
        event: crate::engine::venues::events::VenueEvent,
        received: std::time::Instant,
    },
    /// An account stream stopped; it is started again on the next corridor poll.
    StreamEnded(crate::engine::execution::CorridorId, String),
}

pub struct App {
    pub workspace: String,
    pub tab: Tab,
    pub view: View,
    pub runs: RunsTable,
    pub runs_loaded: bool,
    pub sweeps: Vec<SweepSummary>,
    pub sweep_sel: ListCursor,
    pub alerts: Vec<AlertView>,
    pub alert_sel: ListCursor,
    pub help: bool,
    pub help_scroll: ListCursor,
    pub confirm: Option<Confirm>,
    /// The filter being typed (None when not editing).
    pub filter_edit: Option<String>,
    /// The jobs in flight (the status bar shows the announced ones).
    pub jobs: Jobs,
    /// The last outcome worth telling the operator, and whether it is an error.
    pub message: Option<(bool, String)>,
    pub clock: String,
    pub should_quit: bool,
    pub dirty: bool,
    /// Rows that fit in the current table area (set by draw); drives paging.
    pub page: usize,
    /// A run to select once the index has been reloaded (after a new run).
    pub pending_select: Option<String>,
    /// What is halted (shown in the status bar until rearmed) and what awaits approval.
    pub execution: ExecutionState,
    pub pretrade: super::screens::pretrade::state::PretradeState,
    pub paper: super::screens::paper::state::PaperState,
    pub signals: super::screens::signals::state::SignalsState,
    pub corridors: super::screens::corridors::state::CorridorsState,
    /// Ticks seen, to poll slower things every few ticks.
    pub ticks: u64,
    /// The oldest announced job's age as of the last tick (shown beside the busy marker;
    /// drawing never reads the clock).
    pub busy_secs: u64,
    /// Wall clock as of the last message (the order dialog's countdown; drawing never reads
    /// the clock itself).
    pub now_ms: i64,
    /// A fixed monotonic clock for headless tests (the order dialog's dwell); None reads the
    /// system's.
    pub fixed_instant: Option<std::time::Instant>,
}

impl App {
    pub fn new(workspace: String, clock: String) -> App {
        App {
            workspace,
            tab: Tab::Runs,
            view: View::Table,
            // Newest first: the run just made is the one the operator looks for.
            runs: RunsTable { desc: true, ..RunsTable::default() },
            runs_loaded: false,
            sweeps: Vec::new(),
            sweep_sel: ListCursor::default(),
            alerts: Vec::new(),
            alert_sel: ListCursor::default(),
            help: false,
            help_scroll: ListCursor::default(),
            confirm: None,
            filter_edit: None,
            jobs: Jobs::default(),
            message: None,
            clock,
            should_quit: false,
            dirty: true,
            page: 20,
            pending_select: None,
            execution: ExecutionState::default(),
            pretrade: super::screens::pretrade::state::PretradeState::new(),
            paper: super::screens::paper::state::PaperState::default(),
            signals: super::screens::signals::state::SignalsState::default(),
            corridors: super::screens::corridors::state::CorridorsState::default(),
            ticks: 0,
            busy_secs: 0,
            now_ms: crate::engine::time::now_ms(),
            fixed_instant: None,
        }
    }

    /// Monotonic now, for the order dialog's dwell.
    pub fn instant(&self) -> std::time::Instant {
        self.fixed_instant.unwrap_or_else(std::time::Instant::now)
    }

    /// A frame was drawn at `at`: an order dialog on screen starts its dwell from the first.
    pub fn drawn(&mut self, at: std::time::Instant) {
        if self.confirm == Some(Confirm::SendOrder) {
            if let Some(d) = self.corridors.order.as_mut() {
                d.shown(at);
            }
        }
    }

    /// Work to start with (and on Refresh), admitted as jobs in flight.
    pub fn startup(&mut self) -> Vec<Cmd> {
        let wanted = App::reads().into_iter().map(|c| (c, false)).collect();
        self.admit(wanted)
    }

    /// What the console reads at start.
    pub(super) fn reads() -> Vec<Cmd> {
        vec![
            Cmd::LoadRuns,
            Cmd::LoadSweeps,
            Cmd::LoadAlerts,
            Cmd::LoadCorridors,
            Cmd::LoadPretrade,
            Cmd::LoadPaper,
            Cmd::LoadSignals,
            Cmd::LoadCorridorList,
        ]
    }

    /// The keymap context of what has focus now.
    pub fn context(&self) -> Context {
        if self.confirm.is_some() {
            return Context::Confirm;
        }
        if self.filter_edit.is_some() {
            return Context::Filter;
        }
        if self.help {
            return Context::Help;
        }
        match (&self.view, self.tab) {
            (View::Form(_), _) => Context::Form,
            (View::Detail(_), _) => Context::RunDetail,
            (View::Compare(_), _) => Context::Compare,
            (View::Sweep(_), _) => Context::SweepDetail,
            (View::Paper(_), _) => Context::PaperDetail,
            (View::Signal(_), _) => Context::SignalDetail,
            (View::Table, Tab::Runs) => Context::Runs,
            (View::Table, Tab::Sweeps) => Context::Sweeps,
            (View::Table, Tab::Alerts) => Context::Alerts,
            (View::Table, Tab::Pretrade) if self.pretrade.editing => Context::PretradeForm,
            (View::Table, Tab::Pretrade) => Context::Pretrade,
            (View::Table, Tab::Paper) => Context::Paper,
            (View::Table, Tab::Signals) => Context::Signals,
            (View::Table, Tab::Corridors) => Context::Corridors,
        }
    }

    pub(super) fn start(&mut self, cmd: Cmd, out: &mut Vec<Cmd>) {
        out.push(cmd);
    }

    /// The jobs that may start now: one in flight per key (a poll for a running key is dropped,
    /// any other request waits for it).
    fn admit(&mut self, wanted: Vec<(Cmd, bool)>) -> Vec<Cmd> {
        let idle = !self.jobs.busy();
        let out: Vec<Cmd> = wanted.into_iter().filter_map(|(c, poll)| self.jobs.request(c, poll)).collect();
        if idle && self.jobs.busy() {
            self.busy_secs = 0;
        }
        out
    }

    /// Apply one message; returns the background work it asks for.
    pub fn update(&mut self, msg: Msg, keymap: &Keymap) -> Vec<Cmd> {
        let mut out = Vec::new();
        let mut polls = Vec::new();
        self.now_ms = crate::engine::time::now_ms();
        match msg {
            Msg::Resize => self.dirty = true,
            Msg::Clock(c) => {
                if c != self.clock {
                    self.clock = c;
                    self.dirty = true;
                }
            }
            Msg::Terminate => self.should_quit = true,
            Msg::Tick => self.tick(&mut polls),
            Msg::Venue { corridor, event, received } => {
                self.venue_event(corridor, event, received, &mut out);
                self.dirty = true;
            }
            Msg::StreamEnded(id, why) => {
                self.corridors.watching.remove(&id);
                tracing::warn!("{id}: account stream ended: {why}");
            }
            Msg::Done(Done { key, result: r }) => {
                out.extend(self.jobs.finish(&key));
                // A poll that found nothing new draws nothing: an idle console stays silent.
                let unchanged = match &r {
                    Ok(Loaded::Alerts(a)) => *a == self.alerts,
                    Ok(Loaded::Corridors(x)) => *x == self.execution,
                    // A live session's age moves on every read; a finished one's list is still.
                    Ok(Loaded::Paper(p)) => *p == self.paper.sessions && !self.paper.any_live(),
                    Ok(Loaded::Signals(rows, at)) => self.signals.same(rows, *at),
                    Ok(Loaded::CorridorList(l)) => *l == self.corridors.list,
                    Ok(Loaded::KeptAlive(_, Ok(_))) | Ok(Loaded::Watching(_)) => true,
                    Ok(Loaded::SignalDetail(d)) => matches!(&self.view, View::Signal(old)
                        if old.record == d.record && old.read_at_ms / 60_000 == d.read_at_ms / 60_000),
                    _ => false,
                };
                self.loaded(&key, r, &mut out);
                self.dirty |= !unchanged;
            }
            Msg::Key(k) => {
                self.key(*k.event(), Some(&k), keymap, &mut out);
                self.dirty = true;
            }
            Msg::Paste(text) => {
                self.paste(&text, keymap, &mut out);
                self.dirty = true;
            }
        }
        let wanted =
            out.into_iter().map(|c| (c, false)).chain(polls.into_iter().map(|c| (c, true))).collect();
        self.admit(wanted)
    }

    /// A paste is typed character by character into what has focus, but it never answers a
    /// confirm dialog: one open when the paste arrives ignores it, and one opened by the paste
    /// (a character bound to open) ends it. Control characters (newlines) are dropped, so a
    /// paste never presses Enter.
    fn paste(&mut self, text: &str, keymap: &Keymap, out: &mut Vec<Cmd>) {
        for c in text.chars().filter(|c| !c.is_control()) {
            if self.confirm.is_some() {
                self.message = Some((true, "paste ignored: a confirm dialog takes keys only".into()));
                return;
            }
            self.key(
                KeyEvent::new(crossterm::event::KeyCode::Char(c), crossterm::event::KeyModifiers::NONE),
                None,
                keymap,
                out,
            );
        }
    }

    fn loaded(&mut self, key: &JobKey, r: Result<Loaded, Error>, out: &mut Vec<Cmd>) {
        let r = match r {
            Ok(l) => l,
            Err(e) => {
                // A failed kill still halted what it could: show the halt and its alerts.
                if *key == JobKey::Kill {
                    out.push(Cmd::LoadAlerts);
                    out.push(Cmd::LoadCorridors);
                }
                self.paper.loading = false;
                self.signals.loading = false;
                self.corridors.loading = false;
                self.message = Some((true, e.message));
                return;
            }
        };
        match r {
            Loaded::Runs(runs) => {
                self.runs.set_runs(runs);
                self.runs_loaded = true;
            }
            Loaded::Sweeps(s) => {
                self.sweeps = s;
                self.sweep_sel.clamp(self.sweeps.len());
            }
            Loaded::Alerts(a) => {
                self.alerts = a;
                self.alert_sel.clamp(self.alerts.len());
            }
            Loaded::Detail(d) => self.view = View::Detail(d),
            Loaded::Compare(c) => self.view = View::Compare(c),
            Loaded::Sweep(s) => self.view = View::Sweep(s),
            Loaded::Form(f) => self.view = View::Form(f),
            Loaded::RunDone(r) => {
                self.message = Some((false, format!("run {} finished", r.run_id)));
                self.runs.filter.clear();
                out.push(Cmd::LoadRuns);
                out.push(Cmd::LoadAlerts);
                // Select it once the index is back.
                self.pending_select = Some(r.run_id.clone());
            }
            Loaded::RunFailed(msg) => {
                self.message = Some((true, msg));
                out.push(Cmd::LoadRuns);
                out.push(Cmd::LoadAlerts);
            }
            Loaded::Corridors(x) => self.execution = x,
            Loaded::Pretrade(plans, policy) => self.pretrade.loaded(plans, policy),
            Loaded::PlanSaved(id, valid) => {
                self.pretrade.pending_select = Some(id.clone());
                self.message = Some((
                    !valid,
                    format!("saved {id}{}", if valid { "" } else { " (rejected by the policy)" }),
                ));
                out.push(Cmd::LoadPretrade);
            }
            Loaded::IntentDrafted(id) => {
                self.message =
                    Some((false, format!("draft intent {id}: pending, approve it in its corridor")));
            }
            Loaded::Killed => {
                // The HALTED badge and the KILL_SWITCH alerts say it; a message would crowd them.
                self.message = None;
                out.push(Cmd::LoadAlerts);
                out.push(Cmd::LoadCorridors);
            }
            Loaded::Paper(sessions) => self.paper.loaded(sessions),
            Loaded::PaperDetail(d) => {
                self.paper.loading = false;
                // A reload keeps the operator's scroll position.
                let scroll = match &self.view {
                    View::Paper(old) if old.detail.view.session.id == d.detail.view.session.id => old.scroll,
                    _ => ListCursor::default(),
                };
                self.view = View::Paper(Box::new(PaperDetailView { scroll, ..*d }));
            }
            Loaded::PaperChanged(id, what) => {
                self.message = Some((false, format!("{id}: {what}")));
                self.paper.pending_select = Some(id);
                out.push(Cmd::LoadPaper);
                out.push(Cmd::LoadAlerts);
            }
            Loaded::Signals(rows, at) => self.signals.loaded(rows, at),
            Loaded::SignalDetail(d) => {
                self.signals.loading = false;
                // A reload keeps the operator's scroll position.
                let scroll = match &self.view {
                    View::Signal(old)
                        if old.record.signal.signal.signal_id == d.record.signal.signal.signal_id =>
                    {
                        let mut s = old.scroll;
                        s.clamp(d.research.len());
                        s
                    }
                    _ => ListCursor::default(),
                };
                self.view = View::Signal(Box::new(SignalDetailView { scroll, ..*d }));
            }
            Loaded::SignalResearched { id, outcome } => {
                self.message = Some(match outcome {
                    Ok((v, vid)) => (false, format!("signal {id}: {} ({vid})", v.name().replace('_', " "))),
                    Err(e) => (true, e),
                });
                // Research triages again and writes runs and sweeps: all of it is news.
                self.signals.pending_select = Some(id.clone());
                out.extend([Cmd::LoadSignals, Cmd::LoadRuns, Cmd::LoadSweeps, Cmd::LoadAlerts]);
                if matches!(&self.view, View::Signal(d) if d.record.signal.signal.signal_id == id) {
                    out.push(Cmd::LoadSignalDetail(id));
                }
            }
            Loaded::SignalTriaged(id, decision) => {
                self.message = Some((false, format!("signal {id}: {}", decision.name())));
                self.signals.pending_select = Some(id.clone());
                out.push(Cmd::LoadSignals);
                if matches!(&self.view, View::Signal(d) if d.record.signal.signal.signal_id == id) {
                    out.push(Cmd::LoadSignalDetail(id));
                }
            }
            Loaded::CorridorList(l) => {
                let first = self.corridors.detail.is_none();
                self.corridors.loaded_list(l);
                // Armed live corridors stream their own fills into the status bar.
                for id in self.corridors.armed() {
                    if id.venue.is_live() && self.corridors.watching.insert(id.clone()) {
                        out.push(Cmd::WatchFills(id.clone()));
                    }
                    // Armed by another process (a console that died, the CLI): this console
                    // renews nothing it has not reconciled itself, so it arms it again first.
                    if !self.corridors.owned.contains(&id) && self.corridors.adopting.insert(id.clone()) {
                        self.start(Cmd::Arm(id), out);
                    }
                }
                if let (true, Some(id)) =
                    (first && self.tab == Tab::Corridors, self.corridors.selected().cloned())
                {
                    out.push(Cmd::LoadCorridorDetail(id));
                }
            }
            Loaded::CorridorDetail(d) => self.corridors.loaded_detail(*d),
            Loaded::Armed(r) => {
                let id = self.corridors.adopting.iter().find(|c| c.to_string() == r.corridor).cloned();
                let id =
                    id.or_else(|| self.corridors.selected().filter(|c| c.to_string() == r.corridor).cloned());
                if let Some(id) = id {
                    self.corridors.adopting.remove(&id);
                    if r.state == crate::engine::execution::corridor::arming::ArmState::Armed {
                        self.corridors.owned.insert(id);
                    }
                }
                let failed: Vec<String> =
                    r.checks.iter().filter(|c| !c.ok).map(|c| format!("{}: {}", c.name, c.detail)).collect();
                self.message = Some(if failed.is_empty() {
                    (false, format!("{} armed", r.corridor))
                } else {
                    (true, format!("{} {}: {}", r.corridor, r.state.name(), failed.join("; ")))
                });
                out.extend(self.corridor_reload());
            }
            Loaded::Watching(_) => {}
            Loaded::Disarmed(id) => {
                self.message = Some((false, format!("{id} disarmed")));
                out.extend(self.corridor_reload());
            }
            Loaded::KeptAlive(id, r) => {
                if let Err(e) = r {
                    self.message = Some((true, format!("{id}: dead-man refresh failed, disarmed: {e}")));
                    out.extend(self.corridor_reload());
                }
            }
            Loaded::Sent(r) => {
                self.message = Some((
                    false,
                    // Timings first: the status bar cuts a long line at its right edge.
                    format!(
                        "{}: signed order out {:.1} ms after the key, reply {:.1} ms; {} ({})",
                        r.outcome.status, r.to_send_ms, r.to_reply_ms, r.outcome.intent_id, r.outcome.message
                    ),
                ));
                out.extend(self.corridor_reload());
            }
            Loaded::SendFailed(msg) => {
                self.message = Some((true, format!("not sent: {msg}")));
                out.extend(self.corridor_reload());
            }
            Loaded::Acked(ids) => {
                self.message = Some((false, format!("acknowledged {} alert(s)", ids.len())));
                out.push(Cmd::LoadAlerts);
            }
        }
        if let (Some(id), true) = (self.pending_select.clone(), self.runs_loaded) {
            if self.runs.all.iter().any(|r| r.run_id == id) {
                self.runs.select_id(&id);
                self.pending_select = None;
            }
        }
    }
}

impl App {
    /// What to read again after anything changed a corridor.
    fn corridor_reload(&self) -> Vec<Cmd> {
        let mut v = vec![Cmd::LoadCorridorList, Cmd::LoadCorridors, Cmd::LoadAlerts];
        v.extend(self.corridors.selected().cloned().map(Cmd::LoadCorridorDetail));
        v
    }

    /// Polls what other processes change: alerts and halts always; paper sessions while the
    /// Paper tab is in view or a session may still change, so equity, status and age stay current.
    fn tick(&mut self, out: &mut Vec<Cmd>) {
        self.ticks += 1;
        if let Some(t) = self.jobs.busy_since() {
            self.busy_secs = t.elapsed().as_secs();
            self.dirty = true;
        }
        // Alerts raised elsewhere (paper runners, the CLI, cron) reach the status bar within a
        // tick; halts within five.
        out.push(Cmd::LoadAlerts);
        if self.ticks.is_multiple_of(5) {
            out.push(Cmd::LoadCorridors);
        }
        // Signals arrive from other processes (an intake from cron): read them while shown.
        if self.tab == Tab::Signals && !self.signals.loading {
            self.signals.loading = true;
            match &self.view {
                View::Signal(d) => out.push(Cmd::LoadSignalDetail(d.record.signal.signal.signal_id.clone())),
                _ => out.push(Cmd::LoadSignals),
            }
        }
        // Armed corridors keep their venue's dead-man timer fresh: every 10 s (five ticks),
        // well inside the shortest timer the policy allows (10 s... 3600 s).
        if self.ticks.is_multiple_of(5) {
            for id in self.corridors.armed().into_iter().filter(|c| self.corridors.owned.contains(c)) {
                out.push(Cmd::KeepAlive(id));
            }
            out.push(Cmd::LoadCorridorList);
        }
        if self.tab == Tab::Corridors && !self.corridors.loading {
            if let Some(id) = self.corridors.selected().cloned() {
                self.corridors.loading = true;
                out.push(Cmd::LoadCorridorDetail(id));
            }
        }
        let watching = self.tab == Tab::Paper;
        if (!watching && !self.paper.any_live()) || self.paper.loading {
            return;
        }
        self.paper.loading = true;
        match &self.view {
            View::Paper(d) => out.push(Cmd::LoadPaperDetail(d.detail.view.session.id.clone())),
            _ => out.push(Cmd::LoadPaper),
        }
    }
}
