//! `doctor`: is this venue account ready to trade? One line per check: the credential is there,
//! the venue answers, its status is online, the clocks agree (signed requests carry time: a
//! drifted clock gets them rejected; warn above 1 s, fail above the policy's limit), the
//! credential is accepted by a signed read, and the instrument rules load.

use serde::Serialize;

use super::connect;
use crate::engine::error::{ErrorKind, Result};
use crate::engine::execution::broker::{read_clock, BrokerAdapter};
use crate::engine::execution::model::VenueStatus;
use crate::engine::execution::{policy, CorridorId};
use crate::engine::runtime::VenueRuntime;
use crate::engine::secrets::CredentialStore;
use crate::engine::workspace::Workspace;

/// Skew above this is reported as a warning.
pub const WARN_SKEW_MS: i64 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub verdict: Verdict,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub venue: String,
    pub account: String,
    pub base_url: Option<String>,
    pub ok: bool,
    pub checks: Vec<Check>,
    /// The exit code a script should see: 0 all pass, 2 the credential is missing or
    /// malformed (the setup to fix), 4 the venue (unreachable, offline, clock, a refused key).
    pub exit_code: i32,
}

fn check(name: &'static str, verdict: Verdict, detail: impl Into<String>) -> Check {
    Check { name, verdict, detail: detail.into() }
}

pub fn doctor(
    ws: &Workspace,
    store: &dyn CredentialStore,
    rt: &VenueRuntime,
    id: &CorridorId,
) -> Result<Report> {
    let mut checks = Vec::new();
    let finish = |checks: Vec<Check>, base_url: Option<String>| {
        let failed: Vec<&Check> = checks.iter().filter(|c| c.verdict == Verdict::Fail).collect();
        let exit_code = match failed.first() {
            None => 0,
            Some(c) if c.name == "credentials" => 2,
            Some(_) => 4,
        };
        Report {
            venue: id.venue.to_string(),
            account: id.account.clone(),
            base_url,
            ok: failed.is_empty(),
            checks,
            exit_code,
        }
    };
    let (live, ep, warning) = match connect::open(ws, id, store) {
        Ok(x) => x,
        // A bad venues.toml is the caller's error; a missing credential is a failed check.
        Err(e) if e.kind == ErrorKind::BadInput && e.field.as_deref() != Some("credential") => return Err(e),
        Err(e) => {
            checks.push(check("credentials", Verdict::Fail, e.message));
            return Ok(finish(checks, None));
        }
    };
    checks.push(match warning {
        Some(w) => check("credentials", Verdict::Warn, w),
        None => {
            check("credentials", Verdict::Pass, format!("{}:{} in {}", id.venue, id.account, store.name()))
        }
    });
    let max_skew = policy::load(ws)
        .ok()
        .flatten()
        .and_then(|p| p.policy.corridors.iter().find(|c| c.id() == *id).map(|c| c.max_clock_skew_ms))
        .unwrap_or(2_000);
    let signer = match &live {
        connect::Live::Hyperliquid(a) => Some(a.client.signer_address().to_checksum()),
        connect::Live::Kraken(_) => None,
    };
    let (adapter, hl): (std::sync::Arc<dyn BrokerAdapter>, _) = match live {
        connect::Live::Hyperliquid(a) => {
            let a = std::sync::Arc::<super::hyperliquid::adapter::HlAdapter>::from(a);
            (a.clone(), Some(a))
        }
        other => (other.into_adapter(), None),
    };
    rt.block_on(async {
        let started = std::time::Instant::now();
        match adapter.status().await {
            Ok(s) => {
                checks.push(check(
                    "reachable",
                    Verdict::Pass,
                    format!("{} answered in {} ms", ep.base_url, started.elapsed().as_millis()),
                ));
                checks.push(match s {
                    VenueStatus::Online => check("venue status", Verdict::Pass, "online"),
                    VenueStatus::CancelOnly => {
                        check("venue status", Verdict::Fail, "cancel only (maintenance)")
                    }
                    VenueStatus::Offline => check("venue status", Verdict::Fail, "offline"),
                });
            }
            Err(e) => {
                checks.push(check("reachable", Verdict::Fail, format!("{}: {e}", ep.base_url)));
                return;
            }
        }
        checks.push(clock(adapter.as_ref(), max_skew).await);
        // Kraken reads are signed, so a balance read proves the key; Hyperliquid reads are
        // not, and the only signed calls change state, so there the signer is shown instead.
        checks.push(match (adapter.balances().await, &signer) {
            (Ok(b), None) => {
                check("signed request", Verdict::Pass, format!("accepted ({} balances)", b.len()))
            }
            (Ok(_), Some(s)) => {
                check("account", Verdict::Pass, format!("readable; orders signed by agent {s}"))
            }
            (Err(e), None) => check("signed request", Verdict::Fail, e.to_string()),
            (Err(e), Some(_)) => check("account", Verdict::Fail, e.to_string()),
        });
        // Hyperliquid: the agent must be approved for the account (or be the account).
        if let (Some(a), Some(s)) = (&hl, &signer) {
            checks.push(match a.agent_approved().await {
                // The network is said here: the agent's approval is read unsigned, so it passes
                // whichever network the key signs for, and a wrong one shows only at the first
                // order (venues.toml `network`; docs/venues.md).
                Ok(true) => check(
                    "agent",
                    Verdict::Pass,
                    format!("{s} may sign for {}; actions signed for {}", a.client.user(), a.client.network()),
                ),
                Ok(false) => check(
                    "agent",
                    Verdict::Fail,
                    format!("{s} is not an approved agent of {}", a.client.user()),
                ),
                Err(e) => check("agent", Verdict::Fail, e.to_string()),
            });
        }
        checks.push(match adapter.instruments().await {
            Ok(r) if !r.is_empty() => {
                check("instrument rules", Verdict::Pass, format!("{} instruments", r.len()))
            }
            Ok(_) => check("instrument rules", Verdict::Fail, "the venue listed no instruments"),
            Err(e) => check("instrument rules", Verdict::Fail, e.to_string()),
        });
    })?;
    Ok(finish(checks, Some(ep.base_url)))
}

/// Skew = venue clock - ours, measured at the midpoint of the round trip.
async fn clock(adapter: &dyn BrokerAdapter, max_skew_ms: i64) -> Check {
    match read_clock(adapter).await {
        Ok(c) => {
            let detail = format!(
                "venue clock {:+} ms from ours (round trip {} ms, venue resolution 1 s)",
                c.skew_ms, c.round_trip_ms
            );
            let skew = c.at_least_ms().abs();
            let v = if skew > max_skew_ms {
                Verdict::Fail
            } else if skew > WARN_SKEW_MS {
                Verdict::Warn
            } else {
                Verdict::Pass
            };
            check("clock skew", v, detail)
        }
        Err(e) => check("clock skew", Verdict::Fail, e.to_string()),
    }
}

impl Report {
    pub fn text(&self) -> String {
        let mut s = String::new();
        for c in &self.checks {
            let word = match c.verdict {
                Verdict::Pass => "PASS",
                Verdict::Warn => "WARN",
                Verdict::Fail => "FAIL",
            };
            s.push_str(&format!("{word}  {:<17} {}\n", c.name, c.detail));
        }
        s.push_str(if self.ok { "ready\n" } else { "not ready\n" });
        s
    }
}
