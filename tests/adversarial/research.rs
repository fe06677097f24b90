//! Research artifacts under kills and rewrites: a sweep killed while saving its runs does not
//! claim success, a rebuilt index and merged shards equal the live ones bit for bit, and what a
//! killed process leaves is cleaned, alerted once and reported by `check`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use super::harness::{bin, Ws, TIMEOUT};

const GRID: [&str; 4] = ["--grid", "fast=5:20:1", "--grid", "slow=30:60:2"];

fn sweep_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["sweep", "--data", "BTCUSD:1h", "--strategy", "sma_cross", "--progress", "none"];
    a.extend_from_slice(&GRID);
    a.extend_from_slice(extra);
    a
}

fn read(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

/// Every `.tmp-` file under `dir`.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(temporaries(&p));
        } else if e.file_name().to_string_lossy().starts_with(".tmp-") {
            out.push(p);
        }
    }
    out
}

/// The `check` line named `name`.
fn check_line(ws: &Ws, name: &str) -> Value {
    let v = ws.run(&["check"]).json();
    let lines = v["result"]["checks"].as_array().unwrap_or_else(|| panic!("no checks: {v}"));
    lines.iter().find(|l| l["name"] == name).unwrap_or_else(|| panic!("no '{name}' check: {v}")).clone()
}

/// The runs index as text without its `updated_at` line: what a rebuild must reproduce.
fn index_text(ws: &Ws) -> String {
    let text = std::fs::read_to_string(ws.path().join("runs_index.json")).unwrap();
    text.lines().filter(|l| !l.contains("\"updated_at\"")).collect::<Vec<_>>().join("\n")
}

/// Issue 21 item 5. Bypass tried: kill -9 the sweep while it saves its best runs; sweep.json
/// used to say `success` with `saved_runs: []` and no trace of `--save-runs`. Now sweep.json is
/// `incomplete` (config.save_top recorded) until every saved run exists.
#[test]
fn a_sweep_killed_while_saving_runs_stays_incomplete_and_says_what_was_asked() {
    let ws = Ws::with_btc();
    let args = sweep_args(&["--save-runs", "top:200"]);
    let mut child = Command::new(bin())
        .arg("--workspace")
        .arg(ws.path())
        .arg("--json")
        .args(&args)
        .env_remove("QUANTLAB_WORKSPACE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let sweeps = ws.path().join("sweeps");
    let started = Instant::now();
    let sweep_json = loop {
        let found = std::fs::read_dir(&sweeps)
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| e.ok())
            .map(|e| e.path().join("sweep.json"))
            .filter(|p| p.exists());
        if let Some(p) = found {
            break p;
        }
        assert!(child.try_wait().unwrap().is_none(), "the sweep ended before writing sweep.json");
        assert!(started.elapsed() < TIMEOUT, "no sweep.json after {TIMEOUT:?}");
        std::thread::sleep(Duration::from_millis(2));
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let s = read(&sweep_json);
    let saved: Vec<&str> = s["saved_runs"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(saved.len() < 200, "the kill landed after all 200 runs were saved; the test proved nothing");
    assert_eq!(s["status"], "incomplete", "killed while saving runs, sweep.json says: {}", s["status"]);
    assert_eq!(s["machine_contract"]["status"], "incomplete");
    assert_eq!(s["config"]["save_top"], 200, "the config does not say --save-runs was asked");
    assert_eq!(s["machine_contract"]["saved_runs"], s["saved_runs"]);
    for id in &saved {
        let report = ws.path().join("runs").join(id).join("report.json");
        assert!(report.exists(), "sweep.json lists saved run {id} but {} is missing", report.display());
    }
    let listed = ws.accepted(&["sweeps", "list"]);
    let listed = listed["result"].to_string();
    assert!(listed.contains("\"incomplete\""), "sweeps list hides the interrupted sweep: {listed}");

    // What the kill left is cleaned by the next rebuild, once its writer is provably gone.
    std::thread::sleep(Duration::from_millis(2100));
    ws.accepted(&["runs", "rebuild-index"]);
    assert_eq!(temporaries(ws.path()), Vec::<PathBuf>::new(), "temporaries survived the rebuild");
    assert_eq!(check_line(&ws, "tempfiles")["ok"], true);
}

/// The same request without a kill ends `success` with every saved run listed.
#[test]
fn a_sweep_that_saves_its_runs_ends_success_with_them_listed() {
    let ws = Ws::with_btc();
    let v = ws.accepted(&sweep_args(&["--save-runs", "top:3"]));
    let r = &v["result"];
    assert_eq!(r["status"], "success");
    assert_eq!(r["config"]["save_top"], 3);
    assert_eq!(r["saved_runs"].as_array().unwrap().len(), 3);
    let stored = read(&ws.path().join(r["artifacts"]["sweep_json"].as_str().unwrap()));
    assert_eq!(&stored, r, "sweep.json differs from the response");
    let plain = ws.accepted(&sweep_args(&[]));
    assert!(
        plain["result"]["config"].get("save_top").is_none(),
        "a sweep that asked nothing records a request"
    );
}

/// Issue 21 item 6. Bypass tried: `runs rebuild-index` re-read report.json floats without
/// round-trip precision (max_drawdown 0.41196944671842156 -> 0.4119694467184216). Now the
/// rebuilt index is the live one byte for byte.
#[test]
fn a_rebuilt_index_is_the_live_one_bit_for_bit() {
    let ws = Ws::with_btc();
    ws.accepted(&sweep_args(&["--save-runs", "top:25"]));
    ws.accepted(&["run", "--data", "BTCUSD:1h", "--strategy", "sma_cross", "--fee-bps", "7"]);
    let live = index_text(&ws);
    let live_csv = std::fs::read_to_string(ws.path().join("runs_index.csv")).unwrap();
    let o = ws.accepted(&["runs", "rebuild-index"]);
    assert_eq!(o["result"]["indexed"], 26, "{o}");
    assert_eq!(index_text(&ws), live, "the rebuilt runs_index.json differs from the live one");
    assert_eq!(std::fs::read_to_string(ws.path().join("runs_index.csv")).unwrap(), live_csv);
    // A second rebuild (reading what the first wrote) changes nothing either.
    ws.accepted(&["runs", "rebuild-index"]);
    assert_eq!(index_text(&ws), live);
}

/// Issue 21 item 6, merge side: shards merged equal the single-machine sweep, every metric.
#[test]
fn merged_shards_equal_the_single_sweep_bit_for_bit() {
    let ws = Ws::with_btc();
    let whole = ws.accepted(&sweep_args(&[]));
    let mut dirs = Vec::new();
    for k in ["0/3", "1/3", "2/3"] {
        let v = ws.accepted(&sweep_args(&["--shard", k]));
        let rel = v["result"]["artifacts"]["sweep_json"].as_str().unwrap().to_string();
        dirs.push(ws.path().join(rel).parent().unwrap().to_string_lossy().into_owned());
    }
    let mut args = vec!["sweep", "merge"];
    args.extend(dirs.iter().map(String::as_str));
    let merged = ws.accepted(&args);
    let (a, b) = (&whole["result"]["combinations"], &merged["result"]["combinations"]);
    assert_eq!(a.as_array().unwrap().len(), b.as_array().unwrap().len());
    for (x, y) in a.as_array().unwrap().iter().zip(b.as_array().unwrap()) {
        assert_eq!(x, y, "combination {} differs after the merge", x["index"]);
    }
}

/// A temporary as a killed writer leaves it: unlocked, `age` old.
fn leave_temporary(dir: &Path, name: &str, bytes: usize, age: Duration) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, vec![0u8; bytes]).unwrap();
    File::options().write(true).open(&p).unwrap().set_modified(SystemTime::now() - age).unwrap();
    p
}

