//! Kraken's REST error envelope `{"error": [...], "result": ...}` and its error strings.
//!
//! Kraken writes errors as `<severity><category>:<message>[:<extra info>]` (severity `E` error,
//! `W` warning), e.g. `EGeneral:Invalid arguments:volume`. Each [`KrakenError`] keeps the
//! venue's exact text, says whether a read may be retried, and which exit class it belongs
//! to. Nothing here ever sees a credential: the texts come from the venue's reply.

use std::fmt;

use crate::engine::error::ErrorKind;
use crate::engine::execution::model::VenueError;

/// Longest excerpt of a non-Kraken body kept in an error (an HTML error page can be huge).
const EXCERPT_CHARS: usize = 120;

/// One Kraken error, with the venue's text exactly as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KrakenError {
    /// `EAPI:Invalid nonce`: the nonce was not above the last one seen for the key.
    InvalidNonce(String),
    /// `EAPI:Invalid key`.
    InvalidKey(String),
    /// `EAPI:Invalid signature`.
    InvalidSignature(String),
    /// `EAPI:Rate limit exceeded`: the REST call counter.
    ApiRateLimit(String),
    /// `EOrder:Rate limit exceeded`: the separate add/cancel counter.
    OrderRateLimit(String),
    /// `EOrder:Insufficient funds`.
    InsufficientFunds(String),
    /// `EOrder:Order minimum not met`: volume below the pair's `ordermin`.
    OrderMinimumNotMet(String),
    /// `EOrder:Unknown order`.
    UnknownOrder(String),
    /// `EGeneral:Invalid arguments[:detail]`; `detail` names the argument when Kraken says.
    InvalidArguments { text: String, detail: Option<String> },
    /// `EGeneral:Permission denied`: the key lacks the permission for this call.
    PermissionDenied(String),
    /// `EService:Unavailable`.
    ServiceUnavailable(String),
    /// `EService:Busy`.
    ServiceBusy(String),
    /// `EService:Deadline elapsed`: the request timed out inside Kraken.
    DeadlineElapsed(String),
    /// Any other `E...` string, kept verbatim.
    Unknown(String),
    /// The body was not a Kraken envelope (a proxy or CDN page, a truncated reply).
    Http { status: u16, excerpt: String },
}

/// Which of the crate's exit classes an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitClass {
    /// The request itself was wrong: exit 2.
    Input,
    /// The venue refused or failed: exit 4.
    Venue,
}

impl ExitClass {
    pub fn kind(self) -> ErrorKind {
        match self {
            ExitClass::Input => ErrorKind::BadInput,
            ExitClass::Venue => ErrorKind::Venue,
        }
    }
}

impl KrakenError {
    /// Classifies one string from the `error` array. Matching is on the
    /// `<severity><category>:<message>` head, so an added `:extra info` never hides a known code.
    pub fn from_text(text: &str) -> KrakenError {
        let t = text.to_string();
        let mut parts = text.splitn(3, ':');
        let head = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let extra = parts.next().map(str::trim).filter(|s| !s.is_empty());
        match head {
            ("EAPI", "Invalid nonce") => KrakenError::InvalidNonce(t),
            ("EAPI", "Invalid key") => KrakenError::InvalidKey(t),
            ("EAPI", "Invalid signature") => KrakenError::InvalidSignature(t),
            ("EAPI", "Rate limit exceeded") => KrakenError::ApiRateLimit(t),
            ("EOrder", "Rate limit exceeded") => KrakenError::OrderRateLimit(t),
            ("EOrder", "Insufficient funds") => KrakenError::InsufficientFunds(t),
            ("EOrder", "Order minimum not met") => KrakenError::OrderMinimumNotMet(t),
            ("EOrder", "Unknown order") => KrakenError::UnknownOrder(t),
            ("EGeneral", "Invalid arguments") => {
                KrakenError::InvalidArguments { detail: extra.map(str::to_string), text: t }
            }
            ("EGeneral", "Permission denied") => KrakenError::PermissionDenied(t),
            ("EService", "Unavailable") => KrakenError::ServiceUnavailable(t),
            ("EService", "Busy") => KrakenError::ServiceBusy(t),
            ("EService", "Deadline elapsed") => KrakenError::DeadlineElapsed(t),
            _ => KrakenError::Unknown(t),
        }
    }

    /// An HTTP reply whose body is not a Kraken envelope; keeps a short, printable excerpt.
    pub fn http(status: u16, body: &[u8]) -> KrakenError {
        let text = String::from_utf8_lossy(body);
        let flat: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut excerpt: String = flat.chars().take(EXCERPT_CHARS).collect();
        if flat.chars().count() > EXCERPT_CHARS {
            excerpt.push('…');
        }
        KrakenError::Http { status, excerpt }
    }

