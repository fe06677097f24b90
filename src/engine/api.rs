//! The engine handle: one entry point per capability, shared by the CLI and the console.

use std::path::Path;

use crate::engine::alerts::{self, AlertView};
use crate::engine::check::{run_checks, CheckLine};
use crate::engine::data::catalog::{self, DatasetMeta};
use crate::engine::data::{store, synth};
use crate::engine::error::{Error, Result};
use crate::engine::execution::adapter_factory::AdapterFactory;
use crate::engine::indicator_spec::{compute, IndicatorSpec};
use crate::engine::research::compare::{compare, Comparison};
use crate::engine::research::index::{self, IndexEntry, RebuildOutcome};
use crate::engine::research::portfolio::{self, PortfolioDetail, PortfolioRequest};
use crate::engine::research::query::{select, Query};
use crate::engine::research::sweep::{self, Progress, SweepReport, SweepRequest, SweepSummary};
use crate::engine::research::walkforward::{self, WalkForwardReport, WalkForwardRequest};
use crate::engine::research::{run, RunReport, RunRequest};
use crate::engine::runtime::VenueRuntime;
use crate::engine::strategy::{catalogue, StrategyInfo};
use crate::engine::time::{fmt_ms, parse_timeframe};
use crate::engine::venues::factory::VenueAdapters;
use crate::engine::workspace::{read_json, write_atomic, Workspace};

/// Clones share the workspace, the credential store, the adapter factory and the venue runtime:
/// a console hands one to each of its workers.
#[derive(Clone)]
pub struct Engine {
    ws: Workspace,
    credentials: std::sync::Arc<dyn crate::engine::secrets::CredentialStore>,
    /// How execution reaches venues: the venues' own factory unless a test gave another.
    adapters: std::sync::Arc<dyn AdapterFactory>,
    /// The program that runs this engine's paper sessions, when it is not this one.
    runner: Option<std::path::PathBuf>,
    venues: VenueRuntime,
}

impl Engine {
    /// An engine on `ws` whose credentials live in the OS keyring.
    pub fn open(ws: Workspace) -> Engine {
        Engine::with_credentials(ws, std::sync::Arc::new(crate::engine::secrets::KeyringStore))
    }

    /// The same with another credential store (tests use the in-memory one).
    pub fn with_credentials(
        ws: Workspace,
        store: std::sync::Arc<dyn crate::engine::secrets::CredentialStore>,
    ) -> Engine {
        Engine {
            ws,
            credentials: store,
            venues: VenueRuntime::new(),
            adapters: std::sync::Arc::new(VenueAdapters),
            runner: None,
        }
    }

    /// The same engine reaching venues through `adapters` instead of the venues' own
    /// factory (tests put a fake venue behind a live venue's name).
    pub fn with_adapters(mut self, adapters: std::sync::Arc<dyn AdapterFactory>) -> Engine {
        self.adapters = adapters;
        self
    }

    /// The factory execution opens venue adapters with.
    pub fn adapters(&self) -> &std::sync::Arc<dyn AdapterFactory> {
        &self.adapters
    }

    /// The same engine launching its paper sessions' runners with `exe`, a quantlab build, rather
    /// than this program (tests and embedders whose own executable is not quantlab). Unlike
    /// `QUANTLAB_RUNNER`, it is this engine's alone, not the whole process's.
    pub fn with_runner(mut self, exe: impl Into<std::path::PathBuf>) -> Engine {
        self.runner = Some(exe.into());
        self
    }

    /// The runner program [`Engine::with_runner`] chose, if any.
    pub(crate) fn runner(&self) -> Option<&Path> {
        self.runner.as_deref()
    }

    /// The runtime every venue call and stream of this engine (and its clones) runs on.
    pub fn venue_runtime(&self) -> &VenueRuntime {
        &self.venues
    }

