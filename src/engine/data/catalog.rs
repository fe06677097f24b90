//! The datasets stored in the workspace: import, list, resolve by id, resample.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::bars::Bars;
use super::cache::{cache_path, file_cache_path, read as read_cache, write as write_cache, Stamp};
use super::error::DataError;
use super::load::{load_file, load_file_with, LoadOptions};
use super::store::{fingerprint, read_bars, write_bars};
use crate::engine::contract::{make_id, CONTRACT_VERSION, DATASET_SCHEMA};
use crate::engine::error::Result;
use crate::engine::time::{fmt_ms, fmt_timeframe, now_ms, parse_timeframe, weekday};
use crate::engine::workspace::{read_json, write_json, Workspace};

/// `data/<id>/dataset.json`: what a stored dataset is and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetMeta {
    pub schema: String,
    pub schema_version: u32,
    pub id: String,
    pub symbol: String,
    pub timeframe: String,
    pub rows: usize,
    pub first: String,
    pub last: String,
    pub fingerprint: String,
    /// `24/7` when any bar falls on a weekend, else `weekdays` (sets periods per year).
    pub calendar: String,
    pub source_path: String,
    pub source_format: String,
    /// The dataset this one was resampled from, if any.
    pub parent: Option<String>,
    pub notes: Vec<String>,
    pub created_at: String,
    /// Relative to the workspace root.
    pub path: String,
}

/// Bars ready for a run, whether from the catalogue or straight from a file.
#[derive(Debug, Clone)]
pub struct ResolvedData {
    pub bars: Bars,
    pub id: Option<String>,
    pub path: String,
    pub symbol: String,
    pub timeframe_ms: i64,
    pub fingerprint: String,
    pub weekend_bars: bool,
}

pub fn has_weekend_bars(bars: &Bars) -> bool {
    bars.ts.iter().any(|&t| weekday(t) >= 5)
}

fn calendar(bars: &Bars) -> &'static str {
    if has_weekend_bars(bars) {
        "24/7"
    } else {
        "weekdays"
    }
}

fn check_symbol(symbol: &str) -> Result<()> {
    let ok = !symbol.is_empty()
        && symbol.len() <= 32
        && symbol.chars().all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c));
    if ok {
        Ok(())
    } else {
        Err(DataError::BadSymbol(symbol.into()).into())
    }
}

/// Refuse bars closer together than the declared timeframe (gaps are fine: weekends, halts).
fn check_spacing(source: &str, bars: &Bars, tf_ms: i64) -> Result<()> {
    for i in 1..bars.len() {
        let d = bars.ts[i].saturating_sub(bars.ts[i - 1]);
        if d < tf_ms {
            let problem = format!(
                "bars at {} and {} are {} apart, closer than the timeframe {}",
                fmt_ms(bars.ts[i - 1]),
                fmt_ms(bars.ts[i]),
                fmt_timeframe(d),
                fmt_timeframe(tf_ms)
            );
            return Err(DataError::Series { file: source.into(), problem }.into());
        }
    }
    Ok(())
}

/// The most common spacing between bars: the timeframe of a file imported without one.
pub fn infer_timeframe(bars: &Bars) -> i64 {
    let mut deltas: Vec<i64> = bars.ts.windows(2).map(|w| w[1].saturating_sub(w[0])).collect();
    deltas.sort_unstable();
    let (mut best, mut best_n, mut i) = (crate::engine::time::MS_PER_DAY, 0, 0);
    while i < deltas.len() {
        let j = deltas[i..].partition_point(|&d| d == deltas[i]) + i;
        if j - i > best_n {
            (best, best_n) = (deltas[i], j - i);
        }
        i = j;
    }
    best
}

fn dataset_dir(ws: &Workspace, id: &str) -> PathBuf {
    ws.data_dir().join(id)
}

