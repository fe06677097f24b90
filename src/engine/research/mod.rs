//! Research: runs and their artifacts, the runs index, queries, comparison, sweeps.

pub mod artifacts;
pub mod chart_scale;
pub mod compare;
pub mod error;
pub mod html_report;
pub mod index;
pub mod portfolio;
pub mod query;
pub mod report;
pub mod run;
pub mod svg;
pub mod sweep;
pub mod tearsheet;
pub mod walkforward;

pub use error::ResearchError;
pub use report::{RunReport, RunStatus};
pub use run::{run, RunRequest};
