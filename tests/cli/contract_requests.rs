//! The JSON request contract: every fixture request gives its recorded response (after
//! normalizing what changes per run), responses match their schema, and --signal-file holds
//! the same document.

use crate::common;

use std::path::{Path, PathBuf};

use common::Ws;
use serde_json::Value;

const VOLATILE: [&str; 7] =
    ["run_id", "sweep_id", "created_at", "updated_at", "duration_ms", "git_commit", "jobs"];
const ID_KINDS: [&str; 7] = ["run_", "sweep_", "ds_", "wf_", "pf_", "intake_", "sv_"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `<kind>_yyyymmddThhmmssZ_xxxxxxxx` -> `<id>` inside any string.
fn strip_ids(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    'outer: while i < b.len() {
        for k in ID_KINDS {
            let n = k.len() + 8 + 1 + 6 + 1 + 1 + 8;
            if s[i..].starts_with(k) && i + n <= b.len() {
                let t = &b[i + k.len()..i + n];
                let ok = t[..8].iter().all(u8::is_ascii_digit)
                    && t[8] == b'T'
                    && t[9..15].iter().all(u8::is_ascii_digit)
                    && t[15] == b'Z'
                    && t[16] == b'_'
                    && t[17..].iter().all(|c| c.is_ascii_hexdigit());
                if ok {
                    out.push_str("<id>");
                    i += n;
                    continue 'outer;
                }
            }
        }
        let ch = s[i..].chars().next().unwrap();
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

fn normalize(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if VOLATILE.contains(&k.as_str()) && !x.is_null() {
                    *x = Value::String("<volatile>".into());
                } else {
                    normalize(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(normalize),
        Value::String(s) => *s = strip_ids(s),
        _ => {}
    }
}

fn validator(name: &str) -> jsonschema::Validator {
    let s: Value =
        serde_json::from_slice(&std::fs::read(root().join("docs/contracts").join(name)).unwrap()).unwrap();
    jsonschema::validator_for(&s).unwrap()
}

fn requests() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/contract"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".request.json"))
        .collect();
    v.sort();
    v
}

fn run_request(ws: &Ws, req: &Path, signal: Option<&Path>) -> (i32, Value) {
    let mut cmd = ws.cmd();
    cmd.current_dir(root()).arg("--json-request").arg(req);
    if let Some(s) = signal {
        cmd.arg("--signal-file").arg(s);
    }
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    (
        out.status.code().unwrap(),
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON ({e}): {text}", req.display())),
    )
}

#[test]
fn every_fixture_request_gives_its_recorded_response() {
    let rerecord = common::rerecord();
    let schema = validator("response.schema.json");
    let request_schema = validator("request.schema.json");
    assert!(requests().len() >= 8);
    for req in requests() {
        let ws = Ws::new();
        if let Ok(doc) = serde_json::from_slice::<Value>(&std::fs::read(&req).unwrap()) {
            assert!(request_schema.is_valid(&doc), "{} does not match request.schema.json", req.display());
        }
        let (code, mut got) = run_request(&ws, &req, None);
        let errors: Vec<String> =
            schema.iter_errors(&got).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", req.display());
        assert_eq!(got["exit_code"], code, "{}", req.display());
        normalize(&mut got);
        let expected_path = PathBuf::from(req.to_string_lossy().replace(".request.json", ".response.json"));
        if rerecord {
            std::fs::write(&expected_path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let expected: Value = serde_json::from_slice(&std::fs::read(&expected_path).unwrap_or_else(|_| {
            panic!(
                "{} missing: run INSTA_UPDATE=always cargo test --test integration contract_requests",
                expected_path.display()
            )
        }))
        .unwrap();
        assert_eq!(got, expected, "{} gave a different response", req.display());
    }
}

#[test]
fn signal_file_holds_the_final_document_on_success_and_failure() {
    for (name, ok) in [("run_sma_cross", true), ("run_unknown_strategy", false)] {
        let ws = Ws::new();
        let signal = ws.path().join("done.json");
        let req = root().join(format!("tests/fixtures/contract/{name}.request.json"));
        let (code, got) = run_request(&ws, &req, Some(&signal));
        assert_eq!(code == 0, ok);
        let written: Value = serde_json::from_slice(&std::fs::read(&signal).unwrap()).unwrap();
        assert_eq!(written, got);
    }
    // Plain commands write their --json document too, and so does a usage error.
    let ws = Ws::new();
    let signal = ws.path().join("s.json");
    let out = ws.cmd().args(["strategies", "--signal-file"]).arg(&signal).output().unwrap();
    assert!(out.status.success());
    assert_eq!(serde_json::from_slice::<Value>(&std::fs::read(&signal).unwrap()).unwrap()["ok"], true);
    let out = ws.cmd().args(["run", "--bogus", "--signal-file"]).arg(&signal).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(serde_json::from_slice::<Value>(&std::fs::read(&signal).unwrap()).unwrap()["exit_code"], 2);
}

#[test]
fn ids_are_normalized() {
    assert_eq!(strip_ids("runs/run_20261125T151518Z_f72b6bbf/report.json"), "runs/<id>/report.json");
    assert_eq!(strip_ids("run_2026"), "run_2026");
}

/// `--json-request -` reads the request from stdin: the same response as from a file, and a
/// malformed document on stdin is refused like a malformed file.
#[test]
fn request_on_stdin_gives_the_same_response_as_the_file() {
    for name in ["strategies", "run_sma_cross"] {
        let req = root().join(format!("tests/fixtures/contract/{name}.request.json"));
        let (ws_file, ws_stdin) = (Ws::new(), Ws::new());
        let (code, mut from_file) = run_request(&ws_file, &req, None);
        let out = ws_stdin
            .cmd()
            .current_dir(root())
            .args(["--json-request", "-"])
            .write_stdin(std::fs::read(&req).unwrap())
            .output()
            .unwrap();
        let mut from_stdin: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(code), "{name}");
        assert_eq!(from_stdin["status"], "ok", "{name}: {from_stdin}");
        normalize(&mut from_file);
        normalize(&mut from_stdin);
        assert_eq!(from_stdin, from_file, "{name}");
    }
    // The run really happened in the stdin workspace, not only in the response.
    let ws = Ws::new();
    let req = root().join("tests/fixtures/contract/run_sma_cross.request.json");
    let out = ws.cmd().current_dir(root()).args(["--json-request", "-"]).pipe_stdin(&req).unwrap().output();
    let v: Value = serde_json::from_slice(&out.unwrap().stdout).unwrap();
    let report = v["machine_contract"]["artifacts"]["report_json"].as_str().unwrap();
    assert!(ws.path().join(report).exists(), "{report} missing");

    let ws = Ws::new();
    let out = ws.cmd().args(["--json-request", "-"]).write_stdin("{ \"request_id\": ").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "error");
    assert_eq!(v["error"]["code"], "bad_input");
    assert!(v["error"]["message"].as_str().unwrap().contains("not valid JSON"), "{v}");
}

/// A run that fails after it was recorded has a report.json with a machine_contract; the
/// response carries that same block (not null), and the signal file too.
#[test]
fn a_failed_run_keeps_its_machine_contract_in_the_response() {
    let ws = Ws::new();
    let signal = ws.path().join("done.json");
    let req = root().join("tests/fixtures/contract/run_no_bars_in_window.request.json");
    let (code, got) = run_request(&ws, &req, Some(&signal));
    assert_eq!(code, 2, "{got}");
    assert_eq!(got["status"], "error");
    assert_eq!(got["error"]["code"], "bad_input");
    let mc = &got["machine_contract"];
    assert_eq!(mc["status"], "failed", "{got}");
    assert_eq!(mc["error_code"], "bad_input");
    let report = ws.path().join(mc["artifacts"]["report_json"].as_str().unwrap());
    let report: Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    assert_eq!(report["status"], "failed");
    assert_eq!(*mc, report["machine_contract"]);
    let written: Value = serde_json::from_slice(&std::fs::read(&signal).unwrap()).unwrap();
    assert_eq!(written["machine_contract"], *mc);
}

/// Only an explicit `INSTA_UPDATE` in-place value re-records the responses; any other value
/// compares against the recordings, and every test reads the variable through that one rule
/// (insta reads it for the console snapshots).
#[test]
fn only_an_explicit_insta_update_re_records() {
    use std::ffi::OsStr;
    for v in ["always", "1", "force"] {
        assert!(common::rerecording(Some(OsStr::new(v))), "INSTA_UPDATE={v:?} re-records");
    }
    for v in ["0", "", "auto", "new", "unseen", "no", "true", "yes", " always", "10"] {
        assert!(!common::rerecording(Some(OsStr::new(v))), "INSTA_UPDATE={v:?} must not re-record");
    }
    assert!(!common::rerecording(None));
    let mut readers = Vec::new();
    let mut stack = vec![root().join("tests")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                if text.contains("var_os(\"INSTA_UPDATE\")") || text.contains("var(\"INSTA_UPDATE\")") {
                    readers.push(p.strip_prefix(root()).unwrap().display().to_string());
                }
            }
        }
    }
    assert_eq!(readers, ["tests/common/mod.rs"], "read INSTA_UPDATE through common::rerecord() only");
}
