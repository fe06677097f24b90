//! What went wrong with notifications: the file, a channel, a delivery. Messages never carry a
//! channel's secret: a delivery's reason is redacted before it is put in here.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// A value of notify.toml that parses but is not valid: the file, the line (when it can be
    /// found) and the dotted key, then what is wrong.
    #[error("{}: {}key '{key}': {problem}", file.display(), line.map(|n| format!("line {n}, ")).unwrap_or_default())]
    Field { file: PathBuf, line: Option<usize>, key: String, problem: String },
    /// The workspace has no notify.toml: nothing is routed anywhere.
    #[error("{} does not exist: notifications are off (docs/notifications.md shows one)", .0.display())]
    NoConfig(PathBuf),
    /// A channel name the file does not declare.
    #[error("no channel '{channel}' in {}: its channels are {}", file.display(), if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    UnknownChannel { channel: String, file: PathBuf, known: Vec<String> },
    /// A channel name that cannot be a keyring entry or a table key.
    #[error("'{0}' is not a channel name (letters, digits, '-' and '_', at most 40)")]
    BadName(String),
    /// One delivery failed; `reason` is redacted (no secret, no URL holding one).
    #[error("channel '{channel}' ({kind}): delivery failed: {reason}")]
    Delivery { channel: String, kind: &'static str, reason: String },
    /// The dispatcher could not start its own runtime or thread.
    #[error("the notification dispatcher could not start: {0}")]
    Start(String),
}
