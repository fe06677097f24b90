//! `--json-request`: in process, every request document either becomes a command line or is
//! refused with the response document; through the real binary, a few mutated requests get one
//! JSON response whose exit code is the process's, and a refused one changes no file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use proptest::prelude::*;
use quantlab::cli::prepare_request;
use serde_json::Value;

use super::harness::{assert_unchanged, bounded, bounded_for, check, runner, runner_env, tree};
use super::mutate::{mutated_json, text_inputs, Input};

fn contract_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contract")
}

fn request_texts(filter: &dyn Fn(&str) -> bool) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(contract_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".request.json") && filter(n))
        .map(|n| (n.clone(), std::fs::read(contract_dir().join(&n)).unwrap()))
        .collect();
    out.sort();
    out
}

fn json_seeds(filter: &dyn Fn(&str) -> bool) -> Vec<Value> {
    request_texts(filter).into_iter().filter_map(|(_, b)| serde_json::from_slice(&b).ok()).collect()
}

/// The response to a refused request: the contract's error shape, exit code 2.
fn assert_refusal(doc: &Value, input: &[u8]) {
    let ok = doc["status"] == "error"
        && doc["exit_code"] == 2
        && doc["error"]["code"] == "bad_input"
        && doc["error"]["message"].as_str().is_some_and(|m| !m.is_empty());
    assert!(
        ok,
        "a refused request's response is not the error shape: {doc} for {}",
        super::harness::show(input)
    );
}

#[test]
fn json_requests_become_a_command_line_or_a_refusal() {
    let texts: Vec<Vec<u8>> = request_texts(&|_| true).into_iter().map(|(_, b)| b).collect();
    let inputs = prop_oneof![1 => text_inputs(texts), 2 => mutated_json(json_seeds(&|_| true))];
    let mut r = runner(3_000);
    let res = r.run(&inputs, |input| {
        let text = input.text();
        let refused = bounded("--json-request", &input.0, move || {
            prepare_request(&text, Some(Path::new("fuzz-ws")), 0).err()
        });
        if let Some(doc) = refused {
            assert_refusal(&doc, &input.0);
        }
        Ok(())
    });
    check("--json-request", res);
}

/// Requests whose commands only read files under the working directory and write to the
/// workspace; the binary runs in a scratch directory holding copies of the files they name.
fn spawn_seed(name: &str) -> bool {
    ["data_import", "signals_intake", "run_unknown", "malformed", "unknown_command", "strategies"]
        .iter()
        .any(|p| name.starts_with(p))
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().filter_map(|e| e.ok()) {
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn the_binary_answers_mutated_requests_with_one_response() {
    let scratch = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for sub in ["bad", "signals"] {
        copy_tree(&fixtures.join(sub), &scratch.path().join("tests/fixtures").join(sub));
    }
    std::fs::copy(
        fixtures.join("BTCUSD_1h_head.csv"),
        scratch.path().join("tests/fixtures/BTCUSD_1h_head.csv"),
    )
    .unwrap();
    let ws = scratch.path().join("ws");
    let req = tempfile::tempdir().unwrap();
    let req_file = req.path().join("request.json");
    let texts: Vec<Vec<u8>> = request_texts(&spawn_seed).into_iter().map(|(_, b)| b).collect();
    let inputs = prop_oneof![1 => text_inputs(texts), 3 => mutated_json(json_seeds(&spawn_seed))];
    // Each case starts the binary: a handful in CI; FUZZ_SPAWN_CASES for more.
    let mut r = runner_env(12, "FUZZ_SPAWN_CASES");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_quantlab"));
    let res = r.run(&inputs, |Input(bytes)| {
        std::fs::write(&req_file, &bytes).unwrap();
        let before = tree(scratch.path());
        let (bin, cwd, ws, rf) = (bin.clone(), scratch.path().to_path_buf(), ws.clone(), req_file.clone());
        let out = bounded_for("quantlab --json-request", &bytes, Duration::from_secs(30), move || {
            Command::new(bin)
                .current_dir(cwd)
                .env_remove("QUANTLAB_WORKSPACE")
                .arg("--workspace")
                .arg(ws)
                .arg("--json-request")
                .arg(rf)
                .output()
                .unwrap()
        });
        let code = out.status.code();
        let shown = super::harness::show(&bytes);
        assert!(
            matches!(code, Some(0..=5)),
            "exit {code:?} (a crash?) for {shown}; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}) for {shown}"));
        assert_eq!(
            doc["exit_code"],
            code.unwrap(),
            "response exit_code differs from the process's for {shown}"
        );
        // A refusal (not a partial intake, which reports what it took in): nothing written.
        if code == Some(2) && doc["status"] == "error" {
            assert_unchanged("quantlab --json-request", &before, &tree(scratch.path()), &bytes);
        }
        Ok(())
    });
    check("quantlab --json-request", res);
}
