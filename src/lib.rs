//! QuantLab: research, paper trading and supervised live execution from one binary.
//!
//! [`engine`] holds everything that is not drawing; [`cli`] (scripts) and [`tui`] (the
//! operator console) are its two clients.

pub mod cli;
pub mod engine;
pub mod tui;

/// The console's proof that its order confirm dialog's confirm key was pressed on the intent it
/// showed. Only that dialog's confirm handler can make one (its fields are private to
/// `tui::panes::order_confirm`); the engine demands one to make a live
/// [`Confirmation`](engine::execution::Confirmation). Named here, at the crate root, so the
/// engine requires it without importing the console: it is the one console type the engine
/// names, and it calls nothing there.
pub use tui::panes::order_confirm::KeypressWitness;
