//! What `quantlab demo` can refuse: a reset of a directory that is not a demo workspace of its
//! own, or of one whose live sessions still run. The exit-code kind of each is in
//! `engine/error_kinds.rs`.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// `--reset` on a directory the demo did not build, or built among other things: it is
    /// not removed (nothing outside the demo is ever lost).
    #[error(
        "--reset removes only a workspace the demo built on its own, and {} {why}: nothing was removed",
        path.display()
    )]
    NotItsOwn { path: PathBuf, why: &'static str },
    /// `--reset` while live sessions of the workspace still run (another demo's console).
    #[error("--reset: live sessions of {} still run ({}); stop them or quit that console first", path.display(), sessions.join(", "))]
    SessionsRunning { path: PathBuf, sessions: Vec<String> },
    #[error("--reset: cannot remove {}: {source}", path.display())]
    Remove { path: PathBuf, source: std::io::Error },
}