/// Issue 21 item 7. Bypass tried: temporaries of killed runs (8 MiB each) pile up, each
/// rebuild re-raises INDEX_SKIPPED_RUN for the same folders, and `check` says ok. Now the
/// rebuild removes what no live writer holds, alerts a skip once, and `check` names both.
#[test]
fn killed_runs_leftovers_are_cleaned_alerted_once_and_reported_by_check() {
    let ws = Ws::with_btc();
    ws.accepted(&["run", "--data", "BTCUSD:1h", "--strategy", "sma_cross"]);
    let runs = ws.path().join("runs");
    let minute = Duration::from_secs(60);
    // Killed before anything but its temporary: the folder goes with it.
    let only_tmp =
        leave_temporary(&runs.join("run_20240101T000000Z_deadbeef"), ".tmp-a1B2c3", 8 << 20, minute);
    // Killed after trades.csv: the temporary goes, the folder stays skipped.
    let half = runs.join("run_20240101T000001Z_deadbee2");
    let half_tmp = leave_temporary(&half, ".tmp-d4E5f6", 8 << 20, minute);
    std::fs::write(half.join("trades.csv"), "trade\n").unwrap();
    // A writer still at work (this process holds the lock, as write_atomic does): kept.
    let live = leave_temporary(ws.path(), ".tmp-live01", 1024, minute);
    let live_file = File::open(&live).unwrap();
    live_file.lock().unwrap();

    let t = check_line(&ws, "tempfiles");
    assert_eq!(t["ok"], false, "check says ok with killed writers' temporaries: {t}");
    let detail = t["detail"].as_str().unwrap();
    assert!(detail.contains("2 temporaries") && detail.contains(".tmp-d4E5f6"), "{detail}");
    assert!(!detail.contains(".tmp-live01"), "a live writer's temporary called stale: {detail}");
    let r = check_line(&ws, "runs");
    assert_eq!(r["ok"], false, "check says ok with unindexable run folders: {r}");
    assert!(r["detail"].as_str().unwrap().contains("run_20240101T000001Z_deadbee2"), "{r}");

    let mut raised = 0;
    for i in 0..3 {
        let o = ws.accepted(&["runs", "rebuild-index"]);
        let res = &o["result"];
        if i == 0 {
            let removed = res["removed_temporaries"].to_string();
            assert!(removed.contains(".tmp-a1B2c3") && removed.contains(".tmp-d4E5f6"), "{o}");
        } else {
            assert_eq!(res["removed_temporaries"], serde_json::json!([]), "{o}");
        }
        assert_eq!(res["skipped"].as_array().unwrap().len(), 1, "{o}");
        raised += res["alerts_raised"].as_u64().unwrap();
    }
    assert_eq!(raised, 1, "a skipped folder was alerted more than once over three rebuilds");
    let alerts = ws.accepted(&["alerts", "list"]).to_string();
    assert_eq!(alerts.matches("\"INDEX_SKIPPED_RUN\"").count(), 1, "{alerts}");

    assert!(
        !only_tmp.exists() && !only_tmp.parent().unwrap().exists(),
        "an empty killed run folder was kept"
    );
    assert!(!half_tmp.exists() && half.join("trades.csv").exists());
    assert!(live.exists(), "rebuild-index removed a temporary its writer still holds");
    assert_eq!(check_line(&ws, "tempfiles")["ok"], true);
    drop(live_file);
}
