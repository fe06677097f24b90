//! The engine's sub-handles: `engine.data()`, `.research()`, `.paper()`, `.signals()`,
//! `.pretrade()`, `.execution()`, `.venues()`, `.incidents()`, `.promotion()`. Each borrows the [`Engine`] and owns one
//! subsystem's operations, so a client reaches the engine by domain instead of through one
//! flat list of methods; the [`Engine`] itself keeps only what every domain shares (the
//! workspace, credentials, the venue runtime, checks and alerts).
//!
//! [`Engine`]: crate::engine::Engine

pub mod automation;
pub mod data;
pub mod execution;
pub mod incidents;
pub mod live;
pub mod notify;
pub mod paper;
pub mod pretrade;
pub mod promotion;
pub mod research;
pub mod signals;
pub mod venues;

pub use data::Data;
pub use execution::corridors::{pending_intent, ConfirmedSend, Connection, CorridorDetail, RecentFill};
pub use execution::poll::{CorridorPoll, CorridorPollReport};
pub use execution::{CorridorSnapshot, CorridorSummary, Execution};
pub use incidents::Incidents;
pub use live::Live;
pub use notify::Notify;
pub use paper::Paper;
pub use pretrade::Pretrade;
pub use promotion::Promotion;
pub use research::Research;
pub use signals::Signals;
pub use venues::{CredentialName, StreamEnd, Venues};
