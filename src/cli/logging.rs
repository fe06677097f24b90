//! Logs go to <workspace>/logs/ (daily files), never to stdout; -v adds stderr.

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::prelude::*;
use tracing_subscriber::{fmt, EnvFilter};

use crate::engine::workspace::Workspace;

/// Install the subscriber. Keep the guard alive for the process: it flushes on drop.
pub fn init(ws: &Workspace, verbose: u8) -> Option<WorkerGuard> {
    let stderr_level = match verbose {
        0 => None,
        1 => Some("info"),
        _ => Some("debug"),
    };
    let stderr =
        stderr_level.map(|lvl| fmt::layer().with_writer(std::io::stderr).with_filter(EnvFilter::new(lvl)));
    // Log to files only in an existing workspace: `quantlab --version` in a random directory
    // must not leave an outputs/ tree behind.
    let exists = ws.root().is_dir();
    let (file, guard) = match exists.then(|| std::fs::create_dir_all(ws.logs_dir())) {
        Some(Ok(())) => {
            let appender = tracing_appender::rolling::daily(ws.logs_dir(), "quantlab.log");
            let (w, g) = tracing_appender::non_blocking(appender);
            (Some(fmt::layer().with_ansi(false).with_writer(w).with_filter(EnvFilter::new("info"))), Some(g))
        }
        _ => (None, None),
    };
    let _ = tracing_subscriber::registry().with(stderr).with(file).try_init();
    guard
}
