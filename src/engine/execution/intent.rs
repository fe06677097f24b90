//! Making an ExecutionIntent ([`super::model::ExecutionIntent`]) from what a caller gives,
//! checked on its own (no policy, no venue), and the ids derived from it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::model::exits::venue_takes;
use super::model::{
    AttachedExits, CorridorId, ExecutionIntent, IntentSource, OrderType, Side, TimeInForce, Venue,
    INTENT_SCHEMA,
};
use crate::engine::contract::{make_id, CONTRACT_VERSION};
use crate::engine::error::{Error, Result};
use crate::engine::time::fmt_ms;

/// Default life of an intent that names no expiry: long enough to review, short enough that a
/// forgotten one cannot be submitted tomorrow at yesterday's idea of a price.
pub const DEFAULT_TTL_MS: i64 = 60 * 60 * 1000;

/// What a caller gives to create an intent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IntentSpec {
    pub source: IntentSource,
    pub venue: Venue,
    pub account: String,
    pub symbol: String,
    pub side: Side,
    pub quantity: Decimal,
    pub order_type: OrderType,
    pub limit_price: Option<Decimal>,
    pub trigger_price: Option<Decimal>,
    pub time_in_force: TimeInForce,
    pub reduce_only: bool,
    /// Life in ms from creation; [`DEFAULT_TTL_MS`] when absent.
    pub ttl_ms: Option<i64>,
    pub note: Option<String>,
    /// A take-profit and/or stop-loss the venue attaches to this entry.
    #[serde(default)]
    pub exits: Option<AttachedExits>,
}

impl IntentSpec {
    /// Check the spec on its own (no policy, no venue) and make the intent.
    pub fn build(self, now_ms: i64) -> Result<ExecutionIntent> {
        CorridorId::new(self.venue, &self.account)?;
        let symbol = self.symbol.trim().to_string();
        let symbol_ok = !symbol.is_empty()
            && symbol.len() <= 32
            && symbol.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | ':'));
        if !symbol_ok {
            return Err(Error::bad_input(format!("--symbol: '{}' is not a symbol", self.symbol)));
        }
        if self.quantity <= Decimal::ZERO {
            return Err(Error::bad_input(format!("--qty: must be positive, got {}", self.quantity)));
        }
        for (field, price) in [("--price", self.limit_price), ("--trigger", self.trigger_price)] {
            if let Some(p) = price {
                if p <= Decimal::ZERO {
                    return Err(Error::bad_input(format!("{field}: must be positive, got {p}")));
                }
            }
        }
        let t = self.order_type;
        match (t.needs_limit_price(), self.limit_price) {
            (true, None) => {
                return Err(Error::bad_input(format!("--price: a {} order needs a limit price", t.name())))
            }
            (false, Some(_)) => {
                return Err(Error::bad_input(format!("--price: a {} order takes no limit price", t.name())))
            }
            _ => {}
        }
        match (t.needs_trigger_price(), self.trigger_price) {
            (true, None) => {
                return Err(Error::bad_input(format!(
                    "--trigger: a {} order needs a trigger price",
                    t.name()
                )))
            }
            (false, Some(_)) => {
                return Err(Error::bad_input(format!(
                    "--trigger: a {} order takes no trigger price",
                    t.name()
                )))
            }
            _ => {}
        }
        // Venues take post-only on plain limit orders only; elsewhere it would be ignored or
        // refused by the venue, so it is refused here first.
        if self.time_in_force == TimeInForce::PostOnly && t != OrderType::Limit {
            return Err(Error::bad_input(format!("--tif: post-only is for limit orders, not {}", t.name())));
        }
        let exits = self.exits.filter(|x| !x.is_empty());
        if let Some(x) = &exits {
            x.check(self.side, self.limit_price.or(self.trigger_price), self.reduce_only)?;
            venue_takes(self.venue, x)?;
        }
        let ttl = self.ttl_ms.unwrap_or(DEFAULT_TTL_MS);
        if ttl <= 0 {
            return Err(Error::bad_input("--expires: must be a positive duration"));
        }
        let most = super::policy::MAX_INTENT_TTL_SECS_LIMIT as i64 * 1000;
        if ttl > most {
            return Err(Error::bad_input(format!(
                "--expires: {}s is longer than any policy allows ({}s)",
                ttl / 1000,
                most / 1000
            )));
        }
        let key =
            serde_json::to_vec(&(&self.venue, &self.account, &symbol, &self.side, &self.quantity, now_ms))
                .unwrap_or_default();
        let id = make_id("intent", now_ms, &key);
        Ok(ExecutionIntent {
            schema: INTENT_SCHEMA.into(),
            schema_version: CONTRACT_VERSION,
            client_order_id: client_order_id(&id),
            id,
            source: self.source,
            venue: self.venue,
            account: self.account,
            symbol,
            side: self.side,
            quantity: self.quantity,
            order_type: self.order_type,
            limit_price: self.limit_price,
            trigger_price: self.trigger_price,
            time_in_force: self.time_in_force,
            reduce_only: self.reduce_only,
            created_at: fmt_ms(now_ms),
            expires_at: fmt_ms(now_ms + ttl),
            created_ms: now_ms,
            expires_ms: now_ms + ttl,
            note: self.note,
            exits,
            parent: None,
        })
    }
}

