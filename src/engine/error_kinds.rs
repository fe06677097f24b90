//! Every domain error's exit-code kind, in one place. A domain enum says what failed; this file
//! says what a script should see for it (the [`ErrorKind`] and so the exit code), and the
//! [`Error`] made here keeps the typed error as its cause, so the source chain survives and
//! tests can match the variant. The message is the domain error's text, unchanged.

use super::data::DataError;
use super::error::{Error, ErrorKind};
use super::secrets::SecretsError;
use super::signals::error::SignalError;
use super::time::{TimeError, TimestampError};

use ErrorKind::{BadInput, NotFound, Refused, Runtime};

fn wrap(kind: ErrorKind, e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::new(kind, e.to_string()).caused_by(e)
}

impl From<TimestampError> for Error {
    fn from(e: TimestampError) -> Self {
        wrap(BadInput, e)
    }
}

impl From<TimeError> for Error {
    fn from(e: TimeError) -> Self {
        wrap(BadInput, e)
    }
}

impl From<DataError> for Error {
    fn from(e: DataError) -> Self {
        use DataError as D;
        let kind = match &e {
            D::FileMissing { .. } | D::NoDataset { .. } => NotFound,
            D::FingerprintMismatch { .. } | D::Write { .. } | D::CorruptDataset { .. } => Runtime,
            D::FileUnreadable { .. }
            | D::NotAFile { .. }
            | D::UnknownFormat { .. }
            | D::Unreadable { .. }
            | D::MissingColumn { .. }
            | D::NoTimeColumn { .. }
            | D::DuplicateColumn { .. }
            | D::Header { .. }
            | D::Row { .. }
            | D::Cell { .. }
            | D::ColumnType { .. }
            | D::Series { .. }
            | D::BadSymbol(_)
            | D::AmbiguousDataset { .. }
            | D::ResampleTarget { .. } => BadInput,
        };
        wrap(kind, e)
    }
}

impl From<SignalError> for Error {
    fn from(e: SignalError) -> Self {
        // Every signal, goal and rules refusal is the sender's or the operator's input.
        wrap(BadInput, e)
    }
}

impl From<SecretsError> for Error {
    fn from(e: SecretsError) -> Self {
        use SecretsError as S;
        let kind = match &e {
            S::Keyring { .. } | S::Mismatch { .. } | S::Probe { .. } => Runtime,
            // The environment fallback asked for a venue that is not the loopback simulator.
            S::EnvNotLoopback { .. } => Refused,
            // The operator's setup is missing a piece: input to fix, not a refusal.
            S::Missing { .. } => BadInput,
        };
        wrap(kind, e)
    }
}
