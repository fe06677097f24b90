//! The console's screens, one folder each: what a screen keeps, how it draws, what it loads.

pub mod alerts;
pub mod compare;
pub mod corridors;
pub mod help;
pub mod new_run;
pub mod paper;
pub mod paper_session;
pub mod pretrade;
pub mod run_detail;
pub mod runs;
pub mod signal_detail;
pub mod signals;
pub mod sweep;
pub mod sweeps;
