//! Reading OHLCV from CSV or Parquet into validated [`Bars`].
//!
//! Polars does the file parsing; cell interpretation is ours, so every refusal can name the
//! file, the row and the column the operator has to look at.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use polars::prelude::*;
use polars_buffer::Buffer;

use super::bars::Bars;
use super::columns::{looks_like_header, map_columns, ColumnMap};
use super::error::DataError;
use crate::engine::error::{Error, Result};
use crate::engine::time::parse_timestamp;

/// Bars read from a file, and what was done to make them usable.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub bars: Bars,
    pub format: &'static str,
    /// Quirks handled on the way in (banner skipped, order reversed), for the operator.
    pub notes: Vec<String>,
}

/// How many leading lines we search for the header (banner lines come before it).
const HEADER_SEARCH_LINES: usize = 5;

/// What the loader accepts beyond the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Accept bars before 1970 or from 2100 on (refused by default: such dates are almost
    /// always an epoch in the wrong unit).
    pub allow_any_date: bool,
}

/// 1970-01-01 and 2100-01-01, the plausible range of a bar's time without `allow_any_date`.
const PLAUSIBLE_MS: std::ops::Range<i64> = 0..4_102_444_800_000;

pub fn load_file(path: &Path) -> Result<Loaded> {
    load_file_with(path, &LoadOptions::default())
}

pub fn load_file_with(path: &Path, opts: &LoadOptions) -> Result<Loaded> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    // Only a regular file: a FIFO with no writer would block the import forever.
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => DataError::FileMissing { path: path.into() },
        _ => DataError::FileUnreadable { path: path.into(), action: "read", source: e },
    })?;
    if !meta.is_file() {
        return Err(DataError::NotAFile { path: path.into(), directory: meta.is_dir() }.into());
    }
    let read = match ext.as_str() {
        "csv" | "txt" => load_csv,
        "parquet" | "pq" => load_parquet,
        _ => return Err(DataError::UnknownFormat { path: path.into(), ext }.into()),
    };
    // The file readers (polars, arrow) panic on some corrupt files instead of returning an
    // error; nothing is shared with them but the path, so their panic is a refusal of the file.
    std::panic::catch_unwind(|| read(path, opts)).unwrap_or_else(|_| {
        Err(DataError::Unreadable {
            file: path.display().to_string(),
            problem: format!("not a readable {ext} file: the reader stopped on corrupt data"),
            source: None,
        }
        .into())
    })
}

/// Open the data file; any failure (permission denied, most often) is the caller's bad input.
fn open_data(path: &Path) -> Result<File> {
    File::open(path)
        .map_err(|e| DataError::FileUnreadable { path: path.into(), action: "open", source: e }.into())
}

/// Split a header line into cells (headers are plain; quotes and a UTF-8 BOM are stripped).
fn header_cells(line: &str) -> Vec<String> {
    line.trim_start_matches('\u{feff}')
        .trim_end_matches(['\r', '\n'])
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_string())
        .collect()
}

/// Why polars could not split the file into rows, in our words and with the file line: the
/// first row whose field count differs from the header's, or a quoted field left open. Only
/// run after polars failed, so a clean file is read once.
fn csv_structure_error(path: &Path, source: &str, header_line: usize, width: usize) -> Option<DataError> {
    let row = |row: usize, problem: String| Some(DataError::Row { file: source.into(), row, problem });
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::new(File::open(path).ok()?));
    let mut record = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => return None,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return row(line as usize, "not readable as CSV".into());
            }
        }
        let line = record.position().map_or(0, |p| p.line()) as usize;
        if line <= header_line + 1 {
            continue; // banner lines and the header
        }
        if record.iter().any(|f| f.contains(&b'\n')) {
            return row(line, "a quoted field runs over the end of the line (an unterminated '\"'?)".into());
        }
        if record.len() != width {
            return row(line, format!("has {} fields but the header has {width}", record.len()));
        }
    }
}

