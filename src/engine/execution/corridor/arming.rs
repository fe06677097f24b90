//! Arming: a corridor moves disarmed -> reconciling -> armed, and any halt stops it. Arming
//! needs the venue online, the clocks within 1 s, the credential present (an adapter exists
//! only with one) and a clean reconciliation; it then sets the venue's dead-man timer.
//!
//! "Armed" is a lease, not a flag: the journal records that the corridor was armed, and a
//! lease file beside it says until when. A supervisor (the console) renews the lease each
//! time it refreshes the venue's timer; if it stops, the lease runs out when the venue cancels
//! the open orders, and the corridor reads as disarmed. A restart therefore never finds a
//! corridor armed by a process that is gone.

use serde::Serialize;

use super::super::arm_state::{lease_path, read_lease, state_of, status_of, ArmState, ArmStatus, Lease};
use super::super::broker::read_clock;
use super::super::error::ExecutionError;
use super::super::model::{Event, ReconcileSummary, Venue, VenueError, VenueStatus};
use super::Corridor;
use crate::engine::alerts::codes;
use crate::engine::error::{Error, Result};
use crate::engine::workspace::write_json;

/// How a disarm the corridor made itself begins (its venue timer could not be renewed): every
/// other disarm is the operator's.
pub const DEAD_MAN_NOT_RENEWED: &str = "the dead-man timer could not be renewed";

/// Largest clock skew an armed corridor tolerates.
pub const MAX_ARM_SKEW_MS: i64 = 1_000;

#[derive(Debug, Clone, Serialize)]
pub struct ArmCheck {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArmReport {
    pub corridor: String,
    pub state: ArmState,
    pub checks: Vec<ArmCheck>,
    pub reconciliation: Option<ReconcileSummary>,
    pub dead_man_secs: Option<u32>,
    pub lease_expires_ms: Option<i64>,
}

impl Corridor {
    fn lease_path(&self) -> std::path::PathBuf {
        lease_path(&self.ws, &self.id)
    }

    pub fn lease(&self) -> Option<Lease> {
        read_lease(&self.ws, &self.id)
    }

    /// Where the corridor stands now.
    pub fn arm_state(&self) -> ArmState {
        state_of(&self.ws, &self.id, &self.state, self.now())
    }

    /// The same, with an expired lease told apart.
    pub fn arm_status(&self) -> ArmStatus {
        status_of(&self.ws, &self.id, &self.state, self.now())
    }

    fn dead_man_secs(&self) -> Result<u32> {
        self.policy()
            .map(|p| p.dead_man_secs)
            .ok_or_else(|| ExecutionError::NoPolicyToArm(self.id.clone()).into())
    }

