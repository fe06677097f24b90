//! What a screen reads and asks for while it handles something ([`Cx`]) or draws ([`DrawCx`]).
//! A screen never changes the app itself: what it asks for is collected here and applied by the
//! app once the screen returns (start a job, say something, ask a question, open a view...).

use super::Screen;
use crate::engine::alerts::AlertView;
use crate::engine::execution::CorridorId;
use crate::tui::app::Confirm;
use crate::tui::jobs::ExecutionState;
use crate::tui::jobs::{Cmd, JobKey, Jobs};
use crate::tui::keymap::Keymap;
use crate::tui::panes::order_confirm::OrderDialog;
use crate::tui::theme::Theme;

/// What every screen may read: where the console runs, the alerts and what is halted.
#[derive(Debug, Default)]
pub struct Shared {
    /// The workspace as shown in the header.
    pub workspace: String,
    /// The keymap file the console reads (or would: where it looked first), and whether it
    /// was there.
    pub keymap_file: Option<(String, bool)>,
    pub alerts: Vec<AlertView>,
    /// What is halted and what awaits approval: from the Corridors tab's poll, and read again
    /// after the kill switch and a fill.
    pub execution: ExecutionState,
}

/// Whether a tab is on screen when the tick comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    No,
    Yes,
    /// In front, under a view (which reads what it shows itself).
    UnderView,
}

/// What drawing reads besides the screen itself.
pub struct DrawCx<'a> {
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
    pub shared: &'a Shared,
    pub jobs: &'a Jobs,
    /// Wall clock as of the last message (a grant's time left); drawing never reads the clock.
    pub now_ms: i64,
}

/// A question to answer before anything happens: what it is about, and the job a yes starts.
#[derive(Debug, Default)]
pub(crate) struct Question {
    pub subject: Option<String>,
    pub on_yes: Option<Cmd>,
}

/// What a screen asked for, applied by the app once the screen returns.
#[derive(Default)]
pub(crate) struct Effects {
    pub jobs: Vec<(Cmd, bool)>,
    pub message: Option<(bool, String)>,
    pub question: Option<(Confirm, Question)>,
    pub open: Option<Box<dyn Screen>>,
    pub close: bool,
    pub order: Option<OrderDialog>,
    pub promotion: Option<crate::engine::gate::PromotionGate>,
    pub grant: Option<crate::engine::gate::GrantGate>,
    pub fill_received: Option<std::time::Instant>,
    /// A corridor read's waiting intents: an order dialog open on an intent of that corridor
    /// not among them is withdrawn.
    pub waiting: Vec<(CorridorId, Vec<String>)>,
}

/// What a screen handling a key, a result or a tick may read, and what it may ask of the app.
pub struct Cx<'a> {
    pub shared: &'a Shared,
    pub jobs: &'a Jobs,
    /// Rows on a page (paging).
    pub page: usize,
    /// Ticks seen so far.
    pub ticks: u64,
    /// This screen is in front (the tab shown, or the view over it).
    pub active: bool,
    pub(crate) fx: Effects,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(shared: &'a Shared, jobs: &'a Jobs, page: usize, ticks: u64, active: bool) -> Cx<'a> {
        Cx { shared, jobs, page, ticks, active, fx: Effects::default() }
    }

    /// Start a job. One with the same key running already: this one runs once it is done.
    pub fn start(&mut self, cmd: Cmd) {
        self.fx.jobs.push((cmd, false));
    }

    /// Start a poll: dropped while the same job is still running (it will answer).
    pub fn poll(&mut self, cmd: Cmd) {
        self.fx.jobs.push((cmd, true));
    }

    pub fn running(&self, key: &JobKey) -> bool {
        self.jobs.running(key)
    }

    /// Tell the operator something in the status bar.
    pub fn say(&mut self, text: impl Into<String>) {
        self.fx.message = Some((false, text.into()));
    }

    /// The same, as an error.
    pub fn error(&mut self, text: impl Into<String>) {
        self.fx.message = Some((true, text.into()));
    }

    /// Ask `c` first; a yes starts `on_yes`. `subject` names what it is about.
    pub fn ask(&mut self, c: Confirm, subject: Option<String>, on_yes: Option<Cmd>) {
        self.fx.question = Some((c, Question { subject, on_yes }));
    }

    /// Open a view over this tab (only the tab in front opens views).
    pub fn open(&mut self, s: impl Screen) {
        self.fx.open = Some(Box::new(s));
    }

    /// Close the view in front.
    pub fn close(&mut self) {
        self.fx.close = true;
    }

    /// `corridor` was read with `ids` waiting for approval.
    pub fn waiting(&mut self, corridor: CorridorId, ids: Vec<String>) {
        self.fx.waiting.push((corridor, ids));
    }

    /// Open the order confirm dialog on this snapshot of the order.
    pub fn order(&mut self, d: OrderDialog) {
        self.fx.order = Some(d);
    }

    /// Open the Promotion dialog (the typed confirmation) on this row's promotion.
    pub fn promote(&mut self, g: crate::engine::gate::PromotionGate) {
        self.fx.promotion = Some(g);
    }

    /// Open the grant dialog (the typed confirmation) on the grant the form asked for.
    pub fn grant(&mut self, g: crate::engine::gate::GrantGate) {
        self.fx.grant = Some(g);
    }

    /// A venue's fill arrived at `at` (the event loop logs how long it took to show).
    pub fn fill_received(&mut self, at: std::time::Instant) {
        self.fx.fill_received = Some(at);
    }
}
