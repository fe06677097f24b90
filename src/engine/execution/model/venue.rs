//! A venue: which one, whether it is up, how it shapes an instrument's orders, its marks, and
//! how its calls fail.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::order_error::{OrderError, OrderProblem};
use crate::engine::error::Result;

/// A venue QuantLab can route to. `Fake` is the deterministic in-process venue used by tests
/// and rehearsals; it never touches a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Venue {
    Kraken,
    Hyperliquid,
    Fake,
}

impl Venue {
    pub const ALL: [Venue; 3] = [Venue::Kraken, Venue::Hyperliquid, Venue::Fake];

    pub fn parse(s: &str) -> Result<Venue> {
        Venue::ALL
            .into_iter()
            .find(|v| v.name() == s.to_ascii_lowercase())
            .ok_or_else(|| OrderError::new("--venue", OrderProblem::UnknownVenue(s.into())).into())
    }

    pub fn name(self) -> &'static str {
        match self {
            Venue::Kraken => "kraken",
            Venue::Hyperliquid => "hyperliquid",
            Venue::Fake => "fake",
        }
    }

    /// Real money moves: orders need a keypress in the console and credentials in the keyring.
    pub fn is_live(self) -> bool {
        !matches!(self, Venue::Fake)
    }

    /// Does the venue hold positions as margined contracts (a perpetual's value is its
    /// unrealized PnL, already in the margin balance) rather than as assets bought with cash
    /// (Kraken spot: a position is worth its quantity at the mark)?
    pub fn margined(self) -> bool {
        matches!(self, Venue::Fake | Venue::Hyperliquid)
    }
}

impl fmt::Display for Venue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

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
    /// Most significant figures of a price that is not an integer (Hyperliquid: 5), beyond
    /// the tick; `None` where the tick is the only price rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_price_sig_figs: Option<u32>,
}

/// A mark price and when it was observed (epoch ms).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    pub price: Decimal,
    pub at_ms: i64,
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

impl std::error::Error for VenueError {}

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
