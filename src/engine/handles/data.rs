//! `engine.data()`: datasets: import, list, resample, indicators, synthetic series.

use std::path::Path;

use crate::engine::data::catalog::{self, DatasetMeta};
use crate::engine::data::{store, synth, DataError};
use crate::engine::error::Result;
use crate::engine::indicator_spec::{compute, IndicatorSpec};
use crate::engine::time::{fmt_ms, parse_timeframe};
use crate::engine::workspace::write_atomic;
use crate::engine::Engine;

/// Datasets: import, list, resample, indicators, synthetic series.
#[derive(Clone, Copy)]
pub struct Data<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Datasets: import, list, resample, indicators, synthetic series.
    pub fn data(&self) -> Data<'_> {
        Data { engine: self }
    }
}

impl Data<'_> {
    pub fn import(&self, file: &Path, symbol: &str, timeframe: &str) -> Result<(DatasetMeta, bool)> {
        self.import_with(file, symbol, timeframe, &Default::default())
    }

    /// [`Engine::import_data`] with loader options (`--allow-any-date`).
    pub fn import_with(
        &self,
        file: &Path,
        symbol: &str,
        timeframe: &str,
        opts: &crate::engine::data::load::LoadOptions,
    ) -> Result<(DatasetMeta, bool)> {
        catalog::import(self.engine.workspace(), file, symbol, timeframe, opts)
    }

    pub fn list(&self) -> Result<Vec<DatasetMeta>> {
        catalog::list(self.engine.workspace())
    }

    /// Re-hash a stored dataset's bars against its recorded fingerprint, whatever its cache
    /// says (a run trusts an unchanged file), and rebuild the cache.
    pub fn verify(&self, id: &str) -> Result<DatasetMeta> {
        catalog::verify(self.engine.workspace(), id)
    }

    pub fn resample(&self, id: &str, to: &str) -> Result<(DatasetMeta, bool)> {
        catalog::resample(self.engine.workspace(), id, to)
    }

    /// Write `timestamp` plus one column per indicator output to `out` (CSV). Returns the
    /// column names and the row count.
    pub fn indicators(&self, data: &str, specs: &[String], out: &Path) -> Result<(Vec<String>, usize)> {
        if specs.is_empty() {
            return Err(crate::engine::strategy::StrategyError::NoIndicator.into());
        }
        let parsed = specs.iter().map(|s| IndicatorSpec::parse(s)).collect::<Result<Vec<_>>>()?;
        let d = catalog::resolve(self.engine.workspace(), data)?;
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
    pub fn synth(&self, out: &Path, bars: usize, timeframe: &str, seed: u64) -> Result<()> {
        let tf = parse_timeframe(timeframe)?;
        if bars == 0 {
            return Err(DataError::SynthBars.into());
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
            _ => Err(DataError::SynthFormat(out.into()).into()),
        }
    }
}
