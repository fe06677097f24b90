//! Names and versions of the artifact contracts (documented in docs/contracts.md).

/// Version of the artifact contracts as a whole; bumped on any breaking change.
pub const CONTRACT_VERSION: u32 = 1;

pub const DATASET_SCHEMA: &str = "quantlab.dataset";
pub const RUN_REPORT_SCHEMA: &str = "quantlab.run_report";
pub const RUNS_INDEX_SCHEMA: &str = "quantlab.runs_index";
pub const RUN_COMPARE_SCHEMA: &str = "quantlab.run_compare";
pub const CHECK_SCHEMA: &str = "quantlab.check";
pub const SWEEP_SCHEMA: &str = "quantlab.sweep";
pub const SHARD_MANIFEST_SCHEMA: &str = "quantlab.shard_manifest";
pub const WALKFORWARD_SCHEMA: &str = "quantlab.walkforward";
pub const PORTFOLIO_SCHEMA: &str = "quantlab.portfolio";
pub const RESPONSE_SCHEMA: &str = "quantlab.response";
pub const SIGNAL_SCHEMA: &str = "quantlab.research_signal";
pub const SIGNAL_TRIAGE_SCHEMA: &str = "quantlab.signal_triage";
pub const SIGNAL_INTAKE_SCHEMA: &str = "quantlab.signal_intake";
pub const SIGNAL_VERDICT_SCHEMA: &str = "quantlab.signal_verdict";

/// `<kind>_<UTC yyyymmddThhmmssZ>_<8 hex>`: sortable by time, readable, unique by the hash.
pub fn make_id(kind: &str, at_ms: i64, hash_input: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(hash_input);
    format!("{kind}_{}_{}", crate::engine::time::id_stamp(at_ms), &hex::encode(h)[..8])
}
