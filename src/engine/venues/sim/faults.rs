//! Faults the simulator injects, set in its config or at run time (`quantlab sim fault ...`,
//! which posts to the simulator's control path). Counted faults apply to the next N requests
//! or events and then clear themselves, so a test knows exactly which call they hit.

use serde::{Deserialize, Serialize};

use super::error::{FaultProblem, SimError};
use crate::engine::error::Result;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Faults {
    /// Added to every HTTP reply.
    pub latency_ms: u64,
    /// The next N order placements take effect but their reply never arrives (the connection
    /// is held until the client gives up).
    pub drop_ack: u32,
    /// The next N requests get HTTP 503 and do nothing.
    pub http_5xx: u32,
    /// The next N private requests are refused as rate limited.
    pub rate_limit: u32,
    /// The next N fills are never pushed on a websocket.
    pub drop_fill_event: u32,
    /// The next N order placements (not a validate-only one) are refused as a venue refuses
    /// an order it cannot take: insufficient funds, nothing placed (a definite rejection).
    pub reject_order: u32,
    /// The simulator's clock runs this far ahead (negative: behind) of the machine's.
    pub clock_offset_ms: i64,
}

/// One change requested at run time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum FaultChange {
    Latency {
        ms: u64,
    },
    DropAck {
        count: u32,
    },
    /// Spelled as the `[faults]` field is (serde's snake_case alone would make it `http5xx`).
    #[serde(rename = "http_5xx", alias = "http5xx")]
    Http5xx {
        count: u32,
    },
    RateLimit {
        count: u32,
    },
    DropFillEvent {
        count: u32,
    },
    RejectOrder {
        count: u32,
    },
    ClockOffset {
        ms: i64,
    },
    /// Close every websocket connection now (clients must reconnect and resubscribe).
    WsDisconnect,
    /// Clear every fault.
    Clear,
}

impl FaultChange {
    /// From the command line: `latency 200`, `drop-ack [N]`, `http-5xx [N]`, `rate-limit [N]`,
    /// `drop-fill-event [N]`, `reject-order [N]`, `clock-offset MS`, `ws-disconnect`, `clear`.
    pub fn parse(kind: &str, value: Option<&str>) -> Result<FaultChange> {
        let refuse = |problem| SimError::Fault { fault: kind.to_string(), problem };
        let count = || -> Result<u32, SimError> {
            value.map_or(Ok(1), |v| v.parse().map_err(|_| refuse(FaultProblem::NotACount(v.into()))))
        };
        let ms = || -> Result<i64, SimError> {
            let v = value.ok_or_else(|| refuse(FaultProblem::NoMilliseconds))?;
            v.parse().map_err(|_| refuse(FaultProblem::NotMilliseconds(v.into())))
        };
        Ok(match kind {
            "latency" => Latency { ms: u64::try_from(ms()?).map_err(|_| refuse(FaultProblem::Negative))? },
            "drop-ack" => DropAck { count: count()? },
            "http-5xx" => Http5xx { count: count()? },
            "rate-limit" => RateLimit { count: count()? },
            "drop-fill-event" => DropFillEvent { count: count()? },
            "reject-order" => RejectOrder { count: count()? },
            "clock-offset" => ClockOffset { ms: ms()? },
            "ws-disconnect" => WsDisconnect,
            "clear" => Clear,
            other => return Err(SimError::UnknownFault(other.into()).into()),
        })
    }
}

use FaultChange::*;

impl Faults {
    /// Apply a change; `true` when websockets must be dropped now.
    pub fn apply(&mut self, change: &FaultChange) -> bool {
        match *change {
            Latency { ms } => self.latency_ms = ms,
            DropAck { count } => self.drop_ack = count,
            Http5xx { count } => self.http_5xx = count,
            RateLimit { count } => self.rate_limit = count,
            DropFillEvent { count } => self.drop_fill_event = count,
            RejectOrder { count } => self.reject_order = count,
            ClockOffset { ms } => self.clock_offset_ms = ms,
            WsDisconnect => return true,
            Clear => *self = Faults::default(),
        }
        false
    }

    /// Take one from a counter; `true` when the fault fires for this call.
    pub fn take(counter: &mut u32) -> bool {
        if *counter > 0 {
            *counter -= 1;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_faults_fire_exactly_n_times() {
        let mut f = Faults::default();
        f.apply(&FaultChange::parse("http-5xx", Some("2")).unwrap());
        assert!(Faults::take(&mut f.http_5xx));
        assert!(Faults::take(&mut f.http_5xx));
        assert!(!Faults::take(&mut f.http_5xx));
    }

    #[test]
    fn parse_names_what_is_wrong() {
        assert_eq!(FaultChange::parse("drop-ack", None).unwrap(), FaultChange::DropAck { count: 1 });
        assert_eq!(FaultChange::parse("reject-order", Some("2")).unwrap(), FaultChange::RejectOrder { count: 2 });
        use crate::engine::venues::sim::error::{FaultProblem, SimError};
        let e = FaultChange::parse("latency", None).unwrap_err();
        assert!(
            matches!(e.domain(), Some(SimError::Fault { problem: FaultProblem::NoMilliseconds, .. })),
            "{e:?}"
        );
        let e = FaultChange::parse("latency", Some("-5")).unwrap_err();
        assert!(matches!(e.domain(), Some(SimError::Fault { problem: FaultProblem::Negative, .. })), "{e:?}");
        let e = FaultChange::parse("drop-ack", Some("many")).unwrap_err();
        assert!(
            matches!(e.domain(), Some(SimError::Fault { problem: FaultProblem::NotACount(v), .. }) if v == "many")
        );
        let e = FaultChange::parse("meteor", None).unwrap_err();
        assert!(matches!(e.domain(), Some(SimError::UnknownFault(f)) if f == "meteor"), "{e:?}");
        assert_eq!(e.kind, crate::engine::error::ErrorKind::BadInput);
        let mut f = Faults::default();
        assert!(f.apply(&FaultChange::WsDisconnect));
        f.apply(&FaultChange::ClockOffset { ms: -1500 });
        assert_eq!(f.clock_offset_ms, -1500);
        f.apply(&FaultChange::Clear);
        assert_eq!(f, Faults::default());
    }
}
