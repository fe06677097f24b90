//! Hyperliquid's `/exchange` reply envelope, typed, with the venue's text kept.
//!
//! Shapes (Hyperliquid docs, "Exchange endpoint" and "Error responses"; the Rust SDK's
//! `ExchangeResponseStatus`):
//! - `{"status":"ok","response":{"type":"order","data":{"statuses":[S, ...]}}}` where each S is
//!   `{"resting":{"oid":N[,"cloid":"0x.."]}}`, `{"filled":{"totalSz":"..","avgPx":"..","oid":N}}`,
//!   `{"error":"..."}`, or a bare string (`"success"` for a cancel, `"waitingForFill"` /
//!   `"waitingForTrigger"` for the trigger legs of a grouped order); one per order, in order.
//! - `{"status":"ok","response":{"type":"default"}}` for actions with nothing to report
//!   (scheduleCancel, updateLeverage).
//! - `{"status":"err","response":"..."}`: the whole action was refused (bad signature, unknown
//!   signer, stale nonce); nothing in it took effect.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::engine::error::ErrorKind;
use crate::engine::execution::model::VenueError;

/// Longest excerpt of a non-JSON body kept in an error.
const EXCERPT_CHARS: usize = 120;

/// What happened to one order or cancel of a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionStatus {
    Resting {
        oid: u64,
        cloid: Option<String>,
    },
    Filled {
        oid: u64,
        total_sz: Decimal,
        avg_px: Decimal,
        cloid: Option<String>,
    },
    /// The venue refused this one order; the rest of the batch stands on its own.
    Error(String),
    /// A cancel that took effect.
    Success,
    WaitingForFill,
    WaitingForTrigger,
}

/// An `ok` reply: its `response.type` and the per-item statuses (empty for `default`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeReply {
    pub kind: String,
    pub statuses: Vec<ActionStatus>,
}

/// Why an `/exchange` call did not (fully) succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HlError {
    /// `{"status":"err","response":"..."}`: the action was refused as a whole.
    Refused(String),
    /// One order of a batch was refused, with its position in the batch.
    OrderRejected { index: usize, text: String },
    /// The body was not JSON (a proxy page, a 5xx, a 429 from the gateway).
    Http { status: u16, excerpt: String },
    /// JSON, but not the documented shape; names the field.
    Malformed { field: String, problem: String },
}

/// Order errors that are the caller's to fix: the price or size broke a venue rule
/// (docs, "Error responses": Tick, MinTradeNtl, MinTradeSpotNtl, BadTriggerPx).
const INPUT_ERROR_PREFIXES: &[&str] = &[
    "Price must be divisible by tick size",
    "Order must have minimum value of",
    "Invalid TP/SL price",
    "Order has invalid price",
    "Order has invalid size",
];

impl HlError {
    pub fn text(&self) -> &str {
        match self {
            HlError::Refused(t) | HlError::OrderRejected { text: t, .. } => t,
            HlError::Http { excerpt, .. } => excerpt,
            HlError::Malformed { problem, .. } => problem,
        }
    }

    /// A read may be asked again: only a gateway-level rate limit or outage qualifies.
    pub fn is_retryable_read(&self) -> bool {
        matches!(self, HlError::Http { status, .. } if *status == 429 || *status >= 500)
    }

    /// Exit 2 for an order that broke a price/size rule, exit 4 for everything else.
    pub fn kind(&self) -> ErrorKind {
        match self {
            HlError::OrderRejected { text, .. }
                if INPUT_ERROR_PREFIXES.iter().any(|p| text.starts_with(p)) =>
            {
                ErrorKind::BadInput
            }
            _ => ErrorKind::Venue,
        }
    }

    /// The boundary's view. A non-JSON or malformed reply leaves the action's fate unknown.
    pub fn to_venue_error(&self) -> VenueError {
        let message = self.to_string();
        match self {
            HlError::Refused(_) | HlError::OrderRejected { .. } => VenueError::Rejected { reason: message },
            HlError::Http { status: 429, .. } => VenueError::RateLimited { message },
            HlError::Http { .. } | HlError::Malformed { .. } => VenueError::Unavailable { message },
        }
    }
}

impl fmt::Display for HlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HlError::Refused(t) => write!(f, "hyperliquid: {t}"),
            HlError::OrderRejected { index, text } => write!(f, "hyperliquid: order {index}: {text}"),
            HlError::Http { status, excerpt } => write!(f, "hyperliquid: HTTP {status}, not JSON: {excerpt}"),
            HlError::Malformed { field, problem } => {
                write!(f, "hyperliquid: unexpected reply: field {field}: {problem}")
            }
        }
    }
}

impl std::error::Error for HlError {}

impl From<HlError> for VenueError {
    fn from(e: HlError) -> VenueError {
        e.to_venue_error()
    }
}

