//! `engine.research()`: runs, sweeps and their read models.

use crate::engine::error::Result;
use crate::engine::read::{RunDetail, SweepGrid, TradeTable};
use crate::engine::Engine;

/// Research over one engine's workspace.
#[derive(Clone, Copy)]
pub struct Research<'e> {
    engine: &'e Engine,
}

impl Engine {
    /// Runs, sweeps and what they look like to a reader.
    pub fn research(&self) -> Research<'_> {
        Research { engine: self }
    }
}

impl Research<'_> {
    /// A run (by id or unique id prefix) with its series, at most `trade_limit` trades and its
    /// configuration rows.
    pub fn run_detail(&self, id: &str, trade_limit: Option<usize>) -> Result<RunDetail> {
        let report = self.engine.show_run(id)?;
        RunDetail::read(self.engine.workspace(), report, trade_limit)
    }

    /// A run's trade list, at most `limit` rows (the total counts them all).
    pub fn trades(&self, id: &str, limit: Option<usize>) -> Result<TradeTable> {
        let report = self.engine.show_run(id)?;
        match &report.artifacts.trades_csv {
            Some(p) => TradeTable::read(&self.engine.workspace().root().join(p), limit),
            None => Ok(TradeTable::default()),
        }
    }

    /// A sweep's objective over its grid, and its ranking.
    pub fn sweep_grid(&self, id: &str) -> Result<SweepGrid> {
        Ok(SweepGrid::of(&self.engine.show_sweep(id)?))
    }
}
