// Bypass: a pending intent that was never read from a journal, with a digest of one's choosing,
// for the dialog to show and confirm.
use quantlab::engine::gate::PendingIntent;
use quantlab::engine::execution::model::ExecutionIntent;

fn forge(intent: ExecutionIntent) -> PendingIntent {
    PendingIntent { intent, digest: String::new(), preflight: None, blocked: None }
}

fn main() {}
