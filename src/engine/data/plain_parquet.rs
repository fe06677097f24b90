//! Parquet with plain encoding only, for per-run series written on every run.
//!
//! polars' writer tries dictionary encoding on every numeric column and first estimates each
//! column's cardinality to decide: a tenth of a 1M-bar run, for series (equity, drawdown,
//! exposure) whose values are nearly all distinct. Plain pages go straight to the codec; LZ4
//! still shrinks a long run of equal positions. The file is ordinary Parquet (plain is the
//! encoding every reader has), with the Arrow schema in its metadata as polars writes it.

use std::path::Path;

use polars::prelude::*;
use polars_parquet::write::{
    array_to_columns, compress, fallible_streaming_iterator, CompressedPage, CompressionOptions, DynIter,
    DynStreamingIterator, Encoding, FileWriter, StatisticsOptions, Version, WriteOptions,
};
use rayon::prelude::*;

use super::error::DataError;
use crate::engine::error::Result;
use crate::engine::workspace::write_atomic_with;

/// Write `df` as one row group of plain-encoded, `compression`-compressed pages without
/// statistics, atomically. Columns are encoded and compressed in parallel.
pub fn write_plain(path: &Path, df: &mut DataFrame, compression: CompressionOptions) -> Result<()> {
    write_atomic_with(path, |f| {
        encode(f, df, compression).map_err(|e| DataError::Write { path: path.into(), source: e }.into())
    })
}

fn encode(out: &mut std::fs::File, df: &mut DataFrame, compression: CompressionOptions) -> PolarsResult<()> {
    df.align_chunks_par();
    let options = WriteOptions {
        statistics: StatisticsOptions::empty(),
        version: Version::V1,
        compression,
        data_page_size: None,
    };
    let schema = df.schema().to_arrow(CompatLevel::newest());
    let mut writer = FileWriter::try_new(out, schema, options)?;
    let fields = writer.parquet_schema().fields().to_vec();
    for batch in df.iter_chunks(CompatLevel::newest(), false) {
        let rows = batch.len();
        // Each column's pages, compressed: a column is one leaf (no nesting), so one page list.
        let columns: Vec<Vec<CompressedPage>> = batch
            .columns()
            .par_iter()
            .zip(fields.par_iter())
            .map(|(array, type_)| -> PolarsResult<Vec<CompressedPage>> {
                let mut pages = Vec::new();
                for leaf in array_to_columns(array, type_.clone(), options, &[Encoding::Plain])? {
                    for page in leaf {
                        pages.push(compress(page?, Vec::new(), compression)?);
                    }
                }
                Ok(pages)
            })
            .collect::<PolarsResult<_>>()?;
        let group = DynIter::new(columns.iter().map(|pages| {
            Ok(DynStreamingIterator::new(fallible_streaming_iterator::convert(pages.iter().map(Ok))))
        }));
        writer.write(rows as u64, group)?;
    }
    writer.end(None)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_parquet_reads_back_with_every_value_and_type() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("series.parquet");
        let n = 300_000; // more than one data page per column
        let ts: Vec<i64> = (0..n).map(|i| i * 60_000).collect();
        let x: Vec<f64> = (0..n).map(|i| (i as f64).sin() * 1e3).collect();
        let flat = vec![2.5; n as usize];
        let ts = Int64Chunked::from_vec("timestamp".into(), ts).into_datetime(TimeUnit::Milliseconds, None);
        let mut df = DataFrame::new_infer_height(vec![
            Column::from(ts.into_series()),
            Column::new("x".into(), &x),
            Column::new("flat".into(), &flat),
        ])
        .unwrap();
        write_plain(&p, &mut df, CompressionOptions::Lz4Raw).unwrap();
        let back = ParquetReader::new(std::fs::File::open(&p).unwrap()).finish().unwrap();
        for name in ["timestamp", "x", "flat"] {
            assert!(back.column(name).unwrap().equals(df.column(name).unwrap()), "{name}");
        }
        assert_eq!(back.column("timestamp").unwrap().dtype(), &DataType::Datetime(TimeUnit::Milliseconds, None));
    }
}
