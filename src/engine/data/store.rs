//! Bars to and from the normalized Parquet layout, and the fingerprint of normalized columns.

use std::fs::File;
use std::path::Path;

use polars::prelude::*;
use sha2::{Digest, Sha256};

use super::bars::Bars;
use super::error::DataError;
use crate::engine::error::{Error, Result};
use crate::engine::workspace::write_atomic_with;

/// Normalized column names, in order; the fingerprint and the Parquet layout both use them.
pub const COLUMNS: [&str; 6] = ["timestamp", "open", "high", "low", "close", "volume"];

/// sha256 over the normalized columns, column by column: each column's name, then its values
/// as 8-byte little-endian (timestamps as i64 epoch ms, prices as f64 bits). Independent of
/// the source file's layout, so the same bars from CSV or Parquet fingerprint the same.
pub fn fingerprint(bars: &Bars) -> String {
    let mut h = Sha256::new();
    h.update(COLUMNS[0].as_bytes());
    hash_le(&mut h, &bars.ts);
    for (name, col) in COLUMNS[1..].iter().zip([&bars.open, &bars.high, &bars.low, &bars.close, &bars.volume])
    {
        h.update(name.as_bytes());
        hash_le(&mut h, col);
    }
    hex::encode(h.finalize())
}

/// Feed a column's values to the hash as 8-byte little-endian words. On a little-endian
/// machine that is the column's memory, hashed in one call: one `update` per value cost more
/// than the SHA-256 rounds themselves.
fn hash_le<T: bytemuck::Pod + LeBytes>(h: &mut Sha256, col: &[T]) {
    if cfg!(target_endian = "little") {
        h.update(bytemuck::cast_slice(col));
    } else {
        for x in col {
            h.update(x.le_bytes());
        }
    }
}

/// A fingerprinted value's little-endian bytes (f64 by its bits).
trait LeBytes {
    fn le_bytes(&self) -> [u8; 8];
}

impl LeBytes for i64 {
    fn le_bytes(&self) -> [u8; 8] {
        self.to_le_bytes()
    }
}

impl LeBytes for f64 {
    fn le_bytes(&self) -> [u8; 8] {
        self.to_bits().to_le_bytes()
    }
}

/// A polars frame with the normalized columns (timestamp as UTC datetime in ms).
pub fn to_frame(bars: &Bars) -> Result<DataFrame> {
    let ts =
        Series::new("timestamp".into(), &bars.ts).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?;
    Ok(DataFrame::new_infer_height(vec![
        ts.into(),
        Column::new("open".into(), &bars.open),
        Column::new("high".into(), &bars.high),
        Column::new("low".into(), &bars.low),
        Column::new("close".into(), &bars.close),
        Column::new("volume".into(), &bars.volume),
    ])?)
}

/// Write any frame as Parquet, atomically.
pub fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<()> {
    write_atomic_with(path, |f| {
        ParquetWriter::new(f)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(df)
            .map(|_| ())
            .map_err(|e| DataError::Write { path: path.into(), source: e }.into())
    })
}

pub fn write_bars(path: &Path, bars: &Bars) -> Result<()> {
    write_parquet(path, &mut to_frame(bars)?)
}

/// Read bars written by [`write_bars`]. The layout is ours, so only corruption can fail here.
pub fn read_bars(path: &Path) -> Result<Bars> {
    let file = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| DataError::CorruptDataset { path: path.into(), source: e })?;
    let ts_phys = df.column("timestamp")?.to_physical_repr();
    let ts = ts_phys.i64()?.into_no_null_iter().collect();
    let f = |name: &str| -> Result<Vec<f64>> { Ok(df.column(name)?.f64()?.into_no_null_iter().collect()) };
    Ok(Bars {
        ts,
        open: f("open")?,
        high: f("high")?,
        low: f("low")?,
        close: f("close")?,
        volume: f("volume")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bars {
        let mut b = Bars::default();
        b.push(0, 1.0, 2.0, 0.5, 1.5, 10.0);
        b.push(3_600_000, 1.5, 2.5, 1.0, 2.0, 0.0);
        b
    }

    #[test]
    fn parquet_round_trip_keeps_bits_and_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bars.parquet");
        let b = sample();
        write_bars(&p, &b).unwrap();
        let back = read_bars(&p).unwrap();
        assert_eq!(back, b);
        assert_eq!(fingerprint(&back), fingerprint(&b));
    }

    /// The fingerprint's definition spelled out value by value: hashing whole columns at once
    /// must give the same digest, or every recorded fingerprint would stop matching.
    #[test]
    fn fingerprint_is_the_documented_byte_layout() {
        let b = sample();
        let mut h = Sha256::new();
        h.update(b"timestamp");
        for t in &b.ts {
            h.update(t.to_le_bytes());
        }
        for (name, col) in [("open", &b.open), ("high", &b.high), ("low", &b.low), ("close", &b.close), ("volume", &b.volume)] {
            h.update(name.as_bytes());
            for x in col {
                h.update(x.to_bits().to_le_bytes());
            }
        }
        assert_eq!(fingerprint(&b), hex::encode(h.finalize()));
    }

    #[test]
    fn fingerprint_sees_every_column() {
        let a = sample();
        let mut b = sample();
        b.volume[1] = 1.0;
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a).len(), 64);
    }
}
