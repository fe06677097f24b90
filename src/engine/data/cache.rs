//! Arrow IPC caches of bars: beside a stored dataset's Parquet (`data/<id>/bars.arrow`), and
//! in the workspace for a file a run reads directly (`cache/files/<hash of its path>.arrow`).
//! The same bars, uncompressed, so a run reads them without decompressing, validating or
//! hashing them again.
//!
//! A cache is written when its bars' fingerprint has just been computed from the source (at
//! import, or by the first load that had to read the source) and vouches for three things in
//! its schema metadata: the source file it was made from (size and modification time), the
//! fingerprint of the bars, and an xxh3 checksum of that fingerprint and the bars it holds. A
//! load uses it only when all three still hold; anything else (no cache, a changed source, a corrupt or truncated
//! cache, a reader error or panic) sends the load back to the source. A cache is never synced
//! to disk: one lost or torn by a crash fails its checksum and is rebuilt.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use polars::prelude::*;
use polars_io::ipc::{IpcReader, IpcWriter};
use polars_io::{SerReader, SerWriter};
use xxhash_rust::xxh3::Xxh3;

use super::bars::Bars;
use super::store::{to_frame, COLUMNS};

/// The cache's file name, beside `bars.parquet`.
pub const CACHE_FILE: &str = "bars.arrow";

/// Bumped when what the metadata vouches for changes, or when the loader would read a source
/// file into different bars (a file cache holds the loader's output); an older cache is then
/// rebuilt.
const LAYOUT: &str = "2";

const KEY_LAYOUT: &str = "quantlab.cache_layout";
const KEY_SOURCE_LEN: &str = "quantlab.source_len";
const KEY_SOURCE_MTIME: &str = "quantlab.source_mtime_ns";
const KEY_FINGERPRINT: &str = "quantlab.fingerprint";
const KEY_CHECKSUM: &str = "quantlab.xxh3";

/// The cache of the dataset whose Parquet is `parquet`.
pub fn cache_path(parquet: &Path) -> PathBuf {
    parquet.with_file_name(CACHE_FILE)
}

/// The cache, under the workspace root `root`, of a CSV or Parquet file a run reads directly:
/// named by a hash of the file's canonical path, so every spelling of it shares one cache.
pub fn file_cache_path(root: &Path, source: &Path) -> Option<PathBuf> {
    let canonical = std::fs::canonicalize(source).ok()?;
    let key = xxhash_rust::xxh3::xxh3_64(canonical.as_os_str().as_encoded_bytes());
    Some(root.join("cache").join("files").join(format!("{key:016x}.arrow")))
}

/// What identifies a file's content cheaply: its size and modification time (ns since 1970).
/// A rewrite that keeps both (a copy with the time restored) is caught only by `data verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    mtime_ns: u128,
}

impl Stamp {
    /// Taken before a source is read, so a change during the read is not vouched for.
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let mtime_ns = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
        Some(Stamp { len: meta.len(), mtime_ns })
    }
}

/// xxh3-64 of what the cache vouches for: the fingerprint it records, then the bars in the
/// fingerprint's column order, each column's values as they lie in memory. Catches a flipped
/// byte or a truncated column at memory speed, and a fingerprint altered in the metadata (a
/// run would otherwise record the wrong one). The cache is a machine-local file, so the
/// machine's byte order is its byte order.
fn checksum(fingerprint: &str, bars: &Bars) -> String {
    let mut h = Xxh3::new();
    h.update(&(fingerprint.len() as u64).to_le_bytes());
    h.update(fingerprint.as_bytes());
    h.update(bytemuck::cast_slice(&bars.ts));
    for col in [&bars.open, &bars.high, &bars.low, &bars.close, &bars.volume] {
        h.update(bytemuck::cast_slice(col));
    }
    format!("{:016x}", h.digest())
}

/// Write `cache`, the cache of `bars` as read from `source` (which had stamp `read_at` when the
/// read began), whose fingerprint is `fingerprint`. Best effort: a cache that cannot be written
/// only costs the next load its speed.
pub fn write(source: &Path, read_at: Option<Stamp>, cache: &Path, bars: &Bars, fingerprint: &str) {
    if let Err(why) = try_write(source, read_at, cache, bars, fingerprint) {
        tracing::warn!(file = %cache.display(), "bars cache not written: {why}");
    }
}

