//! Supervised corridors through the engine: arm, disarm, keep-alive (the dead-man refresh),
//! a full status read (connection, balances, positions, open orders, recent fills, pending
//! intents with their preflight lines), and sending an intent the console's confirm dialog
//! approved. The CLI and the console both come through here; approving needs a
//! [`Confirmation`], which only the console's confirm key makes for a live corridor.

use crate::engine::handles::Execution;
use std::time::Instant;

use serde::Serialize;

use crate::engine::error::Result;
use crate::engine::execution::arm_state::{ArmState, Lease};
use crate::engine::execution::corridor::arming::ArmReport;
use crate::engine::execution::model::{Balance, OrderReport, Position, VenueResult};
use crate::engine::execution::{
    self as ex, Confirmation, CorridorId, ExecutionError, OperatorKey, SubmitOutcome, Venue,
};
use crate::engine::time::now_ms;

// The confirm dialog's subject lives with the dialog (engine::gate), so the gate needs nothing
// of this file; it is still reached here, beside the reads that make it.
pub use crate::engine::gate::PendingIntent;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Connection {
    pub ok: bool,
    pub latency_ms: u64,
    pub message: String,
}

/// One intent of an open corridor awaiting approval, read from its journal now, without
/// reaching the venue (so without a preflight: the corridor runs it again before sending).
/// What the confirm dialog opens on when a corridor is driven directly rather than through
/// [`Engine::corridor_detail`].
pub fn pending_intent(c: &ex::Corridor, intent_id: &str) -> Result<PendingIntent> {
    let r = c.state().intents.get(intent_id).ok_or_else(|| ExecutionError::NoSuchIntent(intent_id.into()))?;
    if !r.awaits_approval() {
        return Err(ExecutionError::AwaitsNoApproval {
            intent_id: intent_id.into(),
            status: r.status.name(),
        }
        .into());
    }
    let state = c.arm_state();
    let blocked = if r.intent.expires_ms <= now_ms() {
        Some("expired".to_string())
    } else if state == ArmState::Halted {
        Some("corridor halted".to_string())
    } else if c.id().venue.is_live() && state != ArmState::Armed {
        Some(format!("corridor {}", state.name()))
    } else {
        None
    };
    Ok(PendingIntent::new(r.intent.clone(), c.digest_of(intent_id)?, None, blocked))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecentFill {
    pub intent_id: String,
    pub symbol: String,
    pub side: String,
    pub filled: String,
    pub average_price: Option<String>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorridorDetail {
    pub corridor: CorridorId,
    pub state: ArmState,
    pub halted: Option<String>,
    pub lease: Option<Lease>,
    pub connection: Connection,
    /// Each venue read is the list when it was read, else null with the error beside it: a
    /// read that failed is unknown, never empty or flat.
    pub balances: Option<Vec<Balance>>,
    pub balances_error: Option<String>,
    pub positions: Option<Vec<Position>>,
    pub positions_error: Option<String>,
    pub open_orders: Option<Vec<OrderReport>>,
    pub open_orders_error: Option<String>,
    pub recent_fills: Vec<RecentFill>,
    pub pending: Vec<PendingIntent>,
}

impl CorridorDetail {
    /// The venue answered and every read came back: what was shown is what the venue holds.
    pub fn complete(&self) -> bool {
        self.connection.ok
            && self.balances.is_some()
            && self.positions.is_some()
            && self.open_orders.is_some()
    }

    /// "what: why" for each read that failed.
    pub fn unknown(&self) -> Vec<String> {
        [
            ("balances", &self.balances_error),
            ("positions", &self.positions_error),
            ("open orders", &self.open_orders_error),
        ]
        .into_iter()
        .filter_map(|(what, e)| e.as_ref().map(|e| format!("{what}: {e}")))
        .collect()
    }
}

/// A venue read: the list, or why it is unknown (the venue's error, as the view shows it).
fn known<T>(r: VenueResult<Vec<T>>) -> (Option<Vec<T>>, Option<String>) {
    match r {
        Ok(v) => (Some(v), None),
        Err(e) => (None, Some(e.to_string())),
    }
}

/// What the confirm key did: the outcome, and how long from the key to the venue's answer.
#[derive(Debug, Clone, Serialize)]
pub struct ConfirmedSend {
    pub outcome: SubmitOutcome,
    /// From the confirm key to the signed order handed to the transport (journal fsyncs and
    /// preflight included), and to the venue's reply.
    pub to_send_ms: f64,
    pub to_reply_ms: f64,
}

impl Execution<'_> {
    fn open_live_corridor(&self, venue: Venue, account: &str) -> Result<ex::Corridor> {
        let id = CorridorId::new(venue, account)?;
        ex::open_corridor(self.engine.workspace(), self.engine.adapters(), &id, self.engine.credentials())
    }

    /// A corridor's state from its journal and lease, without reaching its venue.
    pub fn corridor_state(&self, id: &CorridorId) -> Result<ArmState> {
        let entries = ex::journal::read(&ex::paths::journal(self.engine.workspace(), id))?;
        let st = ex::state::CorridorState::replay(&entries);
        Ok(ex::arm_state::state_of(self.engine.workspace(), id, &st, now_ms()))
    }

    pub fn corridor_arm(&self, venue: Venue, account: &str) -> Result<ArmReport> {
        let mut c = self.open_live_corridor(venue, account)?;
        self.engine.block_on(c.arm())?
    }

    pub fn corridor_disarm(&self, venue: Venue, account: &str, keep_orders: bool) -> Result<()> {
        let mut c = self.open_live_corridor(venue, account)?;
        self.engine.block_on(c.disarm("operator disarmed", keep_orders))?
    }

    /// Renew the dead-man timer of an armed corridor (what the console does while it runs).
    pub fn corridor_keep_alive(&self, venue: Venue, account: &str) -> Result<Lease> {
        let mut c = self.open_live_corridor(venue, account)?;
        self.engine.block_on(c.keep_alive())?
    }

    pub fn corridor_detail(&self, venue: Venue, account: &str) -> Result<CorridorDetail> {
        let c = self.open_live_corridor(venue, account)?;
        self.engine.block_on(detail(&c))?
    }

    /// Approve with the confirm dialog's confirmation and send at once.
    pub fn corridor_send_confirmed(&self, confirmation: Confirmation) -> Result<ConfirmedSend> {
        let key = Instant::now();
        let row = self.intent(confirmation.intent_id())?;
        let mut c = ex::open_corridor(
            self.engine.workspace(),
            self.engine.adapters(),
            &row.corridor,
            self.engine.credentials(),
        )?;
        let id = confirmation.intent_id().to_string();
        let signing = self.signing_key(&row.corridor)?;
        c.approve_with(confirmation, signing.as_ref())?;
        let (outcome, to_send) = self.engine.block_on(async {
            let r = c.submit_timed(&id).await;
            (r.0, r.1)
        })?;
        let to_reply_ms = key.elapsed().as_secs_f64() * 1000.0;
        let to_send_ms = to_send.map_or(to_reply_ms, |t| t.duration_since(key).as_secs_f64() * 1000.0);
        Ok(ConfirmedSend { outcome: outcome?, to_send_ms, to_reply_ms })
    }

    /// The key a console approval in `corridor` is signed with: the operator's; on a corridor
    /// whose every URL is loopback (the simulator), the environment's where no keyring works;
    /// on the fake venue, none where no keyring works (an unsigned rehearsal, which only the
    /// fake venue accepts).
    fn signing_key(&self, corridor: &CorridorId) -> Result<Option<OperatorKey>> {
        use crate::engine::execution::approval_sign::RehearsalKey;
        if !corridor.venue.is_live() {
            return Ok(
                match OperatorKey::for_rehearsal(self.engine.credentials(), self.engine.workspace())? {
                    RehearsalKey::Signed(k) => Some(*k),
                    RehearsalKey::Unsigned { .. } => None,
                },
            );
        }
        Ok(Some(self.engine.live_operator_key(corridor)?))
    }
}

/// A corridor's full status read (what `corridor status` and the Corridors tab show).
pub async fn detail(c: &ex::Corridor) -> Result<CorridorDetail> {
    let a = c.adapter();
    let t0 = Instant::now();
    let status = a.status().await;
    let connection = Connection {
        ok: status.is_ok(),
        latency_ms: t0.elapsed().as_millis() as u64,
        message: match &status {
            Ok(s) => format!("{s:?}").to_lowercase(),
            Err(e) => e.to_string(),
        },
    };
    let unread = format!("not read: the venue is unreachable ({})", connection.message);
    let ((balances, balances_error), (positions, positions_error), (open_orders, open_orders_error)) =
        if connection.ok {
            (known(a.balances().await), known(a.positions().await), known(a.open_orders().await))
        } else {
            ((None, Some(unread.clone())), (None, Some(unread.clone())), (None, Some(unread.clone())))
        };
    let context = if connection.ok {
        c.context().await.map_err(|e| format!("the venue's context could not be read: {}", e.message))
    } else {
        Err(unread.clone())
    };
    let state = c.arm_state();
    let now = now_ms();
    let mut pending = Vec::new();
    for r in c.state().intents.values().filter(|r| r.awaits_approval()) {
        let pf = c.evaluate(&r.intent, context.as_ref().map_err(String::as_str));
        let blocked = if r.intent.expires_ms <= now {
            Some("expired".to_string())
        } else if state == ArmState::Halted {
            Some("corridor halted".to_string())
        } else if c.id().venue.is_live() && state != ArmState::Armed {
            Some(format!("corridor {}", state.name()))
        } else if !pf.passed() {
            Some(format!("preflight failed: {}", pf.reasons()))
        } else {
            None
        };
        pending.push(PendingIntent::new(r.intent.clone(), c.digest_of(&r.intent.id)?, Some(pf), blocked));
    }
    pending.sort_by_key(|p| p.intent().expires_ms);
    let mut recent_fills: Vec<RecentFill> = c
        .state()
        .intents
        .values()
        .filter(|r| !r.filled_quantity.is_zero())
        .map(|r| RecentFill {
            intent_id: r.intent.id.clone(),
            symbol: r.intent.symbol.clone(),
            side: r.intent.side.name().into(),
            filled: r.filled_quantity.to_string(),
            average_price: r.average_price.map(|p| p.to_string()),
            status: r.status.name().into(),
        })
        .collect();
    recent_fills.reverse();
    recent_fills.truncate(10);
    Ok(CorridorDetail {
        corridor: c.id().clone(),
        state,
        halted: c.halted(),
        lease: c.lease(),
        connection,
        balances,
        balances_error,
        positions,
        positions_error,
        open_orders,
        open_orders_error,
        recent_fills,
        pending,
    })
}
