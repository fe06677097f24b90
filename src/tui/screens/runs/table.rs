//! The runs table's state: sort, filter, selection, marks. Pure data, no drawing.

use std::collections::BTreeSet;

use crate::engine::research::Filter;
use crate::engine::research::IndexEntry;
use crate::engine::research::RunStatus;
use crate::tui::widgets::fit::width;
use crate::tui::widgets::list_cursor::ListCursor;

/// Columns shown, in order: (header, index field or metric name, is a metric).
pub(super) const COLUMNS: [(&str, &str, bool); 12] = [
    ("run", "run_id", false),
    ("status", "status", false),
    ("strategy", "strategy", false),
    ("params", "params", false),
    ("data", "symbol", false),
    ("return", "total_return", true),
    ("cagr", "cagr", true),
    ("sharpe", "sharpe", true),
    ("sortino", "sortino", true),
    ("max dd", "max_drawdown", true),
    ("trades", "trade_count", true),
    ("win", "win_rate", true),
];

/// Widths in display cells.
#[derive(Debug, Default, Clone, Copy)]
pub struct Widest {
    pub id: usize,
    pub strategy: usize,
    pub data: usize,
}

#[derive(Debug, Default)]
pub struct RunsTable {
    pub all: Vec<IndexEntry>,
    /// Each run's short id, as `all` ([`super::compact::short_ids`]): unique among them.
    pub short: Vec<String>,
    /// The widest short id, strategy and data (`SYMBOL TIMEFRAME`) among `all`, in cells: the
    /// columns are sized once per read, not per frame.
    pub widest: Widest,
    /// Indices into `all`, filtered and sorted.
    pub visible: Vec<usize>,
    pub selected: ListCursor,
    /// Sort column index into [`COLUMNS`]; starts on the run id (newest last).
    pub sort: usize,
    pub desc: bool,
    /// The filter as typed: free text matches any text field; `field=value`, `sharpe>1` etc.
    /// use the same syntax as `quantlab runs list --filter`.
    pub filter: String,
    pub filter_error: Option<String>,
    /// Marked run ids in the order they were marked (compare shows them in that order).
    pub marked: Vec<String>,
}

impl RunsTable {
    pub fn set_runs(&mut self, runs: Vec<IndexEntry>) {
        let keep = self.selected_id();
        self.all = runs;
        self.short = super::compact::short_ids(self.all.iter().map(|r| r.run_id.as_str()));
        self.widest = Widest {
            id: self.short.iter().map(|s| width(s)).max().unwrap_or(0),
            strategy: self.all.iter().map(|r| width(&r.strategy)).max().unwrap_or(0),
            data: self.all.iter().map(|r| width(&data(r))).max().unwrap_or(0),
        };
        let ids: BTreeSet<&str> = self.all.iter().map(|r| r.run_id.as_str()).collect();
        self.marked.retain(|m| ids.contains(m.as_str()));
        self.refresh();
        if let Some(id) = keep {
            self.select_id(&id);
        }
    }

    pub fn selected_id(&self) -> Option<String> {
        self.selected.get(&self.visible).map(|&i| self.all[i].run_id.clone())
    }

    pub fn selected_entry(&self) -> Option<&IndexEntry> {
        self.selected.get(&self.visible).map(|&i| &self.all[i])
    }

    pub fn select_id(&mut self, id: &str) {
        let found = self.visible.iter().position(|&i| self.all[i].run_id == id);
        self.selected.follow(found, self.visible.len());
    }

    fn matches(&self, e: &IndexEntry, filters: &[Filter], words: &[String]) -> bool {
        filters.iter().all(|f| f.matches(e))
            && words.iter().all(|w| {
                [&e.run_id, &e.strategy, &e.params, &e.symbol, &e.timeframe]
                    .iter()
                    .any(|t| t.to_ascii_lowercase().contains(w))
                    || e.label.as_deref().is_some_and(|l| l.to_ascii_lowercase().contains(w))
            })
    }

    /// Re-apply filter and sort (after a change to either, or new data).
    pub fn refresh(&mut self) {
        let mut filters = Vec::new();
        let mut words = Vec::new();
        self.filter_error = None;
        for tok in self.filter.split_whitespace() {
            if tok.contains(['=', '<', '>', '~']) {
                match Filter::parse(tok) {
                    Ok(f) => filters.push(f),
                    Err(e) => self.filter_error = Some(e.message),
                }
            } else {
                words.push(tok.to_ascii_lowercase());
            }
        }
        let mut vis: Vec<usize> =
            (0..self.all.len()).filter(|&i| self.matches(&self.all[i], &filters, &words)).collect();
        let (_, field, metric) = COLUMNS[self.sort];
        let all = &self.all;
        vis.sort_by(|&a, &b| {
            let (x, y) = (&all[a], &all[b]);
            let ord = if metric {
                let (vx, vy) =
                    (x.metrics.get(field).copied().flatten(), y.metrics.get(field).copied().flatten());
                match (vx, vy) {
                    (Some(p), Some(q)) => p.total_cmp(&q),
                    // Missing values sort last whichever the direction.
                    (Some(_), None) => return std::cmp::Ordering::Less,
                    (None, Some(_)) => return std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            } else {
                text(x, field).cmp(&text(y, field))
            };
            let ord = if self.desc { ord.reverse() } else { ord };
            ord.then_with(|| x.run_id.cmp(&y.run_id))
        });
        self.visible = vis;
        self.selected.clamp(self.visible.len());
    }

    pub fn sort_by(&mut self, col: usize) {
        let keep = self.selected_id();
        if self.sort == col {
            self.desc = !self.desc;
        } else {
            self.sort = col;
            // Metrics read best-first; text reads A..Z.
            self.desc = COLUMNS[col].2 && COLUMNS[col].1 != "max_drawdown";
        }
        self.refresh();
        if let Some(id) = keep {
            self.select_id(&id);
        }
    }

    pub fn toggle_mark(&mut self) {
        if let Some(id) = self.selected_id() {
            match self.marked.iter().position(|m| *m == id) {
                Some(i) => {
                    self.marked.remove(i);
                }
                None => self.marked.push(id),
            }
        }
    }
}

fn text(e: &IndexEntry, field: &str) -> String {
    match field {
        "run_id" => e.run_id.clone(),
        "strategy" => e.strategy.clone(),
        "params" => e.params.clone(),
        "status" => status_word(e.status).to_string(),
        "symbol" => data(e),
        _ => String::new(),
    }
}

/// A finished run's status as a word (the table's status column sorts by it).
pub(super) fn status_word(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Success => "ok",
        RunStatus::Failed => "failed",
    }
}

/// What a run ran on, as the data column shows it: `BTCUSD 1h`.
pub(super) fn data(e: &IndexEntry) -> String {
    format!("{} {}", e.symbol, e.timeframe)
}
