//! The execution corridor against a hostile journal: a failed audit halts, and the kill switch
//! reaches the venue whatever the journal's state. Every run is inside its own anonymous
//! keyutils session (`keyctl session -`), so the operator keys these cases make stay out of
//! the session keyring of whoever runs the suite. (An operator keeping one key where no
//! keyring keeps it is proved in-process, in tests/audit.rs: this machine's keyring may well
//! keep keys between processes.)

use std::path::{Path, PathBuf};

use quantlab::engine::execution::model::Event;
use quantlab::engine::venues::fake::FakeVenue;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::harness::{Output, Run, Ws};
use crate::common::rewrite::rewrite;

const KEYRING_PER_PROCESS: Run =
    Run { json: true, stdout_closed: false, stderr_closed: false, wrapper: &["keyctl", "session", "-"] };

fn require_keyctl() {
    let ok = std::process::Command::new("keyctl").arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(ok, "these cases need keyctl (Debian/Ubuntu: apt-get install keyutils)");
}

fn run(ws: &Ws, args: &[&str]) -> (Output, Value) {
    let o = ws.run_with(KEYRING_PER_PROCESS, args);
    let v = o.json();
    (o, v)
}

fn ok(ws: &Ws, args: &[&str]) -> Value {
    let (o, v) = run(ws, args);
    assert_eq!(o.code, 0, "quantlab {args:?}: {v}\n{}", o.stderr);
    v
}

/// The example policy (its corridor is fake/main) and a resting buy.
fn corridor() -> Ws {
    require_keyctl();
    let ws = Ws::new();
    ok(&ws, &["policy", "init"]);
    ws
}

fn intent(ws: &Ws) -> String {
    let v = ok(
        ws,
        &[
            "intent",
            "new",
            "--venue",
            "fake",
            "--account",
            "main",
            "--symbol",
            "BTC/USD",
            "--side",
            "buy",
            "--qty",
            "0.002",
            "--price",
            "49900",
        ],
    );
    v["result"]["id"].as_str().unwrap().to_string()
}

fn journal(ws: &Ws) -> PathBuf {
    ws.path().join("corridors/fake/main/journal.jsonl")
}

fn open_orders(ws: &Ws) -> usize {
    let v = FakeVenue::persistent(ws.path().join("venues/fake/main.json")).unwrap();
    v.orders().iter().filter(|o| o.report.state.is_open()).count()
}

/// Every approval re-signed by a key nobody trusts, over a record that is not its own: a
/// forged signature inside a journal whose chain and head verify.
fn forge_approvals(path: &Path) {
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    rewrite(path, |e| {
        if let Event::Approved { approval } = &mut e.event {
            approval.operator = Some("mallory".into());
            approval.public_key = Some(hex::encode(stranger.verifying_key().to_bytes()));
            approval.signature = Some("ab".repeat(64));
        }
    });
}

/// Item 8: a forged approval in a journal whose chain was recomputed. `audit verify` failed
/// (exit 3, JOURNAL_TAMPERED) yet a pending intent was then submitted and the corridor read
/// armed. Now the audit halts the corridor and the submit is refused until the operator
/// kills (the journal is kept aside, a fresh segment starts) and rearms.
#[test]
fn a_failed_audit_halts_the_corridor_until_the_operator_resolves_it() {
    let ws = corridor();
    let first = intent(&ws);
    ok(&ws, &["submit", &first]);
    assert_eq!(open_orders(&ws), 1);
    forge_approvals(&journal(&ws));
    let pending = intent(&ws);

    let (o, v) = run(&ws, &["audit", "verify"]);
    assert_eq!(o.code, 3, "{v}");
    let c = &v["result"]["corridors"][0];
    assert_eq!(c["first_problem"]["kind"], "signature_invalid", "{v}");
    assert!(c["halt"].as_str().unwrap().contains("halted: journaled as audit_failed"), "{v}");

    let (o, v) = run(&ws, &["submit", &pending]);
    assert_eq!(o.code, 3, "the submit after a failed audit: {v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("halted") && msg.contains("AuditFailed"), "{msg}");
    assert_eq!(open_orders(&ws), 1, "nothing new reached the venue");
    let v = ok(&ws, &["corridors"]);
    let halted = v["result"]["corridors"][0]["halted"].as_str().unwrap_or_default().to_string();
    assert!(halted.contains("AuditFailed") && halted.contains("signature invalid"), "{v}");

    // Rearm alone does not lift it: the bad entry is still in the journal.
    let (o, v) = run(&ws, &["rearm", "--venue", "fake", "--account", "main"]);
    assert_eq!(o.code, 3, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("fails its audit"), "{v}");

    // The way out: kill (cancels at the venue, keeps the journal aside), then rearm.
    let v = ok(&ws, &["kill", "--venue", "fake", "--account", "main", "--reason", "audit failed"]);
    let detail = v["result"]["corridors"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("1 open order(s) cancelled") && detail.contains("kept aside"), "{detail}");
    assert_eq!(open_orders(&ws), 0);
    ok(&ws, &["journal", "verify"]);
    ok(&ws, &["audit", "verify"]);
    ok(&ws, &["rearm", "--venue", "fake", "--account", "main"]);
    let next = intent(&ws);
    ok(&ws, &["submit", &next]);
    assert_eq!(open_orders(&ws), 1);
}

/// Item 9: `kill` on a corridor whose journal was edited said "halted, but the venue was not
/// reached" while the venue was reachable, and two resting orders stayed open. Now it cancels
/// at the venue and journals what it did in a fresh segment naming the tampered journal.
#[test]
fn the_kill_switch_cancels_at_the_venue_whatever_the_journal() {
    let ws = corridor();
    for _ in 0..2 {
        let i = intent(&ws);
        ok(&ws, &["submit", &i]);
    }
    assert_eq!(open_orders(&ws), 2);
    let p = journal(&ws);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replacen("49900", "39900", 1)).unwrap();
    let tampered = Sha256::digest(std::fs::read(&p).unwrap());
    let (o, _) = run(&ws, &["journal", "verify"]);
    assert_eq!(o.code, 3, "the edit is caught");

    let v = ok(&ws, &["kill", "--venue", "fake", "--account", "main", "--reason", "tampered"]);
    let detail = v["result"]["corridors"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("halted; 2 open order(s) cancelled"), "{detail}");
    assert!(!detail.contains("not reached"), "{detail}");
    assert_eq!(open_orders(&ws), 0, "the venue was reached");

    // The fresh segment verifies and names the journal it follows, with its hash.
    ok(&ws, &["journal", "verify"]);
    let v = ok(&ws, &["journal", "show", "--venue", "fake", "--account", "main"]);
    let entries = v["result"]["entries"].as_array().unwrap();
    let first = &entries[0]["event"];
    assert_eq!(first["kind"], "segment_started", "{v}");
    assert_eq!(first["predecessor_sha256"], hex::encode(tampered), "{v}");
    let archived = p.with_file_name(first["predecessor"].as_str().unwrap());
    assert_eq!(Sha256::digest(std::fs::read(&archived).unwrap()), tampered, "kept aside unchanged");
    let kinds: Vec<&str> = entries.iter().map(|e| e["event"]["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"killed"), "{kinds:?}");
    let v = ok(&ws, &["corridors"]);
    assert!(v["result"]["corridors"][0]["halted"].is_string(), "halted until rearmed: {v}");
}
