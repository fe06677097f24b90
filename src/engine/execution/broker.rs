//! The BrokerAdapter trait: everything the boundary needs from a venue, and nothing more.
//! Venue code implements it; nothing in the boundary knows a venue's wire format. What crosses
//! it is plain data ([`super::model`]).

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::model::{
    Balance, ClockReading, InstrumentRules, Mark, MarketEvent, OrderRef, OrderReport, OrderRequest, Position,
    Venue, VenueResult, VenueStatus,
};

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
