//! The keypress gate: the only way a live order is approved, and the only way a candidate is
//! promoted. A key read from the terminal ([`input`]) reaches the order confirm dialog's state
//! ([`OrderGate`]), whose handler alone makes a [`KeypressWitness`]; the execution boundary
//! turns that witness into a [`Confirmation`](crate::engine::execution::Confirmation) and
//! nothing else can. The Promotion tab's typed confirmation ([`PromotionGate`]) does the same
//! for a [`PromotionWitness`] and the promotion board's `PromotionConfirmation`, and the grant
//! dialog ([`GrantGate`]) for a [`GrantWitness`] and automation's `GrantConfirmation`.
//!
//! It lives in the engine, not the console, because Rust's privacy is per module: the type
//! whose constructor is sealed must be declared where its one maker is, and the engine must
//! not import the console. The console draws an [`OrderGate`] and maps its keymap onto
//! [`GateAction`]s; it cannot make a witness or a terminal key.

mod grant_gate;
pub mod input;
mod order_gate;
mod pending;
mod promotion_gate;
mod typed;

pub use grant_gate::{GrantGate, GrantOutcome, GrantWitness};
pub use input::{Input, Origin, TerminalKey};
pub use order_gate::{GateAction, GateOutcome, KeypressWitness, OrderGate, DWELL};
pub use pending::PendingIntent;
pub use promotion_gate::{PromotionAction, PromotionGate, PromotionOutcome, PromotionWitness};
