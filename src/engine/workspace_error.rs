//! What can go wrong with the workspace's files: reading and writing them, a JSON artifact
//! that is missing or does not parse, and a record looked up by id that is not there. The
//! exit-code kind of each is in `engine/error_kinds.rs`; a TOML file that does not parse is a
//! [`crate::engine::config::TomlError`].

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// An I/O failure on `path`; `what` says what was being done ("cannot write").
    #[error("{what} {}: {source}", path.display())]
    Io { what: String, path: PathBuf, source: std::io::Error },
    /// An artifact that should be there and is not.
    #[error("{} does not exist", .0.display())]
    Missing(PathBuf),
    /// An artifact that is not the JSON it should be (corrupt or hand-edited).
    #[error("{}: invalid JSON: {source}", path.display())]
    InvalidJson { path: PathBuf, source: serde_json::Error },
    /// A CSV artifact whose row (`line`, 1-based, the header is line 1) has `found` cells
    /// where its header has `expected`.
    #[error("{}: line {line}: {found} cells where the header has {expected}", path.display())]
    CsvRow { path: PathBuf, line: usize, found: usize, expected: usize },
    #[error("no alert '{0}'")]
    NoAlert(String),
}
