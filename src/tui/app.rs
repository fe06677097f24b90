//! Console state and `update`: terminal input, timers and finished jobs become messages; each
//! is routed to the screen it concerns (the tabs of [`screens::tabs`] and the view opened over
//! the tab in front), which may ask for background work. Drawing reads the state only.

use std::any::Any;
use std::time::Instant;

use super::jobs::{Cmd, Done, JobKey, Jobs, Loaded};
use super::keymap::{Context, Keymap};
use super::panes::order_confirm::OrderDialog;
use super::screens::{self, Cx, Effects, Question, Screen, Shared, Shown};
use super::widgets::list_cursor::ListCursor;
use crate::engine::gate::PromotionGate;

/// A question the operator must answer before anything happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    QuitWhileBusy,
    /// Halt every corridor and cancel every open order.
    KillSwitch,
    /// Stop a paper session (a stopped session never runs again).
    StopPaper,
    /// Stop a live session (it never runs again; its pending intent is left to its TTL).
    StopLive,
    /// Send the order in [`App::order`]: the one dialog whose confirm key approves.
    SendOrder,
    /// Disarm the selected corridor.
    Disarm,
    /// Promote the candidate in [`App::promotion`]: the typed-confirmation dialog, which takes
    /// every key itself.
    Promote,
    /// Grant automation as [`App::grant`] shows it: the typed-confirmation dialog, which takes
    /// every key itself.
    Grant,
    /// Revoke a live grant (the question's subject names it and the reason).
    RevokeGrant,
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
        event: crate::engine::venues::VenueEvent,
        received: Instant,
    },
    /// An account stream stopped; it is started again on the next corridor poll.
    StreamEnded(crate::engine::execution::CorridorId, String),
}

/// Which screen something is routed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    View,
    Tab(usize),
}

pub struct App {
    /// What every screen reads: the workspace, the alerts, what is halted.
    pub shared: Shared,
    /// The tabs, in the order [`screens::tabs`] registers them.
    pub tabs: Vec<Box<dyn Screen>>,
    /// The tab in front.
    pub tab: usize,
    /// A view opened over the tab in front (a run's detail, a form...).
    pub view: Option<Box<dyn Screen>>,
    pub help: bool,
    pub help_scroll: ListCursor,
    pub confirm: Option<Confirm>,
    /// What the open question is about, and the job its yes starts.
    pub(crate) question: Question,
    /// The open order confirm dialog (see [`Confirm::SendOrder`]).
    pub order: Option<OrderDialog>,
    /// The open Promotion dialog (see [`Confirm::Promote`]), and why its last Enter was
    /// refused, if it was (the dialog stays open to correct the id).
    pub promotion: Option<PromotionGate>,
    pub promotion_refused: Option<String>,
    /// The open grant dialog (see [`Confirm::Grant`]), and why its last Enter was refused.
    pub grant: Option<crate::engine::gate::GrantGate>,
    pub grant_refused: Option<String>,
    /// The jobs in flight (the status bar shows the announced ones).
    pub jobs: Jobs,
    /// The last outcome worth telling the operator, and whether it is an error.
    pub message: Option<(bool, String)>,
    pub clock: String,
    pub should_quit: bool,
    pub dirty: bool,
    /// Rows that fit in the current table area (set by draw); drives paging.
    pub page: usize,
    /// Ticks seen, to poll slower things every few ticks.
    pub ticks: u64,
    /// The oldest announced job's age as of the last tick (shown beside the busy marker;
    /// drawing never reads the clock). A job that reports progress shows its bar instead.
    pub busy_secs: u64,
    /// Wall clock as of the last message (the order dialog's countdown; drawing never reads
    /// the clock itself).
    pub now_ms: i64,
    /// A fixed monotonic clock for headless tests (the order dialog's dwell); None reads the
    /// system's.
    pub fixed_instant: Option<Instant>,
    /// When the last fill was received, until it has been drawn (the event loop logs the time
    /// from the venue's push to the status bar).
    pub fill_received: Option<Instant>,
    /// Jobs admitted while handling the current message, for the caller to start.
    out: Vec<Cmd>,
}

impl App {
    pub fn new(workspace: String, clock: String) -> App {
        App {
            shared: Shared { workspace, ..Shared::default() },
            tabs: screens::tabs(),
            tab: 0,
            view: None,
            help: false,
            help_scroll: ListCursor::default(),
            confirm: None,
            question: Question::default(),
            order: None,
            promotion: None,
            promotion_refused: None,
            grant: None,
            grant_refused: None,
            jobs: Jobs::default(),
            message: None,
            clock,
            should_quit: false,
            dirty: true,
            page: 20,
            ticks: 0,
            busy_secs: 0,
            now_ms: crate::engine::time::now_ms(),
            fixed_instant: None,
            fill_received: None,
            out: Vec::new(),
        }
    }

    /// Monotonic now, for the order dialog's dwell.
    pub fn instant(&self) -> Instant {
        self.fixed_instant.unwrap_or_else(Instant::now)
    }

