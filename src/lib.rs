//! QuantLab: research, paper trading and supervised live execution from one binary.
//!
//! [`engine`] holds everything that is not drawing; [`cli`] (scripts) and [`tui`] (the
//! operator console) are its two clients.

pub mod cli;
pub mod engine;
pub mod tui;