fn load_csv(path: &Path, opts: &LoadOptions) -> Result<Loaded> {
    let source = path.display().to_string();
    let file = open_data(path)?;
    let mut lines = Vec::new();
    for line in BufReader::new(file).lines().take(HEADER_SEARCH_LINES) {
        lines.push(line.map_err(|e| DataError::Unreadable {
            file: source.clone(),
            problem: format!("not readable as text: {e}"),
            source: Some(Box::new(e)),
        })?);
    }
    let header_line = lines
        .iter()
        .position(|l| looks_like_header(&header_cells(l)))
        .ok_or_else(|| DataError::Header {
            file: source.clone(),
            problem: format!(
                "no header naming the open, high, low and close columns in the first {HEADER_SEARCH_LINES} lines"
            ),
        })?;
    let cells = header_cells(&lines[header_line]);
    let map = map_columns(&source, &cells)?;
    let mut notes = Vec::new();
    if header_line > 0 {
        notes.push(format!("skipped {header_line} banner line(s) before the header"));
    }

    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_skip_lines(header_line)
        .with_infer_schema_length(Some(0)) // every column as text: we parse and report per cell
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish())
        .map_err(|e| {
            tracing::debug!(file = %source, "csv reader: {e}");
            csv_structure_error(path, &source, header_line, cells.len()).unwrap_or_else(|| {
                DataError::Unreadable {
                    file: source.clone(),
                    problem: format!("malformed CSV: not readable as rows of {} fields", cells.len()),
                    source: Some(Box::new(e)),
                }
            })
        })?;
    if df.width() != cells.len() {
        return Err(DataError::Header {
            file: source,
            problem: format!("header has {} columns but the data has {}", cells.len(), df.width()),
        }
        .into());
    }
    // Line numbers in the file, 1-based: banner lines, the header, then data.
    let first_data_line = header_line + 2;
    let text = |idx: usize| -> Result<&StringChunked> { Ok(df.columns()[idx].str()?) };
    let ts_col = text(map.timestamp.0)?;
    let n = df.height();
    let mut bars = Bars::with_capacity(n);
    let price = |col: &StringChunked, name: &str, i: usize| -> Result<f64> {
        let cell = col.get(i).unwrap_or("");
        Ok(parse_price(cell)
            .ok_or_else(|| DataError::cell(&source, first_data_line + i, name, price_problem(cell)))?)
    };
    let (o, h, l, c) = (text(map.open.0)?, text(map.high.0)?, text(map.low.0)?, text(map.close.0)?);
    let v = map.volume.as_ref().map(|(i, _)| text(*i)).transpose()?;
    for i in 0..n {
        let ts = parse_timestamp(ts_col.get(i).unwrap_or(""))
            .map_err(|why| DataError::timestamp(&source, first_data_line + i, &map.timestamp.1, why))?;
        let vol = match (&v, &map.volume) {
            (Some(col), Some((_, name))) => price(col, name, i)?,
            _ => 0.0,
        };
        bars.push(
            ts,
            price(o, &map.open.1, i)?,
            price(h, &map.high.1, i)?,
            price(l, &map.low.1, i)?,
            price(c, &map.close.1, i)?,
            vol,
        );
    }
    finish(&source, bars, notes, "csv", &|i| first_data_line + i, &map, opts)
}

/// What a cell with nothing in it is called.
const EMPTY: &str = "empty value";

/// A numeric cell. NaN and infinities parse here and are refused by validation with the row.
fn parse_price(cell: &str) -> Option<f64> {
    cell.trim().parse::<f64>().ok()
}

/// Why [`parse_price`] refused a cell.
fn price_problem(cell: &str) -> String {
    match cell.trim() {
        "" => EMPTY.into(),
        t => format!("'{t}' is not a number"),
    }
}

/// Why a mapped Parquet column's type cannot be read, if it cannot: polars (built without its
/// decimal and nested types) panics on those, so they are refused by name before any read.
fn unreadable_parquet_type(dt: &ArrowDataType, is_time: bool) -> Option<String> {
    use ArrowDataType as A;
    match dt {
        A::Int8 | A::Int16 | A::Int32 | A::Int64 | A::UInt8 | A::UInt16 | A::UInt32 | A::UInt64 => None,
        A::Float32 | A::Float64 if !is_time => None,
        A::Utf8 | A::LargeUtf8 | A::Utf8View | A::Date32 | A::Date64 | A::Timestamp(_, _) if is_time => None,
        A::Decimal(p, sc) | A::Decimal32(p, sc) | A::Decimal64(p, sc) | A::Decimal256(p, sc) => Some(format!(
            "is decimal({p}, {sc}), which is not read; store it as float64 (double), e.g. cast it before writing"
        )),
        other if is_time => Some(format!(
            "has type {other:?}; expected a timestamp, date, epoch integer or ISO text"
        )),
        other => Some(format!("has type {other:?}; expected float64 (double) or an integer")),
    }
}

