//! What the order confirm dialog opens on: one intent awaiting approval with its digest, its
//! preflight and why it is blocked, as the engine read them from the corridor. Plain data
//! here, so the gate depends on no corridor code (which consumes the gate's witness).

use serde::Serialize;

use crate::engine::execution::model::ExecutionIntent;
use crate::engine::execution::preflight::ExecutionPreflight;

/// An intent awaiting approval, as read from its corridor's journal. Made only in the engine
/// (by the corridor reads of `engine.execution()`), and read-only: what the confirm dialog shows, and
/// the digest it carries into the approval, are what the engine read (the fields are private so
/// no caller, the console included, can swap the intent under a digest).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PendingIntent {
    intent: ExecutionIntent,
    /// sha256 of the intent as read now: the confirm dialog carries it into the approval.
    digest: String,
    preflight: Option<ExecutionPreflight>,
    /// Why it cannot be approved now (expired, failed preflight, corridor not armed), if so.
    blocked: Option<String>,
}

impl PendingIntent {
    /// `intent` as read from its corridor, `digest` its sha256 as read, and why it cannot be
    /// approved now, if so. Engine code only: the console reads one, it never makes one.
    pub(in crate::engine) fn new(
        intent: ExecutionIntent,
        digest: String,
        preflight: Option<ExecutionPreflight>,
        blocked: Option<String>,
    ) -> PendingIntent {
        PendingIntent { intent, digest, preflight, blocked }
    }

    pub fn intent(&self) -> &ExecutionIntent {
        &self.intent
    }

    /// sha256 of the intent as read: what a confirmation of it must carry.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    pub fn preflight(&self) -> Option<&ExecutionPreflight> {
        self.preflight.as_ref()
    }

    /// Why it cannot be approved now, if so.
    pub fn blocked(&self) -> Option<&str> {
        self.blocked.as_deref()
    }

    #[cfg(test)]
    pub(crate) fn for_tests(
        intent: ExecutionIntent,
        digest: &str,
        preflight: Option<ExecutionPreflight>,
    ) -> Self {
        PendingIntent { intent, digest: digest.to_string(), preflight, blocked: None }
    }
}
