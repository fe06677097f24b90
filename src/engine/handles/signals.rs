//! `engine.signals()`: intake, list, show, triage again, research, and the rules in force.

use crate::engine::data::catalog;
use crate::engine::error::Result;
use crate::engine::research::ProgressTracker;
use crate::engine::signals::error::SignalError;
use crate::engine::signals::rules::{self, Loaded};
use crate::engine::signals::store::{self, Record, SignalRow, Triage};
use crate::engine::signals::{intake, research, triage, Decision, IntakeReport, StatusFilter, Verdict};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::Engine;

/// Signal intake, triage, research and the rules in force.
#[derive(Clone, Copy)]
pub struct Signals<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Signal intake, triage, research and the rules in force.
    pub fn signals(&self) -> Signals<'_> {
        Signals { engine: self }
    }
}

impl Signals<'_> {
    /// Take in the signals of `text` (`source` names it in messages: a file, or `-`).
    pub fn intake(&self, source: &str, text: &str) -> Result<IntakeReport> {
        intake::intake(self.engine.workspace(), source, text, now_ms())
    }

    /// Every signal, high priority first, optionally one status only.
    pub fn list(&self, status: Option<StatusFilter>) -> Result<Vec<SignalRow>> {
        let records = store::list(self.engine.workspace())?;
        Ok(records.iter().map(Record::row).filter(|r| status.is_none_or(|s| s.matches(r))).collect())
    }

    /// One signal with its triage and latest verdict, by id or unique prefix.
    pub fn show(&self, id: &str) -> Result<Record> {
        store::load(self.engine.workspace(), id)
    }

    /// Triage again with today's rules, data and time: one signal, or all of them.
    pub fn triage(&self, id: Option<&str>) -> Result<Vec<SignalRow>> {
        let ws = self.engine.workspace();
        let records = match id {
            Some(id) => vec![store::load(ws, id)?],
            None => store::list(ws)?,
        };
        let rules = rules::load_or_init(ws)?;
        let data = catalog::list(ws)?;
        let now = now_ms();
        records
            .into_iter()
            .map(|mut r| {
                r.triage = retriage(&r, &data, &rules, now);
                store::write_triage(ws, &r.triage)?;
                Ok(r.row())
            })
            .collect()
    }

    /// Research a signal (triaged again first): its sweeps, walk-forwards and verdict. Only a
    /// `test` signal is researched; anything else is refused (exit 3) with its reason.
    pub fn research(&self, id: &str) -> Result<Verdict> {
        self.research_tracked(id, &ProgressTracker::new())
    }

    /// [`research`](Self::research), reporting each sweep's combinations and each walk-forward's
    /// folds into `progress` as they are done (a console reads it from another thread).
    pub fn research_tracked(&self, id: &str, progress: &ProgressTracker) -> Result<Verdict> {
        let ws = self.engine.workspace();
        let mut r = store::load(ws, id)?;
        let rules = rules::load_or_init(ws)?;
        r.triage = retriage(&r, &catalog::list(ws)?, &rules, now_ms());
        store::write_triage(ws, &r.triage)?;
        let a = &r.triage.assessment;
        if a.decision != Decision::Test {
            return Err(SignalError::NotForResearch {
                id: r.signal.signal.signal_id.clone(),
                decision: a.decision.name(),
                reason: a.reason.clone(),
            }
            .into());
        }
        let v = research::run(ws, &r.signal, a, &rules, progress)?;
        store::write_verdict(ws, &v)?;
        Ok(v)
    }

    /// The rules in force (written with the defaults if the workspace has none yet).
    pub fn rules(&self) -> Result<Loaded> {
        rules::load_or_init(self.engine.workspace())
    }
}

fn retriage(r: &Record, data: &[catalog::DatasetMeta], rules: &Loaded, now: i64) -> Triage {
    let a = triage::assess(&r.signal.signal, data, &rules.rules, now);
    Triage::new(&r.signal.signal.signal_id, fmt_ms(now), a, rules.source.clone())
}
