//! A live session under a grant of automation (docs/automation.md): its intents that fit every
//! limit of the grant are approved with the grant's key and sent in this process, with no
//! keypress; any other waits for the keypress as before. Before each automated action the
//! risk gates run (preflight, the grant's limits, the portfolio's and the breaker's, which
//! revoke the grant by halting the corridor), and anomaly checks that pause the session and
//! alert: the reject rate of its automated orders (a venue's rejection counts there, checked at
//! once), a fill it did not expect, a stale feed; a refused preflight (the clock's skew among
//! its rules) or any other failed send pauses it too. Drift
//! from its shadow demotes the candidate, which revokes the grant. Resuming needs the operator.

use rust_decimal::Decimal;

use super::super::session::{PausedBy, Status};
use super::{is_ours, Run};
use crate::engine::alerts::codes;
use crate::engine::automation::{cover, status, Ask};
use crate::engine::error::Result;
use crate::engine::execution::model::ExecutionIntent;
use crate::engine::execution::state::IntentStatus;
use crate::engine::execution::{global_halt, policy, Corridor, ExecutionError, Side};
use crate::engine::paper::control::{self, Desired};
use crate::engine::time::now_ms;

impl Run<'_> {
    /// The live grant this session trades under now, if any; says so when the one it traded
    /// under stopped being live (and asks for the revocation to be recorded after the bar).
    /// Reads what the grants' state depends on, and `[corridor.automation]`, once for the bar.
    pub(super) fn grant_now(&mut self, c: &Corridor) -> Option<String> {
        let ws = self.parts.ws;
        let now = status::Now::read(ws, global_halt::reason(ws), now_ms()).ok();
        self.automation = self.read_automation_policy();
        let live = now.as_ref().and_then(|now| {
            let cand = crate::engine::promotion::candidate::of_live(ws, &self.s)?;
            status::live_for(ws, &self.s.config.corridor, &cand.id, c.entries(), now)
        });
        let id = live.as_ref().map(|g| g.id.clone());
        if let Some(before) = self.state.grant.clone().filter(|b| Some(b) != id.as_ref()) {
            let why = match &now {
                Some(now) => status::why_not_live(ws, &before, c.entries(), now),
                None => "the trusted operator keys cannot be read".to_string(),
            };
            let msg = format!("grant {before} no longer covers live session {}: {why}; its intents wait for the keypress", self.s.id);
            self.alert(codes::AUTOMATION_REVOKED, &msg);
            self.revocations_due = true;
        }
        self.state.grant = id.clone();
        self.grant_reading = now;
        id
    }

    /// What the anomaly checks find wrong, for a session under a grant; `None`: nothing.
    /// `held`: the venue's position less the anchor, read this bar.
    pub(super) fn anomaly(&mut self, c: &Corridor, held: Decimal) -> Option<String> {
        let ours_filled: Decimal = c
            .state()
            .intents
            .values()
            .filter(|r| r.intent.parent.is_none() && is_ours(r.intent.note.as_deref(), &self.s.id))
            .map(|r| if r.intent.side == Side::Buy { r.filled_quantity } else { -r.filled_quantity })
            .sum();
        let before = (self.state.last_held, self.state.last_filled);
        (self.state.last_held, self.state.last_filled) = (Some(held), Some(ours_filled));
        if let (Some(h), Some(f)) = before {
            let (moved, ours) = (held - h, ours_filled - f);
            if moved != ours {
                return Some(format!(
                    "a fill the session did not expect: the venue's position moved by {moved}, its own orders by {ours}"
                ));
            }
        }
        self.reject_rate(c)
    }

    /// The reject rate of the session's last `reject_window` automated orders (those whose
    /// fate is known), when it is above the policy's `max_reject_rate_pct`: `Some(why)`. The
    /// window then starts again, so the operator's resume is not paused at once by the same
    /// rejects it reviewed.
    fn reject_rate(&mut self, c: &Corridor) -> Option<String> {
        let checks = self.automation.clone()?;
        let recent: Vec<IntentStatus> = self
            .state
            .automated
            .iter()
            .filter_map(|id| c.state().intents.get(id).map(|r| r.status))
            .filter(|s| s.is_final())
            .collect();
        let rejected = recent.iter().filter(|s| **s == IntentStatus::Rejected).count();
        if rejected == 0 {
            return None;
        }
        let rate = Decimal::from(rejected * 100) / Decimal::from(recent.len());
        if rate <= checks.max_reject_rate_pct {
            return None;
        }
        self.state.automated.clear();
        Some(format!(
            "reject rate {}% of its last {} automated orders, beyond the policy's {}%",
            rate.round_dp(1),
            recent.len(),
            checks.max_reject_rate_pct
        ))
    }

    /// `[corridor.automation]` of the session's corridor, as the policy reads now.
    fn read_automation_policy(&self) -> Option<policy::AutomationPolicy> {
        let loaded = policy::load(self.parts.ws).ok().flatten()?;
        loaded.corridor(&self.s.config.corridor).and_then(|p| p.automation.clone())
    }

    /// Approve `intent` inside the session's grant and send it, with no keypress. `Ok(true)`:
    /// sent; `Ok(false)`: outside a limit, it waits for the keypress (said once per intent).
    pub(super) fn automate(&mut self, c: &mut Corridor, intent: &ExecutionIntent, mark: Decimal, bar_time: &str) -> Result<bool> {
        let book = self.s.book.as_ref();
        let ask = Ask {
            candidate: crate::engine::promotion::candidate::of_live(self.parts.ws, &self.s).map(|c| c.id),
            mark: Some(mark),
            pnl_today: book.and_then(|b| b.pnl_today()),
            drawdown: book.and_then(|b| b.drawdown()),
        };
        // Read at this bar's start (grant_now), like the grant the session trades under.
        let covered = match &self.grant_reading {
            Some(now) => cover::cover(self.parts.ws, self.parts.store, &self.s.config.corridor, c.entries(), intent, &ask, now),
            None => Err(cover::NotCovered {
                grant: None,
                limit: "grant".into(),
                why: "the trusted operator keys cannot be read".into(),
            }),
        };
        let cover = match covered {
            Ok(cover) => cover,
            Err(n) => {
                let grant = n.grant.as_deref().unwrap_or("the grant");
                let msg = format!("{} waits for the keypress: outside {grant}: {}: {}", intent.id, n.limit, n.why);
                self.alert(codes::AUTOMATION_WAITS, &msg);
                let detail = serde_json::json!({ "grant": n.grant, "limit": n.limit, "why": n.why });
                self.record(bar_time, "waits", Some(&intent.id), detail)?;
                return Ok(false);
            }
        };
        let grant = cover.grant_id().to_string();
        let notional = cover.notional();
        c.approve_automated(cover)?;
        let sent = self.parts.rt.block_on(c.submit(&intent.id, false))?;
        self.state.automated.push(intent.id.clone());
        let window = self.automation.as_ref().map_or(6, |p| p.reject_window);
        let excess = self.state.automated.len().saturating_sub(window);
        self.state.automated.drain(..excess);
        match sent {
            Ok(o) => {
                let detail = serde_json::json!({ "grant": grant, "notional": notional.to_string(), "status": o.status, "message": o.message });
                self.record(bar_time, "automated", Some(&intent.id), detail)?;
                let msg = format!("{} approved by automation {grant} and sent: {} ({})", intent.id, o.status, o.message);
                self.alert(codes::AUTOMATION_APPROVED, &msg);
                Ok(true)
            }
            Err(e) if matches!(e.domain::<ExecutionError>(), Some(ExecutionError::VenueRejected { .. })) => {
                // The venue refused it and nothing was placed. By default that pauses at once,
                // like every failure; with `pause_on_reject = false` the reject rate decides,
                // so an occasional reject does not stop the session but a run of them does.
                let detail = serde_json::json!({ "grant": grant, "status": "rejected", "error": e.message });
                self.record(bar_time, "automated", Some(&intent.id), detail)?;
                let at_once = self.automation.as_ref().is_none_or(|p| p.pause_on_reject);
                let why = if at_once {
                    Some(format!("the venue rejected the automated order {}: {}", intent.id, e.message))
                } else {
                    self.reject_rate(c)
                };
                if let Some(why) = why {
                    self.pause_for_automation(why)?;
                }
                Ok(true)
            }
            Err(e) => {
                // Any other failure leaves the order's fate or the corridor in doubt: pause.
                let detail = serde_json::json!({ "grant": grant, "error": e.message });
                self.record(bar_time, "automated", Some(&intent.id), detail)?;
                self.pause_for_automation(format!("the automated send of {} failed: {}", intent.id, e.message))?;
                Ok(true)
            }
        }
    }

    /// Pause the session for an anomaly or failure under its grant: alert, and no intent is
    /// made until the operator resumes it.
    pub(super) fn pause_for_automation(&mut self, why: String) -> Result<()> {
        if self.s.status == Status::Paused {
            return Ok(());
        }
        let msg = format!("live session {} paused under automation: {why}; `quantlab live resume {}` once reviewed", self.s.id, self.s.id);
        self.alert(codes::AUTOMATION_PAUSED, &msg);
        control::set_in(&self.dir, Desired::Paused)?;
        self.set_status(Status::Paused, Some(msg), Some(PausedBy::Automation))
    }

    /// The feed fell silent for longer than the policy allows while the session is under a
    /// grant: `Some(why)`.
    pub(super) fn stale_feed(&self, now: i64) -> Option<String> {
        self.state.grant.as_ref()?;
        let last = self.last_bar_wall_ms?;
        let gap_bars = self.automation.as_ref()?.max_feed_gap_bars as i64;
        let limit = gap_bars * self.feed.interval_ms();
        (now - last > limit).then(|| format!("the feed is stale: no bar for {} s, beyond {gap_bars} bar lengths", (now - last) / 1000))
    }
}
