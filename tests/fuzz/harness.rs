//! Running one fuzz case: on its own thread, bounded in time, a panic reported with the input.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use proptest::test_runner::{Config, TestRunner};
use sha2::{Digest, Sha256};

/// How long one in-process case may take before it counts as a hang.
pub const CASE_LIMIT: Duration = Duration::from_secs(2);

/// Cases per target: `default` in CI; `PROPTEST_CASES` overrides it for a long campaign.
pub fn runner(default: u32) -> TestRunner {
    runner_env(default, "PROPTEST_CASES")
}

/// The same, with the count read from `var`.
pub fn runner_env(default: u32, var: &str) -> TestRunner {
    let cases = std::env::var(var).ok().and_then(|s| s.parse().ok()).unwrap_or(default);
    TestRunner::new(Config {
        cases,
        // A failure prints its input; nothing is written into the source tree.
        failure_persistence: None,
        max_shrink_time: 60_000,
        ..Config::default()
    })
}

/// The input as a reader can see it: text when it is UTF-8, escaped bytes otherwise, cut short.
pub fn show(input: &[u8]) -> String {
    const MAX: usize = 3_000;
    let cut = &input[..input.len().min(MAX)];
    let body = match std::str::from_utf8(cut) {
        Ok(s) => format!("{s:?}"),
        Err(_) => format!("b\"{}\"", cut.escape_ascii()),
    };
    let more = if input.len() > MAX { format!(" ... ({} bytes in all)", input.len()) } else { String::new() };
    format!("{body}{more}")
}

/// Run `f` on a fresh thread; panic (failing the case, with the input shown) when it panics
/// or takes longer than `limit`.
pub fn bounded_for<T: Send + 'static>(
    what: &str,
    input: &[u8],
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(format!("fuzz {what}"))
        .spawn(move || {
            // A panic drops the sender: the receiver sees the disconnect.
            let _ = tx.send(f());
        })
        .expect("spawn a fuzz worker");
    match rx.recv_timeout(limit) {
        Ok(v) => {
            let _ = worker.join();
            v
        }
        Err(RecvTimeoutError::Timeout) => {
            panic!("{what}: no answer within {limit:?} (a hang) on input {}", show(input))
        }
        Err(RecvTimeoutError::Disconnected) => {
            panic!("{what}: the parser panicked (message above) on input {}", show(input))
        }
    }
}

pub fn bounded<T: Send + 'static>(what: &str, input: &[u8], f: impl FnOnce() -> T + Send + 'static) -> T {
    bounded_for(what, input, CASE_LIMIT, f)
}

/// Every file and directory under `root` (relative path -> sha256 of the bytes, or `dir`),
/// leaving out log directories: a command's log lines are not workspace state.
pub fn tree(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        for e in rd.filter_map(|e| e.ok()) {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().to_string();
            // Files only: the logs, lock files and the (empty) folders a command opens before it
            // reads its input hold nothing a refusal could lose or forge.
            if p.is_dir() {
                if e.file_name() == "logs" {
                    continue;
                }
                walk(root, &p, out);
            } else if e.file_name() == ".lock" {
                continue;
            } else {
                let bytes = std::fs::read(&p).unwrap_or_default();
                out.insert(rel, hex::encode(Sha256::digest(&bytes)));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Fail, naming the input, when a refused input changed the tree.
pub fn assert_unchanged(
    what: &str,
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
    input: &[u8],
) {
    if before != after {
        let changed: Vec<&String> =
            before.keys().chain(after.keys()).filter(|k| before.get(*k) != after.get(*k)).collect();
        panic!("{what}: a refused input changed the workspace ({changed:?}) on input {}", show(input));
    }
}

/// Unwrap a proptest run, printing the failing (shrunk) case.
pub fn check(what: &str, r: Result<(), proptest::test_runner::TestError<impl std::fmt::Debug>>) {
    if let Err(e) = r {
        panic!("{what}: {e}");
    }
}
