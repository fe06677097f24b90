//! `engine.research()`: runs, sweeps and their read models.

use std::path::Path;

use crate::engine::error::Result;
use crate::engine::read::{RunDetail, SweepGrid, TradeTable};
use crate::engine::research::compare::{compare, Comparison};
use crate::engine::research::index::{self, IndexEntry, RebuildOutcome};
use crate::engine::research::portfolio::{self, PortfolioDetail, PortfolioRequest};
use crate::engine::research::query::{select, Query};
use crate::engine::research::sweep::{self, Progress, SweepReport, SweepRequest, SweepSummary};
use crate::engine::research::walkforward::{self, WalkForwardReport, WalkForwardRequest};
use crate::engine::research::{run, ResearchError, RunReport, RunRequest};
use crate::engine::strategy::{catalogue, StrategyInfo};
use crate::engine::workspace::read_json;
use crate::engine::Engine;

/// Research over one engine's workspace.
#[derive(Clone, Copy)]
pub struct Research<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Runs, sweeps and what they look like to a reader.
    pub fn research(&self) -> Research<'_> {
        Research { engine: self }
    }
}

impl Research<'_> {
    pub fn strategies(&self) -> Vec<StrategyInfo> {
        catalogue()
    }

    pub fn run(&self, req: &RunRequest) -> Result<RunReport> {
        run(self.engine.workspace(), req)
    }

    pub fn list_runs(&self, q: &Query) -> Result<Vec<IndexEntry>> {
        select(&index::load(self.engine.workspace())?.runs, q)
    }

    /// A run's report by id, unique id prefix, or unique prefix of its hash (the console's
    /// short id, `ab12cd` for `run_20260125T120000Z_ab12cd34`).
    pub fn show_run(&self, id: &str) -> Result<RunReport> {
        let full = self.resolve_run_id(id)?;
        read_json(&self.engine.workspace().run_dir(&full).join("report.json"))
    }

    pub fn compare_runs(&self, ids: &[String]) -> Result<Comparison> {
        let reports = ids.iter().map(|i| self.show_run(i)).collect::<Result<Vec<_>>>()?;
        compare(&reports)
    }

    pub fn sweep(&self, req: &SweepRequest, progress: Progress) -> Result<SweepReport> {
        sweep::sweep(self.engine.workspace(), req, progress)
    }

    pub fn merge_sweeps(&self, dirs: &[std::path::PathBuf]) -> Result<SweepReport> {
        sweep::merge(self.engine.workspace(), dirs)
    }

    pub fn list_sweeps(&self) -> Result<Vec<SweepSummary>> {
        sweep::list(self.engine.workspace())
    }

    pub fn show_sweep(&self, id: &str) -> Result<SweepReport> {
        sweep::load(self.engine.workspace(), id)
    }

    pub fn walkforward(
        &self,
        req: &WalkForwardRequest,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<WalkForwardReport> {
        walkforward::walkforward(self.engine.workspace(), req, progress)
    }

    /// Combine runs; returns the run-like report and the portfolio detail.
    pub fn portfolio(&self, req: &PortfolioRequest) -> Result<(RunReport, PortfolioDetail)> {
        let report = portfolio::portfolio(self.engine.workspace(), req, &|id| self.show_run(id))?;
        let detail = portfolio::detail(self.engine.workspace(), &report.run_id)?;
        Ok((report, detail))
    }

    /// Write the HTML tearsheet of a run, portfolio or sweep; returns the file written.
    pub fn html_report(&self, id: &str, out: Option<&Path>) -> Result<std::path::PathBuf> {
        crate::engine::research::html_report::write_report(self.engine.workspace(), id, out, &|i| {
            self.show_run(i)
        })
    }

    pub fn rebuild_index(&self) -> Result<RebuildOutcome> {
        index::rebuild(self.engine.workspace())
    }

    fn resolve_run_id(&self, id: &str) -> Result<String> {
        if self.engine.workspace().run_dir(id).join("report.json").exists() {
            return Ok(id.to_string());
        }
        let runs = index::load(self.engine.workspace())?.runs;
        let mut hits: Vec<&IndexEntry> = runs.iter().filter(|r| r.run_id.starts_with(id)).collect();
        if hits.is_empty() {
            // The console's short id: the first digits of the id's last part, its hash.
            let hash_of = |r: &&IndexEntry| r.run_id.rsplit_once('_').is_some_and(|(_, h)| h.starts_with(id));
            hits = runs.iter().filter(hash_of).collect();
        }
        match hits.as_slice() {
            [one] => Ok(one.run_id.clone()),
            [] => Err(ResearchError::NoRun { id: id.into(), dir: self.engine.workspace().runs_dir() }.into()),
            many => Err(ResearchError::Ambiguous { id: id.into(), count: many.len(), what: "runs" }.into()),
        }
    }
    /// A run (by id or unique id prefix) with its series, at most `trade_limit` trades and its
    /// configuration rows.
    pub fn run_detail(&self, id: &str, trade_limit: Option<usize>) -> Result<RunDetail> {
        let report = self.engine.research().show_run(id)?;
        RunDetail::read(self.engine.workspace(), report, trade_limit)
    }

    /// A run's trade list, at most `limit` rows (the total counts them all).
    pub fn trades(&self, id: &str, limit: Option<usize>) -> Result<TradeTable> {
        let report = self.engine.research().show_run(id)?;
        match &report.artifacts.trades_csv {
            Some(p) => TradeTable::read(&self.engine.workspace().root().join(p), limit),
            None => Ok(TradeTable::default()),
        }
    }

    /// A sweep's objective over its grid, and its ranking.
    pub fn sweep_grid(&self, id: &str) -> Result<SweepGrid> {
        Ok(SweepGrid::of(&self.engine.research().show_sweep(id)?))
    }
}
