//! Finding the OHLCV columns in a file's header, whatever the file calls them.

use super::error::DataError;
use crate::engine::error::Result;

/// Header names accepted for the time column, in order of preference.
const TIME_NAMES: [&str; 4] = ["timestamp", "datetime", "date", "time"];

/// Where each field sits in the source's columns, and the name the source gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnMap {
    pub timestamp: (usize, String),
    pub open: (usize, String),
    pub high: (usize, String),
    pub low: (usize, String),
    pub close: (usize, String),
    pub volume: Option<(usize, String)>,
}

/// True when a row names at least two of open, high, low, close (case-insensitive): enough to
/// tell a header from a banner line, while a header missing one column still gets an error
/// that names the missing column.
pub fn looks_like_header(cells: &[String]) -> bool {
    ["open", "high", "low", "close"]
        .iter()
        .filter(|want| cells.iter().any(|c| c.trim().eq_ignore_ascii_case(want)))
        .count()
        >= 2
}

/// Map header cells to fields. The time column is the first of timestamp/datetime/date/time
/// present; failing that, an unnamed first column (a dataframe index written to CSV).
pub fn map_columns(source: &str, cells: &[String]) -> Result<ColumnMap> {
    let norm: Vec<String> = cells.iter().map(|c| c.trim().to_ascii_lowercase()).collect();
    for (i, n) in norm.iter().enumerate() {
        if !n.is_empty() && norm[..i].contains(n) {
            return Err(
                DataError::DuplicateColumn { file: source.into(), column: cells[i].trim().into() }.into()
            );
        }
    }
    let find = |name: &str| norm.iter().position(|n| n == name).map(|i| (i, cells[i].trim().to_string()));
    let need = |name: &str| {
        find(name).ok_or_else(|| DataError::MissingColumn {
            file: source.into(),
            column: name.into(),
            header: cells.to_vec(),
        })
    };
    let timestamp = TIME_NAMES
        .iter()
        .find_map(|n| find(n))
        .or_else(|| {
            (norm.first().map(String::as_str) == Some(""))
                .then(|| (0, String::from("(unnamed first column)")))
        })
        .ok_or_else(|| DataError::NoTimeColumn { file: source.into(), header: cells.to_vec() })?;
    Ok(ColumnMap {
        timestamp,
        open: need("open")?,
        high: need("high")?,
        low: need("low")?,
        close: need("close")?,
        volume: find("volume"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn matches_case_insensitively_and_finds_unnamed_index() {
        let m = map_columns("f", &cells(",Open,High,Low,Close,Volume")).unwrap();
        assert_eq!(m.timestamp.0, 0);
        assert_eq!(m.close, (4, "Close".into()));
        let m = map_columns("f", &cells("Date,Open,High,Low,Close,Volume,Adj Close")).unwrap();
        assert_eq!(m.timestamp, (0, "Date".into()));
        assert_eq!(m.volume, Some((5, "Volume".into())));
    }

    #[test]
    fn prefers_a_named_time_column_over_an_unnamed_index() {
        let m = map_columns("f", &cells(",date,open,high,low,close")).unwrap();
        assert_eq!(m.timestamp.0, 1);
        assert_eq!(m.volume, None);
    }

    #[test]
    fn names_what_is_missing() {
        let e = map_columns("f.csv", &cells("date,open,high,close")).unwrap_err();
        assert!(
            matches!(e.domain(), Some(DataError::MissingColumn { column, .. }) if column == "low"),
            "{e}"
        );
        let e = map_columns("f.csv", &cells("open,high,low,close")).unwrap_err();
        assert!(matches!(e.domain(), Some(DataError::NoTimeColumn { .. })), "{e}");
        let e = map_columns("f.csv", &cells("date,open,Open,high,low,close")).unwrap_err();
        assert!(
            matches!(e.domain(), Some(DataError::DuplicateColumn { column, .. }) if column == "Open"),
            "{e}"
        );
    }

    #[test]
    fn header_detection() {
        assert!(looks_like_header(&cells("date,symbol,open,high,low,close,volume_btc,volume")));
        assert!(!looks_like_header(&cells("Created on 10-17-2019,https://www.CryptoDataDownload.com")));
    }
}
