//! Research signal intake (docs/signals.md): structured hypotheses from upstream desks are
//! validated, stored, triaged by rules the workspace holds, and routed to research that ends
//! in a verdict. An intake never trades, never changes a policy and never waits on its sender.

pub mod error;
inner_modules! {
    contract,
    goal,
    intake,
    research,
    rules,
    store,
    triage,
    verdict,
}

pub use contract::parse_time;
pub use contract::{Bias, HypothesisType, Priority, Signal};
pub use intake::IntakeReport;
pub use intake::Outcome as IntakeOutcome;
pub use store::{Record, SignalRow};
pub use triage::Decision;
pub use verdict::{Verdict, VerdictKind};

use crate::engine::error::Result;

/// What `signals list --status` selects: a decision, a verdict, or `untested` (a `test`
/// signal without a verdict yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Decision(Decision),
    Verdict(VerdictKind),
    Untested,
}

impl StatusFilter {
    pub const NAMES: [&'static str; 7] =
        ["test", "needs_data", "ignore", "untested", "supported", "not_supported", "inconclusive"];

    pub fn parse(s: &str) -> Result<StatusFilter> {
        Ok(match s {
            "test" => StatusFilter::Decision(Decision::Test),
            "needs_data" => StatusFilter::Decision(Decision::NeedsData),
            "ignore" => StatusFilter::Decision(Decision::Ignore),
            "untested" => StatusFilter::Untested,
            "supported" => StatusFilter::Verdict(VerdictKind::Supported),
            "not_supported" => StatusFilter::Verdict(VerdictKind::NotSupported),
            "inconclusive" => StatusFilter::Verdict(VerdictKind::Inconclusive),
            _ => {
                let (status, valid) = (s.to_string(), StatusFilter::NAMES.join(", "));
                return Err(error::SignalError::UnknownStatus { status, valid }.into());
            }
        })
    }

    pub fn matches(self, r: &SignalRow) -> bool {
        match self {
            StatusFilter::Decision(d) => r.decision == d,
            StatusFilter::Verdict(v) => r.verdict == Some(v),
            StatusFilter::Untested => r.decision == Decision::Test && r.verdict.is_none(),
        }
    }
}
