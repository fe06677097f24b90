//! Every parser that takes outside input, fuzzed: arbitrary bytes and real files mutated.
//! No input may panic, hang, or (when refused) change the workspace. docs/fuzzing.md says how
//! to run a long campaign.
//!
//! A binary of its own, not a group of tests/integration.rs: each case counts as a hang after a
//! wall-clock limit (2 s), which in the integration binary would run beside its tests on the
//! same cores and measure them too; and a long campaign builds and runs it alone, in release.

mod fuzz;
