//! Approving an intent: only a [`Confirmation`] for this corridor and this exact intent, checked
//! at the key (halt, arm state, expiry, preflight) before the signed approval is journaled.

use super::super::approval_sign::{self, OperatorKey};
use super::super::arm_state::ArmState;
use super::super::confirmation::Confirmation;
use super::super::intent::intent_digest;
use super::super::model::{Approval, Event};
use super::super::state::IntentStatus;
use super::{refused, Corridor, CrashPoint};
use crate::engine::alerts::codes;
use crate::engine::error::{Error, Result};

impl Corridor {
    /// Approve on a venue that moves no money (scripts and tests); refused on live corridors.
    pub fn rehearse(&mut self, intent_id: &str, key: &OperatorKey) -> Result<Approval> {
        let c = Confirmation::rehearsal(&self.id, intent_id, &self.digest_of(intent_id)?)?;
        self.approve(c, key)
    }

    /// A rehearsal where no credential store can keep an operator key (a headless machine
    /// without a session keyring): journaled unsigned, which only a venue that moves no money
    /// accepts and `quantlab audit verify` reports. Refused on live corridors.
    pub fn rehearse_unsigned(&mut self, intent_id: &str) -> Result<Approval> {
        let c = Confirmation::rehearsal(&self.id, intent_id, &self.digest_of(intent_id)?)?;
        self.record_approval(c, None)
    }

    /// Record the operator's approval of an intent, valid for the policy's approval TTL, signed
    /// with `key` before it is journaled. Only a [`Confirmation`] for this corridor and this
    /// exact intent approves.
    pub fn approve(&mut self, confirmation: Confirmation, key: &OperatorKey) -> Result<Approval> {
        self.record_approval(confirmation, Some(key))
    }

    /// Approve signed, or unsigned where no key can be kept (refused on live corridors).
    pub fn approve_with(
        &mut self,
        confirmation: Confirmation,
        key: Option<&OperatorKey>,
    ) -> Result<Approval> {
        self.record_approval(confirmation, key)
    }

    fn record_approval(&mut self, confirmation: Confirmation, key: Option<&OperatorKey>) -> Result<Approval> {
        if *confirmation.corridor() != self.id {
            return Err(refused(format!(
                "a confirmation for {} cannot approve in {}",
                confirmation.corridor(),
                self.id
            )));
        }
        // A test build's synthetic key never approves an order a real venue would take.
        if confirmation.synthetic() && self.id.venue.is_live() {
            if let Err(why) = self.adapter.loopback_only() {
                return Err(refused(format!(
                    "a synthetic key (a test build's) cannot approve in {}: its venue is not loopback ({why})",
                    self.id
                )));
            }
        }
        let intent_id = confirmation.intent_id();
        let by = confirmation.by();
        self.refuse_child(intent_id)?;
        let r = self.record(intent_id)?;
        if intent_digest(&r.intent) != confirmation.intent_digest() {
            return Err(refused(format!("intent {intent_id} changed after it was shown; review it again")));
        }
        if !matches!(r.status, IntentStatus::Pending | IntentStatus::Approved) {
            return Err(Error::bad_input(format!(
                "intent {intent_id} is {}; only a pending intent can be approved",
                r.status.name()
            )));
        }
        // What submit checks later is checked here first, so a refused key journals nothing.
        let arm = self.arm_status();
        let why = if let Some(h) = self.halted() {
            Some(format!("corridor_armed: corridor {} is halted ({h}); `quantlab rearm` lifts it", self.id))
        } else if self.id.venue.is_live() && arm.state != ArmState::Armed {
            Some(format!(
                "corridor_armed: corridor {} is {}; `quantlab corridor arm` (or a in the Corridors tab) first",
                self.id,
                arm.label()
            ))
        } else if r.intent.expires_ms <= self.now() {
            Some(format!("intent_not_expired: it expired at {}; create it again", r.intent.expires_at))
        } else {
            None
        };
        if let Some(why) = why {
            // Refused before anything is journaled; the alert is all that records it.
            self.alert(codes::SUBMIT_REFUSED, &format!("{intent_id}: not approved: {why}"));
            return Err(refused(format!("cannot approve {intent_id}: {why}")));
        }
        let ttl = self
            .policy()
            .map(|p| p.approval_ttl_secs)
            .ok_or_else(|| refused(format!("no policy for corridor {}: nothing can be approved", self.id)))?;
        let now = self.now();
        let mut approval = Approval {
            intent_id: intent_id.to_string(),
            by: by.to_string(),
            approved_ms: now,
            expires_ms: now + ttl as i64 * 1000,
            intent_digest: intent_digest(&r.intent),
            operator: None,
            public_key: None,
            signature: None,
        };
        match key {
            Some(k) => approval_sign::sign(&self.id, &mut approval, k)?,
            None if self.id.venue.is_live() => {
                return Err(refused(format!(
                    "{}: a live approval must be signed with the operator's key",
                    self.id
                )))
            }
            None => {}
        }
        self.append(Event::Approved { approval: approval.clone() }, false)?;
        self.crash(CrashPoint::AfterApprovalJournaled)?;
        Ok(approval)
    }
}
