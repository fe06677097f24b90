//! Everything that is not drawing. The CLI and the console are two clients of [`Engine`].

pub mod alerts;
pub mod backtest;
pub mod check;
pub mod config;
pub mod contract;
pub mod data;
pub mod demo;
pub mod error;
mod error_kinds;
pub mod execution;
pub mod gate;
pub mod handles;
pub mod indicator_spec;
pub mod indicators;
pub mod loopback;
pub mod paper;
pub mod pretrade;
pub mod read;
pub mod research;
pub mod runtime;
pub mod runtime_error;
pub mod secrets;
pub mod signals;
pub mod strategy;
pub mod time;
pub mod venues;
pub mod workspace;
pub mod workspace_error;

#[cfg(test)]
mod module_graph;

mod api;

pub use handles::{
    ConfirmedSend, CorridorDetail, CorridorPoll, CorridorPollReport, CorridorSnapshot, CorridorSummary,
    CredentialName,
};

pub use api::Engine;
pub use error::{Error, ErrorKind, Result};
pub use runtime::VenueRuntime;
