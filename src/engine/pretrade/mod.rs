//! The pre-trade workbench: a trade plan (entry, stop, targets, risk) becomes a position size
//! and its consequences, checked against the execution policy. It plans and checks; it never
//! sends an order (a plan can become a draft intent that waits for approval like any other).
//! docs/pretrade.md has the formulas and a worked example.

pub mod error;
inner_modules! {
    checks,
    compute,
    plan,
}
mod store;
pub mod venue_facts;

pub use compute::{size, Sizing, TargetResult};
pub use error::{PlanProblem, PretradeError};
pub use plan::{EntryKind, FromVenue, Market, PlanInput, Risk, Rules, Target};
pub use store::*;
pub use venue_facts::{Fact, VenueFacts};