    /// Run a venue future to completion on the engine's runtime (see [`VenueRuntime::block_on`]).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> Result<F::Output> {
        self.venues.block_on(f)
    }

    /// Start a stream on the engine's runtime (see [`VenueRuntime::spawn`]).
    pub fn spawn<F>(&self, f: F) -> Result<tokio::task::JoinHandle<F::Output>>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.venues.spawn(f)
    }

    pub fn credentials(&self) -> &dyn crate::engine::secrets::CredentialStore {
        self.credentials.as_ref()
    }

    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    pub fn check(&self) -> Vec<CheckLine> {
        run_checks(&self.ws)
    }

    pub fn import_data(&self, file: &Path, symbol: &str, timeframe: &str) -> Result<(DatasetMeta, bool)> {
        self.import_data_with(file, symbol, timeframe, &Default::default())
    }

    /// [`Engine::import_data`] with loader options (`--allow-any-date`).
    pub fn import_data_with(
        &self,
        file: &Path,
        symbol: &str,
        timeframe: &str,
        opts: &crate::engine::data::load::LoadOptions,
    ) -> Result<(DatasetMeta, bool)> {
        catalog::import(&self.ws, file, symbol, timeframe, opts)
    }

    pub fn list_data(&self) -> Result<Vec<DatasetMeta>> {
        catalog::list(&self.ws)
    }

    pub fn resample_data(&self, id: &str, to: &str) -> Result<(DatasetMeta, bool)> {
        catalog::resample(&self.ws, id, to)
    }

    /// Write `timestamp` plus one column per indicator output to `out` (CSV). Returns the
    /// column names and the row count.
    pub fn indicators(&self, data: &str, specs: &[String], out: &Path) -> Result<(Vec<String>, usize)> {
        if specs.is_empty() {
            return Err(Error::bad_input("give at least one --indicator (e.g. rsi:14)"));
        }
        let parsed = specs.iter().map(|s| IndicatorSpec::parse(s)).collect::<Result<Vec<_>>>()?;
        let d = catalog::resolve(&self.ws, data)?;
        let cols: Vec<(String, Vec<f64>)> = parsed.iter().flat_map(|s| compute(s, &d.bars)).collect();
        let mut text = String::from("timestamp");
        for (name, _) in &cols {
            text.push(',');
            text.push_str(name);
        }
        text.push('\n');
        for i in 0..d.bars.len() {
            text.push_str(&fmt_ms(d.bars.ts[i]));
            for (_, v) in &cols {
                text.push(',');
                // Warm-up values are empty cells, the usual CSV spelling of missing.
                if v[i].is_finite() {
                    text.push_str(&v[i].to_string());
                }
            }
            text.push('\n');
        }
        write_atomic(out, text.as_bytes())?;
        Ok((cols.into_iter().map(|(n, _)| n).collect(), d.bars.len()))
    }

    /// Write a deterministic synthetic series (CSV or Parquet by extension).
    pub fn synth_data(&self, out: &Path, bars: usize, timeframe: &str, seed: u64) -> Result<()> {
        let tf = parse_timeframe(timeframe)?;
        if bars == 0 {
            return Err(Error::bad_input("--bars must be at least 1"));
        }
        // 2020-01-01T00:00:00Z
        let b = synth::random_walk(bars, 1_577_836_800_000, tf, 0.01, seed);
        match out.extension().and_then(|e| e.to_str()) {
            Some("parquet") => store::write_bars(out, &b),
            Some("csv") => {
                let mut s = String::from("timestamp,open,high,low,close,volume\n");
                for i in 0..b.len() {
                    s.push_str(&format!(
                        "{},{},{},{},{},{}\n",
                        fmt_ms(b.ts[i]),
                        b.open[i],
                        b.high[i],
                        b.low[i],
                        b.close[i],
                        b.volume[i]
                    ));
                }
                write_atomic(out, s.as_bytes())
            }
            _ => Err(Error::bad_input(format!("{}: use a .csv or .parquet file name", out.display()))),
        }
    }

    pub fn strategies(&self) -> Vec<StrategyInfo> {
        catalogue()
    }

    pub fn run(&self, req: &RunRequest) -> Result<RunReport> {
        run(&self.ws, req)
    }

    pub fn list_runs(&self, q: &Query) -> Result<Vec<IndexEntry>> {
        select(&index::load(&self.ws)?.runs, q)
    }

    /// A run's report by id or unique id prefix.
    pub fn show_run(&self, id: &str) -> Result<RunReport> {
        let full = self.resolve_run_id(id)?;
        read_json(&self.ws.run_dir(&full).join("report.json"))
    }

    pub fn compare_runs(&self, ids: &[String]) -> Result<Comparison> {
        let reports = ids.iter().map(|i| self.show_run(i)).collect::<Result<Vec<_>>>()?;
        compare(&reports)
    }

    pub fn sweep(&self, req: &SweepRequest, progress: Progress) -> Result<SweepReport> {
        sweep::sweep(&self.ws, req, progress)
    }

    pub fn merge_sweeps(&self, dirs: &[std::path::PathBuf]) -> Result<SweepReport> {
        sweep::merge(&self.ws, dirs)
    }

    pub fn list_sweeps(&self) -> Result<Vec<SweepSummary>> {
        sweep::list(&self.ws)
    }

    pub fn show_sweep(&self, id: &str) -> Result<SweepReport> {
        sweep::load(&self.ws, id)
    }

    pub fn walkforward(
        &self,
        req: &WalkForwardRequest,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<WalkForwardReport> {
        walkforward::walkforward(&self.ws, req, progress)
    }

    /// Combine runs; returns the run-like report and the portfolio detail.
    pub fn portfolio(&self, req: &PortfolioRequest) -> Result<(RunReport, PortfolioDetail)> {
        let report = portfolio::portfolio(&self.ws, req, &|id| self.show_run(id))?;
        let detail = portfolio::detail(&self.ws, &report.run_id)?;
        Ok((report, detail))
    }

    pub fn alerts(&self) -> Result<Vec<AlertView>> {
        alerts::list(&self.ws)
    }

    /// Acknowledge one alert, or all unacknowledged ones with `None`.
    pub fn ack_alerts(&self, id: Option<&str>) -> Result<Vec<String>> {
        alerts::ack(&self.ws, id)
    }

    /// Write the HTML tearsheet of a run, portfolio or sweep; returns the file written.
    pub fn html_report(&self, id: &str, out: Option<&Path>) -> Result<std::path::PathBuf> {
        crate::engine::research::html_report::write_report(&self.ws, id, out, &|i| self.show_run(i))
    }

    pub fn rebuild_index(&self) -> Result<RebuildOutcome> {
        index::rebuild(&self.ws)
    }

    fn resolve_run_id(&self, id: &str) -> Result<String> {
        if self.ws.run_dir(id).join("report.json").exists() {
            return Ok(id.to_string());
        }
        let runs = index::load(&self.ws)?.runs;
        let hits: Vec<&IndexEntry> = runs.iter().filter(|r| r.run_id.starts_with(id)).collect();
        match hits.as_slice() {
            [one] => Ok(one.run_id.clone()),
            [] => Err(Error::not_found(format!("no run '{id}' in {}", self.ws.runs_dir().display()))),
            many => Err(Error::bad_input(format!("'{id}' matches {} runs; give more of the id", many.len()))),
        }
    }
}
