//! The console's periodic look at its corridors as one engine call. Renewing an armed
//! corridor's dead-man timer and reading its full status each open the corridor (a whole read
//! and verification of its journal), and the summary of every corridor reads each journal
//! again: as separate calls, an armed corridor shown on the Corridors tab had its journal read
//! three times a poll. Here each corridor a venue is asked about is opened once, and its summary
//! comes from that open; the others' journals are read once each.

use crate::engine::handles::Execution;
use std::collections::{BTreeMap, BTreeSet};

use super::corridors::{detail, CorridorDetail};
use super::CorridorSnapshot;
use crate::engine::execution::arm_state::Lease;
use crate::engine::execution::{self as ex, CorridorId};
use crate::engine::{Error, Result};

/// What a poll asks of the venues besides the summary of every corridor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorridorPoll {
    /// Armed corridors whose dead-man timer to renew.
    pub keep_alive: Vec<CorridorId>,
    /// The corridor whose full status (its venue's reads included) to read.
    pub detail: Option<CorridorId>,
}

#[derive(Debug)]
pub struct CorridorPollReport {
    /// Each renewal asked for, and how it went (a failed one disarmed the corridor).
    pub kept_alive: Vec<(CorridorId, Result<Lease>)>,
    pub detail: Option<Result<CorridorDetail>>,
    /// Every corridor at a glance, after the renewals. An error here (a journal that does not
    /// verify) leaves the renewals' outcomes to report all the same.
    pub snapshot: Result<CorridorSnapshot>,
}

/// A corridor's share of the poll: its renewal and its detail, each when asked.
type Outcome = (Option<Result<Lease>>, Option<Result<CorridorDetail>>);

impl Execution<'_> {
    /// Renew, read the detail, and summarise every corridor, reading each journal once.
    pub fn corridor_poll(&self, poll: &CorridorPoll) -> CorridorPollReport {
        let renew = |id: &CorridorId| poll.keep_alive.contains(id);
        let read = |id: &CorridorId| poll.detail.as_ref() == Some(id);
        let failed = |id: &CorridorId, e: &Error| -> Outcome {
            (renew(id).then(|| Err(e.clone())), read(id).then(|| Err(e.clone())))
        };
        // Opened in a fixed order, each holding its journal's lock until the poll ends.
        let wanted: BTreeSet<&CorridorId> = poll.keep_alive.iter().chain(&poll.detail).collect();
        let mut outcomes: BTreeMap<CorridorId, Outcome> = BTreeMap::new();
        let mut opened = BTreeMap::new();
        for id in wanted {
            match ex::open_corridor(
                self.engine.workspace(),
                self.engine.adapters(),
                id,
                self.engine.credentials(),
            ) {
                Ok(c) => drop(opened.insert(id.clone(), c)),
                Err(e) => drop(outcomes.insert(id.clone(), failed(id, &e))),
            }
        }
        // The venues are asked at once: a poll waits for its slowest venue, not their sum. A
        // corridor renews before its detail is read, so the detail shows a failed renewal.
        let work = opened.iter_mut().map(|(id, c)| {
            let (renew, read) = (renew(id), read(id));
            async move {
                let lease = if renew { Some(c.keep_alive().await) } else { None };
                let status = if read { Some(detail(c).await) } else { None };
                (id.clone(), (lease, status))
            }
        });
        match self.engine.block_on(futures_util::future::join_all(work)) {
            Ok(done) => outcomes.extend(done),
            Err(e) => outcomes.extend(opened.keys().map(|id| (id.clone(), failed(id, &e)))),
        }
        let mut report = CorridorPollReport {
            kept_alive: Vec::new(),
            detail: None,
            snapshot: self.snapshot_with(&opened),
        };
        for (id, (lease, status)) in outcomes {
            report.kept_alive.extend(lease.map(|l| (id, l)));
            report.detail = report.detail.or(status);
        }
        report
    }
}
