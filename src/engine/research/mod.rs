//! Research: runs and their artifacts, the runs index, queries, comparison, sweeps, and the
//! progress of long research while it runs.

pub mod error;
inner_modules! {
    artifacts,
    chart_scale,
    compare,
    html_report,
    index,
    portfolio,
    progress,
    query,
    report,
    run,
    svg,
    sweep,
    tearsheet,
    walkforward,
}

pub use compare::Comparison;
pub use error::ResearchError;
pub use index::IndexEntry;
pub use portfolio::{PortfolioRequest, Rebalance};
pub use progress::{Eta, ProgressTracker, ProgressView};
pub use query::{Filter, Query};
pub use report::{RunReport, RunStatus};
pub use run::{run, RunRequest};
pub use sweep::shard::parse_shard;
pub use sweep::{SweepError, SweepReport, SweepRequest, SweepStatus, SweepSummary};
pub use walkforward::{WalkForwardReport, WalkForwardRequest};
