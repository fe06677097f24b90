//! Fuzzing the parsers that read outside input (docs/fuzzing.md).

pub mod harness;
pub mod mutate;

mod cache;
mod config;
mod data;
mod regressions;
mod request;
mod shards;
mod signals;
mod venues;
