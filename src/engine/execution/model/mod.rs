//! The plain data of execution: venues, corridor ids, orders (request, report, status),
//! balances, attached exits, intents, approvals, and journal entries with their events. It
//! depends on nothing else in execution; every other part of execution builds on it. Serde
//! names here are the journal's and the JSON outputs' contracts: they never change.

pub mod approval;
pub mod balances;
pub mod corridor_id;
pub mod exits;
pub mod intent;
pub mod journal_entry;
pub mod order;
pub mod order_error;
pub mod order_terms;
pub mod venue;

pub use approval::{Approval, Automated};
pub use balances::{Balance, Position};
pub use corridor_id::CorridorId;
pub use exits::{AttachedExits, ExitLeg};
pub use intent::{ExecutionIntent, IntentSource, INTENT_SCHEMA};
pub use journal_entry::{Entry, Event, ReconcileSummary, GENESIS, JOURNAL_SCHEMA};
pub use order::{parse_decimal, OrderRef, OrderReport, OrderRequest, OrderState};
pub use order_error::{OrderError, OrderProblem};
pub use order_terms::{OrderType, Side, TimeInForce};
pub use venue::{
    ClockReading, InstrumentRules, Mark, MarketEvent, Venue, VenueError, VenueResult, VenueStatus,
};
