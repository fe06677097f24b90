//! Controlled automation inside signed grants (docs/automation.md). A grant, made only by the
//! operator's typed confirmation in the console, lets one promoted candidate's live-session
//! intents on one corridor be approved without a keypress while they fit every limit it names;
//! each such approval is signed by the grant's own automation key and journaled
//! `by: automation <grant id>`. Anything outside a limit waits for the keypress as before. A
//! kill, a halt, a mismatch, a failed audit, a demotion, another policy or the expiry revokes
//! it at once; `quantlab audit verify` checks the chain operator -> grant -> approval.

pub mod error;
pub mod grant;
inner_modules! {
    chain,
    confirm,
    cover,
    key,
    make,
    revoke,
    status,
    store,
}

pub use confirm::GrantConfirmation;
pub use cover::{Ask, GrantCover, NotCovered};
pub use error::AutomationError;
pub use grant::{Grant, GrantLimits, GrantTarget};
pub use revoke::GrantView;
pub use status::GrantState;
