//! Reconciliation: what the venue says against what the journal holds. In-flight intents are
//! settled by status queries, fills and cancels we missed are journaled, and whatever cannot
//! be explained is a mismatch that halts the corridor.

use super::super::model::{Event, OrderRef, Position, ReconcileSummary};
use super::super::state::IntentStatus;
use super::Corridor;
use crate::engine::alerts::codes;
use crate::engine::contract::make_id;
use crate::engine::error::Result;

impl Corridor {
    /// Ask the venue what became of an in-flight intent, by its client order id.
    pub(super) async fn settle(&mut self, intent_id: &str) -> Result<IntentStatus> {
        let cid = self.record(intent_id)?.intent.client_order_id.clone();
        match self.adapter.order_status(&OrderRef::Client(cid)).await? {
            Some(report) => {
                self.append(
                    Event::VenueAck { intent_id: intent_id.into(), report: report.clone(), recovered: true },
                    false,
                )?;
                self.fill_alerts(intent_id, &report);
            }
            None => {
                self.append(Event::NotReceived { intent_id: intent_id.into() }, false)?;
            }
        }
        Ok(self.record(intent_id)?.status)
    }

    /// Pull the venue's view of every order we have there; journal what changed.
    pub async fn refresh(&mut self) -> Result<Vec<String>> {
        let mut changed = Vec::new();
        let ids: Vec<(String, String)> = self
            .state
            .intents
            .values()
            .filter(|r| r.status.at_venue())
            .map(|r| (r.intent.id.clone(), r.intent.client_order_id.clone()))
            .collect();
        for (id, cid) in ids {
            if let Some(report) = self.adapter.order_status(&OrderRef::Client(cid)).await? {
                let rec = self.record(&id)?;
                if report.filled_quantity != rec.filled_quantity || !report.state.is_open() {
                    self.append(Event::OrderUpdate { intent_id: id.clone(), report: report.clone() }, false)?;
                    self.fill_alerts(&id, &report);
                    // The state in lower case, the id as it is (ids are case-sensitive).
                    changed.push(format!("{id}: {}", format!("{:?}", report.state).to_lowercase()));
                }
            }
        }
        changed.extend(self.refresh_children().await?);
        Ok(changed)
    }

    /// Compare the journal with the venue. In-flight intents are settled by status queries,
    /// fills and cancels we missed are journaled; what cannot be explained is a mismatch, which
    /// halts the corridor with a critical alert.
    pub async fn reconcile(&mut self) -> Result<ReconcileSummary> {
        let mut resolved = Vec::new();
        let mut mismatches = Vec::new();
        let in_flight: Vec<String> = self
            .state
            .intents
            .values()
            .filter(|r| r.status.in_flight())
            .map(|r| r.intent.id.clone())
            .collect();
        for id in in_flight {
            let s = self.settle(&id).await?;
            resolved.push(format!("{id}: in flight at restart, venue says {}", s.name()));
        }
        resolved.extend(self.refresh().await?);
        for r in self.state.intents.values().filter(|r| r.status.at_venue()) {
            let known =
                self.adapter.order_status(&OrderRef::Client(r.intent.client_order_id.clone())).await?;
            if known.is_none() {
                mismatches.push(format!("{}: open in the journal, unknown at the venue", r.intent.id));
            }
        }
        let ours: Vec<&str> =
            self.state.intents.values().map(|r| r.intent.client_order_id.as_str()).collect();
        for o in self.adapter.open_orders().await? {
            if !ours.contains(&o.client_order_id.as_str()) {
                mismatches.push(format!(
                    "venue order {} ({} {} {}) is not in the journal",
                    o.venue_order_id,
                    o.side.name(),
                    o.quantity,
                    o.symbol
                ));
            }
        }
        let venue_positions = self.adapter.positions().await?;
        if !self.state.has_baseline {
            // First meeting: what the venue holds beyond our own fills is the starting point.
            let mut base = Vec::new();
            for p in &venue_positions {
                let ours = self.state.positions.get(&p.symbol).copied().unwrap_or_default();
                if p.quantity != ours {
                    base.push(Position { symbol: p.symbol.clone(), quantity: p.quantity - ours });
                }
            }
            resolved.push(format!("baseline: {} position(s) adopted from the venue", base.len()));
            self.append(Event::Baseline { positions: base }, false)?;
        } else {
            let mut symbols: Vec<&String> = self.state.positions.keys().collect();
            symbols.extend(venue_positions.iter().map(|p| &p.symbol));
            symbols.sort();
            symbols.dedup();
            for s in symbols {
                let ours = self.state.positions.get(s).copied().unwrap_or_default();
                let theirs: rust_decimal::Decimal =
                    venue_positions.iter().filter(|p| &p.symbol == s).map(|p| p.quantity).sum();
                if ours != theirs {
                    mismatches.push(format!("{s}: journal holds {ours}, venue holds {theirs}"));
                }
            }
        }
        let summary = ReconcileSummary {
            id: make_id("recon", self.now(), format!("{}{}", self.id, self.state.entries).as_bytes()),
            clean: mismatches.is_empty(),
            mismatches,
            resolved,
        };
        self.append(
            Event::Reconciled { summary: summary.clone(), policy_fingerprint: self.policy_fingerprint() },
            false,
        )?;
        if !summary.clean {
            self.alert(
                codes::RECONCILIATION_MISMATCH,
                &format!("corridor halted: {}", summary.mismatches.join("; ")),
            );
        }
        Ok(summary)
    }
}
