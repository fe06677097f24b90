//! The engine's sub-handles: `engine.research()`, ... Each borrows the [`Engine`] and owns one
//! subsystem's operations, so a client reads the engine by domain instead of through one flat
//! list of methods.
//!
//! [`Engine`]: crate::engine::Engine

pub mod research;

pub use research::Research;
