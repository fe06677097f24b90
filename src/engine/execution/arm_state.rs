//! Where a corridor stands: disarmed, reconciling, armed or halted, read from its replayed
//! journal and its lease file, without opening its venue. Arming itself (the checks, the
//! dead-man timer, writing the lease) is the corridor's (`corridor::arming`).
//!
//! "Armed" is a lease, not a flag: the journal records that the corridor was armed, and a
//! lease file beside it says until when. A supervisor (the console) renews the lease each
//! time it refreshes the venue's timer; if it stops, the lease runs out when the venue cancels
//! the open orders, and the corridor reads as disarmed.

use serde::{Deserialize, Serialize};

use super::global_halt;
use super::model::CorridorId;
use super::state::CorridorState;
use crate::engine::workspace::{read_json, Workspace};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArmState {
    Disarmed,
    /// Transient: an arm in progress (shown by the console while it runs).
    Reconciling,
    Armed,
    Halted,
}

impl ArmState {
    pub fn name(self) -> &'static str {
        match self {
            ArmState::Disarmed => "disarmed",
            ArmState::Reconciling => "reconciling",
            ArmState::Armed => "armed",
            ArmState::Halted => "halted",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lease {
    /// The journal sequence of the Armed entry this lease belongs to.
    pub armed_seq: u64,
    pub expires_ms: i64,
}

pub fn lease_path(ws: &Workspace, id: &CorridorId) -> std::path::PathBuf {
    super::paths::corridor(ws, id).join("lease.json")
}

pub fn read_lease(ws: &Workspace, id: &CorridorId) -> Option<Lease> {
    let p = lease_path(ws, id);
    p.exists().then(|| read_json(&p).ok()).flatten()
}

/// A corridor's state from its replayed journal and its lease, without opening its venue.
pub fn state_of(ws: &Workspace, id: &CorridorId, state: &CorridorState, now_ms: i64) -> ArmState {
    status_of(ws, id, state, now_ms).state
}

/// A corridor's arm state told in full: a disarmed corridor whose journal still says armed
/// but whose lease ran out (nobody renewed it) says so, with when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmStatus {
    pub state: ArmState,
    /// Armed in the journal, but the lease ran out: reads as disarmed.
    pub lease_expired: bool,
    /// Until when the lease runs (armed) or when it ran out (lease expired).
    pub lease_expires_ms: Option<i64>,
}

impl ArmStatus {
    /// One word or two for lists and refusals: armed, disarmed, lease expired, halted.
    pub fn label(&self) -> &'static str {
        if self.lease_expired {
            "lease expired"
        } else {
            self.state.name()
        }
    }
}

/// [`state_of`], with the lease told apart from a plain disarm.
pub fn status_of(ws: &Workspace, id: &CorridorId, state: &CorridorState, now_ms: i64) -> ArmStatus {
    let lease = read_lease(ws, id).filter(|l| Some(l.armed_seq) == state.armed_seq);
    let expires = lease.as_ref().map(|l| l.expires_ms);
    if state.halt.is_some() || global_halt::reason(ws).is_some() {
        return ArmStatus { state: ArmState::Halted, lease_expired: false, lease_expires_ms: None };
    }
    match lease {
        Some(l) if l.expires_ms > now_ms => {
            ArmStatus { state: ArmState::Armed, lease_expired: false, lease_expires_ms: expires }
        }
        Some(_) => ArmStatus { state: ArmState::Disarmed, lease_expired: true, lease_expires_ms: expires },
        None => ArmStatus { state: ArmState::Disarmed, lease_expired: false, lease_expires_ms: None },
    }
}
