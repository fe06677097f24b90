//! The operator console: driven through messages and drawn into a TestBackend (screens compared
//! with their insta snapshots in tests/snapshots/console/), and the real binary in a
//! pseudo-terminal.

mod console_corridors;
mod console_grants;
mod console_grants_pty;
mod console_headless;
mod console_incidents;
mod console_live;
mod console_paper;
mod console_pretrade;
mod console_promotion;
mod console_promotion_pty;
mod console_pty;
mod console_runs;
mod console_signals;
mod demo_pty;
