//! The integration tests, linked into one binary: `cargo test --test integration`, or one group
//! or file by its module path (`cargo test --test integration venues::sim_kraken`). One module
//! per group, a folder each; the helpers every group shares are `common`. A new test file joins
//! a group (a `mod` line in the group's mod.rs) rather than becoming a binary of its own, which
//! would link the library and polars once more. The compile-fail gate (trybuild) and the parser
//! fuzzing are binaries of their own: tests/gate_compile_fail.rs, tests/fuzz_parsers.rs.

mod common;

mod adversarial;
mod cli;
mod console;
mod execution;
mod venues;
