//! The Promotion tab's state: the board as last read (or why it could not be read), the
//! selected row, and what became of the last promotion asked for.

use crate::engine::promotion::{Board, Row};
use crate::tui::widgets::list_cursor::ListCursor;

#[derive(Debug, Default)]
pub struct PromotionScreen {
    /// None until read.
    pub board: Option<Board>,
    /// Why the last read failed, until one succeeds: the board is then unknown, not empty.
    pub error: Option<String>,
    pub sel: ListCursor,
    /// The last promotion's outcome: whether it was refused, and what to say.
    pub outcome: Option<(bool, String)>,
}

impl PromotionScreen {
    /// The board as read; returns whether anything shown changed. The selection follows its
    /// row (candidate and scope), not its index.
    pub fn loaded(&mut self, board: Board) -> bool {
        let changed = self.error.is_some() || self.board.as_ref() != Some(&board);
        let keep = self.selected().map(|r| (r.candidate.id.clone(), r.corridor.clone()));
        let found =
            keep.and_then(|(id, c)| board.rows.iter().position(|r| r.candidate.id == id && r.corridor == c));
        self.sel.follow(found, board.rows.len());
        self.board = Some(board);
        self.error = None;
        changed
    }

    pub fn rows(&self) -> &[Row] {
        self.board.as_ref().map_or(&[], |b| b.rows.as_slice())
    }

    pub fn selected(&self) -> Option<&Row> {
        self.sel.get(self.rows())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::{CorridorId, Venue};
    use crate::engine::promotion::{Candidate, Stage};

    fn row(slow: &str, corridor: Option<CorridorId>) -> Row {
        let params = [("fast".to_string(), "2".to_string()), ("slow".to_string(), slow.to_string())].into();
        let candidate = Candidate::new("sma_cross", &params, "BTCUSD", "1h").unwrap();
        Row {
            candidate,
            sources: Vec::new(),
            corridor,
            stage: Stage::Paper,
            next: None,
            gates: Vec::new(),
            ready: false,
        }
    }

    fn board(rows: Vec<Row>) -> Board {
        Board {
            schema: "quantlab.promotion_board".into(),
            schema_version: 1,
            gates_file: "promotion_gates.toml".into(),
            gates_fingerprint: "f".into(),
            rows,
            demoted: Vec::new(),
            untrusted: Vec::new(),
        }
    }

    #[test]
    fn the_selection_follows_its_candidate_and_scope_and_an_unread_board_is_unknown() {
        let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
        let mut p = PromotionScreen::default();
        assert!(p.selected().is_none() && p.rows().is_empty());
        assert!(
            p.loaded(board(vec![row("4", None), row("8", Some(kraken.clone()))])),
            "the first read is news"
        );
        p.sel.index = 1;
        assert!(!p.loaded(board(vec![row("4", None), row("8", Some(kraken.clone()))])), "the same board");
        assert!(p.loaded(board(vec![row("6", None), row("4", None), row("8", Some(kraken.clone()))])));
        let s = p.selected().unwrap();
        assert_eq!(
            (s.candidate.params["slow"].as_str(), s.corridor.as_ref()),
            ("8", Some(&kraken)),
            "the row, not the index"
        );
        p.error = Some("gates: bad".into());
        assert!(p.loaded(board(vec![row("4", None)])), "a read after a failed one is news");
        assert!(p.error.is_none());
    }
}
