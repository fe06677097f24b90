//! The Corridors tab's state: the corridors with their state, the selected one's detail as
//! last read, the pending intent selected, and which corridors this console keeps armed.
//!
//! Approving is two steps. Enter on a pending intent opens the confirm dialog
//! ([`OrderDialog`](crate::tui::panes::order_confirm::OrderDialog), the app's) with a snapshot of
//! exactly what will be sent; only the dialog's own key handler turns that snapshot into a
//! [`Confirmation`](crate::engine::execution::Confirmation) (the type system holds it: see
//! `panes::order_confirm`), and the worker approves with it and sends. A deny key drops the
//! snapshot; an expired intent, a failed preflight or a corridor that is not armed never gets
//! past the dialog.

use crate::engine::execution::ArmState;
use crate::engine::execution::CorridorId;
use crate::engine::gate::PendingIntent;
use crate::engine::CorridorDetail;
use crate::engine::CorridorSummary;

use crate::tui::jobs::Cmd;
use crate::tui::widgets::list_cursor::ListCursor;

#[derive(Debug, Default)]
pub struct CorridorsScreen {
    pub list: Vec<(CorridorSummary, ArmState)>,
    pub sel: ListCursor,
    pub detail: Option<CorridorDetail>,
    pub intent_sel: ListCursor,
    /// Corridors this console armed (and so reconciled) itself: the only ones it renews.
    pub owned: std::collections::BTreeSet<CorridorId>,
    /// Armed by another process, being armed again here (reconciled) before any renewal.
    pub adopting: std::collections::BTreeSet<CorridorId>,
    /// Corridors whose account stream runs.
    pub watching: std::collections::BTreeSet<CorridorId>,
    /// Every grant as last read (None: not yet; Err: unknown), the selected corridor's shown.
    pub grants: Option<Result<Vec<crate::engine::automation::GrantView>, String>>,
    /// The grant form, while open (see `grant`).
    pub grant_form: Option<super::grant::form::GrantForm>,
    /// The revoke form, while open.
    pub revoke_form: Option<super::grant::revoke::RevokeForm>,
    /// The last grant or revocation asked for: whether it was refused, and what to say.
    pub grant_outcome: Option<(bool, String)>,
}

impl CorridorsScreen {
    pub fn selected(&self) -> Option<&CorridorId> {
        self.sel.get(&self.list).map(|(s, _)| &s.corridor)
    }

    pub fn armed(&self) -> Vec<CorridorId> {
        self.list.iter().filter(|(_, st)| *st == ArmState::Armed).map(|(s, _)| s.corridor.clone()).collect()
    }

    /// Every corridor's summary and the selected one's detail, each journal read once.
    pub fn poll(&self) -> Cmd {
        Cmd::PollCorridors(crate::engine::CorridorPoll {
            keep_alive: Vec::new(),
            detail: self.selected().cloned(),
        })
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
        // Follow the intent, not the row, as intents come and go.
        let keep = self.selected_intent().map(|p| p.intent().id.clone());
        let found = keep.and_then(|k| d.pending.iter().position(|p| p.intent().id == k));
        self.intent_sel.follow(found, d.pending.len());
        self.detail = Some(d);
    }
}
