//! ExecutionContext: what is true at the venue and in the journal at the moment an order is
//! checked. Built from the adapter (balances, positions, orders, marks, status, clock) and the
//! corridor's replayed journal (realized PnL today and this session).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::broker::{read_clock, BrokerAdapter};
use super::model::{Balance, CorridorId, InstrumentRules, Mark, OrderReport, Position, VenueStatus};
use super::state::CorridorState;
use crate::engine::error::Result;
use crate::engine::time::{fmt_ms, now_ms};

pub const CONTEXT_SCHEMA: &str = "quantlab.execution_context";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionContext {
    pub schema: String,
    pub corridor: CorridorId,
    pub as_of: String,
    pub as_of_ms: i64,
    pub venue_status: VenueStatus,
    /// Venue clock minus ours, ms, measured at the midpoint of the request.
    pub clock_skew_ms: i64,
    pub balances: Vec<Balance>,
    pub positions: Vec<Position>,
    pub open_orders: Vec<OrderReport>,
    pub marks: BTreeMap<String, Mark>,
    pub instruments: BTreeMap<String, InstrumentRules>,
    pub realized_pnl_today: Decimal,
    pub realized_pnl_session: Decimal,
}

impl ExecutionContext {
    pub async fn gather(
        corridor: &CorridorId,
        adapter: &dyn BrokerAdapter,
        state: &CorridorState,
        symbols: &[String],
    ) -> Result<ExecutionContext> {
        let clock = read_clock(adapter).await?;
        let venue_status = adapter.status().await?;
        let instruments = adapter.instruments().await?.into_iter().map(|r| (r.symbol.clone(), r)).collect();
        // Every symbol the venue holds a position in is priced, not only those the corridor
        // knows of: gross exposure must not miss a position opened elsewhere.
        let positions = adapter.positions().await?;
        let mut symbols = symbols.to_vec();
        symbols.extend(positions.iter().map(|p| p.symbol.clone()));
        symbols.sort();
        symbols.dedup();
        let now = now_ms();
        let day_start = now - now.rem_euclid(86_400_000);
        Ok(ExecutionContext {
            schema: CONTEXT_SCHEMA.into(),
            corridor: corridor.clone(),
            as_of: fmt_ms(now),
            as_of_ms: now,
            venue_status,
            clock_skew_ms: clock.skew_ms,
            balances: adapter.balances().await?,
            positions,
            open_orders: adapter.open_orders().await?,
            marks: adapter.marks(&symbols).await?,
            instruments,
            realized_pnl_today: state.realized_since(day_start),
            realized_pnl_session: state.realized_since(state.session_start_ms),
        })
    }

    /// The account's equity in the quote currency (see [`super::model::balances::account_equity`]).
    pub fn equity(&self) -> Option<Decimal> {
        super::model::balances::account_equity(self.corridor.venue, &self.balances, &self.positions, &self.marks)
    }

    pub fn position(&self, symbol: &str) -> Decimal {
        self.positions.iter().filter(|p| p.symbol == symbol).map(|p| p.quantity).sum()
    }
}