    /// A frame was drawn at `at`: an order, Promotion or grant dialog on screen starts its dwell
    /// from the first.
    pub fn drawn(&mut self, at: Instant) {
        match self.confirm {
            Some(Confirm::SendOrder) => {
                if let Some(d) = self.order.as_mut() {
                    d.shown(at);
                }
            }
            Some(Confirm::Promote) => {
                if let Some(g) = self.promotion.as_mut() {
                    g.shown(at);
                }
            }
            Some(Confirm::Grant) => {
                if let Some(g) = self.grant.as_mut() {
                    g.shown(at);
                }
            }
            _ => {}
        }
    }

    /// Work to start with, admitted as jobs in flight.
    pub fn startup(&mut self) -> Vec<Cmd> {
        for c in self.reads() {
            self.want(c, false);
        }
        std::mem::take(&mut self.out)
    }

    /// What the console reads at start and on Refresh: the alerts, and each tab's (the
    /// Corridors tab's poll brings the halts).
    pub(super) fn reads(&self) -> Vec<Cmd> {
        std::iter::once(Cmd::LoadAlerts).chain(self.tabs.iter().flat_map(|t| t.startup())).collect()
    }

    /// The keymap context of what has focus now.
    pub fn context(&self) -> Context {
        match (self.confirm, self.help) {
            (Some(_), _) => Context::Confirm,
            (None, true) => Context::Help,
            (None, false) => self.screen(self.focused()).map_or(Context::Global, |s| s.context()),
        }
    }