fn load_parquet(path: &Path, opts: &LoadOptions) -> Result<Loaded> {
    let source = path.display().to_string();
    let unreadable = |problem: String, e: Option<PolarsError>| -> Error {
        DataError::Unreadable {
            file: source.clone(),
            problem: format!("not a readable Parquet file: {problem}"),
            source: e.map(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>),
        }
        .into()
    };
    let polars = |e: PolarsError| unreadable(e.to_string(), Some(e));
    // Read once: the page check and polars decode the same bytes.
    let bytes = std::fs::read(path)
        .map_err(|e| DataError::FileUnreadable { path: path.into(), action: "read", source: e })?;
    let bytes = Buffer::from_vec(bytes);
    super::parquet_pages::check(&bytes).map_err(|problem| unreadable(problem, None))?;
    let mut reader = ParquetReader::new(std::io::Cursor::new(bytes));
    let schema = reader.schema().map_err(polars)?;
    let fields: Vec<&ArrowField> = schema.iter_values().collect();
    let cells: Vec<String> = fields.iter().map(|f| f.name.to_string()).collect();
    let map = map_columns(&source, &cells)?;
    let mut wanted = vec![&map.timestamp, &map.open, &map.high, &map.low, &map.close];
    wanted.extend(map.volume.as_ref());
    for (k, (idx, name)) in wanted.iter().enumerate() {
        if let Some(why) = unreadable_parquet_type(&fields[*idx].dtype, k == 0) {
            let (file, column) = (source.clone(), name.clone());
            return Err(DataError::ColumnType { file, column, problem: why, source: None }.into());
        }
    }
    // Read only the mapped columns: another column of a type we cannot read does not matter.
    let names: Vec<String> = wanted.iter().map(|(i, _)| cells[*i].clone()).collect();
    let read =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.with_columns(Some(names)).finish()));
    let df = match read {
        Ok(r) => r.map_err(polars)?,
        Err(p) => return Err(unreadable(crate::engine::error::panic_message(p.as_ref()), None)),
    };
    let col = |idx: usize| df.column(cells[idx].as_str());
    let n = df.height();
    let ts = parquet_timestamps(&source, col(map.timestamp.0)?, n, &map.timestamp.1)?;
    let float = |(idx, name): &(usize, String)| -> Result<Vec<f64>> {
        let s = col(*idx)?.cast(&DataType::Float64).map_err(|e| DataError::ColumnType {
            file: source.clone(),
            column: name.clone(),
            problem: format!("is not numeric: {e}"),
            source: Some(e),
        })?;
        no_null_values(s.f64()?).map_err(|i| DataError::cell(&source, i + 1, name, EMPTY).into())
    };
    let bars = Bars {
        ts,
        open: float(&map.open)?,
        high: float(&map.high)?,
        low: float(&map.low)?,
        close: float(&map.close)?,
        volume: match &map.volume {
            Some(v) => float(v)?,
            None => vec![0.0; n],
        },
    };
    finish(&source, bars, Vec::new(), "parquet", &|i| i + 1, &map, opts)
}

/// A column's values copied out chunk by chunk, or the index of its first empty cell. Per-row
/// `get` looks up the chunk for every row: a third of a 1M-bar Parquet load.
fn no_null_values<T: PolarsNumericType>(ca: &ChunkedArray<T>) -> std::result::Result<Vec<T::Native>, usize> {
    if ca.null_count() > 0 {
        return Err(ca.iter().position(|v| v.is_none()).unwrap_or(0));
    }
    let mut out = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        out.extend_from_slice(arr.values());
    }
    Ok(out)
}

