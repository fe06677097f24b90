//! Helpers shared by the integration tests: a temporary workspace and the real binary here;
//! the console harness, the operator's confirm key, the pseudo-terminal, journal rewriting and
//! the loopback simulator (in-process and as a process) in the modules below.
#![allow(dead_code)]

pub mod console;
pub mod corridor;
pub mod intents;
pub mod keypress;
pub mod promotion;
#[cfg(unix)]
pub mod pty;
pub mod rewrite;
pub mod script;
pub mod sim;
pub mod sim_process;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample").join(name)
}

pub struct Ws {
    pub dir: tempfile::TempDir,
}

impl Ws {
    pub fn new() -> Ws {
        Ws { dir: tempfile::tempdir().unwrap() }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The binary, pointed at this workspace, with --json.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("quantlab").unwrap();
        c.arg("--workspace").arg(self.path()).arg("--json").env_remove("QUANTLAB_WORKSPACE");
        c
    }

    /// Run with args, return (exit code, parsed stdout JSON).
    /// Poll `quantlab KIND status ID --json` (KIND `paper` or `live`) until `ok` holds of its
    /// result, failing after a minute with `what` it never reached.
    pub fn wait_status(
        &self,
        kind: &str,
        id: &str,
        what: &str,
        ok: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let (_, v) = self.json(&[kind, "status", id]);
            if ok(&v["result"]) {
                return v["result"].clone();
            }
            assert!(std::time::Instant::now() < deadline, "{kind} session {id} never reached {what}: {v}");
            std::thread::sleep(std::time::Duration::from_millis(40));
        }
    }

    pub fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let out = self.cmd().args(args).output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        let text = String::from_utf8_lossy(&out.stdout);
        let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {text}"));
        (code, v)
    }

    /// Every file under the workspace except logs, with its bytes: to prove nothing changed.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        walk(self.path(), self.path(), &mut out);
        out
    }

    /// `paper start` of the tests' usual strategy (sma_cross 5/20) on `feed`, plus `extra` flags;
    /// (exit code, parsed stdout JSON).
    pub fn paper_start(&self, feed: &str, extra: &[&str]) -> (i32, serde_json::Value) {
        let mut args = vec![
            "paper",
            "start",
            "--strategy",
            "sma_cross",
            "--param",
            "fast=5",
            "--param",
            "slow=20",
            "--feed",
            feed,
        ];
        args.extend_from_slice(extra);
        self.json(&args)
    }

    /// `intent new` on the fake venue (buy 0.002 BTC/USD at 49900), with `extra` flags after
    /// those; returns the exit code and the JSON document.
    pub fn fake_intent(&self, extra: &[&str]) -> (i32, serde_json::Value) {
        let mut args = vec!["intent", "new", "--venue", "fake", "--account", "main", "--symbol", "BTC/USD"];
        args.extend(["--side", "buy", "--qty", "0.002", "--price", "49900"]);
        args.extend_from_slice(extra);
        self.json(&args)
    }

    /// Import the bundled hourly BTC series and return its dataset id.
    pub fn import_btc(&self) -> String {
        self.import(&sample("BTCUSD_1h.csv"), "BTCUSD", "1h")
    }

    /// Import `file` as `symbol` at `timeframe` (it must succeed) and return its dataset id.
    pub fn import(&self, file: &Path, symbol: &str, timeframe: &str) -> String {
        let args = ["data", "import", file.to_str().unwrap(), "--symbol", symbol, "--timeframe", timeframe];
        let (code, v) = self.json(&args);
        assert_eq!(code, 0, "{v}");
        v["result"]["dataset"]["id"].as_str().unwrap().to_string()
    }
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        // Locks are not artifacts: `.lock` and the named `.<name>.lock` at the root.
        if rel == "logs" || (!rel.contains('/') && rel.starts_with('.') && rel.ends_with(".lock")) {
            continue;
        }
        if p.is_dir() {
            walk(root, &p, out);
        } else {
            out.insert(rel, std::fs::read(&p).unwrap());
        }
    }
}

/// The name libtest gives test `name` of the module at `module` (its `module_path!()`): the path
/// without the test binary's own crate, what `--exact` matches when a test runs this binary again
/// as a child process.
pub fn test_name(module: &str, name: &str) -> String {
    match module.split_once("::") {
        Some((_, path)) => format!("{path}::{name}"),
        None => name.to_string(),
    }
}

/// `keyctl` (package keyutils), which the keyring tests need: they run QuantLab inside a
/// session keyring (`keyctl session - ...`), the one way the kernel keyutils store works on a
/// headless Linux box. Missing, the test fails: CI installs it, and a test that skipped itself
/// would pass without proving anything.
pub fn keyctl() -> std::process::Command {
    let found = std::process::Command::new("keyctl").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "keyctl not found: install keyutils (`apt-get install keyutils`); the keyring tests need it"
    );
    std::process::Command::new("keyctl")
}

/// Whether the contract responses (tests/fixtures/contract) are re-recorded instead of compared:
/// only when `INSTA_UPDATE` asks insta to overwrite its snapshots in place, so one explicit
/// opt-in re-records every recording. Those files are a published contract in their own format,
/// not insta snapshots, so the test writes them itself.
pub fn rerecord() -> bool {
    rerecording(std::env::var_os("INSTA_UPDATE").as_deref())
}

/// Only insta's in-place values (`always`, its alias `1`, and `force`) re-record; unset, empty,
/// `auto`, `new`, `unseen`, `no` or any other word compares.
pub fn rerecording(value: Option<&std::ffi::OsStr>) -> bool {
    value.and_then(|v| v.to_str()).is_some_and(|v| matches!(v, "always" | "1" | "force"))
}
