//! Wrong results accepted with exit 0: absurd cash and weights, over-precise prices and endless
//! expiries, JSON requests with repeated keys or wrong types, a signal file that cannot be
//! written, and simulator requests missing from its request log.

use serde_json::Value;

use super::harness::Ws;
use crate::common::sim::{Harness, Market};

fn run_sma(ws: &Ws, fast: &str) -> String {
    let args = ["run", "--data", "BTCUSD:1h", "--strategy", "sma_cross", "--param", "slow=20", "--param"];
    let v = ws.accepted(&[&args[..], &[fast]].concat());
    v["result"]["run_id"].as_str().unwrap_or_else(|| panic!("no run_id: {v}")).to_string()
}

/// `run --cash 1e308` wrote `final_equity: null` under success; `portfolio --weights
/// 1e308,1e308` reported -100%. Both are refused as out of the documented range.
#[test]
fn cash_and_weights_outside_their_range_are_refused() {
    let ws = Ws::with_btc();
    let run = ["run", "--data", "BTCUSD:1h", "--strategy", "sma_cross", "--cash"];
    for cash in ["1e308", "1e13", "inf", "0", "-5"] {
        ws.refused(&[&run[..], &[cash]].concat(), 2, &["--cash", "1e12"]);
    }
    let v = ws.accepted(&[&run[..], &["1e12"]].concat());
    assert!(v["result"]["metrics"]["final_equity"].is_number(), "{v}");

    let a = run_sma(&ws, "fast=5");
    let b = run_sma(&ws, "fast=8");
    let runs = format!("{a},{b}");
    for w in ["1e308,1e308", "1e7,1", "-1,2", "0,0"] {
        ws.refused(&["portfolio", "--runs", &runs, &format!("--weights={w}")], 2, &["--weights", "1e6"]);
    }
    ws.refused(&["portfolio", "--runs", &runs, "--cash", "1e308"], 2, &["--cash", "1e12"]);
    let v = ws.accepted(&["portfolio", "--runs", &runs, "--weights", "1e6,1e6"]);
    let ret = &v["result"]["report"]["metrics"]["total_return"];
    assert!(ret.as_f64().is_some_and(|r| r > -0.5), "equal weights of 1e6 are half and half: {v}");
}