/// Import a CSV or Parquet file as a normalized dataset. Importing the same bars again under
/// the same symbol and timeframe returns the existing dataset instead of a copy.
pub fn import(
    ws: &Workspace,
    file: &Path,
    symbol: &str,
    timeframe: &str,
    opts: &LoadOptions,
) -> Result<(DatasetMeta, bool)> {
    check_symbol(symbol)?;
    let tf_ms = parse_timeframe(timeframe)?;
    let loaded = load_file_with(file, opts)?;
    let source = file.display().to_string();
    check_spacing(&source, &loaded.bars, tf_ms)?;
    let fp = fingerprint(&loaded.bars);
    let _lock = ws.lock()?;
    if let Some(existing) = list(ws)?
        .into_iter()
        .find(|m| m.fingerprint == fp && m.symbol == symbol && m.timeframe == fmt_timeframe(tf_ms))
    {
        return Ok((existing, true));
    }
    let meta = store(ws, &loaded.bars, symbol, tf_ms, &source, loaded.format, None, loaded.notes, &fp)?;
    Ok((meta, false))
}

#[allow(clippy::too_many_arguments)]
fn store(
    ws: &Workspace,
    bars: &Bars,
    symbol: &str,
    tf_ms: i64,
    source_path: &str,
    source_format: &str,
    parent: Option<String>,
    notes: Vec<String>,
    fp: &str,
) -> Result<DatasetMeta> {
    let now = now_ms();
    let id = make_id("ds", now, format!("{fp}{symbol}{tf_ms}").as_bytes());
    let dir = dataset_dir(ws, &id);
    let meta = DatasetMeta {
        schema: DATASET_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        id: id.clone(),
        symbol: symbol.into(),
        timeframe: fmt_timeframe(tf_ms),
        rows: bars.len(),
        first: fmt_ms(bars.ts[0]),
        last: fmt_ms(*bars.ts.last().expect("non-empty")),
        fingerprint: fp.into(),
        calendar: calendar(bars).into(),
        source_path: source_path.into(),
        source_format: source_format.into(),
        parent,
        notes,
        created_at: fmt_ms(now),
        path: format!("data/{id}/bars.parquet"),
    };
    // Bars first, metadata last: a dataset is listed only once its data is complete.
    let parquet = dir.join("bars.parquet");
    write_bars(&parquet, bars)?;
    // The fingerprint was just computed from these bars: the cache vouches for it from now on.
    write_cache(&parquet, Stamp::of(&parquet), &cache_path(&parquet), bars, fp);
    write_json(&dir.join("dataset.json"), &meta)?;
    Ok(meta)
}

/// Every stored dataset, oldest first. Folders without valid metadata are skipped.
pub fn list(ws: &Workspace) -> Result<Vec<DatasetMeta>> {
    let dir = ws.data_dir();
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<DatasetMeta> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| read_json::<DatasetMeta>(&e.path().join("dataset.json")).ok())
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// Find one dataset by id, unique id prefix, or `SYMBOL:TIMEFRAME` (newest wins).
pub fn find(ws: &Workspace, spec: &str) -> Result<DatasetMeta> {
    let all = list(ws)?;
    if let Some(m) = all.iter().find(|m| m.id == spec) {
        return Ok(m.clone());
    }
    if let Some((sym, tf)) = spec.split_once(':') {
        if let Some(m) = all.iter().rev().find(|m| m.symbol.eq_ignore_ascii_case(sym) && m.timeframe == tf) {
            return Ok(m.clone());
        }
    }
    let prefixed: Vec<&DatasetMeta> = all.iter().filter(|m| m.id.starts_with(spec)).collect();
    match prefixed.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(DataError::NoDataset {
            spec: spec.into(),
            known: if all.is_empty() {
                "none (import one with `quantlab data import`)".to_string()
            } else {
                all.iter()
                    .map(|m| format!("{} ({}:{})", m.id, m.symbol, m.timeframe))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        }
        .into()),
        many => Err(DataError::AmbiguousDataset {
            spec: spec.into(),
            ids: many.iter().map(|m| m.id.clone()).collect(),
        }
        .into()),
    }
}

