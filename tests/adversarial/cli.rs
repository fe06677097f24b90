//! Command-line abuse: closed pipes, absurd --jobs, huge labels, files that are not shards.

use std::time::Duration;

use super::harness::{Run, Ws};

fn run_sma(ws: &Ws, label: &str) -> serde_json::Value {
    let args = ["run", "--data", "BTCUSD:1h", "--strategy", "sma_cross", "--param", "fast=5"];
    ws.accepted(&[&args[..], &["--param", "slow=20", "--label", label]].concat())
}

/// `quantlab --json runs list | head -c 10` panicked on the broken pipe. Every stream the
/// binary writes is closed before it starts: it must exit with the command's own code.
#[test]
fn a_closed_stdout_or_stderr_is_not_a_panic() {
    let ws = Ws::with_btc();
    run_sma(&ws, "one");
    let closed = Run { stdout_closed: true, ..Run::default() };
    for args in [&["runs", "list"][..], &["data", "list"], &["version"], &["strategies"]] {
        let o = ws.run_with(closed, args);
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
        let o = ws.run_with(Run { json: false, ..closed }, args);
        assert_eq!(o.code, 0, "{args:?} (text): {}", o.stderr);
    }
    // A refusal keeps its exit code when nobody reads the error, on stdout or on stderr.
    let o = ws.run_with(closed, &["runs", "show", "run_nope"]);
    assert_eq!(o.code, 5, "{}", o.stderr);
    let o = ws
        .run_with(Run { json: false, stderr_closed: true, ..Run::default() }, &["runs", "show", "run_nope"]);
    assert_eq!(o.code, 5, "{}", o.stdout);
}

/// `--jobs 100000` ran 481 s and aborted trying to start the threads.
#[test]
fn absurd_jobs_are_refused_at_once() {
    let ws = Ws::with_btc();
    let sweep = [
        "sweep",
        "--data",
        "BTCUSD:1h",
        "--strategy",
        "sma_cross",
        "--grid",
        "fast=5,10",
        "--grid",
        "slow=20",
    ];
    let o = ws.run(&[&sweep[..], &["--jobs", "100000"]].concat());
    assert!(o.elapsed < Duration::from_secs(30), "took {:?}", o.elapsed);
    ws.refused(&[&sweep[..], &["--jobs", "100000"]].concat(), 2, &["--jobs 100000", "4 per core"]);
    ws.refused(&[&sweep[..], &["--jobs", "0"]].concat(), 2, &["--jobs must be at least 1"]);
    let wf = ["walkforward", "--data", "BTCUSD:1h", "--strategy", "sma_cross", "--grid", "fast=5,10"];
    ws.refused(
        &[&wf[..], &["--grid", "slow=20", "--train", "500", "--test", "100", "--jobs", "100000"]].concat(),
        2,
        &["--jobs"],
    );
}

/// A 50 MB label made runs_index.json and .csv 52 MB each, rewritten after every run.
#[test]
fn labels_are_bounded() {
    let ws = Ws::with_btc();
    let ok = "é".repeat(200); // characters, not bytes
    let v = run_sma(&ws, &ok);
    assert_eq!(v["result"]["label"], ok.as_str(), "{v}");
    let long = "x".repeat(100_000);
    let run = ["run", "--data", "BTCUSD:1h", "--strategy", "sma_cross", "--label", &long];
    ws.refused(&run, 2, &["--label is 100000 characters", "200"]);
    let sweep =
        ["sweep", "--data", "BTCUSD:1h", "--strategy", "sma_cross", "--grid", "fast=5,10", "--label", &long];
    ws.refused(&sweep, 2, &["--label"]);
    let wf = ["walkforward", "--data", "BTCUSD:1h", "--strategy", "sma_cross", "--grid", "fast=5,10"];
    ws.refused(&[&wf[..], &["--train", "500", "--test", "100", "--label", &long]].concat(), 2, &["--label"]);
    let id = v["result"]["run_id"].as_str().unwrap().to_string();
    ws.refused(&["portfolio", "--runs", &format!("{id},{id}"), "--label", &long], 2, &["--label"]);
    // Through a JSON request there is no argv limit: 5 MB is refused the same way.
    let req = serde_json::json!({
        "request_id": "long-label",
        "command": "run",
        "params": { "data": "BTCUSD:1h", "strategy": "sma_cross", "label": "y".repeat(5_000_000) },
    });
    let f = ws.input("req.json", req.to_string());
    let before = ws.hashes();
    let o = ws.run_with(Run { json: false, ..Run::default() }, &["--json-request", f.to_str().unwrap()]);
    let v = o.json();
    assert_eq!(o.code, 2, "{}", v["error"]);
    assert!(
        v["error"]["message"].as_str().unwrap().contains("--label is 5000000 characters"),
        "{}",
        v["error"]
    );
    assert_eq!(before, ws.hashes());
}

/// `sweep merge /etc/passwd` was a runtime error (exit 1); not a shard is bad input.
#[test]
fn merging_what_is_not_a_shard_is_bad_input() {
    let ws = Ws::with_btc();
    let text = ws.input("passwd", "root:x:0:0:root:/root:/bin/bash\n");
    ws.refused(&["sweep", "merge", text.to_str().unwrap()], 2, &["passwd", "not a sweep shard"]);
    let other = ws.input("dataset.json", r#"{"schema": "quantlab.dataset"}"#);
    ws.refused(&["sweep", "merge", other.to_str().unwrap()], 2, &["dataset.json", "not a sweep shard"]);
    let empty = ws.input_path("empty_dir");
    std::fs::create_dir(&empty).unwrap();
    ws.refused(&["sweep", "merge", empty.to_str().unwrap()], 2, &["empty_dir", "not a sweep shard"]);
    ws.refused(&["sweep", "merge", "/no/such/shard"], 5, &["/no/such/shard", "does not exist"]);
}