fn intent(extra: &[&str]) -> Vec<String> {
    let base = ["intent", "new", "--venue", "fake", "--account", "main", "--symbol", "BTC/USD"];
    let more = ["--side", "buy", "--qty", "0.01", "--type", "limit"];
    base.iter().chain(&more).chain(extra).map(|s| s.to_string()).collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// A price with 40 decimals was stored rounded to 28 digits; one finer than the tick was
/// taken; `--expires 99999999999999d` gave an intent that never expired.
#[test]
fn over_precise_prices_and_endless_expiries_are_refused() {
    let ws = Ws::new();
    ws.accepted(&["policy", "init"]);
    let long = "49900.1234567890123456789012345678901234567890";
    ws.refused(&strs(&intent(&["--price", long])), 2, &["--price", "28 significant digits"]);
    // The fake venue's BTC/USD tick is 0.1.
    ws.refused(&strs(&intent(&["--price", "49900.12"])), 2, &["--price", "tick", "0.1", "at most 1"]);
    ws.refused(
        &strs(&intent(&["--price", "49900.1", "--take-profit", "51000.05"])),
        2,
        &["take-profit", "at most 1"],
    );
    // Where the instrument's rule is not known, the venue's most decimals.
    let hl = ["intent", "new", "--venue", "hyperliquid", "--account", "main", "--symbol", "BTC"];
    let hl: Vec<&str> = hl.iter().chain(&["--side", "buy", "--qty", "0.01", "--price"]).copied().collect();
    ws.refused(&[&hl[..], &["100.123456789"]].concat(), 2, &["hyperliquid", "at most 8"]);
    for e in ["99999999999999d", "1000000w", "8d"] {
        ws.refused(&strs(&intent(&["--price", "49900.1", "--expires", e])), 2, &["--expires"]);
    }
    // The example policy keeps the default max_intent_ttl_secs: one day.
    ws.refused(
        &strs(&intent(&["--price", "49900.1", "--expires", "25h"])),
        2,
        &["max_intent_ttl_secs", "86400"],
    );
    let v = ws.accepted(&strs(&intent(&["--price", "49900.1", "--expires", "24h"])));
    assert_eq!(v["result"]["limit_price"], "49900.1", "{v}");
}

/// Run a `--json-request` file; the exit code and the response.
fn request(ws: &Ws, body: &str) -> (i32, Value) {
    let f = ws.input("req.json", body);
    let o = ws.run(&["--json-request", f.to_str().unwrap()]);
    (o.code, o.json())
}

fn request_refused(ws: &Ws, body: &str, field: &str, fragments: &[&str]) {
    let before = ws.hashes();
    let (code, v) = request(ws, body);
    assert_eq!(code, 2, "{body}: {v}");
    assert_eq!(v["status"], "error", "{v}");
    assert_eq!(v["exit_code"], 2, "{v}");
    assert_eq!(v["error"]["field"], field, "{body}: {v}");
    let msg = v["error"]["message"].as_str().unwrap();
    for f in fragments {
        assert!(msg.contains(f), "'{f}' not in: {msg}");
    }
    assert_eq!(before, ws.hashes(), "{body} was refused but changed the workspace");
}

/// `"cash":-5,"cash":20000` ran with 20000; two `command`s ran the second; `"workspace": 5`
/// was ignored; `signal_file` in params was taken and nothing written.
#[test]
fn json_requests_refuse_repeats_wrong_types_and_unknown_fields() {
    let ws = Ws::with_btc();
    let run = r#""command": "run", "request_id": "r1""#;
    let p = r#""data": "BTCUSD:1h", "strategy": "sma_cross""#;
    request_refused(
        &ws,
        &format!(r#"{{{run}, "params": {{{p}, "cash": -5, "cash": 20000}}}}"#),
        "params.cash",
        &["repeats the field 'params.cash'"],
    );
    request_refused(
        &ws,
        &format!(r#"{{{run}, "command": "strategies", "params": {{{p}}}}}"#),
        "command",
        &["repeats the field 'command'"],
    );
    request_refused(
        &ws,
        &format!(r#"{{{run}, "params": {{{p}, "param": {{"fast": 5, "fast": 6}}}}}}"#),
        "params.param.fast",
        &["repeats"],
    );
    request_refused(
        &ws,
        &format!(r#"{{{run}, "workspace": 5, "params": {{{p}}}}}"#),
        "workspace",
        &["'workspace' must be"],
    );
    request_refused(&ws, r#"{"command": ["run"], "request_id": "r1"}"#, "command", &["must be a string"]);
    request_refused(
        &ws,
        &format!(r#"{{{run}, "params": {{{p}, "close_at_end": {{"a": 1}}}}}}"#),
        "close_at_end",
        &["close_at_end"],
    );
    let sig = ws.input_path("sig.json");
    request_refused(
        &ws,
        &format!(r#"{{{run}, "params": {{{p}, "signal_file": {}}}}}"#, Value::from(sig.to_str().unwrap())),
        "signal_file",
        &["unknown field 'signal_file'"],
    );
    assert!(!sig.exists());
    // The same request without the repeat runs.
    let (code, v) = request(&ws, &format!(r#"{{{run}, "params": {{{p}, "cash": 20000}}}}"#));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["status"], "ok", "{v}");
}

/// `--signal-file DIR`: the write failed and the command still exited 0.
#[test]
fn a_signal_file_that_cannot_be_written_is_exit_1() {
    let ws = Ws::new();
    let dir = ws.input_path("a-directory");
    std::fs::create_dir(&dir).unwrap();
    let o = ws.run(&["--signal-file", dir.to_str().unwrap(), "version"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("cannot write the signal file"), "{}", o.stderr);
    // Under a regular file: its folder cannot be made.
    let under_file = ws.input("a-file", "x").join("sig.json");
    let o = ws.run(&["--signal-file", under_file.to_str().unwrap(), "version"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    // Found before the command runs: nothing runs, and no --json document says ok.
    let o = ws.run(&["--signal-file", dir.to_str().unwrap(), "runs", "show", "run_nope"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let doc: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(doc["ok"], false, "{doc}");
    assert!(doc["error"]["message"].as_str().unwrap().contains("nothing was run"), "{doc}");
    // A writable signal file keeps 0.
    let ok = ws.input_path("sig.json");
    let o = ws.run(&["--signal-file", ok.to_str().unwrap(), "version"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc: Value = serde_json::from_slice(&std::fs::read(&ok).unwrap()).unwrap();
    assert_eq!(doc["ok"], true, "{doc}");
}

/// The simulator's request log had no line for /info calls, nor for requests refused with
/// 422 (a body that does not parse) or 413 (a body too large).
#[tokio::test(flavor = "multi_thread")]
async fn the_simulator_logs_info_calls_and_http_refusals() {
    let mut h = Harness::start(Market::Walk).await;
    let http = reqwest::Client::new();
    let post = |path: &str, body: Vec<u8>| {
        http.post(format!("{}{path}", h.url)).header("content-type", "application/json").body(body).send()
    };
    let r = post("/info", br#"{"type":"allMids"}"#.to_vec()).await.unwrap();
    assert_eq!(r.status(), 200);
    let r = post("/info", b"{not json".to_vec()).await.unwrap();
    assert_eq!(r.status(), 422);
    let r = post("/exchange", b"[]".to_vec()).await.unwrap();
    assert_eq!(r.status(), 422);
    let r = post("/info", vec![b' '; 3 << 20]).await.unwrap();
    assert_eq!(r.status(), 413);
    let (_, lines) = h.log();
    let has = |endpoint: &str, accepted: bool, error: Option<&str>| {
        lines.iter().any(|l| {
            l["venue"] == "hyperliquid"
                && l["endpoint"] == endpoint
                && l["accepted"] == accepted
                && error.is_none_or(|e| l["error"].as_str().is_some_and(|t| t.contains(e)))
        })
    };
    assert!(has("info", true, None), "no accepted /info line: {lines:?}");
    assert!(lines.iter().any(|l| l["detail"]["type"] == "allMids"), "{lines:?}");
    assert!(has("info", false, Some("422")), "no refused /info line (422): {lines:?}");
    assert!(has("exchange", false, Some("422")), "no refused /exchange line (422): {lines:?}");
    assert!(has("info", false, Some("413")), "no refused /info line (413): {lines:?}");
    h.stop().await;
}
