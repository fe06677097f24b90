//! Closed and open trades as the simulation records them.

use serde::{Deserialize, Serialize};

/// Direction of a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Long,
    Short,
}

impl Side {
    pub fn sign(self) -> f64 {
        match self {
            Side::Long => 1.0,
            Side::Short => -1.0,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Long => "long",
            Side::Short => "short",
        }
    }
}

/// One round trip. Prices are fill prices (slippage included, fees excluded); fees are the
/// sum of the entry and exit fees charged to cash. An open trade is marked to the last close
/// and carries no exit fee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    pub side: Side,
    pub entry_bar: usize,
    pub entry_ts: i64,
    pub entry_price: f64,
    pub exit_bar: usize,
    pub exit_ts: i64,
    pub exit_price: f64,
    /// Units held, always positive; the side gives the direction.
    pub qty: f64,
    pub fees: f64,
    /// Net of fees: `side * (exit - entry) * qty - fees`.
    pub pnl: f64,
    /// `pnl / (entry_price * qty)`: the return on the notional committed.
    pub ret: f64,
    pub open: bool,
}