/// A UUID-shaped id from the first 16 bytes of sha256(intent id): Kraken accepts UUIDs as
/// client order ids and Hyperliquid takes the same 16 bytes as a hex `cloid`.
pub fn client_order_id(intent_id: &str) -> String {
    let h = Sha256::digest(intent_id.as_bytes());
    let x = hex::encode(&h[..16]);
    format!("{}-{}-{}-{}-{}", &x[..8], &x[8..12], &x[12..16], &x[16..20], &x[20..32])
}

/// sha256 of an intent as serialized: an approval covers exactly this intent.
pub fn intent_digest(i: &ExecutionIntent) -> String {
    hex::encode(Sha256::digest(serde_json::to_vec(i).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn spec() -> IntentSpec {
        IntentSpec {
            source: IntentSource::Operator,
            venue: Venue::Fake,
            account: "main".into(),
            symbol: "BTC/USD".into(),
            side: Side::Buy,
            quantity: Decimal::new(1, 2),
            order_type: OrderType::Limit,
            limit_price: Some(Decimal::from(50_000)),
            trigger_price: None,
            time_in_force: TimeInForce::Gtc,
            reduce_only: false,
            ttl_ms: None,
            note: None,
            exits: None,
        }
    }

    #[test]
    fn builds_with_a_stable_client_id() {
        let i = spec().build(1_700_000_000_000).unwrap();
        assert!(i.id.starts_with("intent_20231114T"));
        assert_eq!(i.client_order_id, client_order_id(&i.id));
        assert_eq!(i.client_order_id.len(), 36);
        assert_eq!(i.expires_ms - i.created_ms, DEFAULT_TTL_MS);
    }

    #[test]
    fn rejects_bad_specs_naming_the_field() {
        let cases: Vec<(IntentSpec, &str)> = vec![
            (IntentSpec { quantity: Decimal::new(-1, 0), ..spec() }, "--qty"),
            (IntentSpec { quantity: Decimal::ZERO, ..spec() }, "--qty"),
            (IntentSpec { limit_price: None, ..spec() }, "--price"),
            (IntentSpec { order_type: OrderType::Market, ..spec() }, "--price"),
            (IntentSpec { order_type: OrderType::StopLimit, ..spec() }, "--trigger"),
            (IntentSpec { limit_price: Some(Decimal::new(-5, 0)), ..spec() }, "--price"),
            (IntentSpec { symbol: "".into(), ..spec() }, "--symbol"),
            (IntentSpec { account: "a b".into(), ..spec() }, "--account"),
            (IntentSpec { ttl_ms: Some(0), ..spec() }, "--expires"),
            (IntentSpec { order_type: OrderType::TakeProfitLimit, ..spec() }, "--trigger"),
            (
                IntentSpec {
                    order_type: OrderType::TakeProfitMarket,
                    trigger_price: Some(Decimal::from(60_000)),
                    ..spec()
                },
                "--price",
            ),
            (
                IntentSpec {
                    order_type: OrderType::Market,
                    limit_price: None,
                    time_in_force: TimeInForce::PostOnly,
                    ..spec()
                },
                "--tif",
            ),
        ];
        for (s, field) in cases {
            let e = s.build(0).unwrap_err().to_string();
            assert!(e.starts_with(field), "{e}");
        }
        let tp = IntentSpec {
            side: Side::Sell,
            order_type: OrderType::TakeProfitLimit,
            trigger_price: Some(Decimal::from(60_000)),
            ..spec()
        };
        assert!(tp.build(0).is_ok());
        assert!(IntentSpec { time_in_force: TimeInForce::PostOnly, ..spec() }.build(0).is_ok());
    }
}
