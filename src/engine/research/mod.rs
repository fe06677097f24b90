//! Research: runs and their artifacts, the runs index, queries and comparison.

pub mod artifacts;
pub mod compare;
pub mod index;
pub mod query;
pub mod report;
pub mod run;

pub use report::{RunReport, RunStatus};
pub use run::{run, RunRequest};
