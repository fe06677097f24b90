//! Everything that is not drawing. The CLI and the console are two clients of [`Engine`].
//!
//! The facade is the [`Engine`], its handles (`engine.research()`, `.execution()`, ...) and the
//! view and request types each domain re-exports at its root (`engine::execution::CorridorId`).
//! A domain's inner modules are declared with `inner_modules!`: public only with the
//! `internals` feature (the tests' and benches'), so the console and the CLI cannot name them.

/// Declares a domain's inner modules: `pub` with the `internals` feature, visible only inside
/// the engine without it. Without the feature, what only the tests and benches use (the fake
/// venue's controls, signing helpers checked against the venues' vectors) is unused, and is
/// allowed to be: the test build, which has the feature, still reports unused private code.
macro_rules! inner_modules {
    ($($name:ident),* $(,)?) => {$(
        #[cfg(feature = "internals")]
        pub mod $name;
        #[cfg(not(feature = "internals"))]
        #[allow(dead_code, unused_imports)]
        pub(in crate::engine) mod $name;
    )*};
}

pub mod alerts;
pub mod automation;
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
pub mod incidents;
pub mod indicator_spec;
pub mod indicators;
pub mod live;
pub mod loopback;
pub mod notify;
pub mod paper;
pub mod pretrade;
pub mod promotion;
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
