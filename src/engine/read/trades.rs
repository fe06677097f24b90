//! A run's trade list (trades.csv) as a table: its header, its rows as written, and how many
//! there are, with the display form readers share.

use std::path::Path;

use serde::Serialize;

use crate::engine::error::{Error, Result};
use crate::engine::workspace_error::WorkspaceError;

/// The trade list of one run, cells exactly as trades.csv holds them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TradeTable {
    pub columns: Vec<String>,
    /// The first rows, at most the limit asked for.
    pub rows: Vec<Vec<String>>,
    /// Every trade in the file, shown or not.
    pub total: usize,
}

impl TradeTable {
    /// Read `path` (a run's trades.csv), keeping at most `limit` rows. A row whose cell count
    /// differs from the header's is refused by its line number: a truncated file is not a
    /// shorter trade list.
    pub fn read(path: &Path, limit: Option<usize>) -> Result<TradeTable> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("cannot read", path, e))?;
        let mut lines = text.lines();
        let columns: Vec<String> = match lines.next() {
            Some(h) => h.split(',').map(String::from).collect(),
            None => return Ok(TradeTable::default()),
        };
        let (mut rows, mut total) = (Vec::new(), 0);
        for (i, line) in lines.enumerate() {
            let cells: Vec<&str> = line.split(',').collect();
            if cells.len() != columns.len() {
                let (found, expected) = (cells.len(), columns.len());
                return Err(WorkspaceError::CsvRow {
                    path: path.to_path_buf(),
                    line: i + 2,
                    found,
                    expected,
                }
                .into());
            }
            if limit.is_none_or(|l| rows.len() < l) {
                rows.push(cells.into_iter().map(String::from).collect());
            }
            total += 1;
        }
        Ok(TradeTable { columns, rows, total })
    }

    /// A cell for reading: prices and cash to 2 decimals, units to 6, returns as a percentage;
    /// anything else (and a cell that is not a number) as written.
    pub fn display_cell(&self, col: usize, cell: &str) -> String {
        let Ok(x) = cell.parse::<f64>() else {
            return cell.to_string();
        };
        match self.columns.get(col).map(String::as_str) {
            Some("entry_price" | "exit_price" | "fees" | "pnl") => format!("{x:.2}"),
            Some("qty") => format!("{x:.6}"),
            Some("return") => format!("{:.2}%", x * 100.0),
            _ => cell.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("trades.csv");
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    const HEADER: &str = crate::engine::research::artifacts::TRADES_HEADER;

    #[test]
    fn rows_past_the_limit_are_counted_not_kept() {
        let row =
            "1,long,2024-01-01T00:00:00Z,3,100.5,2024-01-02T00:00:00Z,9,101.25,0.5,0.1,0.275,0.0075,closed";
        let (_d, p) = write(&format!("{HEADER}\n{row}\n{row}\n{row}\n"));
        let t = TradeTable::read(&p, Some(2)).unwrap();
        assert_eq!((t.rows.len(), t.total, t.columns.len()), (2, 3, 13));
        let shown: Vec<String> = t.rows[0].iter().enumerate().map(|(i, c)| t.display_cell(i, c)).collect();
        assert_eq!(shown[4], "100.50");
        assert_eq!(shown[8], "0.500000");
        assert_eq!(shown[11], "0.75%");
        assert_eq!(shown[3], "3");
    }

    #[test]
    fn a_truncated_row_is_refused_by_its_line() {
        let (_d, p) = write(&format!("{HEADER}\n1,long,2024\n"));
        let e = TradeTable::read(&p, None).unwrap_err();
        let row = e.domain::<WorkspaceError>();
        assert!(
            matches!(row, Some(WorkspaceError::CsvRow { line: 2, found: 3, expected: 13, path }) if path.ends_with("trades.csv")),
            "{e:?}"
        );
    }

    #[test]
    fn a_missing_file_names_its_path() {
        let e = TradeTable::read(Path::new("/nonexistent/trades.csv"), None).unwrap_err();
        assert!(e.message.contains("/nonexistent/trades.csv"), "{}", e.message);
    }
}
