//! What the command line itself refuses before any engine call: flags whose form is wrong,
//! a console asked for without a terminal, a signal file that cannot be written. The engine's
//! domains say their own errors (`engine/error_kinds.rs`); these are the CLI's, with their
//! exit-code kinds here because the engine does not know the CLI.

use crate::engine::error::{Error, ErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// `--signal-file` names a file that cannot be written (`why`), found before the command runs.
    #[error("cannot write the signal file: {0}; nothing was run")]
    SignalFileUnwritable(String),
    /// The console was asked for off a terminal or with `--json`; `commands`: the subcommands.
    #[error("the console needs a terminal; for scripts use a subcommand: {} (see `quantlab --help`)", commands.join(", "))]
    ConsoleNeedsTerminal { commands: Vec<String> },
    #[error("--expires: '{0}' is not a duration like 30s, 10m or 1h")]
    NotADuration(String),
    #[error("--config: the simulator needs its TOML config")]
    SimNeedsConfig,
    #[error("--listen: '{0}' is not ADDRESS:PORT")]
    NotAnAddress(String),
    #[error("--venue: doctor and order preview are for kraken or hyperliquid")]
    NotALiveVenue,
    #[error("{flag}: '{value}' is not a number")]
    NotANumber { flag: String, value: String },
    #[error("{flag}: {value} must be positive")]
    NotPositive { flag: String, value: String },
}

impl CliError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            CliError::SignalFileUnwritable(_) => ErrorKind::Runtime,
            _ => ErrorKind::BadInput,
        }
    }
}

impl From<CliError> for Error {
    fn from(e: CliError) -> Self {
        Error::new(e.kind(), e.to_string()).caused_by(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_bad_input_except_an_unwritable_signal_file() {
        let e = Error::from(CliError::NotANumber { flag: "--qty".into(), value: "x".into() });
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::BadInput, "--qty: 'x' is not a number"));
        assert!(matches!(e.domain(), Some(CliError::NotANumber { flag, .. }) if flag == "--qty"));
        let e = Error::from(CliError::SignalFileUnwritable("read-only".into()));
        assert_eq!(e.kind, ErrorKind::Runtime);
    }
}