    /// The venue's text exactly as received (for `Http`, the excerpt of the body).
    pub fn text(&self) -> &str {
        match self {
            KrakenError::InvalidNonce(t)
            | KrakenError::InvalidKey(t)
            | KrakenError::InvalidSignature(t)
            | KrakenError::ApiRateLimit(t)
            | KrakenError::OrderRateLimit(t)
            | KrakenError::InsufficientFunds(t)
            | KrakenError::OrderMinimumNotMet(t)
            | KrakenError::UnknownOrder(t)
            | KrakenError::InvalidArguments { text: t, .. }
            | KrakenError::PermissionDenied(t)
            | KrakenError::ServiceUnavailable(t)
            | KrakenError::ServiceBusy(t)
            | KrakenError::DeadlineElapsed(t)
            | KrakenError::Unknown(t) => t,
            KrakenError::Http { excerpt, .. } => excerpt,
        }
    }

    /// A read (never a submit) may be retried with backoff: the venue was momentarily
    /// unable to answer, and asking again cannot change any state.
    pub fn is_retryable_read(&self) -> bool {
        match self {
            KrakenError::ApiRateLimit(_)
            | KrakenError::OrderRateLimit(_)
            | KrakenError::ServiceUnavailable(_)
            | KrakenError::ServiceBusy(_)
            | KrakenError::DeadlineElapsed(_) => true,
            KrakenError::Http { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// Input errors are the caller's to fix (exit 2); everything else is the venue's (exit 4).
    /// Insufficient funds and an unknown order are account state, not bad input.
    pub fn exit_class(&self) -> ExitClass {
        match self {
            KrakenError::InvalidArguments { .. } | KrakenError::OrderMinimumNotMet(_) => ExitClass::Input,
            _ => ExitClass::Venue,
        }
    }

    /// The boundary's view. A deadline, an outage or a non-Kraken body leave an order's fate
    /// unknown (ambiguous), so the adapter must query by client order id before acting again.
    pub fn to_venue_error(&self) -> VenueError {
        let message = self.to_string();
        match self {
            KrakenError::ApiRateLimit(_) | KrakenError::OrderRateLimit(_) => {
                VenueError::RateLimited { message }
            }
            KrakenError::InvalidNonce(_)
            | KrakenError::InvalidKey(_)
            | KrakenError::InvalidSignature(_)
            | KrakenError::PermissionDenied(_) => VenueError::Auth { message },
            KrakenError::UnknownOrder(_) => VenueError::NotFound { message },
            KrakenError::ServiceUnavailable(_) | KrakenError::ServiceBusy(_) => {
                VenueError::Unavailable { message }
            }
            KrakenError::DeadlineElapsed(_) => VenueError::Timeout { message },
            KrakenError::Http { status: 429, .. } => VenueError::RateLimited { message },
            KrakenError::Http { .. } => VenueError::Unavailable { message },
            // An unlisted service or internal error may have half-happened: ambiguous.
            KrakenError::Unknown(t) if t.starts_with("EService:") || t.contains("Internal error") => {
                VenueError::Unavailable { message }
            }
            KrakenError::InsufficientFunds(_)
            | KrakenError::OrderMinimumNotMet(_)
            | KrakenError::InvalidArguments { .. }
            | KrakenError::Unknown(_) => VenueError::Rejected { reason: message },
        }
    }
}

impl fmt::Display for KrakenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KrakenError::Http { status, excerpt } => {
                write!(f, "kraken: HTTP {status}, not a Kraken response: {excerpt}")
            }
            other => write!(f, "kraken: {}", other.text()),
        }
    }
}

impl std::error::Error for KrakenError {}

impl From<KrakenError> for VenueError {
    fn from(e: KrakenError) -> VenueError {
        e.to_venue_error()
    }
}

/// Parses a Kraken REST reply into its `result`.
///
/// Kraken answers errors with HTTP 200 and a non-empty `error` array, so the envelope is
/// read whatever the status; only a body that is not the envelope is judged by the status.
/// Warnings (`W...`) alongside a result do not fail the call. With several errors, the
/// first decides (Kraken lists the cause first).
pub fn parse_response(status: u16, body: &[u8]) -> Result<serde_json::Value, KrakenError> {
    let Ok(serde_json::Value::Object(mut envelope)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return Err(KrakenError::http(status, body));
    };
    let Some(serde_json::Value::Array(errors)) = envelope.get("error") else {
        return Err(KrakenError::http(status, body));
    };
    let texts: Vec<&str> = errors.iter().filter_map(|e| e.as_str()).collect();
    if texts.len() != errors.len() {
        return Err(KrakenError::http(status, body));
    }
    if let Some(first) = texts.iter().find(|t| !t.starts_with('W')) {
        return Err(KrakenError::from_text(first));
    }
    // A result under a failure status is not something Kraken sends: trust neither.
    match envelope.remove("result") {
        Some(result) if (200..300).contains(&status) => Ok(result),
        _ => Err(KrakenError::http(status, body)),
    }
}
