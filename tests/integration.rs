//! The integration tests, linked into one binary: `cargo test --test integration`, or one group
//! or file by its module path (`cargo test --test integration venues::sim_kraken`). One module
//! per group, a folder each; the helpers every group shares are `common`. A new test file joins
//! a group (a `mod` line in the group's mod.rs) rather than becoming a binary of its own, which
//! would link the library and polars once more. The compile-fail gate and the parser
//! fuzzing are binaries of their own, each saying why: tests/gate_compile_fail.rs,
//! tests/fuzz_parsers.rs; so are the benches (benches/).
//!
//! The tests share this process and run on libtest's threads at once, so none changes what is
//! process-wide: no `std::env::set_var` or `set_current_dir` (a child process gets its variables
//! on its `Command`; the engine takes its runner program with `Engine::with_runner`), listeners
//! bind port 0, and keyring tests run their QuantLab inside a `keyctl session` of its own.

mod common;

mod adversarial;
mod automation;
mod cli;
mod console;
mod execution;
mod incidents;
mod live;
mod notify;
mod promotion;
mod venues;

/// The rule above, held: no test file calls what would change this process for every test
/// running beside it. (The calls are spelled in pieces here so this file does not match.)
#[test]
fn no_test_changes_what_is_process_wide() {
    let calls = [concat!("set_", "var("), concat!("remove_", "var("), concat!("set_current_", "dir(")];
    let mut found = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"))];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                found.extend(
                    calls.iter().filter(|c| text.contains(*c)).map(|c| format!("{}: {c}", p.display())),
                );
            }
        }
    }
    assert!(found.is_empty(), "set it on the child's Command, or pass it to the engine: {found:?}");
}
