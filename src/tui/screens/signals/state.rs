//! The Signals tab's state: the signals as last read, when they were read (ages are measured
//! against it, so drawing never reads the clock), and the selection.

use crate::engine::signals::SignalRow;
use crate::engine::time::MS_PER_DAY;
use crate::tui::widgets::list_cursor::ListCursor;

#[derive(Debug, Default)]
pub struct SignalsScreen {
    pub rows: Vec<SignalRow>,
    /// When `rows` were read, epoch ms.
    pub read_at_ms: i64,
    pub sel: ListCursor,
    pub loaded: bool,
    /// A signal to select once the list is reloaded.
    pub pending_select: Option<String>,
}

impl SignalsScreen {
    pub fn loaded(&mut self, rows: Vec<SignalRow>, read_at_ms: i64) {
        let keep = self.pending_select.take().or_else(|| self.selected_id().map(String::from));
        self.rows = rows;
        self.read_at_ms = read_at_ms;
        self.loaded = true;
        // The list is sorted by priority and time: follow the signal, not the row.
        let found = keep.and_then(|id| self.rows.iter().position(|r| r.signal_id == id));
        self.sel.follow(found, self.rows.len());
    }

    /// A reload that would draw the same screen: same rows, and every age still in its minute.
    pub fn same(&self, rows: &[SignalRow], read_at_ms: i64) -> bool {
        self.loaded && self.rows == rows && read_at_ms / 60_000 == self.read_at_ms / 60_000
    }

    pub fn selected(&self) -> Option<&SignalRow> {
        self.sel.get(&self.rows)
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.selected().map(|r| r.signal_id.as_str())
    }
}

/// A signal's age, `created_at` to `now_ms`: `<1m`, `45m`, `5h`, `3d`.
pub(crate) fn age(created_at: &str, now_ms: i64) -> String {
    let Some(t) = crate::engine::signals::parse_time(created_at) else { return "-".into() };
    let m = (now_ms - t).max(0) / 60_000;
    match m {
        0 => "<1m".into(),
        1..=59 => format!("{m}m"),
        60..=2879 => format!("{}h", m / 60),
        _ => format!("{}d", m * 60_000 / MS_PER_DAY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_at_a_glance() {
        let t = crate::engine::signals::parse_time("2026-01-01T00:00:00Z").unwrap();
        let at = |mins: i64| age("2026-01-01T00:00:00Z", t + mins * 60_000);
        assert_eq!(at(0), "<1m");
        assert_eq!(at(-5), "<1m");
        assert_eq!(at(45), "45m");
        assert_eq!(at(150), "2h");
        assert_eq!(at(3 * 24 * 60 + 5), "3d");
        assert_eq!(age("not a time", t), "-");
    }
}
