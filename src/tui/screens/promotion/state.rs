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