fn parquet_timestamps(source: &str, col: &Column, height: usize, name: &str) -> Result<Vec<i64>> {
    let missing = |i: usize| -> Error { DataError::cell(source, i + 1, name, EMPTY).into() };
    match col.dtype() {
        DataType::Datetime(unit, _) => {
            let per_ms = match unit {
                TimeUnit::Nanoseconds => 1_000_000,
                TimeUnit::Microseconds => 1_000,
                TimeUnit::Milliseconds => 1,
            };
            let phys = col.to_physical_repr();
            let mut ms = no_null_values(phys.i64()?).map_err(missing)?;
            if per_ms != 1 {
                ms.iter_mut().for_each(|v| *v = v.div_euclid(per_ms));
            }
            Ok(ms)
        }
        DataType::Date => {
            let phys = col.cast(&DataType::Int32)?;
            let ca = phys.i32()?;
            (0..height)
                .map(|i| {
                    ca.get(i).map(|d| d as i64 * crate::engine::time::MS_PER_DAY).ok_or_else(|| missing(i))
                })
                .collect()
        }
        DataType::String => {
            let ca = col.str()?;
            (0..height)
                .map(|i| {
                    let cell = ca.get(i).ok_or_else(|| missing(i))?;
                    parse_timestamp(cell).map_err(|why| DataError::timestamp(source, i + 1, name, why).into())
                })
                .collect()
        }
        dt if dt.is_integer() => {
            let phys = col.cast(&DataType::Int64)?;
            let ca = phys.i64()?;
            (0..height)
                .map(|i| {
                    let v = ca.get(i).ok_or_else(|| missing(i))?;
                    parse_timestamp(&v.to_string())
                        .map_err(|why| DataError::timestamp(source, i + 1, name, why).into())
                })
                .collect()
        }
        other => Err(DataError::ColumnType {
            file: source.into(),
            column: name.into(),
            problem: format!("has type {other}; expected a datetime, date, epoch integer or ISO text"),
            source: None,
        }
        .into()),
    }
}

/// A bar time for a message: RFC 3339, or the raw value where no calendar can show it.
fn describe_ms(ms: i64) -> String {
    match crate::engine::time::fmt_ms(ms) {
        t if t.starts_with('<') => format!("epoch {ms} ms (beyond any calendar)"),
        t => t,
    }
}

/// Fix what is unambiguous (a wholly newest-first file), then refuse anything else that breaks
/// the invariants, naming the source row.
fn finish(
    source: &str,
    mut bars: Bars,
    mut notes: Vec<String>,
    format: &'static str,
    row_of: &dyn Fn(usize) -> usize,
    map: &ColumnMap,
    opts: &LoadOptions,
) -> Result<Loaded> {
    let n = bars.len();
    if n == 0 {
        return Err(DataError::Series { file: source.into(), problem: "no data rows".into() }.into());
    }
    let time_cell = |i: usize, problem: String| -> Result<Loaded> {
        Err(DataError::cell(source, row_of(i), &map.timestamp.1, problem).into())
    };
    // The representable times are one interval: when the earliest and the latest bar are in
    // it, all are, and a million calendar conversions are saved.
    let (lo, hi) = bars.ts.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
    let in_range = |t: i64| crate::engine::time::in_range(t).is_some();
    if !(in_range(lo) && in_range(hi)) {
        if let Some(i) = bars.ts.iter().position(|&t| !in_range(t)) {
            return time_cell(i, format!("{} ms is outside the years -262143 to 262142", bars.ts[i]));
        }
    }
    if !opts.allow_any_date {
        if let Some(i) = bars.ts.iter().position(|t| !PLAUSIBLE_MS.contains(t)) {
            return time_cell(
                i,
                format!(
                    "{} is before 1970 or after 2100, most likely an epoch in the wrong unit; \
                     import it with --allow-any-date if the date is real",
                    describe_ms(bars.ts[i])
                ),
            );
        }
    }
    let descending = n > 1 && bars.ts[0] > bars.ts[n - 1];
    if descending {
        // Check the whole file is newest-first before reversing; report breaks in file order.
        for i in 1..n {
            if bars.ts[i] >= bars.ts[i - 1] {
                let why = if bars.ts[i] == bars.ts[i - 1] {
                    "duplicate timestamp (same as the row before)".to_string()
                } else {
                    "out of order: the file is newest-first but this row is newer than the one before"
                        .to_string()
                };
                return time_cell(i, format!("{why} ({})", crate::engine::time::fmt_ms(bars.ts[i])));
            }
        }
        bars.reverse();
        notes.push("file was newest-first; reversed to oldest-first".into());
        bars.validate(source, &|i| row_of(n - 1 - i))?;
    } else {
        bars.validate(source, row_of)?;
    }
    Ok(Loaded { bars, format, notes })
}
