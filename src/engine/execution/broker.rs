//! The BrokerAdapter trait: everything the boundary needs from a venue, and nothing more.
//! Venue code implements it; nothing in the boundary knows a venue's wire format.

use std::collections::BTreeMap;

use async_trait::async_trait;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exits::AttachedExits;
use super::types::{OrderType, Side, TimeInForce, Venue};
use crate::engine::error::{Error, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VenueStatus {
    Online,
    /// Cancels only (maintenance or degraded).
    CancelOnly,
    Offline,
}

/// How a venue wants an instrument's orders shaped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstrumentRules {
    pub symbol: String,
    /// Price increment.
    pub tick_size: Decimal,
    /// Quantity increment.
    pub lot_size: Decimal,
    pub min_quantity: Decimal,
    /// Smallest order value in the quote currency.
    pub min_notional: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Balance {
    pub asset: String,
    pub total: Decimal,
    pub available: Decimal,
}

/// Signed base units held in a symbol (negative = short).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub symbol: String,
    pub quantity: Decimal,
}

/// A mark price and when it was observed (epoch ms).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    pub price: Decimal,
    pub at_ms: i64,
}

/// The order as a venue receives it: the intent's fields, nothing inferred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderRequest {
    pub client_order_id: String,
    pub symbol: String,
    pub side: Side,
    pub quantity: Decimal,
    pub order_type: OrderType,
    pub limit_price: Option<Decimal>,
    pub trigger_price: Option<Decimal>,
    pub time_in_force: TimeInForce,
    pub reduce_only: bool,
    /// Exits the venue attaches to this order and holds until it fills; their client ids are
    /// [`super::exits::attached_client_id`] of this one. Left out when empty, so requests
    /// journaled before exits existed read and hash as written.
    #[serde(default, skip_serializing_if = "AttachedExits::is_empty")]
    pub exits: AttachedExits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    Open,
    PartiallyFilled,
    Filled,
    Cancelled,
    Rejected,
    Expired,
}

impl OrderState {
    pub fn is_open(self) -> bool {
        matches!(self, OrderState::Open | OrderState::PartiallyFilled)
    }
}

/// A venue's view of one order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderReport {
    pub venue_order_id: String,
    pub client_order_id: String,
    pub symbol: String,
    pub side: Side,
    pub quantity: Decimal,
    pub filled_quantity: Decimal,
    /// Volume-weighted price of the fills so far.
    pub average_price: Option<Decimal>,
    /// Fees paid so far, in the quote currency.
    pub fees: Decimal,
    pub state: OrderState,
}

/// An order by the venue's id or by ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderRef {
    Venue(String),
    Client(String),
}

/// A market-data update from a subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketEvent {
    pub symbol: String,
    pub mark: Mark,
}

/// Why a venue call did not succeed. Rejections are definite; the others leave an order's
/// fate unknown until a status query settles it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VenueError {
    /// The venue refused the request; nothing was placed.
    Rejected {
        reason: String,
    },
    /// No answer in time: the request may or may not have reached the venue.
    Timeout {
        message: String,
    },
    Unavailable {
        message: String,
    },
    RateLimited {
        message: String,
    },
    /// Credentials missing or refused. Never carries a secret.
    Auth {
        message: String,
    },
    NotFound {
        message: String,
    },
}

impl VenueError {
    pub fn message(&self) -> &str {
        match self {
            VenueError::Rejected { reason: m }
            | VenueError::Timeout { message: m }
            | VenueError::Unavailable { message: m }
            | VenueError::RateLimited { message: m }
            | VenueError::Auth { message: m }
            | VenueError::NotFound { message: m } => m,
        }
    }

    /// The request may have taken effect at the venue.
    pub fn is_ambiguous(&self) -> bool {
        matches!(self, VenueError::Timeout { .. } | VenueError::Unavailable { .. })
    }
}

impl std::fmt::Display for VenueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            VenueError::Rejected { .. } => "rejected",
            VenueError::Timeout { .. } => "timeout",
            VenueError::Unavailable { .. } => "unavailable",
            VenueError::RateLimited { .. } => "rate limited",
            VenueError::Auth { .. } => "authentication failed",
            VenueError::NotFound { .. } => "not found",
        };
        write!(f, "{kind}: {}", self.message())
    }
}

impl From<VenueError> for Error {
    fn from(e: VenueError) -> Error {
        Error::new(ErrorKind::Venue, format!("venue {e}"))
    }
}

pub type VenueResult<T> = std::result::Result<T, VenueError>;

/// The venue's clock against ours, read at the midpoint of one round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockReading {
    /// Venue minus ours, ms.
    pub skew_ms: i64,
    pub round_trip_ms: i64,
}

impl ClockReading {
    /// The skew the venues' whole-second clocks prove at least (up to 999 ms of the reading
    /// can be their rounding), with its sign.
    pub fn at_least_ms(&self) -> i64 {
        (self.skew_ms.abs() - 999).max(0) * self.skew_ms.signum()
    }
}

/// Read the venue's clock once.
pub async fn read_clock(adapter: &dyn BrokerAdapter) -> VenueResult<ClockReading> {
    let before = crate::engine::time::now_ms();
    let venue = adapter.server_time().await?;
    let after = crate::engine::time::now_ms();
    Ok(ClockReading { skew_ms: venue - (before + after) / 2, round_trip_ms: after - before })
}

/// One venue account. Implementations must be idempotent on `client_order_id`: a submit
/// repeated with an id the venue has seen returns the existing order, never a second one.
#[async_trait]
pub trait BrokerAdapter: Send + Sync {
    fn venue(&self) -> Venue;
    /// Ok when nothing this adapter reaches leaves the machine (a venue simulated in this
    /// process, or a client whose every URL is loopback), else why not. A confirmation made
    /// from a synthetic key (a test build's) approves only where this is Ok.
    fn loopback_only(&self) -> std::result::Result<(), String> {
        Err("this venue client does not say where it connects".into())
    }
    async fn status(&self) -> VenueResult<VenueStatus>;
    /// The venue's clock, epoch ms.
    async fn server_time(&self) -> VenueResult<i64>;
    async fn instruments(&self) -> VenueResult<Vec<InstrumentRules>>;
    async fn balances(&self) -> VenueResult<Vec<Balance>>;
    async fn positions(&self) -> VenueResult<Vec<Position>>;
    async fn open_orders(&self) -> VenueResult<Vec<OrderReport>>;
    /// `Ok(None)` when the venue has never seen the order.
    async fn order_status(&self, order: &OrderRef) -> VenueResult<Option<OrderReport>>;
    async fn submit(&self, order: &OrderRequest) -> VenueResult<OrderReport>;
    /// Validate-only: the venue checks the order and places nothing.
    async fn validate(&self, order: &OrderRequest) -> VenueResult<()>;
    async fn cancel(&self, order: &OrderRef) -> VenueResult<OrderReport>;
    /// Cancel every open order; returns how many were cancelled.
    async fn cancel_all(&self) -> VenueResult<usize>;
    /// Cancel everything unless refreshed within `seconds`; 0 disarms it.
    async fn dead_man_switch(&self, seconds: u32) -> VenueResult<()>;
    async fn marks(&self, symbols: &[String]) -> VenueResult<BTreeMap<String, Mark>>;
    async fn subscribe(&self, symbols: &[String]) -> VenueResult<tokio::sync::mpsc::Receiver<MarketEvent>>;
}
