//! QuantLab: research, paper trading and supervised live execution from one binary.
//!
//! [`engine`] holds everything that is not drawing; [`cli`] is its scripting client.

pub mod cli;
pub mod engine;
