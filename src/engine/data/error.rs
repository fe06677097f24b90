//! What can go wrong with market data, by what the operator has to fix: the file, its header,
//! a row, a cell, or the catalogue. The exit-code kind of each is in `engine/error_kinds.rs`.

use std::path::PathBuf;

use crate::engine::time::TimestampError;

/// A failure reading, checking, storing or finding OHLCV data.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The data file named does not exist.
    #[error("data file {} does not exist", path.display())]
    FileMissing { path: PathBuf },
    /// The file is there but cannot be read (permission denied, most often); `action` is what
    /// was tried ("read", "open").
    #[error("data file {}: cannot {action} it: {source}", path.display())]
    FileUnreadable { path: PathBuf, action: &'static str, source: std::io::Error },
    /// A directory, pipe, socket or device where a data file was expected.
    #[error("{}", not_a_file(path, *directory))]
    NotAFile { path: PathBuf, directory: bool },
    #[error("{}: unknown data format '{ext}'; use .csv or .parquet", path.display())]
    UnknownFormat { path: PathBuf, ext: String },
    /// The file cannot be read as its format at all (not text, not Parquet, a reader that
    /// stopped on corrupt data); `problem` says which, with the reader's words.
    #[error("{file}: {problem}")]
    Unreadable {
        file: String,
        problem: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The header lacks a required column.
    #[error("{file}: no '{column}' column; the header has [{}]", header.join(", "))]
    MissingColumn { file: String, column: String, header: Vec<String> },
    /// The header has no time column.
    #[error(
        "{file}: no time column; expected one named timestamp, datetime, date or time \
         (or an unnamed first column); the header has [{}]",
        header.join(", ")
    )]
    NoTimeColumn { file: String, header: Vec<String> },
    /// The header names a column twice (case-insensitively).
    #[error("{file}: header has column '{column}' twice (names are matched case-insensitively)")]
    DuplicateColumn { file: String, column: String },
    /// Any other header problem: none found, or a width the data does not have.
    #[error("{file}: {problem}")]
    Header { file: String, problem: String },
    /// A row the CSV reader cannot split (a field count off, an open quote); 1-based file line.
    #[error("{file}: row {row}: {problem}")]
    Row { file: String, row: usize, problem: String },
    /// One cell that breaks a rule: not a number, empty, an unreadable or implausible time,
    /// a price that is not positive, bars out of order. `row` is what the operator looks at in
    /// the file (1-based lines for CSV, 1-based rows for Parquet).
    #[error("{file}: row {row}, column '{column}': {problem}")]
    Cell {
        file: String,
        row: usize,
        column: String,
        problem: String,
        #[source]
        source: Option<TimestampError>,
    },
    /// A Parquet column of a type that is not read; `problem` reads after the column name.
    #[error("{file}: column '{column}' {problem}")]
    ColumnType {
        file: String,
        column: String,
        problem: String,
        #[source]
        source: Option<polars::error::PolarsError>,
    },
    /// The series as a whole is unusable: no rows, bars closer than the timeframe.
    #[error("{file}: {problem}")]
    Series { file: String, problem: String },
    #[error("symbol '{0}' is not valid: use 1-32 letters, digits, '.', '_', '-' or '/'")]
    BadSymbol(String),
    /// No dataset by that id, prefix or SYMBOL:TF; `known` lists what there is.
    #[error("no dataset '{spec}'; known: {known}")]
    NoDataset { spec: String, known: String },
    /// A prefix that matches several datasets.
    #[error("'{spec}' matches {} datasets: {}", ids.len(), ids.join(", "))]
    AmbiguousDataset { spec: String, ids: Vec<String> },
    /// A stored dataset whose bars no longer hash to its recorded fingerprint.
    #[error("dataset {id}: {} does not match its recorded fingerprint (file changed or corrupt)", path.display())]
    FingerprintMismatch { id: String, path: PathBuf },
    #[error(
        "cannot resample {from} bars to {to}: the target must be a whole multiple of the source timeframe"
    )]
    ResampleTarget { from: String, to: String },
    /// Writing a Parquet file failed.
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: polars::error::PolarsError },
    /// `data synth` asked for no bars.
    #[error("--bars must be at least 1")]
    SynthBars,
    /// `data synth` to a file that is neither CSV nor Parquet.
    #[error("{}: use a .csv or .parquet file name", .0.display())]
    SynthFormat(PathBuf),
    /// A stored dataset that cannot be read back.
    #[error("{}: corrupt dataset: {source}", path.display())]
    CorruptDataset { path: PathBuf, source: polars::error::PolarsError },
}

fn not_a_file(path: &std::path::Path, directory: bool) -> String {
    if directory {
        format!("{} is a directory, not a data file", path.display())
    } else {
        format!("{} is not a regular file (a pipe, socket or device); import a file", path.display())
    }
}

impl DataError {
    /// A [`DataError::Cell`] without a typed source.
    pub fn cell(file: &str, row: usize, column: &str, problem: impl Into<String>) -> Self {
        DataError::Cell {
            file: file.into(),
            row,
            column: column.into(),
            problem: problem.into(),
            source: None,
        }
    }
    /// A [`DataError::Cell`] for a timestamp that did not parse.
    pub fn timestamp(file: &str, row: usize, column: &str, source: TimestampError) -> Self {
        DataError::Cell {
            file: file.into(),
            row,
            column: column.into(),
            problem: source.to_string(),
            source: Some(source),
        }
    }
}
