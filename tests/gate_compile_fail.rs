//! The live approval gate, held by the compiler: code outside the console's order confirm
//! dialog cannot make a `Confirmation` for a live corridor (no constructor takes corridor,
//! intent and digest alone; no struct literal compiles), cannot make the dialog's
//! `KeypressWitness`, and cannot change what an open dialog or a pending intent shows after it
//! was shown; nor can it make the Promotion dialog's `PromotionWitness` or a
//! `PromotionConfirmation` (a candidate is promoted only by its id typed in the console, or by the
//! demo's own path inside the engine, loopback only); nor the grant dialog's `GrantWitness` or a
//! `GrantConfirmation` any way but `typed(witness)` (automation is granted only by the corridor's
//! name typed in the console). Each file under tests/compile_fail/ tries one bypass and must
//! fail to compile with the errors recorded beside it in `NAME.expected`
//! (`COMPILE_FAIL=overwrite cargo test --test gate_compile_fail` records them again).
//!
//! The harness runs `rustc` itself on each file, type-checking only (`--emit=metadata`),
//! against the very quantlab rlib cargo built and linked into this test binary, and the
//! dependencies beside it. It builds nothing else: a harness that runs cargo on a project of
//! its own (as trybuild did) checks the crate and all its dependencies again, about six minutes
//! of both cores on a fresh target directory; this takes seconds.
//!
//! Which rlib: target/<profile>/deps holds one per feature set and per checkout sharing the
//! target directory, so neither a name nor the newest file is the right one. Cargo records,
//! beside this binary, the fingerprint of every crate it linked into it
//! (`.fingerprint/quantlab-<this binary's hash>/*.json`, `deps`), and each library's own
//! fingerprint in `.fingerprint/<crate>-<hash>/lib-<crate>`; the library whose fingerprint is
//! the one this binary was linked with is `deps/lib<crate>-<hash>.rlib`. Those files are
//! cargo's own, not a promised format: if they cannot be read the test fails and says so,
//! never guesses and never skips.
//!
//! What is compared: each error-level diagnostic (not rustc's "aborting due to" summary) as
//! `error[CODE]: message`, then each of its spans in the bypass's file as
//! `  --> tests/compile_fail/NAME.rs:LINE:COL: label`, then its notes as `  = note: ...`.
//! Notes state facts (the types that did not match, where an item is defined); helps are
//! rustc's suggestions, reworded from one release to the next, so they are left out. A bypass
//! that fails for another reason than recorded (an unresolved import, a typo) fails the test.
//!
//! A binary of its own, not a group of tests/integration.rs: the `rustc` it runs, on a test
//! thread beside the integration tests' timed ones (the dialog's dwell, the simulator's latency
//! figures), would take a core from them for seconds.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the bypasses are, relative to the package root.
const DIR: &str = "tests/compile_fail";

/// The crates a bypass may name: the library, and crossterm for the key events the console's
/// `TerminalKey` wraps. Each must be a dependency of this test binary.
const EXTERNS: &[&str] = &["quantlab", "crossterm"];

/// Set to `overwrite` to record each bypass's errors as its `.expected` file.
const OVERWRITE_VAR: &str = "COMPILE_FAIL";

/// The `rustc` command line, resolved once per test.
struct Rustc {
    program: OsString,
    deps: PathBuf,
    externs: Vec<(String, PathBuf)>,
}

#[derive(Debug, PartialEq)]
enum Outcome {
    /// rustc accepted the program: as a bypass, the gate is open.
    Compiled,
    /// rustc rejected it; its errors, normalized.
    Rejected(String),
}

impl Rustc {
    /// The compiler and the libraries this test binary was linked with. Panics, naming what is
    /// missing, when they cannot be found.
    fn for_this_test() -> Rustc {
        let exe = std::env::current_exe().expect("the test binary's own path");
        let deps = exe.parent().expect("the test binary's folder").to_path_buf();
        let stem = exe.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 file name");
        let (_, hash) = stem.rsplit_once('-').unwrap_or_else(|| {
            panic!("{} is not cargo's `name-hash` test binary: run it by `cargo test`", exe.display())
        });
        let fingerprints = deps.parent().expect("the profile folder").join(".fingerprint");
        let unit = fingerprints.join(format!("{}-{hash}", env!("CARGO_PKG_NAME")));
        let linked = linked_fingerprints(&unit);
        let externs = EXTERNS
            .iter()
            .map(|krate| {
                let fingerprint =
                    linked.iter().find(|(name, _)| name == krate).map(|(_, f)| *f).unwrap_or_else(|| {
                        panic!("{} does not record `{krate}` among the crates it linked", unit.display())
                    });
                (krate.to_string(), rlib_with_fingerprint(&fingerprints, &deps, krate, fingerprint))
            })
            .collect();
        let program = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        Rustc { program, deps, externs }
    }

