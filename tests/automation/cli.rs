//! `quantlab grants list|show|revoke` from a script, `grants create` always refused with nothing
//! written, `intent approve` without a grant refused; the grant file and the journal's grant
//! entries against their schemas.

use serde_json::Value;

use super::rig::{limits, Rig};
use crate::common::corridor::cli;
use crate::promotion::assert_valid;

#[test]
fn a_script_lists_shows_and_revokes_grants_but_never_makes_one() {
    let r = Rig::new();
    let (code, v) = cli(&r.ws, &["grants", "list"]);
    assert_eq!((code, v["result"]["count"].as_u64()), (0, Some(0)), "{v}");
    let before = r.ws.snapshot();
    for args in [
        &["grants", "create", "--venue", "kraken", "--account", "main"][..],
        &["grants", "create", "--venue", "kraken", "--account", "main", "--max-order-notional", "100000"][..],
    ] {
        let (code, v) = cli(&r.ws, args);
        assert_eq!(code, 3, "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("made in the console only"), "{v}");
    }
    assert_eq!(r.ws.snapshot(), before, "a refused grant writes nothing");

    let g = r.grant(limits(3), 2).unwrap();
    let file: Value = serde_json::from_slice(
        &std::fs::read(r.ws.path().join("automation/grants").join(format!("{}.json", g.id))).unwrap(),
    )
    .unwrap();
    assert_valid("grant.schema.json", &file);
    let (code, v) = cli(&r.ws, &["grants", "list"]);
    assert_eq!(code, 0, "{v}");
    let listed = &v["result"]["grants"][0];
    assert_eq!(
        (listed["state"].as_str(), listed["orders_left_today"].as_u64()),
        (Some("live"), Some(3)),
        "{v:#}"
    );
    assert_valid("grant.schema.json", &listed["grant"]);
    let (code, v) = cli(&r.ws, &["grants", "show", &g.id]);
    assert_eq!((code, v["result"]["grant"]["id"].as_str()), (0, Some(g.id.as_str())), "{v}");
    assert_eq!(cli(&r.ws, &["grants", "show", "grant_nope"]).0, 5);
    assert_eq!(cli(&r.ws, &["grants", "revoke", &g.id, "--reason", " "]).0, 2, "a revocation says why");
    let (code, v) = cli(&r.ws, &["grants", "revoke", &g.id, "--reason", "end of the trial"]);
    assert_eq!((code, v["result"]["state"].as_str()), (0, Some("revoked")), "{v}");
    assert!(v["result"]["reason"].as_str().unwrap().contains("end of the trial"), "{v}");
    assert_eq!(cli(&r.ws, &["grants", "revoke", &g.id, "--reason", "again"]).0, 3, "already revoked");
    // The journal's grant entries follow the journal's schema.
    let journal = std::fs::read_to_string(r.ws.path().join("corridors/kraken/main/journal.jsonl")).unwrap();
    let kinds: Vec<String> = journal
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .inspect(|e| assert_valid("journal_entry.schema.json", e))
        .map(|e| e["event"]["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(
        kinds.contains(&"grant_made".to_string()) && kinds.contains(&"grant_revoked".to_string()),
        "{kinds:?}"
    );
}

#[test]
fn intent_approve_without_a_grant_is_refused_and_sends_nothing() {
    let r = Rig::new();
    let (code, v) = cli(
        &r.ws,
        &[
            "intent",
            "new",
            "--venue",
            "kraken",
            "--account",
            "main",
            "--symbol",
            "XBTUSD",
            "--side",
            "buy",
            "--qty",
            "0.001",
            "--type",
            "market",
        ],
    );
    assert_eq!(code, 0, "{v}");
    let id = v["result"]["id"].as_str().unwrap().to_string();
    let (code, v) = cli(&r.ws, &["intent", "approve", &id]);
    assert_eq!(code, 3, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("grant"), "{v}");
    assert_eq!(cli(&r.ws, &["submit", &id]).0, 3, "a live order from a script needs an automated approval");
    assert!(r.sim.placed_kraken_orders().is_empty());
}

/// The shipped systemd unit's command line, and the machine-contract requests docs/automation.md
/// shows, are ones the CLI takes: on a session that does not exist they say "not found" (5),
/// never "usage" (2).
#[test]
fn the_unit_example_and_the_documented_requests_are_commands_the_cli_takes() {
    let ws = crate::common::Ws::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let unit = std::fs::read_to_string(root.join("examples/quantlab-live@.service")).unwrap();
    let exec = unit.lines().find_map(|l| l.strip_prefix("ExecStart=")).expect("an ExecStart line");
    let args: Vec<String> =
        exec.split_whitespace().skip(1).map(|a| a.replace("%i", "no_such_session")).collect();
    // As the unit runs it: its own flags, the workspace from the environment.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quantlab"))
        .args(&args)
        .env("QUANTLAB_WORKSPACE", ws.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{exec}: {}", String::from_utf8_lossy(&out.stdout));
    let docs = std::fs::read_to_string(root.join("docs/automation.md")).unwrap();
    let requests: Vec<&str> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("echo '")?.split("' | quantlab --json-request -").next())
        .collect();
    assert_eq!(requests.len(), 3, "{requests:?}");
    for r in requests {
        let doc = r.replace("nightly", "no_such_session");
        let out = ws.cmd().args(["--json-request", "-"]).write_stdin(doc.clone()).output().unwrap();
        let code = out.status.code();
        assert!(
            code == Some(5) || code == Some(0),
            "{doc}: {code:?} {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
