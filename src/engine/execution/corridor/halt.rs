//! Halting and re-arming a corridor: the breaker, the kill switch and the rearm that lifts
//! either only after a clean reconciliation (and, above micro-live, the promotion gate).

use super::super::global_halt;
use super::super::model::{Event, ReconcileSummary};
use super::{refused, Corridor};
use crate::engine::alerts::codes;
use crate::engine::error::{Error, Result};

impl Corridor {
    /// Halt the corridor when the policy's breaker count of rejects and venue errors is
    /// reached within its window.
    pub(super) fn check_breaker(&mut self) -> Result<()> {
        let Some(p) = self.policy().cloned() else { return Ok(()) };
        if self.state.halt.is_some() {
            return Ok(());
        }
        let n = self.state.failures_within(self.now(), p.breaker.window_minutes);
        if n >= p.breaker.max_failures {
            self.append(
                Event::BreakerTripped { failures: n, window_minutes: p.breaker.window_minutes },
                false,
            )?;
            self.alert(
                codes::BREAKER_TRIPPED,
                &format!(
                    "{n} rejects or errors within {} min: corridor halted until `quantlab rearm`",
                    p.breaker.window_minutes
                ),
            );
        }
        Ok(())
    }

    /// The kill switch for this corridor: halt (journaled first, so it holds even if the venue
    /// is unreachable), then cancel every open order. Returns how many were cancelled.
    pub async fn kill(&mut self, reason: &str) -> Result<usize> {
        self.append(
            Event::Killed { reason: reason.into(), policy_fingerprint: self.policy_fingerprint() },
            false,
        )?;
        let cancelled = match self.adapter.cancel_all().await {
            Ok(n) => n,
            Err(e) => {
                self.alert(
                    codes::KILL_SWITCH,
                    &format!(
                        "corridor halted, but cancelling open orders failed: {e}; cancel them at the venue"
                    ),
                );
                return Err(e.into());
            }
        };
        let _ = self.refresh().await;
        self.append(Event::Note { text: format!("kill switch cancelled {cancelled} open order(s)") }, false)?;
        self.alert(
            codes::KILL_SWITCH,
            &format!("corridor halted ({reason}); {cancelled} open order(s) cancelled"),
        );
        Ok(cancelled)
    }

    /// Above micro-live, a passed promotion report for the current policy (rearm and arm).
    pub(super) fn promotion_gate(&self) -> Result<()> {
        super::super::promote::arm_gate(
            &self.ws,
            &self.id,
            self.policy(),
            self.policy_fingerprint().as_deref(),
        )
    }

    /// Lift a halt: only after a clean reconciliation, and for a corridor whose limits go
    /// beyond micro-live only with a passed promotion report for the current policy.
    pub async fn rearm(&mut self) -> Result<ReconcileSummary> {
        if self.state.halt.is_none() && global_halt::reason(&self.ws).is_none() {
            return Err(Error::bad_input(format!("corridor {} is not halted", self.id)));
        }
        // A journal that fails its audit stays halted, however clean the venue.
        self.audit_gate().map_err(refused)?;
        let summary = self.reconcile().await?;
        if !summary.clean {
            return Err(refused(format!(
                "reconciliation found mismatches, the corridor stays halted: {}",
                summary.mismatches.join("; ")
            )));
        }
        self.promotion_gate()?;
        self.append(
            Event::Rearmed {
                reconciliation_id: summary.id.clone(),
                policy_fingerprint: self.policy_fingerprint(),
            },
            false,
        )?;
        Ok(summary)
    }
}
