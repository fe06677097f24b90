//! One selection for every list and scrolled table: it moves by a row, a page or to either
//! end, goes round where a list wraps (the corridors), follows its row across a reload, and
//! always stays inside the list.

use crate::tui::keymap::Action;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    /// The selected row (for a scrolled view: the first row shown).
    pub index: usize,
}

impl ListCursor {
    /// How far a movement key moves on a page of `page` rows; None for any other action.
    pub fn step(action: Action, page: usize) -> Option<isize> {
        let page = page.max(1) as isize;
        match action {
            Action::Up => Some(-1),
            Action::Down => Some(1),
            Action::PageUp => Some(-page),
            Action::PageDown => Some(page),
            Action::Top => Some(isize::MIN / 2),
            Action::Bottom => Some(isize::MAX / 2),
            _ => None,
        }
    }

    /// Apply a movement key over `len` rows, `page` to a page; false when `action` is not one.
    pub fn apply(&mut self, action: Action, len: usize, page: usize) -> bool {
        match Self::step(action, page) {
            Some(d) => {
                self.move_by(d, len);
                true
            }
            None => false,
        }
    }

    /// Move by `delta`, stopping at either end.
    pub fn move_by(&mut self, delta: isize, len: usize) {
        let max = len.saturating_sub(1) as isize;
        self.index = (self.index as isize).saturating_add(delta).clamp(0, max) as usize;
    }

    /// Move by `delta`, going round at either end.
    pub fn cycle(&mut self, delta: isize, len: usize) {
        if len > 0 {
            self.index = (self.index as isize + delta).rem_euclid(len as isize) as usize;
        }
    }

    /// Stay inside a list of `len` rows.
    pub fn clamp(&mut self, len: usize) {
        self.index = self.index.min(len.saturating_sub(1));
    }

    /// After a reload: go to `found` (the row that was selected, wherever it is now), then stay
    /// inside the list.
    pub fn follow(&mut self, found: Option<usize>, len: usize) {
        if let Some(i) = found {
            self.index = i;
        }
        self.clamp(len);
    }

    /// The selected item of `items`.
    pub fn get<'a, T>(&self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.index)
    }

    /// The first row to draw so that the selection stays visible in `rows` lines.
    pub fn top(&self, rows: usize) -> usize {
        match rows {
            0 => 0,
            _ => self.index.saturating_sub(rows - 1),
        }
    }

    pub fn is(&self, i: usize) -> bool {
        self.index == i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_pages_clamps_wraps_and_follows() {
        let mut c = ListCursor::default();
        assert!(c.apply(Action::Down, 5, 2));
        assert!(c.apply(Action::PageDown, 5, 2));
        assert_eq!(c.index, 3);
        assert!(c.apply(Action::Bottom, 5, 2));
        assert_eq!(c.index, 4);
        assert!(c.apply(Action::Down, 5, 2));
        assert_eq!(c.index, 4, "stops at the end");
        assert_eq!(c.top(3), 2, "the selection stays on screen");
        assert!(!c.apply(Action::Open, 5, 2));
        c.cycle(1, 5);
        assert_eq!(c.index, 0, "wraps");
        c.cycle(-1, 5);
        assert_eq!(c.index, 4);
        c.clamp(2);
        assert_eq!(c.index, 1);
        c.follow(Some(7), 3);
        assert_eq!(c.index, 2, "a row beyond the list is its last");
        c.follow(None, 0);
        assert_eq!(c.index, 0);
        c.move_by(-3, 0);
        assert_eq!(c.index, 0, "an empty list keeps row 0");
        assert!(c.apply(Action::Top, 0, 2) && c.get::<u8>(&[]).is_none());
    }
}