fn try_write(
    source: &Path,
    read_at: Option<Stamp>,
    cache: &Path,
    bars: &Bars,
    fingerprint: &str,
) -> std::result::Result<(), String> {
    let stamp = read_at.ok_or("the source file could not be stat'ed")?;
    if Stamp::of(source) != Some(stamp) {
        return Err("the source file changed while it was read".into());
    }
    let meta: BTreeMap<PlSmallStr, PlSmallStr> = [
        (KEY_LAYOUT, LAYOUT.to_string()),
        (KEY_SOURCE_LEN, stamp.len.to_string()),
        (KEY_SOURCE_MTIME, stamp.mtime_ns.to_string()),
        (KEY_FINGERPRINT, fingerprint.to_string()),
        (KEY_CHECKSUM, checksum(fingerprint, bars)),
    ]
    .into_iter()
    .map(|(k, v)| (k.into(), v.into()))
    .collect();
    let mut df = to_frame(bars).map_err(|e| e.message)?;
    let dir = cache.parent().ok_or("no directory")?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let mut tmp = tempfile::Builder::new()
        .prefix(crate::engine::workspace::TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(|e| e.to_string())?;
    let mut w = IpcWriter::new(tmp.as_file_mut()).with_compression(None);
    w.set_custom_schema_metadata(Arc::new(meta));
    w.finish(&mut df).map_err(|e| e.to_string())?;
    crate::engine::workspace::make_readable(tmp.as_file());
    // Replaced by rename, never rewritten in place: a reader holding the old file keeps it.
    tmp.persist(cache).map_err(|e| e.error.to_string())?;
    Ok(())
}

/// The bars in `cache` and their fingerprint, if the cache vouches for `source` as it is now
/// (and for `fingerprint`, when the caller knows what it must be) and its bars pass their
/// checksum; `None` sends the caller to the source.
pub fn read(source: &Path, cache: &Path, fingerprint: Option<&str>) -> Option<(Bars, String)> {
    // The IPC reader panics on some malformed files; a panic is a cache to rebuild.
    match std::panic::catch_unwind(|| try_read(source, cache, fingerprint)) {
        Ok(Ok(found)) => Some(found),
        Ok(Err(why)) => {
            tracing::debug!(file = %cache.display(), "bars cache not used: {why}");
            None
        }
        Err(_) => {
            tracing::debug!(file = %cache.display(), "bars cache not used: the reader stopped on corrupt data");
            None
        }
    }
}

fn try_read(source: &Path, cache: &Path, fingerprint: Option<&str>) -> std::result::Result<(Bars, String), String> {
    let file = File::open(cache).map_err(|e| e.to_string())?;
    // SAFETY: polars maps the file and checks each buffer's bounds against the mapping; what it
    // cannot check is a file changed while mapped. Caches are only ever replaced by rename (a
    // new file; this mapping keeps the old one), the bars are copied out and the mapping
    // dropped before this function returns, and the copy is then checked against the checksum.
    let mut reader = unsafe { IpcReader::new(file).memory_mapped(Some(cache.to_path_buf())) };
    let meta = reader.custom_metadata().map_err(|e| e.to_string())?.ok_or("no metadata")?;
    let get = |k: &str| meta.get(k).map(|v| v.as_str()).ok_or_else(|| format!("no {k}"));
    if get(KEY_LAYOUT)? != LAYOUT {
        return Err("an older cache layout".into());
    }
    let now = Stamp::of(source).ok_or("the source file cannot be stat'ed")?;
    if get(KEY_SOURCE_LEN)? != now.len.to_string() || get(KEY_SOURCE_MTIME)? != now.mtime_ns.to_string() {
        return Err("the source file changed since the cache was written".into());
    }
    let recorded = get(KEY_FINGERPRINT)?.to_string();
    if fingerprint.is_some_and(|f| f != recorded) {
        return Err("made for another fingerprint".into());
    }
    let want = get(KEY_CHECKSUM)?.to_string();
    let df = reader.finish().map_err(|e| e.to_string())?;
    let bars = bars_of(df)?;
    if checksum(&recorded, &bars) != want {
        return Err("its bars fail their checksum (corrupt)".into());
    }
    Ok((bars, recorded))
}

/// The frame's columns as owned vectors: each column's buffer is taken over when the reader
/// gave it its own allocation, else (a memory-mapped file) copied once.
fn bars_of(df: DataFrame) -> std::result::Result<Bars, String> {
    if df.get_column_names().iter().map(|c| c.as_str()).ne(COLUMNS) {
        return Err("unexpected columns".into());
    }
    let mut cols = df.into_columns().into_iter();
    let mut next = || cols.next().expect("six columns checked above").take_materialized_series();
    let ts = next();
    let ts = match ts.dtype() {
        DataType::Datetime(TimeUnit::Milliseconds, None) => {
            values(ts.to_physical_repr().into_owned().i64().map_err(|e| e.to_string())?.clone())?
        }
        other => return Err(format!("timestamp column of type {other}")),
    };
    let mut f = || -> std::result::Result<Vec<f64>, String> {
        let s = next();
        values(s.f64().map_err(|e| e.to_string())?.clone())
    };
    let bars = Bars { ts, open: f()?, high: f()?, low: f()?, close: f()?, volume: f()? };
    let n = bars.ts.len();
    let same_len = [&bars.open, &bars.high, &bars.low, &bars.close, &bars.volume].iter().all(|c| c.len() == n);
    if n == 0 || !same_len {
        return Err("columns of unequal or zero length".into());
    }
    Ok(bars)
}

fn values<T: PolarsNumericType>(ca: ChunkedArray<T>) -> std::result::Result<Vec<T::Native>, String> {
    if ca.null_count() > 0 {
        return Err("empty cells".into());
    }
    let mut out: Vec<T::Native> = Vec::new();
    for arr in ca.downcast_into_iter() {
        let (_, buf, _) = arr.into_inner();
        match buf.into_mut().right_or_else(|shared| shared.to_vec()) {
            v if out.is_empty() => out = v,
            v => out.extend_from_slice(&v),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::store::{fingerprint, write_bars};

    fn sample(n: usize) -> Bars {
        let mut b = Bars::default();
        for i in 0..n {
            let x = 100.0 + i as f64 * 0.25;
            b.push(i as i64 * 60_000, x, x + 1.0, x - 1.0, x + 0.5, i as f64);
        }
        b
    }

    /// A dataset folder with its Parquet and its cache.
    fn cached(n: usize) -> (tempfile::TempDir, PathBuf, Bars, String) {
        let dir = tempfile::tempdir().unwrap();
        let parquet = dir.path().join("bars.parquet");
        let bars = sample(n);
        write_bars(&parquet, &bars).unwrap();
        let fp = fingerprint(&bars);
        write(&parquet, Stamp::of(&parquet), &cache_path(&parquet), &bars, &fp);
        (dir, parquet, bars, fp)
    }

    #[test]
    fn a_fresh_cache_gives_the_same_bars() {
        let (_d, parquet, bars, fp) = cached(5000);
        assert!(cache_path(&parquet).exists());
        assert_eq!(read(&parquet, &cache_path(&parquet), Some(&fp)).unwrap(), (bars, fp.clone()));
        assert_eq!(read(&parquet, &cache_path(&parquet), None).unwrap().1, fp);
    }

    #[test]
    fn a_changed_parquet_invalidates_the_cache() {
        let (_d, parquet, _bars, fp) = cached(100);
        let other = sample(101);
        write_bars(&parquet, &other).unwrap();
        assert!(read(&parquet, &cache_path(&parquet), Some(&fp)).is_none());
    }

    #[test]
    fn another_fingerprint_is_not_served() {
        let (_d, parquet, _bars, _fp) = cached(100);
        assert!(read(&parquet, &cache_path(&parquet), Some(&"0".repeat(64))).is_none());
    }

    #[test]
    fn a_truncated_cache_is_not_used() {
        let (_d, parquet, _bars, fp) = cached(5000);
        let cache = cache_path(&parquet);
        let bytes = std::fs::read(&cache).unwrap();
        for keep in [0, 8, bytes.len() / 2, bytes.len() - 1] {
            std::fs::write(&cache, &bytes[..keep]).unwrap();
            assert!(read(&parquet, &cache_path(&parquet), Some(&fp)).is_none(), "kept {keep} of {} bytes", bytes.len());
        }
    }

    #[test]
    fn a_flipped_byte_in_the_bars_is_caught() {
        let (_d, parquet, bars, fp) = cached(5000);
        let cache = cache_path(&parquet);
        let clean = std::fs::read(&cache).unwrap();
        // A close price's bytes, found in the file: the reader accepts the file, the checksum
        // must not.
        let needle = bars.close[2500].to_le_bytes();
        let at = clean.windows(8).position(|w| w == needle).expect("close price in the cache");
        let mut bad = clean.clone();
        bad[at] ^= 0x01;
        std::fs::write(&cache, &bad).unwrap();
        assert!(read(&parquet, &cache_path(&parquet), Some(&fp)).is_none());
    }
}