    /// The title of the tab in front.
    pub fn tab_title(&self) -> &'static str {
        self.tabs.get(self.tab).map_or("", |t| t.title())
    }

    /// The registered tab of type `T`.
    pub fn tab_as<T: Screen>(&self) -> Option<&T> {
        self.tabs.iter().find_map(|t| (t.as_ref() as &dyn Any).downcast_ref())
    }

    pub fn tab_as_mut<T: Screen>(&mut self) -> Option<&mut T> {
        self.tabs.iter_mut().find_map(|t| (t.as_mut() as &mut dyn Any).downcast_mut())
    }

    /// The open view, if it is a `T`.
    pub fn view_as<T: Screen>(&self) -> Option<&T> {
        self.view.as_deref().and_then(|v| (v as &dyn Any).downcast_ref())
    }

    /// Where keys go: the open view, or the tab in front.
    pub(super) fn focused(&self) -> Target {
        match self.view {
            Some(_) => Target::View,
            None => Target::Tab(self.tab),
        }
    }

    pub(super) fn screen(&self, t: Target) -> Option<&dyn Screen> {
        match t {
            Target::View => self.view.as_deref(),
            Target::Tab(i) => self.tabs.get(i).map(|s| s.as_ref()),
        }
    }

    /// Ask for `cmd`: started unless its job is in flight (then a poll is dropped, anything
    /// else runs once that one is done).
    pub(super) fn want(&mut self, cmd: Cmd, poll: bool) {
        let idle = !self.jobs.busy();
        if let Some(cmd) = self.jobs.request_at(cmd, poll, self.instant()) {
            if idle && self.jobs.busy() {
                self.busy_secs = 0;
            }
            self.out.push(cmd);
        }
    }

    /// Run `f` on screen `t` with a context, then apply what it asked for.
    pub(super) fn call<R>(&mut self, t: Target, f: impl FnOnce(&mut dyn Screen, &mut Cx) -> R) -> Option<R> {
        let active = t == Target::View || t == Target::Tab(self.tab);
        let screen: &mut dyn Screen = match t {
            Target::View => self.view.as_deref_mut()?,
            Target::Tab(i) => self.tabs.get_mut(i)?.as_mut(),
        };
        let mut cx = Cx::new(&self.shared, &self.jobs, self.page, self.ticks, active);
        let r = f(screen, &mut cx);
        let fx = cx.fx;
        self.apply(fx, t);
        Some(r)
    }

    fn apply(&mut self, fx: Effects, from: Target) {
        for (cmd, poll) in fx.jobs {
            self.want(cmd, poll);
        }
        if let Some(m) = fx.message {
            self.message = Some(m);
        }
        if let Some((c, q)) = fx.question {
            self.confirm = Some(c);
            self.question = q;
        }
        if fx.close && from == Target::View {
            self.view = None;
        }
        // Only what is in front opens a view: a load finished after the operator moved on
        // is not pushed in front of them.
        if let (Some(v), true) = (fx.open, from == Target::View || from == Target::Tab(self.tab)) {
            self.view = Some(v);
        }
        if let Some(d) = fx.order {
            self.order = Some(d);
            self.confirm = Some(Confirm::SendOrder);
        }
        for (corridor, ids) in fx.waiting {
            if let Some(d) = self.order.as_mut().filter(|d| d.corridor() == &corridor) {
                if !ids.contains(&d.pending().intent().id) {
                    d.withdraw(format!(
                        "it no longer waits on {corridor} (approved, expired, cancelled or superseded since \
                         this opened): close this and review the next"
                    ));
                }
            }
        }
        if let Some(g) = fx.promotion {
            self.promotion = Some(g);
            self.promotion_refused = None;
            self.confirm = Some(Confirm::Promote);
        }
        if let Some(g) = fx.grant {
            self.grant = Some(g);
            self.grant_refused = None;
            self.confirm = Some(Confirm::Grant);
        }
        if let Some(t) = fx.fill_received {
            self.fill_received = Some(t);
        }
    }

    /// Every screen, the open view first: results are offered in this order.
    fn targets(&self) -> Vec<Target> {
        let view = self.view.as_ref().map(|_| Target::View);
        view.into_iter().chain((0..self.tabs.len()).map(Target::Tab)).collect()
    }

    /// Apply one message; returns the background work it asks for.
    pub fn update(&mut self, msg: Msg, keymap: &Keymap) -> Vec<Cmd> {
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
            Msg::Tick => self.tick(),
            Msg::Venue { corridor, event, received } => {
                for i in 0..self.tabs.len() {
                    self.call(Target::Tab(i), |s, cx| s.on_venue(&corridor, &event, received, cx));
                }
                self.dirty = true;
            }
            Msg::StreamEnded(id, why) => {
                for i in 0..self.tabs.len() {
                    self.call(Target::Tab(i), |s, _| s.on_stream_ended(&id));
                }
                tracing::warn!("{id}: account stream ended: {why}");
            }
            Msg::Done(d) => self.done(d),
            Msg::Key(k) => {
                self.key(*k.event(), Some(&k), keymap);
                self.dirty = true;
            }
            Msg::Paste(text) => {
                self.paste(&text, keymap);
                self.dirty = true;
            }
        }
        std::mem::take(&mut self.out)
    }

    /// A job finished: what was asked of it meanwhile starts, and its result goes to the
    /// screen that keeps it (a poll that found nothing new draws nothing).
    fn done(&mut self, Done { key, result }: Done) {
        let now = self.instant();
        self.out.extend(self.jobs.finish_at(&key, now));
        match result {
            // One corridor poll's parts, each as if it came alone.
            Ok(Loaded::CorridorPoll(parts)) => parts.into_iter().for_each(|r| self.result(&key, r)),
            r => self.result(&key, r),
        }
    }

    fn result(&mut self, key: &JobKey, result: crate::engine::Result<Loaded>) {
        let loaded = match result {
            Ok(l) => l,
            Err(e) => {
                // A failed kill still halted what it could: show the halt and its alerts.
                if *key == JobKey::Kill {
                    self.want(Cmd::LoadAlerts, false);
                    self.want(Cmd::LoadCorridors, false);
                }
                self.message = Some((true, e.message));
                self.dirty = true;
                return;
            }
        };
        let mut r = Some(loaded);
        let mut changed = false;
        for t in self.targets() {
            if r.is_none() {
                break;
            }
            changed |= self.call(t, |s, cx| s.on_result(key, &mut r, cx)).unwrap_or(false);
        }
        if let Some(l) = r {
            changed |= self.shared_result(l);
        }
        self.dirty |= changed;
    }

    /// The results every screen reads (alerts, halts) and the kill switch's; returns whether
    /// anything shown changed.
    fn shared_result(&mut self, l: Loaded) -> bool {
        match l {
            Loaded::Alerts(a) => {
                let changed = a != self.shared.alerts;
                self.shared.alerts = a;
                changed
            }
            Loaded::Corridors(x) => {
                let changed = x != self.shared.execution;
                self.shared.execution = x;
                changed
            }
            Loaded::Killed => {
                // The HALTED badge and the KILL_SWITCH alerts say it; a message would crowd them.
                self.message = None;
                self.want(Cmd::LoadAlerts, false);
                self.want(Cmd::LoadCorridors, false);
                true
            }
            // Nothing keeps it any more (a view closed before its reload came back).
            _ => false,
        }
    }

    /// Polls what other processes change: alerts every tick; each screen polls what it shows
    /// (see [`Screen::on_tick`]), the Corridors tab the halts with its corridors every five.
    fn tick(&mut self) {
        self.ticks += 1;
        let now = self.instant();
        if let Some(t) = self.jobs.busy_since() {
            self.busy_secs = now.saturating_duration_since(t).as_secs();
            self.dirty = true;
        }
        // Long research reports how far it has got: read once a tick, so drawing reads neither
        // the trackers nor the clock.
        self.dirty |= self.jobs.read_progress(now);
        // Alerts raised elsewhere (paper runners, the CLI, cron) reach the status bar within a
        // tick; halts within five (the corridor poll).
        self.want(Cmd::LoadAlerts, true);
        let under = self.view.is_some();
        self.call(Target::View, |s, cx| s.on_tick(Shown::Yes, cx));
        for i in 0..self.tabs.len() {
            let shown = match (i == self.tab, under) {
                (false, _) => Shown::No,
                (true, false) => Shown::Yes,
                (true, true) => Shown::UnderView,
            };
            self.call(Target::Tab(i), |s, cx| s.on_tick(shown, cx));
        }
    }
}
