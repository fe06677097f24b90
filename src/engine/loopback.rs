//! Why an endpoint is not (known to be) the loopback simulator: the one endpoint for which a
//! credential or operator key from the environment, or a test build's synthetic key, is used.
//! The venues say it (they know the URLs); secrets and execution only carry it, so this module
//! imports neither.

use std::net::IpAddr;

/// An endpoint that may reach beyond this machine.
#[derive(Debug, Clone, thiserror::Error)]
pub enum NotLoopback {
    /// One URL of an account's endpoints: `field` of `[venue.account]` in `file`. (The path
    /// and the problem are boxed, so the results and errors carrying this stay small.)
    #[error("{file}: [{venue}.{account}] {field} is not loopback: {problem}")]
    Account {
        file: Box<str>,
        venue: &'static str,
        account: String,
        field: &'static str,
        problem: Box<UrlProblem>,
    },
    /// One URL of a venue client (`field`: base_url, ws_url, ...).
    #[error("{field} is not loopback: {problem}")]
    Url { field: &'static str, problem: UrlProblem },
    /// The corridor's endpoints could not be read (the error says why).
    #[error("{source}")]
    Endpoints { source: crate::engine::error::Error },
    /// A corridor opened with no venue adapters, so no endpoint of it is known (`corridor`
    /// names it).
    #[error("corridor {corridor} was opened without its venues' endpoints, so none is known to be loopback")]
    NoEndpoints { corridor: String },
    /// A venue client that does not say where it connects.
    #[error("this venue client does not say where it connects")]
    Unknown,
}

/// Why one URL is not loopback. Never echoes user info (`user:pass@`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UrlProblem {
    #[error("it holds whitespace, a control character or a backslash, which URL parsers read differently")]
    Unsafe,
    #[error("it is not a URL ({0})")]
    NotAUrl(url::ParseError),
    #[error("its scheme '{0}' is not http, https, ws or wss")]
    Scheme(String),
    #[error("it has no host")]
    NoHost,
    /// Not `scheme://host...`; the host the URL parser reads is `parsed`.
    #[error("it does not start with scheme://host (a URL parser reads the host as {parsed})")]
    NoAuthority { parsed: String },
    /// `user:pass@` before the host; the host it reaches is `parsed`.
    #[error("it carries user info before '@': the host it reaches is {parsed}, not what precedes the '@'")]
    UserInfo { parsed: String },
    /// A host written otherwise than the URL parser reads it (`127.1`, `0x7f.0.0.1`).
    #[error(
        "its host '{written}' is read as {parsed} by one URL parser and may be read otherwise by \
         another: write it as {parsed}"
    )]
    HostSpelling { written: String, parsed: String },
    /// A name the resolver could not resolve (`reason`: the resolver's error).
    #[error(
        "its host {name} cannot be resolved here ({reason}); a host that does not resolve is not loopback"
    )]
    Unresolved { name: String, reason: String },
    #[error("its host {0} resolves to no address; that is not loopback")]
    NoAddress(String),
    #[error("its host {name} resolves to {ip}, which is not loopback (127.0.0.0/8 or ::1)")]
    ResolvesElsewhere { name: String, ip: IpAddr },
    #[error("its host {host} is not a loopback address ({ip}; loopback is 127.0.0.0/8 or [::1])")]
    NotLoopbackIp { host: String, ip: IpAddr },
}
