//! What the venue runtime can fail on. The exit-code kind of each is in
//! `engine/error_kinds.rs`.

use std::sync::Arc;

#[derive(Debug, Clone, thiserror::Error)]
pub enum RuntimeError {
    /// The runtime could not be built (threads, the I/O driver); kept for every later caller,
    /// so the io error is shared.
    #[error("cannot start the venue runtime: {source}")]
    Start { source: Arc<std::io::Error> },
    /// A blocking venue call from a thread that the call would need (a deadlock refused).
    #[error(
        "internal error: a blocking venue call was made from inside the venue runtime; \
         async code must await the venue instead"
    )]
    BlockedInside,
}
