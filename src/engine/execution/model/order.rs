//! An order: the request a venue receives and the venue's report of it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::exits::AttachedExits;
use super::order_terms::{OrderType, Side, TimeInForce};
use crate::engine::error::{Error, Result};

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
    /// `attached_client_id` (execution `exits`) of this one. Left out when empty, so requests
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

/// Parse a decimal from the command line or a request, naming the field on failure.
pub fn parse_decimal(field: &str, s: &str) -> Result<rust_decimal::Decimal> {
    use std::str::FromStr;
    // Exactly, or not at all: from_str would round a 29th significant digit away in silence.
    rust_decimal::Decimal::from_str_exact(s.trim()).map_err(|_| {
        match rust_decimal::Decimal::from_str(s.trim()) {
            Ok(_) => Error::bad_input(format!(
                "{field}: '{s}' has more digits than a decimal keeps exactly (28 significant digits)"
            )),
            Err(_) => Error::bad_input(format!("{field}: '{s}' is not a decimal number")),
        }
    })
}
