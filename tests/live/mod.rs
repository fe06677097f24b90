//! Live strategy sessions: a strategy's target changes becoming intents that wait for the
//! keypress, missed approvals, the venue's position as the only truth, and the refusals.

mod cli;
mod e2e;
mod e2e_restart;
mod portfolio;
mod sessions;
