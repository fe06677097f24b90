//! The safety boundary: policy, corridor, journal and approvals against the fake venue and the
//! loopback simulator, the audit of signed approvals, the loopback gate, arming's credentials,
//! and secrets that never leak; in-process and through the real binary.

mod arming_credentials;
mod audit;
mod corridor_e2e;
mod execution_boundary;
mod execution_cli;
mod loopback_gate;
mod secrets_leak;
