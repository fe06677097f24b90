//! The Corridors tab's state and keys: the corridors with their state, the selected one's
//! detail as last read, the pending intent selected, and the order confirm dialog.
//!
//! Approving is two steps. Enter on a pending intent opens the confirm dialog
//! ([`OrderDialog`]) with a snapshot of exactly what will be sent; only the dialog's own key
//! handler turns that snapshot into a [`Confirmation`](crate::engine::execution::Confirmation)
//! (the type system holds it: see `panes::order_confirm`), and the worker approves with it and
//! sends. A deny key drops the snapshot; an expired intent, a failed preflight or a corridor
//! that is not armed never gets past the dialog.

use crate::engine::corridor_api::{CorridorDetail, PendingIntent};
use crate::engine::execution::corridor::arming::ArmState;
use crate::engine::execution::CorridorId;
use crate::engine::CorridorSummary;

use crate::engine::gate::TerminalKey;
use crate::tui::app::{App, Confirm};
use crate::tui::jobs::Cmd;
use crate::tui::keymap::{Action, Keymap};
pub use crate::tui::panes::order_confirm::OrderDialog;
use crate::tui::panes::order_confirm::{self, GateOutcome};
use crate::tui::widgets::list_cursor::ListCursor;

#[derive(Debug, Default)]
pub struct CorridorsState {
    pub list: Vec<(CorridorSummary, ArmState)>,
    pub sel: ListCursor,
    pub detail: Option<CorridorDetail>,
    pub intent_sel: ListCursor,
    pub loading: bool,
    /// The open order confirm dialog (see `Confirm::SendOrder`).
    pub order: Option<OrderDialog>,
    /// Corridors this console armed (and so reconciled) itself: the only ones it renews.
    pub owned: std::collections::BTreeSet<CorridorId>,
    /// Armed by another process, being armed again here (reconciled) before any renewal.
    pub adopting: std::collections::BTreeSet<CorridorId>,
    /// Corridors whose account stream runs.
    pub watching: std::collections::BTreeSet<CorridorId>,
    /// When the last fill was received, until it has been drawn (the event loop logs the time
    /// from the venue's push to the status bar).
    pub fill_received: Option<std::time::Instant>,
}

impl CorridorsState {
    pub fn selected(&self) -> Option<&CorridorId> {
        self.sel.get(&self.list).map(|(s, _)| &s.corridor)
    }

    pub fn armed(&self) -> Vec<CorridorId> {
        self.list.iter().filter(|(_, st)| *st == ArmState::Armed).map(|(s, _)| s.corridor.clone()).collect()
    }

    pub fn selected_intent(&self) -> Option<&PendingIntent> {
        self.detail.as_ref().and_then(|d| self.intent_sel.get(&d.pending))
    }

    pub fn loaded_list(&mut self, list: Vec<(CorridorSummary, ArmState)>) {
        let keep = self.selected().cloned();
        self.list = list;
        let found = keep.and_then(|k| self.list.iter().position(|(s, _)| s.corridor == k));
        self.sel.follow(found, self.list.len());
    }

    pub fn loaded_detail(&mut self, d: CorridorDetail) {
        self.loading = false;
        // Follow the intent, not the row, as intents come and go.
        let keep = self.selected_intent().map(|p| p.intent().id.clone());
        let found = keep.and_then(|k| d.pending.iter().position(|p| p.intent().id == k));
        self.intent_sel.follow(found, d.pending.len());
        self.detail = Some(d);
    }
}

/// Who is at the keyboard, for the approval record.
pub fn operator() -> String {
    std::env::var("QUANTLAB_OPERATOR")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "operator".into())
}

impl App {
    pub(crate) fn corridors_key(&mut self, action: Action, out: &mut Vec<Cmd>) {
        let page = self.page;
        let c = &mut self.corridors;
        let intents = c.detail.as_ref().map_or(0, |d| d.pending.len());
        if c.intent_sel.apply(action, intents, page) {
            return;
        }
        match action {
            Action::Left | Action::Right => {
                let n = c.list.len();
                if n > 0 {
                    c.sel.cycle(if action == Action::Right { 1 } else { -1 }, n);
                    c.detail = None;
                    c.intent_sel = ListCursor::default();
                    if let Some(id) = c.selected().cloned() {
                        out.push(Cmd::LoadCorridorDetail(id));
                    }
                }
            }
            Action::Open => match (c.selected().cloned(), c.selected_intent().cloned(), c.detail.as_ref()) {
                (Some(corridor), Some(pending), Some(d)) => {
                    c.order = Some(OrderDialog::open(corridor, d.state, pending));
                    self.confirm = Some(Confirm::SendOrder);
                }
                _ => {
                    self.message = Some((
                        true,
                        "no pending intent selected (create one: quantlab intent new ...)".into(),
                    ))
                }
            },
            Action::Arm => match c.selected().cloned() {
                Some(id) => self.start(Cmd::Arm(id), out),
                None => self.message = Some((true, "no corridor selected".into())),
            },
            Action::Disarm if c.selected().is_some() => self.confirm = Some(Confirm::Disarm),
            _ => {}
        }
    }

    /// A push from an account stream: a fill is told at once, and anything that changed an
    /// order reloads the corridor.
    pub(crate) fn venue_event(
        &mut self,
        corridor: CorridorId,
        event: crate::engine::venues::events::VenueEvent,
        received: std::time::Instant,
        out: &mut Vec<Cmd>,
    ) {
        use crate::engine::venues::events::VenueEvent as E;
        match event {
            E::Fill { symbol, buy, price, qty, client_order_id, .. } => {
                let side = if buy { "buy" } else { "sell" };
                let cid = client_order_id.map(|c| format!(" ({})", &c[..c.len().min(8)])).unwrap_or_default();
                self.message =
                    Some((false, format!("FILL {corridor}: {side} {qty} {symbol} @ {price}{cid}")));
                self.corridors.fill_received = Some(received);
                out.extend([Cmd::LoadAlerts, Cmd::LoadCorridors]);
                if self.corridors.selected() == Some(&corridor) {
                    out.push(Cmd::LoadCorridorDetail(corridor));
                }
            }
            E::Order { .. } if self.corridors.selected() == Some(&corridor) => {
                out.push(Cmd::LoadCorridorDetail(corridor));
            }
            _ => {}
        }
    }

    /// A key while the order confirm dialog is open: the dialog's handler decides.
    /// `typed` is the key as the terminal delivered it; a key made by the console itself (a
    /// paste's characters) has none and never confirms.
    pub(crate) fn order_key(&mut self, typed: Option<&TerminalKey>, keymap: &Keymap, out: &mut Vec<Cmd>) {
        let now = self.instant();
        let Some(d) = self.corridors.order.as_mut() else {
            self.confirm = None;
            return;
        };
        let Some(typed) = typed else { return };
        match order_confirm::key(d, typed, keymap, now, crate::engine::time::now_ms(), &operator()) {
            GateOutcome::Ignored => {}
            GateOutcome::Cancelled => {
                // Nothing is approved, nothing is sent.
                self.confirm = None;
                self.corridors.order = None;
            }
            GateOutcome::Refused(why) => {
                self.confirm = None;
                self.corridors.order = None;
                self.message = Some((true, format!("not sent: {why}")));
            }
            GateOutcome::Confirmed(c) => {
                self.confirm = None;
                self.corridors.order = None;
                self.start(Cmd::SendConfirmed(c), out);
            }
        }
    }
}
