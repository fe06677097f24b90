//! QuantLab: research, paper trading and supervised live execution from one binary.
//!
//! [`engine`] holds everything that is not drawing; [`cli`] (scripts) and [`tui`] (the
//! operator console) are its two clients.

pub mod cli;
pub mod engine;
pub mod tui;

/// Proof that the order confirm dialog's confirm key was pressed on the intent it showed:
/// made only by the dialog's key handler (`engine::gate`), demanded by the engine to make a
/// live [`Confirmation`](engine::execution::Confirmation). Kept at the crate root for scripts
/// and tests that name it.
pub use engine::gate::KeypressWitness;
