//! The harness every adversarial module uses: the real binary in a temporary workspace.
//!
//! - [`Ws::new`] makes an empty workspace and a separate folder for hostile inputs
//!   ([`Ws::input`] writes one); [`Ws::with_btc`] also imports the bundled hourly series.
//! - [`Ws::run`] runs `quantlab --workspace WS --json ARGS` with a timeout (a hang fails the
//!   test) and checks it did not panic; [`Ws::run_with`] takes the stdio and the command's
//!   prefix (`--json` or not) from a [`Run`].
//! - [`Ws::refused`] is the usual assertion: the given exit code, one JSON document on stdout
//!   whose error message holds every fragment, and a workspace whose files hash the same
//!   before and after (logs excepted: every command appends to them).
//! - [`Ws::accepted`] asserts exit 0 and returns the JSON document.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Longer than any case needs on a slow debug build; a case that takes this long is a hang.
pub const TIMEOUT: Duration = Duration::from_secs(90);

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_quantlab")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample").join(name)
}

/// What a run of the binary gave back.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Output {
    /// stdout as the one JSON document `--json` promises.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("stdout is not one JSON document ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr)
        })
    }
}

/// How to run the binary: with `--json` (the default), and which streams are closed.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub json: bool,
    /// The reader of stdout (stderr) has gone away before the binary writes: `cmd | head -c 0`.
    pub stdout_closed: bool,
    pub stderr_closed: bool,
    /// Wrap the binary in this command line (e.g. `setpriv ...` to drop capabilities).
    pub wrapper: &'static [&'static str],
}

impl Default for Run {
    fn default() -> Self {
        Run { json: true, stdout_closed: false, stderr_closed: false, wrapper: &[] }
    }
}

pub struct Ws {
    dir: tempfile::TempDir,
    inputs: tempfile::TempDir,
}

impl Ws {
    pub fn new() -> Ws {
        Ws { dir: tempfile::tempdir().unwrap(), inputs: tempfile::tempdir().unwrap() }
    }

    /// A workspace holding the bundled BTCUSD 1h series (as `BTCUSD:1h`), so refusals are
    /// checked against a workspace that has something to lose.
    pub fn with_btc() -> Ws {
        let ws = Ws::new();
        let f = sample("BTCUSD_1h.csv");
        ws.accepted(&["data", "import", f.to_str().unwrap(), "--symbol", "BTCUSD", "--timeframe", "1h"]);
        ws
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write a hostile input file (outside the workspace) and return its path.
    pub fn input(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.inputs.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// Where an input named `name` would go (for pipes, folders and such made by the test).
    pub fn input_path(&self, name: &str) -> PathBuf {
        self.inputs.path().join(name)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(Run::default(), args)
    }

    pub fn run_with(&self, how: Run, args: &[&str]) -> Output {
        let (program, pre): (&str, Vec<&str>) = match how.wrapper {
            [] => (bin(), vec![]),
            [w, rest @ ..] => (w, rest.iter().copied().chain([bin()]).collect()),
        };
        let mut cmd = Command::new(program);
        cmd.args(pre).arg("--workspace").arg(self.path());
        if how.json {
            cmd.arg("--json");
        }
        cmd.args(args).env_remove("QUANTLAB_WORKSPACE").stdin(Stdio::null());
        cmd.stdout(if how.stdout_closed { closed_pipe() } else { Stdio::piped() });
        cmd.stderr(if how.stderr_closed { closed_pipe() } else { Stdio::piped() });
        let started = Instant::now();
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        // Read both streams on threads so a chatty child cannot block on a full pipe.
        let drain = |s: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                if let Some(mut s) = s {
                    let _ = s.read_to_end(&mut buf);
                }
                String::from_utf8_lossy(&buf).into_owned()
            })
        };
        let out = drain(child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
        let err = drain(child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if started.elapsed() > TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("quantlab {args:?} hung: still running after {TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let o = Output {
            code: status.code().unwrap_or_else(|| panic!("quantlab {args:?} was killed: {status:?}")),
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
            elapsed: started.elapsed(),
        };
        assert!(
            o.code != 101 && !o.stderr.contains("panicked"),
            "quantlab {args:?} panicked (exit {}):\n{}",
            o.code,
            o.stderr
        );
        o
    }

    /// sha256 of every file in the workspace, by relative path; `logs/` and the lock file are
    /// left out (every command, refused or not, logs).
    pub fn hashes(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        hash_tree(self.path(), self.path(), &mut out);
        out
    }

    /// Run `args` with `--json`; expect exit `code`, a JSON document with `ok: false` whose
    /// error message contains every fragment, and no file of the workspace changed.
    pub fn refused(&self, args: &[&str], code: i32, fragments: &[&str]) -> Value {
        self.refused_with(Run::default(), args, code, fragments)
    }

    pub fn refused_with(&self, how: Run, args: &[&str], code: i32, fragments: &[&str]) -> Value {
        let before = self.hashes();
        let o = self.run_with(how, args);
        let v = o.json();
        assert_eq!(o.code, code, "quantlab {args:?}: {v}");
        assert_eq!(v["ok"], false, "{v}");
        assert_eq!(v["exit_code"], code, "{v}");
        let msg = v["error"]["message"].as_str().unwrap_or_else(|| panic!("no error message: {v}"));
        for f in fragments {
            assert!(msg.contains(f), "'{f}' not in the message: {msg}");
        }
        assert_eq!(before, self.hashes(), "quantlab {args:?} was refused but changed the workspace");
        v
    }

    /// Run `args` with `--json`; expect exit 0 and return the document.
    pub fn accepted(&self, args: &[&str]) -> Value {
        let o = self.run(args);
        let v = o.json();
        assert_eq!(o.code, 0, "quantlab {args:?}: {v}");
        v
    }
}

/// The write end of a pipe whose read end is already closed: any write gets EPIPE.
fn closed_pipe() -> Stdio {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut fds = [0; 2];
    // SAFETY: pipe() fills two new descriptors that we then own.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "pipe() failed");
    // SAFETY: both descriptors are fresh and owned here alone.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    Stdio::from(write)
}

fn hash_tree(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        if rel == "logs" || rel == ".lock" {
            continue;
        }
        if p.is_dir() {
            out.insert(format!("{rel}/"), String::new());
            hash_tree(root, &p, out);
        } else {
            out.insert(rel, hex::encode(Sha256::digest(std::fs::read(&p).unwrap())));
        }
    }
}

/// Bytes of a CSV with the usual header and the given data lines.
pub fn csv(lines: &[&str]) -> String {
    let mut s = String::from("timestamp,open,high,low,close,volume\n");
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    s
}
