//! Attached exits in the corridor. An exit is an intent of its own (so its fills move the
//! position and reconciliation knows its client id), but it is approved and sent only with its
//! entry, in the same venue request; once the entry fills, the venue rests it and a refresh
//! picks it up by its client order id.

use super::super::model::{Event, OrderRef};
use super::super::state::IntentStatus;
use super::Corridor;
use crate::engine::error::{Error, Result};

impl Corridor {
    /// An exit cannot be approved, sent or withdrawn apart from its entry.
    pub(super) fn refuse_child(&self, intent_id: &str) -> Result<()> {
        let r = self.record(intent_id)?;
        match &r.intent.parent {
            Some(p) => Err(Error::bad_input(format!(
                "intent {intent_id} is an exit attached to {p}: it is approved, sent and withdrawn with \
                 its entry"
            ))),
            None => Ok(()),
        }
    }

    /// Ask the venue for the exits of entries that have filled: from the entry's fill on, the
    /// venue holds them as trigger orders. Journals what it finds; an exit not yet there stays
    /// waiting (the entry may be only partly filled).
    pub(super) async fn refresh_children(&mut self) -> Result<Vec<String>> {
        let due: Vec<(String, String)> = self
            .state
            .intents
            .values()
            .filter(|r| r.status == IntentStatus::Waiting)
            .filter(|r| {
                let parent = r.intent.parent.as_ref().and_then(|p| self.state.intents.get(p));
                parent.is_some_and(|p| !p.filled_quantity.is_zero())
            })
            .map(|r| (r.intent.id.clone(), r.intent.client_order_id.clone()))
            .collect();
        let mut changed = Vec::new();
        for (id, cid) in due {
            if let Some(report) = self.adapter.order_status(&OrderRef::Client(cid)).await? {
                if report.venue_order_id.is_empty() {
                    continue;
                }
                self.append(
                    Event::VenueAck { intent_id: id.clone(), report: report.clone(), recovered: true },
                    false,
                )?;
                self.fill_alerts(&id, &report);
                let state = format!("{:?}", report.state).to_lowercase();
                changed.push(format!("{id}: exit at the venue, {state}"));
            }
        }
        Ok(changed)
    }
}