    /// Run the checks and, when all pass, reconcile, set the venue's dead-man timer and arm.
    /// Any failure leaves the corridor disarmed (a reconciliation mismatch halts it) and says
    /// which check failed.
    pub async fn arm(&mut self) -> Result<ArmReport> {
        let mut report = ArmReport {
            corridor: self.id.to_string(),
            state: ArmState::Disarmed,
            checks: Vec::new(),
            reconciliation: None,
            dead_man_secs: None,
            lease_expires_ms: None,
        };
        if let Some(halt) = self.halted() {
            return Err(ExecutionError::Halted { corridor: self.id.clone(), halt }.into());
        }
        self.audit_gate().map_err(ExecutionError::AuditHalted)?;
        let secs = self.dead_man_secs()?;
        let live = self.id.venue.is_live();
        let source = self.credential_source.clone().unwrap_or_else(|| "given with the adapter".into());
        let mut push = |name, ok, detail: String| report.checks.push(ArmCheck { name, ok, detail });
        if !live {
            push("credentials", true, format!("none needed: {} takes no credentials", self.id.venue));
        }
        let status = self.adapter.status().await;
        let online = matches!(status, Ok(VenueStatus::Online));
        push("venue status", online, format!("{status:?}").to_lowercase());
        let skew = read_clock(self.adapter.as_ref()).await.ok().map(|c| c.at_least_ms());
        let skew_ok = skew.is_some_and(|s| s.abs() < MAX_ARM_SKEW_MS);
        push(
            "clock skew",
            skew_ok,
            skew.map_or("venue time unavailable".into(), |s| {
                format!("at least {s} ms (limit {MAX_ARM_SKEW_MS} ms)")
            }),
        );
        // A live venue's credential is judged by the reconciliation's account reads (signed on
        // Kraken): the line goes first, once known, and no extra request is made for it.
        let credentials = |ok, detail: String| ArmCheck { name: "credentials", ok, detail };
        if !(online && skew_ok) {
            if live {
                report.checks.insert(
                    0,
                    credentials(
                        false,
                        format!("{source}; not verified: the venue was not asked for the account"),
                    ),
                );
            }
            let failed: Vec<String> =
                report.checks.iter().filter(|c| !c.ok).map(|c| format!("{}: {}", c.name, c.detail)).collect();
            if !skew_ok {
                self.alert(codes::CLOCK_SKEW, &format!("not armed: {}", failed.join("; ")));
            }
            return Ok(report);
        }
        let summary = match self.reconcile().await {
            Ok(s) => s,
            // The venue refused the credential: told by the variant the error was made from.
            Err(e) if live && matches!(e.domain(), Some(VenueError::Auth { .. })) => {
                report
                    .checks
                    .insert(0, credentials(false, format!("{source}; refused by the venue: {}", e.message)));
                return Ok(report);
            }
            Err(e) => return Err(e),
        };
        if live {
            let how = if self.id.venue == Venue::Hyperliquid {
                "account read (Hyperliquid reads are unsigned: the dead-man timer, set last, is the key's first signed use)"
            } else {
                "accepted by the venue (the reconciliation's signed account reads)"
            };
            report.checks.insert(0, credentials(true, format!("{source}; {how}")));
        }
        let clean = summary.clean;
        report.checks.push(ArmCheck {
            name: "reconciliation",
            ok: clean,
            detail: if clean { format!("clean ({})", summary.id) } else { summary.mismatches.join("; ") },
        });
        report.reconciliation = Some(summary.clone());
        if !clean {
            report.state = ArmState::Halted;
            return Ok(report);
        }
        self.promotion_gate()?;
        self.adapter.dead_man_switch(secs).await.map_err(Error::from)?;
        let entry = self.append(
            Event::Armed {
                reconciliation_id: summary.id.clone(),
                clock_skew_ms: skew.unwrap_or(0),
                dead_man_secs: secs,
                policy_fingerprint: self.policy_fingerprint(),
            },
            false,
        )?;
        let lease = Lease { armed_seq: entry.seq, expires_ms: self.now() + i64::from(secs) * 1000 };
        write_json(&self.lease_path(), &lease)?;
        report.state = ArmState::Armed;
        report.dead_man_secs = Some(secs);
        report.lease_expires_ms = Some(lease.expires_ms);
        Ok(report)
    }

    /// Renew the venue's dead-man timer and the lease. Only an armed corridor is renewed; a
    /// failed renewal disarms it (the venue timer then runs out on its own).
    pub async fn keep_alive(&mut self) -> Result<Lease> {
        if self.arm_state() != ArmState::Armed {
            return Err(ExecutionError::NotArmed(self.id.clone()).into());
        }
        let secs = self.dead_man_secs()?;
        if let Err(e) = self.adapter.dead_man_switch(secs).await {
            let reason = format!("{DEAD_MAN_NOT_RENEWED}: {e}");
            self.append(Event::Disarmed { reason: reason.clone() }, false)?;
            self.alert(codes::VENUE_ERROR, &format!("corridor disarmed: {reason}"));
            return Err(e.into());
        }
        let lease = Lease {
            armed_seq: self.state.armed_seq.expect("armed"),
            expires_ms: self.now() + i64::from(secs) * 1000,
        };
        write_json(&self.lease_path(), &lease)?;
        Ok(lease)
    }

    /// Stop sending. The venue's timer is left to run out (it then cancels the open orders)
    /// unless `keep_orders`, which clears it so resting orders stay.
    pub async fn disarm(&mut self, reason: &str, keep_orders: bool) -> Result<()> {
        if self.state.armed_seq.is_none() {
            return Err(ExecutionError::NothingToDisarm(self.id.clone()).into());
        }
        self.append(Event::Disarmed { reason: reason.into() }, false)?;
        let _ = std::fs::remove_file(self.lease_path());
        if keep_orders {
            self.adapter.dead_man_switch(0).await.map_err(Error::from)?;
        }
        Ok(())
    }
}