    /// Type-checks `source`, shown in diagnostics as `shown_as`, as a binary crate.
    fn check(&self, source: &Path, shown_as: &str) -> Outcome {
        let out = tempfile::tempdir().expect("a temporary folder for rustc's output");
        let mut cmd = Command::new(&self.program);
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["--edition", "2021", "--crate-type", "bin", "--emit=metadata"])
            .arg("--out-dir")
            .arg(out.path())
            .args(["--error-format=json", "--color", "never"]);
        for (krate, rlib) in &self.externs {
            let mut arg = OsString::from(format!("{krate}="));
            arg.push(rlib);
            cmd.arg("--extern").arg(arg);
        }
        let mut dependency = OsString::from("dependency=");
        dependency.push(&self.deps);
        cmd.arg("-L").arg(dependency).arg(source);
        let output = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {:?} (set RUSTC to the compiler): {e}", self.program));
        if output.status.success() {
            return Outcome::Compiled;
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        Outcome::Rejected(normalize(&stderr, &source.to_string_lossy(), shown_as))
    }
}

/// The (crate name, fingerprint) of each crate cargo linked into the unit whose fingerprint
/// folder is `unit`, from the one JSON file cargo keeps there.
fn linked_fingerprints(unit: &Path) -> Vec<(String, u64)> {
    let unreadable = |why: String| -> ! {
        panic!("cannot tell which libraries this test binary was linked with from {}: {why}", unit.display())
    };
    let entries = std::fs::read_dir(unit).unwrap_or_else(|e| unreadable(e.to_string()));
    let mut json: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    let Some(path) = json.pop().filter(|_| json.is_empty()) else {
        unreadable("not exactly one .json file".into())
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| unreadable(e.to_string()));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| unreadable(e.to_string()));
    let Some(deps) = value.get("deps").and_then(|d| d.as_array()) else {
        unreadable("no `deps` list".into())
    };
    deps.iter()
        .map(|dep| {
            // [package id hash, crate name, public, fingerprint]; the name second, the
            // fingerprint last.
            let fields = dep.as_array().unwrap_or_else(|| unreadable(format!("dep {dep} is not a list")));
            match (fields.get(1).and_then(|n| n.as_str()), fields.last().and_then(|f| f.as_u64())) {
                (Some(name), Some(fingerprint)) => (name.to_string(), fingerprint),
                _ => unreadable(format!("dep {dep} has no name and fingerprint")),
            }
        })
        .collect()
}

