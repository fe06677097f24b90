//! What starting or steering the loopback simulator can fail on: its config file (named by
//! file and field; a secret's value is never quoted), its listen address, its runtime and
//! socket, a fault given on the command line, and the control path's reply. The exit-code kind
//! of each is in `engine/error_kinds.rs`. The simulator's wire replies to clients are strings
//! in the venues' own words, not these.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The config file cannot be read (it is the caller's input: exit 2).
    #[error("--config: {}: cannot read it: {source}", path.display())]
    ConfigUnreadable { path: PathBuf, source: std::io::Error },
    /// A field of the config file (`field`: its TOML path) that is refused, and why.
    #[error("{}: {field}: {problem}", path.display())]
    ConfigField { path: PathBuf, field: String, problem: String },
    /// A replayed dataset with no bars to replay.
    #[error("market.replay: dataset '{0}' has no bars")]
    ReplayEmpty(String),
    #[error(
        "--listen {addr}: {} is not a loopback address; the simulator listens on loopback only \
         (127.0.0.0/8 or [::1], e.g. 127.0.0.1:8790), because it holds test credentials in the clear",
        addr.ip()
    )]
    NotLoopback { addr: SocketAddr },
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("--listen {addr}: cannot bind: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("--listen {addr}: {source}")]
    LocalAddr { addr: SocketAddr, source: std::io::Error },
    #[error("simulator server failed: {0}")]
    Serve(#[source] std::io::Error),
    /// A fault given on the command line (`fault`: its name) and what is wrong with it.
    #[error("sim fault {fault}: {problem}")]
    Fault { fault: String, problem: FaultProblem },
    #[error(
        "sim fault: unknown fault '{0}'; known: latency, drop-ack, http-5xx, rate-limit, \
         drop-fill-event, reject-order, clock-offset, ws-disconnect, clear"
    )]
    UnknownFault(String),
    /// The running simulator's control path did not answer (`endpoint`: the URL asked).
    #[error("{endpoint}: {source}")]
    Control { endpoint: String, source: reqwest::Error },
}

/// What is wrong with a fault's value on the command line.
#[derive(Debug, thiserror::Error)]
pub enum FaultProblem {
    #[error("'{0}' is not a count")]
    NotACount(String),
    #[error("give milliseconds")]
    NoMilliseconds,
    #[error("'{0}' is not milliseconds")]
    NotMilliseconds(String),
    #[error("negative")]
    Negative,
}
