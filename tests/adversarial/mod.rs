//! The adversarial regression suite: every promise a hostile pass broke, kept fixed. Each case
//! runs the real binary, expects an exit code and a message, and checks that a refused command
//! left the workspace unchanged. One module per area; `harness` says how to add a case.

mod harness;

mod cli;
mod config;
mod data;
mod execution;
mod research;
mod results;