impl ExchangeReply {
    /// The first refused item of the batch, as an error (for a single-order submit).
    pub fn first_error(&self) -> Option<HlError> {
        self.statuses.iter().enumerate().find_map(|(index, s)| match s {
            ActionStatus::Error(text) => Some(HlError::OrderRejected { index, text: text.clone() }),
            _ => None,
        })
    }
}

/// Parses an `/exchange` reply. `Ok` means the action was accepted; per-order refusals are
/// [`ActionStatus::Error`] items inside it (see [`ExchangeReply::first_error`]).
pub fn parse_exchange_reply(http_status: u16, body: &[u8]) -> Result<ExchangeReply, HlError> {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return Err(http(http_status, body));
    };
    match v.get("status").and_then(Value::as_str) {
        Some("err") => match v.get("response") {
            Some(Value::String(t)) => Err(HlError::Refused(t.clone())),
            Some(other) => Err(HlError::Refused(other.to_string())),
            None => Err(malformed("response", "is missing")),
        },
        Some("ok") => {
            let response = v.get("response").ok_or_else(|| malformed("response", "is missing"))?;
            let kind = response
                .get("type")
                .and_then(Value::as_str)
                .ok_or_else(|| malformed("response.type", "is missing or not a string"))?
                .to_string();
            let statuses = match response.get("data").and_then(|d| d.get("statuses")) {
                None => Vec::new(),
                Some(Value::Array(items)) => {
                    items.iter().enumerate().map(|(i, s)| status(i, s)).collect::<Result<_, _>>()?
                }
                Some(_) => return Err(malformed("response.data.statuses", "is not an array")),
            };
            Ok(ExchangeReply { kind, statuses })
        }
        Some(other) => Err(malformed("status", &format!("\"{other}\" is neither ok nor err"))),
        None if !(200..300).contains(&http_status) => Err(http(http_status, body)),
        None => Err(malformed("status", "is missing")),
    }
}

fn status(i: usize, s: &Value) -> Result<ActionStatus, HlError> {
    let at = |f: &str| format!("statuses[{i}].{f}");
    match s {
        Value::String(t) => match t.as_str() {
            "success" => Ok(ActionStatus::Success),
            "waitingForFill" => Ok(ActionStatus::WaitingForFill),
            "waitingForTrigger" => Ok(ActionStatus::WaitingForTrigger),
            other => Err(malformed(&format!("statuses[{i}]"), &format!("unknown status \"{other}\""))),
        },
        Value::Object(o) => {
            if let Some(e) = o.get("error") {
                return match e {
                    Value::String(t) => Ok(ActionStatus::Error(t.clone())),
                    other => Ok(ActionStatus::Error(other.to_string())),
                };
            }
            if let Some(r) = o.get("resting") {
                return Ok(ActionStatus::Resting { oid: oid(r, &at("resting"))?, cloid: cloid(r) });
            }
            if let Some(f) = o.get("filled") {
                let field = at("filled");
                return Ok(ActionStatus::Filled {
                    oid: oid(f, &field)?,
                    total_sz: decimal(f, &field, "totalSz")?,
                    avg_px: decimal(f, &field, "avgPx")?,
                    cloid: cloid(f),
                });
            }
            Err(malformed(&format!("statuses[{i}]"), "has none of resting, filled, error"))
        }
        other => Err(malformed(&format!("statuses[{i}]"), &format!("{other} is not a status"))),
    }
}

fn oid(v: &Value, at: &str) -> Result<u64, HlError> {
    v.get("oid")
        .and_then(Value::as_u64)
        .ok_or_else(|| malformed(&format!("{at}.oid"), "is missing or not a whole number"))
}

fn cloid(v: &Value) -> Option<String> {
    v.get("cloid").and_then(Value::as_str).map(str::to_string)
}

/// Sizes and prices come as decimal strings; parsed exactly, never through a float.
fn decimal(v: &Value, at: &str, field: &str) -> Result<Decimal, HlError> {
    let path = format!("{at}.{field}");
    match v.get(field) {
        Some(Value::String(s)) => {
            Decimal::from_str(s).map_err(|_| malformed(&path, &format!("\"{s}\" is not a decimal number")))
        }
        Some(other) => Err(malformed(&path, &format!("{other} is not a decimal string"))),
        None => Err(malformed(&path, "is missing")),
    }
}

fn malformed(field: &str, problem: &str) -> HlError {
    HlError::Malformed { field: field.to_string(), problem: problem.to_string() }
}

fn http(status: u16, body: &[u8]) -> HlError {
    let text = String::from_utf8_lossy(body);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut excerpt: String = flat.chars().filter(|c| !c.is_control()).take(EXCERPT_CHARS).collect();
    if flat.chars().count() > EXCERPT_CHARS {
        excerpt.push('…');
    }
    HlError::Http { status, excerpt }
}