/// Load bars for a run: a catalogue dataset (id, prefix or SYMBOL:TF) or a CSV/Parquet path.
pub fn resolve(ws: &Workspace, spec: &str) -> Result<ResolvedData> {
    let as_path = Path::new(spec);
    let looks_like_file = as_path.extension().is_some_and(|e| {
        matches!(e.to_str().map(str::to_ascii_lowercase).as_deref(), Some("csv" | "parquet" | "pq" | "txt"))
    });
    if looks_like_file {
        let (bars, fp) = load_direct(ws, as_path)?;
        let symbol = as_path.file_stem().and_then(|s| s.to_str()).unwrap_or("data").to_string();
        return Ok(ResolvedData {
            fingerprint: fp,
            timeframe_ms: infer_timeframe(&bars),
            weekend_bars: has_weekend_bars(&bars),
            bars,
            id: None,
            path: spec.to_string(),
            symbol,
        });
    }
    let meta = find(ws, spec)?;
    let path = ws.root().join(&meta.path);
    // The fingerprint was verified when the cache was written; an unchanged Parquet and a cache
    // that passes its checksum are trusted without hashing 48 bytes a bar again.
    let bars = match read_cache(&path, &cache_path(&path), Some(&meta.fingerprint)) {
        Some((bars, _)) => bars,
        None => read_verified(ws, &meta, &path)?,
    };
    let fp = meta.fingerprint.clone();
    Ok(ResolvedData {
        weekend_bars: meta.calendar == "24/7",
        timeframe_ms: parse_timeframe(&meta.timeframe)?,
        bars,
        id: Some(meta.id),
        path: meta.path,
        symbol: meta.symbol,
        fingerprint: fp,
    })
}

/// A file a run reads directly, and its fingerprint: from the workspace's cache of that file
/// while the file keeps its size and modification time, else loaded, validated and hashed
/// (and cached for the next run).
fn load_direct(ws: &Workspace, file: &Path) -> Result<(Bars, String)> {
    let cache = file_cache_path(ws.root(), file);
    if let Some(found) = cache.as_ref().and_then(|c| read_cache(file, c, None)) {
        return Ok(found);
    }
    let read_at = Stamp::of(file);
    let bars = load_file(file)?.bars;
    let fp = fingerprint(&bars);
    if let Some(c) = &cache {
        write_cache(file, read_at, c, &bars, &fp);
    }
    Ok((bars, fp))
}

/// A stored dataset's bars read from its Parquet and hashed: refused (with an alert) when they
/// no longer match the recorded fingerprint, else cached for the loads after this one.
fn read_verified(ws: &Workspace, meta: &DatasetMeta, path: &Path) -> Result<Bars> {
    let read_at = Stamp::of(path);
    let bars = read_bars(path)?;
    if fingerprint(&bars) != meta.fingerprint {
        let msg =
            format!("dataset {} ({}) no longer matches its recorded fingerprint", meta.id, path.display());
        crate::engine::alerts::raise(
            ws,
            crate::engine::alerts::codes::DATA_FINGERPRINT_MISMATCH,
            &meta.id,
            &msg,
        )?;
        return Err(DataError::FingerprintMismatch { id: meta.id.clone(), path: path.into() }.into());
    }
    write_cache(path, read_at, &cache_path(path), &bars, &meta.fingerprint);
    Ok(bars)
}

/// Re-hash a stored dataset's Parquet whatever its cache says, and rebuild the cache: the
/// check for a file rewritten with its size and modification time kept.
pub fn verify(ws: &Workspace, spec: &str) -> Result<DatasetMeta> {
    let meta = find(ws, spec)?;
    let path = ws.root().join(&meta.path);
    read_verified(ws, &meta, &path)?;
    Ok(meta)
}

/// Aggregate a stored dataset to a coarser timeframe and store the result as a new dataset.
pub fn resample(ws: &Workspace, spec: &str, to: &str) -> Result<(DatasetMeta, bool)> {
    let meta = find(ws, spec)?;
    let from_ms = parse_timeframe(&meta.timeframe)?;
    let to_ms = parse_timeframe(to)?;
    if to_ms <= from_ms || to_ms % from_ms != 0 {
        return Err(DataError::ResampleTarget { from: meta.timeframe, to: to.into() }.into());
    }
    let bars = read_bars(&ws.root().join(&meta.path))?;
    let out = super::resample::resample(&bars, to_ms)?;
    let fp = fingerprint(&out);
    let _lock = ws.lock()?;
    if let Some(existing) = list(ws)?
        .into_iter()
        .find(|m| m.fingerprint == fp && m.symbol == meta.symbol && m.timeframe == fmt_timeframe(to_ms))
    {
        return Ok((existing, true));
    }
    let notes = vec![format!("resampled from {} ({}) to {}", meta.id, meta.timeframe, fmt_timeframe(to_ms))];
    let stored =
        store(ws, &out, &meta.symbol, to_ms, &meta.path, "parquet", Some(meta.id.clone()), notes, &fp)?;
    Ok((stored, false))
}
