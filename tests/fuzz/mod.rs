//! Fuzzing the parsers that read outside input (docs/fuzzing.md).

pub mod harness;
pub mod mutate;

mod config;
mod data;
mod request;
mod signals;
mod venues;
