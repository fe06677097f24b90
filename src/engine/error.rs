//! One error type for the engine, classified by the exit code a script should see.
//!
//! Each domain says what failed in a typed enum of its own (`DataError`, `ResearchError`, ...)
//! that carries the io, polars, serde or toml error underneath as its source. `error_kinds.rs`
//! maps every domain enum to an [`ErrorKind`] in one place. An [`Error`] keeps the typed error
//! it was made from, so callers and tests match the variant ([`Error::domain`]) rather than the
//! text, and logs print the whole chain ([`Error::causes`]).

use std::fmt;
use std::sync::Arc;

/// The classes of failure a caller can act on; each maps to a stable exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Anything unexpected at run time (I/O, a corrupt artifact): exit 1.
    Runtime,
    /// Bad command line or bad input data: exit 2.
    BadInput,
    /// Refused by the execution policy or a safety gate: exit 3.
    Refused,
    /// Venue error, unreachable or timeout: exit 4.
    Venue,
    /// A named thing (run, dataset, strategy) does not exist: exit 5.
    NotFound,
}

impl ErrorKind {
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Runtime => 1,
            ErrorKind::BadInput => 2,
            ErrorKind::Refused => 3,
            ErrorKind::Venue => 4,
            ErrorKind::NotFound => 5,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Runtime => "runtime_error",
            ErrorKind::BadInput => "bad_input",
            ErrorKind::Refused => "refused",
            ErrorKind::Venue => "venue_error",
            ErrorKind::NotFound => "not_found",
        }
    }
}

/// The typed error an [`Error`] was made from: a domain enum, or an io/polars/serde error.
pub type Cause = Arc<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// The machine_contract of what failed after it was recorded (a run with its report.json),
    /// so a script reading the error still gets the run id and artifacts.
    pub machine_contract: Option<Box<serde_json::Value>>,
    /// The input field the error is about (`horizon`, `affected_universe[2]`), when the message
    /// does not start with the flag that names it.
    pub field: Option<String>,
    /// What failed, typed, with its own source chain (not shown in the public output, which
    /// prints `message`; `-v` and the logs print the chain).
    pub cause: Option<Cause>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), machine_contract: None, field: None, cause: None }
    }
    /// Keep `cause` as what this error was made from (its source chain goes with it).
    pub fn caused_by(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(Arc::new(cause));
        self
    }
    /// The typed error this was made from, when it is an `E`: tests and callers match its
    /// variant (`matches!(e.domain::<DataError>(), Some(DataError::Cell { row: 3, .. }))`).
    pub fn domain<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.cause.as_deref()?.downcast_ref::<E>()
    }
    /// The chain of causes below the message, outermost first, each said once: a typed error
    /// whose text is the message itself is skipped, its sources are not.
    pub fn causes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            let text = e.to_string();
            if text != self.message && out.last() != Some(&text) {
                out.push(text);
            }
            next = e.source();
        }
        out
    }
    pub fn with_machine_contract(mut self, contract: impl serde::Serialize) -> Self {
        self.machine_contract = serde_json::to_value(contract).ok().map(Box::new);
        self
    }
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadInput, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn runtime(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Runtime, message)
    }
    /// An I/O failure on `path`, with what we were doing.
    pub fn io(what: &str, path: &std::path::Path, err: std::io::Error) -> Self {
        super::workspace_error::WorkspaceError::Io { what: what.into(), path: path.into(), source: err }
            .into()
    }
    /// Prefix the message with context, keeping the kind.
    pub fn context(mut self, ctx: impl fmt::Display) -> Self {
        self.message = format!("{ctx}: {}", self.message);
        self
    }
}

/// What a caught panic said, for an error message.
pub fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|c| c as &(dyn std::error::Error + 'static))
    }
}

impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Self {
        Error::runtime(format!("data engine: {e}")).caused_by(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::runtime(format!("json: {e}")).caused_by(e)
    }
}
