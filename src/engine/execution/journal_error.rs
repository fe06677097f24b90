//! What opening, reading or appending to a corridor journal can fail on: a journal changed
//! outside QuantLab (refused: nothing may act on it), a corridor another process holds, or an
//! entry that cannot be written. The exit-code kind of each is in `engine/error_kinds.rs`.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The chain or the head record does not verify at `line` (0: the head record itself).
    #[error(
        "{}: {}{why}; the journal was changed outside QuantLab, so the corridor stays halted \
         (inspect with `quantlab journal verify`)",
        path.display(),
        if *line == 0 { String::new() } else { format!("line {line}: ") }
    )]
    Tampered { path: PathBuf, line: usize, why: String },
    #[error(
        "{}: the corridor is in use by another QuantLab process (the console?); try again when it is done",
        .0.display()
    )]
    InUse(PathBuf),
    /// A fresh segment asked for where a journal (or its head) already is.
    #[error("{}: a journal is already there", .0.display())]
    AlreadyThere(PathBuf),
    #[error("journal entry: {0}")]
    Entry(#[source] serde_json::Error),
}
