//! Every parser that takes outside input, fuzzed: arbitrary bytes and real files mutated.
//! No input may panic, hang, or (when refused) change the workspace. docs/fuzzing.md says how
//! to run a long campaign.

mod fuzz;
