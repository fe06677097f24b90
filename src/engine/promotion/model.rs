//! The promotion board's plain data: the stages a candidate climbs and one line of a gate.
//! Here, apart from the code that computes them, because the console's typed-confirmation gate
//! (`engine::gate`) carries both and must import nothing that consumes its witness.

use serde::{Deserialize, Serialize};

use crate::engine::execution::model::CorridorId;

/// One promotion as the dialog shows it and its witness and confirmation carry it: which
/// candidate, from which stage to which, and where (a live stage's corridor; none: everywhere).
/// Plain data anyone may write: what it names is promoted only through a
/// `PromotionConfirmation`, which only the dialog's witness makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionTarget {
    pub candidate: String,
    pub from: Stage,
    pub to: Stage,
    pub corridor: Option<CorridorId>,
}

/// research -> paper -> micro_live -> supervised_live -> automation. The first two hold for a
/// candidate everywhere; the live stages are held per corridor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Research,
    Paper,
    MicroLive,
    SupervisedLive,
    Automation,
}

impl Stage {
    pub const ALL: [Stage; 5] =
        [Stage::Research, Stage::Paper, Stage::MicroLive, Stage::SupervisedLive, Stage::Automation];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Research => "research",
            Stage::Paper => "paper",
            Stage::MicroLive => "micro_live",
            Stage::SupervisedLive => "supervised_live",
            Stage::Automation => "automation",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.name() == s)
    }

    /// The stage a promotion leads to; none after automation.
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| *s > self)
    }

    /// The stage a demotion leads to; none below research.
    pub fn prev(self) -> Option<Stage> {
        Stage::ALL.into_iter().rev().find(|s| *s < self)
    }

    /// Held per corridor (a live stage), rather than for the candidate everywhere.
    pub fn is_live(self) -> bool {
        self >= Stage::MicroLive
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One line of the gate to a stage: what was checked, whether it passed, what was found, and
/// the ids of the artifacts it read (sweeps, walk-forwards, sessions, reports, incidents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateLine {
    /// The stage this line gates (`paper` for research's evidence, ...).
    pub gate: Stage,
    /// What is checked, a stable name (`sweep_rank`, `replay_parity`, ...).
    pub item: String,
    pub passed: bool,
    pub detail: String,
    pub artifacts: Vec<String>,
}

impl GateLine {
    pub fn new(
        gate: Stage,
        item: &str,
        passed: bool,
        detail: impl Into<String>,
        artifacts: Vec<String>,
    ) -> Self {
        GateLine { gate, item: item.into(), passed, detail: detail.into(), artifacts }
    }

    /// `ok|FAIL gate item detail [artifacts]`: how the CLI and the console print it.
    pub fn text(&self) -> String {
        let mark = if self.passed { "ok  " } else { "FAIL" };
        let arts = if self.artifacts.is_empty() {
            String::new()
        } else {
            format!(" [{}]", self.artifacts.join(", "))
        };
        format!("{mark} {} {} {}{arts}", self.gate, self.item, self.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_climb_in_order_and_parse_back() {
        assert_eq!(Stage::Research.next(), Some(Stage::Paper));
        assert_eq!(Stage::SupervisedLive.next(), Some(Stage::Automation));
        assert_eq!(Stage::Automation.next(), None);
        assert_eq!(Stage::MicroLive.prev(), Some(Stage::Paper));
        assert_eq!(Stage::Research.prev(), None);
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.name()), Some(s));
        }
        assert!(Stage::MicroLive.is_live() && !Stage::Paper.is_live());
        assert_eq!(Stage::parse("micro"), None);
    }
}
