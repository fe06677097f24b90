//! Text made to fit a column: whole when it fits, else cut between words (a table's parameters
//! are words, `f=20 s=100`) and ended with an ellipsis, so nothing on screen is cut mid-word.
//! Widths are display cells (a CJK character takes two, a combining mark none), never bytes or
//! characters, and a character is never split.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What marks text that was cut.
pub const ELLIPSIS: char = '…';

/// Display cells `text` takes.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` in at most `room` cells. Runs of whitespace read as one space. When it does not fit:
/// as many whole words as fit, then ` …` (`f=20 s=100 …`, the ellipsis a word of its own, so a
/// value is never misread as cut); when not even the first word fits, that word is cut after
/// its last `_`, `-`, `/` or `.` that leaves room (`bollinger_…`), else after the last character
/// that does, with `…`.
pub fn fit(text: &str, room: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let whole = words.join(" ");
    if width(&whole) <= room {
        return whole;
    }
    if room == 0 {
        return String::new();
    }
    // Whole words, each after a space, leaving room for " …".
    let mut kept = String::new();
    for w in &words {
        let sep = usize::from(!kept.is_empty());
        if width(&kept) + sep + width(w) + 2 > room {
            break;
        }
        if sep == 1 {
            kept.push(' ');
        }
        kept.push_str(w);
    }
    if !kept.is_empty() {
        return format!("{kept} {ELLIPSIS}");
    }
    cut_word(words.first().copied().unwrap_or_default(), room)
}

/// One word in `room` cells with `…` (the word is known not to fit whole): up to a separator
/// when one leaves room, else character by character.
fn cut_word(word: &str, room: usize) -> String {
    let budget = room.saturating_sub(1);
    let mut end = 0;
    let mut at_separator = None;
    let mut used = 0;
    for (i, c) in word.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        end = i + c.len_utf8();
        if matches!(c, '_' | '-' | '/' | '.') {
            at_separator = Some(end);
        }
    }
    let end = at_separator.unwrap_or(end);
    format!("{}{ELLIPSIS}", &word[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_fits_is_left_whole() {
        assert_eq!(fit("fast=20 slow=100", 16), "fast=20 slow=100");
        assert_eq!(fit("  buy_and_hold  ", 12), "buy_and_hold", "spaces around read as none");
        assert_eq!(fit("lower=30   period=14", 40), "lower=30 period=14");
        assert_eq!(fit("", 0), "");
    }

    #[test]
    fn words_are_cut_whole_with_an_ellipsis_of_their_own() {
        assert_eq!(fit("l=30 p=14 u=70", 13), "l=30 p=14 …");
        assert_eq!(fit("l=30 p=14 u=70", 11), "l=30 p=14 …");
        assert_eq!(fit("l=30 p=14 u=70", 10), "l=30 …", "never `p=1…`: a value is not cut");
        assert_eq!(fit("no bars between the start and the end", 20), "no bars between …");
    }

    #[test]
    fn a_first_word_too_long_is_cut_at_a_separator_else_at_a_character() {
        assert_eq!(fit("bollinger_reversion", 12), "bollinger_…");
        assert_eq!(fit("donchian_breakout fast", 10), "donchian_…");
        assert_eq!(fit("abcdefghij", 5), "abcd…");
        assert_eq!(fit("a_bcdefghij", 5), "a_…", "the separator, though it leaves less");
        assert_eq!(fit("abcdef", 1), "…");
        assert_eq!(fit("abcdef", 0), "");
    }

    #[test]
    fn widths_are_display_cells_and_a_character_is_never_split() {
        assert_eq!(width("日本"), 4);
        assert_eq!(fit("日本語テキスト", 5), "日本…", "two cells a character: 2 + 2 + 1");
        assert_eq!(fit("日本語テキスト", 4), "日…", "a third cell would split 本");
        assert_eq!(fit("✖ failed", 8), "✖ failed");
        assert_eq!(fit("e\u{301}te\u{301} longer", 6), "e\u{301}te\u{301} …", "a combining mark takes none");
    }

    #[test]
    fn the_result_never_exceeds_its_room() {
        let texts = [
            "fast=12 signal=9 slow=26",
            "bollinger_reversion",
            "日本語 テキスト と words",
            "a b c d e f g",
            "ws://127.0.0.1:8790/averyverylongpath",
        ];
        for t in texts {
            for room in 0..40 {
                let got = fit(t, room);
                assert!(width(&got) <= room, "{t:?} in {room}: {got:?}");
                assert!(t
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .starts_with(got.trim_end_matches(ELLIPSIS).trim_end()));
            }
        }
    }
}
