//! Research: runs and their artifacts, the runs index, queries, comparison, sweeps.

pub mod artifacts;
pub mod compare;
pub mod index;
pub mod portfolio;
pub mod query;
pub mod report;
pub mod run;
pub mod sweep;
pub mod walkforward;

pub use report::{RunReport, RunStatus};
pub use run::{run, RunRequest};
