//! Approving an intent: only a [`Confirmation`] for this corridor and this exact intent, checked
//! at the key (halt, arm state, expiry, preflight) before the signed approval is journaled.

use super::super::approval_sign::{self, ApprovalSigner, OperatorKey};
use super::super::arm_state::ArmState;
use super::super::confirmation::Confirmation;
use super::super::error::{ApproveBlock, ExecutionError};
use super::super::intent::intent_digest;
use super::super::model::{Approval, Event};
use super::super::state::IntentStatus;
use super::{Corridor, CrashPoint};
use crate::engine::alerts::codes;
use crate::engine::automation::GrantCover;
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
        self.record_approval(confirmation, Some(key as &dyn ApprovalSigner))
    }

    /// Approve without a keypress, inside the live grant `cover` proves covers the intent,
    /// signed with the grant's automation key and journaled `by: automation <grant id>`. The
    /// same checks at the key as any approval (halt, arm state, expiry); a submit checks the
    /// grant again before it sends.
    pub fn approve_automated(&mut self, cover: GrantCover) -> Result<Approval> {
        let c = Confirmation::automated(&cover);
        self.record_approval(c, Some(cover.key()))
    }

    /// Approve signed, or unsigned where no key can be kept (refused on live corridors).
    pub fn approve_with(
        &mut self,
        confirmation: Confirmation,
        key: Option<&OperatorKey>,
    ) -> Result<Approval> {
        self.record_approval(confirmation, key.map(|k| k as &dyn ApprovalSigner))
    }

    fn record_approval(&mut self, confirmation: Confirmation, key: Option<&dyn ApprovalSigner>) -> Result<Approval> {
        if *confirmation.corridor() != self.id {
            let (confirmation, corridor) = (confirmation.corridor().clone(), self.id.clone());
            return Err(ExecutionError::OtherCorridorsConfirmation { confirmation, corridor }.into());
        }
        // A test build's synthetic key never approves an order a real venue would take.
        if confirmation.synthetic() && self.id.venue.is_live() {
            if let Err(why) = self.adapter.loopback_only() {
                return Err(ExecutionError::SyntheticKey { corridor: self.id.clone(), why }.into());
            }
        }
        let intent_id = confirmation.intent_id();
        let by = confirmation.by();
        self.refuse_child(intent_id)?;
        let r = self.record(intent_id)?;
        if intent_digest(&r.intent) != confirmation.intent_digest() {
            return Err(ExecutionError::ChangedSinceShown(intent_id.into()).into());
        }
        if !matches!(r.status, IntentStatus::Pending | IntentStatus::Approved) {
            return Err(
                ExecutionError::NotPending { intent_id: intent_id.into(), status: r.status.name() }.into()
            );
        }
        // What submit checks later is checked here first, so a refused key journals nothing.
        let arm = self.arm_status();
        let corridor = self.id.clone();
        let why = if let Some(halt) = self.halted() {
            Some(ApproveBlock::Halted { corridor, halt })
        } else if self.id.venue.is_live() && arm.state != ArmState::Armed {
            Some(ApproveBlock::NotArmed { corridor, state: arm.label() })
        } else if r.intent.expires_ms <= self.now() {
            Some(ApproveBlock::Expired(r.intent.expires_at.clone()))
        } else {
            None
        };
        if let Some(why) = why {
            // Refused before anything is journaled; the alert is all that records it.
            self.alert(codes::SUBMIT_REFUSED, &format!("{intent_id}: not approved: {why}"));
            return Err(ExecutionError::NotApprovable { intent_id: intent_id.into(), why }.into());
        }
        let ttl = self
            .policy()
            .map(|p| p.approval_ttl_secs)
            .ok_or_else(|| Error::from(ExecutionError::NoPolicyToApprove(self.id.clone())))?;
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
            automation: confirmation.automation().cloned(),
        };
        match key {
            Some(k) => approval_sign::sign(&self.id, &mut approval, k)?,
            None if self.id.venue.is_live() => {
                return Err(ExecutionError::LiveApprovalUnsigned(self.id.clone()).into())
            }
            None => {}
        }
        self.append(Event::Approved { approval: approval.clone() }, false)?;
        self.crash(CrashPoint::AfterApprovalJournaled)?;
        Ok(approval)
    }
}
