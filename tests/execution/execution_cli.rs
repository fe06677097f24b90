//! The safety boundary through the real binary: exit codes, the kill switch across processes,
//! journal tampering, the keyring's fix and refusal (secrets that never leak: tests/secrets_leak.rs).

use crate::common;

use common::Ws;
use quantlab::engine::execution::model::OrderState;
use quantlab::engine::venues::fake::{FakeOrder, FakeVenue};

/// The orders the fake venue of `fake/main` holds (its state file is the venue).
fn venue_orders(ws: &Ws) -> Vec<FakeOrder> {
    FakeVenue::persistent(ws.path().join("venues/fake/main.json")).unwrap().orders()
}

fn new_intent(ws: &Ws, qty: &str) -> (i32, serde_json::Value) {
    ws.json(&[
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
        qty,
        "--price",
        "49900",
    ])
}

fn intent_id(ws: &Ws) -> String {
    let (code, v) = new_intent(ws, "0.002");
    assert_eq!(code, 0, "{v}");
    v["result"]["id"].as_str().unwrap().to_string()
}

fn policy(ws: &Ws) {
    let (code, v) = ws.json(&["policy", "init"]);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn bad_intents_name_their_field_and_exit_2() {
    let ws = Ws::new();
    for (extra, field) in [
        (vec!["--qty", "-1"], "qty"),
        (vec!["--qty", "abc"], "qty"),
        (vec!["--price", "NaN"], "price"),
        (vec!["--type", "iceberg"], "type"),
        (vec!["--tif", "day"], "tif"),
        (vec!["--expires", "soon"], "expires"),
        (vec!["--stop-loss", "abc"], "stop_loss"),
        // A long's take-profit below its entry; exits on an order that only reduces.
        (vec!["--take-profit", "49000"], "take_profit"),
        (vec!["--take-profit", "51000", "--reduce-only"], "take_profit"),
    ] {
        let mut args = vec![
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
        ];
        let has_qty = extra.contains(&"--qty");
        if !has_qty {
            args.extend(["--qty", "0.002"]);
        }
        if !extra.contains(&"--price") {
            args.extend(["--price", "49900"]);
        }
        args.extend(extra.iter());
        let (code, v) = ws.json(&args);
        assert_eq!(code, 2, "{v}");
        assert_eq!(v["error"]["field"], field, "{v}");
    }
    let (code, v) = ws.json(&[
        "intent",
        "new",
        "--venue",
        "binance",
        "--account",
        "main",
        "--symbol",
        "X",
        "--side",
        "buy",
        "--qty",
        "1",
    ]);
    assert_eq!((code, v["error"]["field"].as_str()), (2, Some("venue")), "{v}");
    // Kraken attaches one conditional close: both exits are refused before anything is written.
    let args = "intent new --venue kraken --account main --symbol XBTUSD --side buy --qty 0.001 \
                --type market --take-profit 70000 --stop-loss 50000";
    let (code, v) = ws.json(&args.split_whitespace().collect::<Vec<_>>());
    assert_eq!(code, 2, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("one conditional close"), "{v}");
    let (code, _) = ws.json(&["intent", "show", "intent_nope"]);
    assert_eq!(code, 5);
    // Nothing was journaled for the refused requests.
    let (_, v) = ws.json(&["intent", "list"]);
    assert_eq!(v["result"]["count"], 0);
}

#[test]
fn a_refused_preflight_exits_3_and_a_fake_submit_places_one_order() {
    let ws = Ws::new();
    let id = intent_id(&ws);
    // No policy: refused, with the rule named.
    let (code, v) = ws.json(&["preflight", &id]);
    assert_eq!(code, 3, "{v}");
    assert!(v["result"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["rule"] == "policy" && c["passed"] == false));
    policy(&ws);
    let (code, v) = ws.json(&["preflight", &id]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["verdict"], "pass");
    let (code, v) = ws.json(&["submit", &id, "--dry-run"]);
    assert_eq!((code, v["result"]["status"].as_str()), (0, Some("valid")), "{v}");
    let (code, v) = ws.json(&["submit", &id]);
    assert_eq!((code, v["result"]["status"].as_str()), (0, Some("open")), "{v}");
    let (code, v) = ws.json(&["submit", &id]);
    assert_eq!(code, 2, "an open intent is not sent twice: {v}");
    assert_eq!(venue_orders(&ws).len(), 1);
    // Too big for the micro-live limit: refused by max_order_notional.
    let (_, v) = new_intent(&ws, "0.02");
    let big = v["result"]["id"].as_str().unwrap().to_string();
    let (code, v) = ws.json(&["submit", &big]);
    assert_eq!(code, 3, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("max_order_notional"), "{v}");
}

#[test]
fn a_bracket_on_the_fake_venue_rests_its_stop_once_the_entry_fills() {
    let ws = Ws::new();
    policy(&ws);
    let base = "intent new --venue fake --account main --symbol BTC/USD --side buy --qty 0.002 --type market";
    let new = |extra: &str| {
        let args = format!("{base} {extra}");
        let (code, v) = ws.json(&args.split_whitespace().collect::<Vec<_>>());
        assert_eq!(code, 0, "{v}");
        v["result"]["id"].as_str().unwrap().to_string()
    };
    // The example policy allows stop-market but not take-profit-market: the exit's type is
    // checked like any order's.
    let id = new("--take-profit 55000");
    let (code, v) = ws.json(&["submit", &id]);
    assert_eq!(code, 3, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("exit_order_types"), "{v}");
    let id = new("--stop-loss 45000");
    let (code, v) = ws.json(&["submit", &format!("{id}.sl")]);
    assert_eq!(code, 2, "an exit is not sent on its own: {v}");
    let (code, v) = ws.json(&["submit", &id]);
    assert_eq!((code, v["result"]["status"].as_str()), (0, Some("filled")), "{v}");
    let (code, v) = ws.json(&["intent", "show", &format!("{id}.sl")]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["status"], "open", "{v}");
    assert_eq!(v["result"]["intent"]["parent"], id.as_str(), "{v}");
    assert_eq!(venue_orders(&ws).len(), 2, "the entry and its resting stop");
}

#[test]
fn live_venues_take_no_orders_from_scripts() {
    let ws = Ws::new();
    let (code, v) = ws.json(&[
        "intent",
        "new",
        "--venue",
        "kraken",
        "--account",
        "main",
        "--symbol",
        "BTC/USD",
        "--side",
        "buy",
        "--qty",
        "0.01",
        "--price",
        "50000",
    ]);
    assert_eq!(code, 0, "{v}");
    let id = v["result"]["id"].as_str().unwrap();
    let (code, v) = ws.json(&["submit", id]);
    assert_eq!(code, 3, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("console"), "{v}");
    // A dry run needs the venue, and so its credential: missing is the setup's gap (exit 2),
    // with the fix, and an alert.
    let (code, v) = ws.json(&["submit", id, "--dry-run"]);
    assert_eq!(code, 2, "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("quantlab secrets set kraken --account main"),
        "{v}"
    );
    let (_, v) = ws.json(&["alerts", "list"]);
    assert!(v["result"]["alerts"].as_array().unwrap().iter().any(|a| a["code"] == "SECRET_MISSING"));
}

#[test]
fn the_kill_switch_holds_across_processes_until_rearm() {
    let ws = Ws::new();
    policy(&ws);
    let id = intent_id(&ws);
    assert_eq!(ws.json(&["submit", &id]).0, 0);
    let (code, v) = ws.json(&["kill", "--reason", "drill"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["all"], true);
    assert!(v["result"]["corridors"][0]["detail"].as_str().unwrap().contains("1 open order(s) cancelled"));
    // Every later process refuses to submit, with exit 3.
    let id2 = intent_id(&ws);
    let (code, v) = ws.json(&["submit", &id2]);
    assert_eq!(code, 3, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("kill switch"), "{v}");
    let (_, v) = ws.json(&["corridors"]);
    assert!(v["result"]["corridors"][0]["halted"].is_string());
    // Rearming one venue is not enough while every corridor is halted.
    let (code, _) = ws.json(&["rearm", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 3);
    let (code, v) = ws.json(&["rearm"]);
    assert_eq!(code, 0, "{v}");
    let id3 = intent_id(&ws);
    assert_eq!(ws.json(&["submit", &id3]).0, 0);
    let (code, v) = ws.json(&["promote", "check", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 3, "two clean reconciliations are not three: {v}");
    let items = v["result"]["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["item"] == "kill_switch_exercised" && i["passed"] == true));
}

fn ids(v: &serde_json::Value) -> Vec<String> {
    v["result"]["intents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["intent"]["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn intents_are_listed_by_status_and_cancelled_before_or_at_the_venue() {
    let ws = Ws::new();
    policy(&ws);
    let pending = intent_id(&ws);
    let resting = intent_id(&ws);
    assert_eq!(ws.json(&["submit", &resting]).0, 0);

    let (code, v) = ws.json(&["intent", "list", "--status", "pending"]);
    assert_eq!((code, ids(&v)), (0, vec![pending.clone()]), "{v}");
    let (_, v) = ws.json(&["intent", "list", "--venue", "fake", "--account", "main", "--status", "open"]);
    assert_eq!(ids(&v), vec![resting.clone()], "{v}");
    let (code, v) = ws.json(&["intent", "list", "--status", "done"]);
    assert_eq!((code, v["error"]["field"].as_str()), (2, Some("status")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("partially_filled"), "{v}");

    // Not yet sent: withdrawn from the journal alone.
    let (code, v) = ws.json(&["intent", "cancel", &pending]);
    assert_eq!((code, v["result"]["status"].as_str()), (0, Some("cancelled")), "{v}");
    // Resting at the venue: cancelled there.
    let (code, v) = ws.json(&["intent", "cancel", &resting, "--reason", "changed my mind"]);
    assert_eq!((code, v["result"]["status"].as_str()), (0, Some("cancelled")), "{v}");
    let venue = venue_orders(&ws);
    assert_eq!(venue[0].report.state, OrderState::Cancelled, "{venue:?}");
    let (code, v) = ws.json(&["intent", "cancel", &pending]);
    assert_eq!(code, 2, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("already cancelled"), "{v}");
    let (code, _) = ws.json(&["intent", "cancel", "intent_nope"]);
    assert_eq!(code, 5);
    let (_, v) = ws.json(&["intent", "list", "--status", "cancelled"]);
    assert_eq!(v["result"]["count"], 2, "{v}");
    assert_eq!(ws.json(&["intent", "list", "--status", "pending"]).1["result"]["count"], 0);
}

#[test]
fn journal_show_prints_every_entry_in_order_and_tails() {
    let ws = Ws::new();
    policy(&ws);
    let id = intent_id(&ws);
    assert_eq!(ws.json(&["submit", &id]).0, 0);
    assert_eq!(ws.json(&["intent", "cancel", &id]).0, 0);
    let (code, v) = ws.json(&["journal", "show", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 0, "{v}");
    let entries = v["result"]["entries"].as_array().unwrap();
    assert_eq!(v["result"]["count"], entries.len());
    let seqs: Vec<u64> = entries.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=entries.len() as u64).collect::<Vec<_>>());
    let kinds: Vec<&str> = entries.iter().map(|e| e["event"]["kind"].as_str().unwrap()).collect();
    for k in [
        "intent_created",
        "approved",
        "preflight",
        "submit_started",
        "venue_ack",
        "cancel_requested",
        "order_update",
    ] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    assert_eq!(kinds[0], "intent_created");
    let (code, v) = ws.json(&["journal", "show", "--venue", "fake", "--account", "main", "--tail", "2"]);
    assert_eq!((code, v["result"]["count"].as_u64()), (0, Some(2)), "{v}");
    assert_eq!(v["result"]["entries"][1]["seq"], *seqs.last().unwrap());
    assert_eq!(v["result"]["entries"][1]["event"]["kind"], "order_update");
    let (code, _) = ws.json(&["journal", "show", "--venue", "fake", "--account", "nobody"]);
    assert_eq!(code, 5);
    let (code, v) = ws.json(&["journal", "show", "--venue", "binance", "--account", "main"]);
    assert_eq!((code, v["error"]["field"].as_str()), (2, Some("venue")), "{v}");
    // Kraken attaches one conditional close: both exits are refused before anything is written.
    let kraken = ["intent", "new", "--venue", "kraken", "--account", "main", "--symbol", "XBTUSD"];
    let both = [
        "--side",
        "buy",
        "--qty",
        "0.001",
        "--type",
        "market",
        "--take-profit",
        "70000",
        "--stop-loss",
        "50000",
    ];
    let (code, v) = ws.json(&[&kraken[..], &both[..]].concat());
    assert_eq!(code, 2, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("one conditional close"), "{v}");
}

#[test]
fn kill_for_one_venue_halts_its_corridors_only_until_their_rearm() {
    let ws = Ws::new();
    policy(&ws);
    let id = intent_id(&ws);
    assert_eq!(ws.json(&["submit", &id]).0, 0);
    let (code, v) = ws.json(&["kill", "--venue", "fake", "--reason", "venue drill"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["all"], false);
    let corridors = v["result"]["corridors"].as_array().unwrap();
    assert_eq!(corridors.len(), 1, "{v}");
    assert_eq!(corridors[0]["corridor"]["account"], "main");
    assert!(corridors[0]["detail"].as_str().unwrap().contains("1 open order(s) cancelled"), "{v}");
    assert!(!ws.path().join("corridors/halt.json").exists(), "no all-corridor marker for one venue");
    let (_, v) = ws.json(&["intent", "show", &id]);
    assert_eq!(v["result"]["status"], "cancelled", "{v}");
    // Halted in every later process.
    let id2 = intent_id(&ws);
    let (code, v) = ws.json(&["submit", &id2]);
    assert_eq!(code, 3, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("corridor_armed"), "{v}");
    // A venue with no corridor: nothing to kill.
    let (code, v) = ws.json(&["kill", "--venue", "kraken"]);
    assert_eq!(code, 5, "{v}");
    // The corridor's own rearm lifts it; no all-corridor rearm is needed.
    let (code, v) = ws.json(&["rearm", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 0, "{v}");
    let id3 = intent_id(&ws);
    assert_eq!(ws.json(&["submit", &id3]).0, 0);
}

#[test]
fn a_changed_journal_is_caught_and_exits_3() {
    let ws = Ws::new();
    policy(&ws);
    let id = intent_id(&ws);
    assert_eq!(ws.json(&["journal", "verify"]).0, 0);
    let p = ws.path().join("corridors/fake/main/journal.jsonl");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replace("0.002", "0.200")).unwrap();
    let (code, v) = ws.json(&["journal", "verify"]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(v["result"]["ok"], false);
    let (code, v) = ws.json(&["submit", &id]);
    assert_eq!(code, 3, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("changed outside QuantLab"), "{v}");
}

#[test]
fn a_journal_cut_short_is_caught_and_exits_3() {
    let ws = Ws::new();
    policy(&ws);
    let id = intent_id(&ws);
    assert_eq!(ws.json(&["submit", &id]).0, 0);
    assert_eq!(ws.json(&["kill", "--venue", "fake", "--account", "main"]).0, 0);
    let p = ws.path().join("corridors/fake/main/journal.jsonl");
    let text = std::fs::read_to_string(&p).unwrap();
    let n = text.lines().count();
    // Drop the last line: every remaining line still chains.
    let cut: String = text.lines().take(n - 1).map(|l| format!("{l}\n")).collect();
    std::fs::write(&p, cut).unwrap();
    let (code, v) = ws.json(&["journal", "verify"]);
    assert_eq!(code, 3, "{v}");
    let problem = &v["result"]["journals"][0]["verification"]["problem"];
    assert_eq!(problem[0], n, "{v}");
    assert!(problem[1].as_str().unwrap().contains(&format!("sequence {n} is missing")), "{v}");
    let (_, v) = ws.json(&["alerts", "list"]);
    assert!(v["result"]["alerts"].as_array().unwrap().iter().any(|a| a["code"] == "JOURNAL_TAMPERED"));
    assert_eq!(new_intent(&ws, "0.002").0, 3, "a cut journal takes no new intent");
}

/// The fix the keyring error gives, proved on this machine: inside `keyctl session` the kernel
/// keyutils backend stores a credential that a later process (in its own session) reads back.
/// Without keyutils the test fails (install it; CI does): skipping proved nothing.
#[test]
fn keyutils_works_inside_a_session_keyring() {
    let ws = Ws::new();
    let bin = assert_cmd::cargo::cargo_bin("quantlab");
    let account = format!("ci{}", std::process::id());
    let run = |script: &str| {
        common::keyctl()
            .args(["session", "-", "sh", "-c", script])
            .env("QL", &bin)
            .env("WS", ws.path())
            .env("ACCT", &account)
            .output()
            .unwrap()
    };
    let set = run("echo 'session-keyring-test-value' | \"$QL\" --workspace \"$WS\" secrets set kraken --account \"$ACCT\"");
    assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));
    let list = run("\"$QL\" --workspace \"$WS\" --json secrets list");
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("\"present\": true"), "{text}");
    assert!(!text.contains("session-keyring-test-value"));
    let del = run("\"$QL\" --workspace \"$WS\" secrets delete kraken --account \"$ACCT\"");
    assert!(del.status.success());
}

/// Where the keyring refuses a write, `secrets set` fails with the fix and no copy of the
/// secret stays in the kernel. keyutils refuses in the user-session keyring (`_uid_ses.N`),
/// where a process without a session keyring of its own ends up (an SSH shell without
/// pam_keyinit, cron, su): it adds the key there, then cannot link it into the persistent
/// keyring. The write runs with that keyring joined explicitly (`keyctl session _uid_ses.N`),
/// so the refusal happens whatever keyring the test itself runs in; this test used to skip
/// wherever the keyring worked, and then proved nothing. Without keyutils it fails.
#[test]
fn a_refused_keyring_write_leaves_no_copy_behind() {
    let ws = Ws::new();
    let account = format!("refused{}", std::process::id());
    let description = format!("keyring-rs:kraken/{account}@quantlab");
    // Teeth first: a key that stays linked is listed in /proc/keys (view permission is enough).
    let control = format!("keyring-rs:control/{account}@quantlab");
    let listed = common::keyctl()
        .args(["session", "-", "sh", "-c", "keyctl add user \"$D\" x @s >/dev/null && cat /proc/keys"])
        .env("D", &control)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&control), "/proc/keys does not list keys here");

    let uid = unsafe { libc::getuid() };
    // Fails (exit 99) unless the write really runs in the user-session keyring.
    let script = "[ \"$(keyctl id @s)\" = \"$(keyctl id @us)\" ] || exit 99; \
                  exec \"$QL\" --workspace \"$WS\" --json secrets set kraken --account \"$ACCT\"";
    let mut child = common::keyctl()
        .args(["session", &format!("_uid_ses.{uid}"), "sh", "-c", script])
        .env("QL", assert_cmd::cargo::cargo_bin("quantlab"))
        .env("WS", ws.path())
        .env("ACCT", &account)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"refused-write-test-value\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_ne!(out.status.code(), Some(99), "keyctl could not join the user-session keyring _uid_ses.{uid}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "the user-session keyring accepted the write: {text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("No matching entry found"), "refused for another reason: {msg}");
    assert!(msg.contains("keyctl session") && !msg.contains("Secret Service,"), "{msg}");
    assert!(!text.contains("refused-write-test-value"), "{text}");
    // An unlinked key lingers in /proc/keys until the kernel's key collector runs (well under
    // a second here); one still listed after 10 s is linked somewhere: a copy left behind.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::read_to_string("/proc/keys").unwrap().contains(&description) {
        assert!(
            std::time::Instant::now() < deadline,
            "a refused write left {description} in the kernel keyring"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