/// The rlib of `krate` whose fingerprint is `fingerprint`: cargo writes a library's fingerprint
/// (the u64's little-endian bytes in hex) to `.fingerprint/<package>-<hash>/lib-<crate>`, and
/// the library itself to `deps/lib<crate>-<hash>.rlib`.
fn rlib_with_fingerprint(fingerprints: &Path, deps: &Path, krate: &str, fingerprint: u64) -> PathBuf {
    let wanted: String = fingerprint.to_le_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let folders = std::fs::read_dir(fingerprints)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", fingerprints.display()));
    let matching: Vec<String> = folders
        .filter_map(Result::ok)
        .filter(|e| {
            std::fs::read_to_string(e.path().join(format!("lib-{krate}"))).is_ok_and(|f| f.trim() == wanted)
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let [folder] = matching.as_slice() else {
        panic!(
            "{} folders under {} hold the fingerprint {wanted} of the `{krate}` this test was linked with, not one: {matching:?}",
            matching.len(),
            fingerprints.display()
        )
    };
    let (_, hash) = folder.rsplit_once('-').expect("cargo's `package-hash` folder name");
    let rlib = deps.join(format!("lib{krate}-{hash}.rlib"));
    assert!(rlib.is_file(), "the `{krate}` this test was linked with is not at {}", rlib.display());
    rlib
}

/// rustc's JSON diagnostics on `stderr` as the text an `.expected` file holds. Spans are kept
/// only in `source` (shown as `shown_as`): where the library defines an item moves with every
/// edit of it. A line that is not a diagnostic (a crash) is kept as it is, so it cannot match.
fn normalize(stderr: &str, source: &str, shown_as: &str) -> String {
    let mut blocks = Vec::new();
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(d) = serde_json::from_str::<serde_json::Value>(line) else {
            blocks.push(format!("rustc said: {line}"));
            continue;
        };
        let text =
            |v: &serde_json::Value, key: &str| v.get(key).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let message = text(&d, "message");
        if text(&d, "level") != "error" || message.starts_with("aborting due to") {
            continue;
        }
        let mut block = match d.get("code").and_then(|c| c.get("code")).and_then(|c| c.as_str()) {
            Some(code) => format!("error[{code}]: {message}"),
            None => format!("error: {message}"),
        };
        for span in d.get("spans").and_then(|s| s.as_array()).into_iter().flatten() {
            if text(span, "file_name") != source {
                continue;
            }
            let at = |key: &str| span.get(key).and_then(|x| x.as_u64()).unwrap_or(0);
            write!(block, "\n  --> {shown_as}:{}:{}", at("line_start"), at("column_start")).unwrap();
            let label = text(span, "label");
            if !label.is_empty() {
                write!(block, ": {label}").unwrap();
            }
        }
        for child in d.get("children").and_then(|c| c.as_array()).into_iter().flatten() {
            if text(child, "level") == "note" {
                write!(block, "\n  = note: {}", text(child, "message")).unwrap();
            }
        }
        blocks.push(block);
    }
    blocks.join("\n\n") + "\n"
}

/// The bypasses, by name (the file stem), sorted.
fn bypasses(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn bypasses_of_the_confirm_key_do_not_compile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(DIR);
    let names = bypasses(&dir);
    assert!(!names.is_empty(), "no bypasses in {}", dir.display());
    let rustc = Rustc::for_this_test();
    let overwrite = std::env::var(OVERWRITE_VAR).is_ok_and(|v| v == "overwrite");

    // One file after another: 13 take about 2.3 s on two cores, the same as two at a time
    // (each rustc is mostly loading the library's metadata), and this is simpler.
    let results = names.iter().map(|name| {
        let file = format!("{DIR}/{name}.rs");
        (name, rustc.check(Path::new(&file), &file))
    });

    let mut failures = Vec::new();
    for (name, outcome) in results {
        let expected_path = dir.join(format!("{name}.expected"));
        let actual = match outcome {
            Outcome::Compiled => {
                failures.push(format!("{DIR}/{name}.rs: this bypass compiles!"));
                continue;
            }
            Outcome::Rejected(actual) => actual,
        };
        if overwrite {
            std::fs::write(&expected_path, &actual)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", expected_path.display()));
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Err(_) => failures.push(format!(
                "{DIR}/{name}.rs: no {name}.expected ({OVERWRITE_VAR}=overwrite records it); it fails with:\n{actual}"
            )),
            Ok(expected) if expected.replace("\r\n", "\n") != actual => failures.push(format!(
                "{DIR}/{name}.rs fails otherwise than recorded.\n--- expected ({name}.expected):\n{expected}--- actual:\n{actual}"
            )),
            Ok(_) => {}
        }
    }
    // A recording whose bypass is gone would hold nothing and pass unnoticed.
    for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "expected") && !path.with_extension("rs").is_file() {
            let file = path.file_name().unwrap().to_string_lossy();
            failures.push(format!("{DIR}/{file} records a bypass that is not there"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bypasses:\n\n{}",
        failures.len(),
        names.len(),
        failures.join("\n\n")
    );
}

/// The harness tells a program that compiles from one that does not.
#[test]
fn harness_reports_a_program_that_compiles() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("compiles.rs");
    std::fs::write(
        &source,
        "use quantlab::engine::execution::{CorridorId, Venue};\n\
         fn main() { let _ = CorridorId::new(Venue::Kraken, \"main\"); }\n",
    )
    .unwrap();
    let outcome = Rustc::for_this_test().check(&source, "compiles.rs");
    assert_eq!(outcome, Outcome::Compiled);
}

/// A bypass that fails for another reason (here a misspelt import) does not match what the
/// real one fails with, though it fails to compile too and is shown under the same name.
/// Against the real file's errors, not its `.expected`, which an overwriting run rewrites
/// meanwhile on another thread.
#[test]
fn harness_tells_a_wrong_reason_from_the_right_one() {
    let name = "confirmation_forged";
    let shown_as = format!("{DIR}/{name}.rs");
    let real = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&shown_as)).unwrap();
    let misspelt = real.replace("{Confirmation,", "{Confirmaton,");
    assert_ne!(misspelt, real, "{name}.rs no longer imports Confirmation first");
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join(format!("{name}.rs"));
    std::fs::write(&source, misspelt).unwrap();

    let rustc = Rustc::for_this_test();
    let Outcome::Rejected(right) = rustc.check(Path::new(&shown_as), &shown_as) else {
        panic!("the bypass {shown_as} compiled")
    };
    let Outcome::Rejected(wrong) = rustc.check(&source, &shown_as) else {
        panic!("a misspelt import compiled")
    };
    assert!(right.contains("error[E0308]"), "not the recorded mismatch: {right}");
    assert!(wrong.contains("error[E0432]"), "not the unresolved import: {wrong}");
    assert_ne!(wrong, right);
}
