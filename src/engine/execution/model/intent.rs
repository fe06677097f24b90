//! ExecutionIntent: what someone wants traded, before any check or venue is involved. How one
//! is built from a spec is the execution `intent` module's.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::corridor_id::CorridorId;
use super::exits::{leg_name, AttachedExits};
use super::order::OrderRequest;
use super::order_terms::{OrderType, Side, TimeInForce};
use super::venue::Venue;
use crate::engine::error::{Error, Result};

pub const INTENT_SCHEMA: &str = "quantlab.execution_intent";

/// Who asked for an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntentSource {
    Operator,
    Plan,
    Strategy,
    Automation,
}

impl IntentSource {
    pub fn parse(s: &str) -> Result<IntentSource> {
        match s.to_ascii_lowercase().as_str() {
            "operator" => Ok(IntentSource::Operator),
            "plan" => Ok(IntentSource::Plan),
            "strategy" => Ok(IntentSource::Strategy),
            "automation" => Ok(IntentSource::Automation),
            _ => Err(Error::bad_input(format!(
                "--source: '{s}' is not operator, plan, strategy or automation"
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionIntent {
    pub schema: String,
    pub schema_version: u32,
    pub id: String,
    pub source: IntentSource,
    pub venue: Venue,
    pub account: String,
    pub symbol: String,
    pub side: Side,
    /// Base units, as given; the venue's lot rounding is checked in preflight, never applied
    /// silently.
    pub quantity: Decimal,
    pub order_type: OrderType,
    pub limit_price: Option<Decimal>,
    pub trigger_price: Option<Decimal>,
    pub time_in_force: TimeInForce,
    pub reduce_only: bool,
    /// Derived from the id, so a submit repeated after a crash carries the same one and the
    /// venue (or a status query) recognises it.
    pub client_order_id: String,
    pub created_at: String,
    pub expires_at: String,
    /// Epoch ms of the two times above, for rules and sorting.
    pub created_ms: i64,
    pub expires_ms: i64,
    #[serde(default)]
    pub note: Option<String>,
    /// Exits the venue attaches to this entry ([`super::exits`]; made into child intents by the execution `exits` module). Left out when absent, so
    /// intents journaled before exits existed serialize, and digest, exactly as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exits: Option<AttachedExits>,
    /// Set on an attached exit: the entry it belongs to. It is approved and sent with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

impl ExecutionIntent {
    pub fn corridor(&self) -> CorridorId {
        CorridorId { venue: self.venue, account: self.account.clone() }
    }

    /// The price the order's notional is measured at: the limit price, else the trigger,
    /// else the mark.
    pub fn reference_price(&self, mark: Option<Decimal>) -> Option<Decimal> {
        self.limit_price.or(self.trigger_price).or(mark)
    }

    /// The order as the venue receives it: this intent's fields, nothing inferred.
    pub fn order_request(&self) -> OrderRequest {
        OrderRequest {
            client_order_id: self.client_order_id.clone(),
            symbol: self.symbol.clone(),
            side: self.side,
            quantity: self.quantity,
            order_type: self.order_type,
            limit_price: self.limit_price,
            trigger_price: self.trigger_price,
            time_in_force: self.time_in_force,
            reduce_only: self.reduce_only,
            exits: self.exits.unwrap_or_default(),
        }
    }

    /// One line for confirm dialogs and logs: the exact order.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} {} {} {} on {}/{}",
            self.side.name(),
            self.quantity,
            self.symbol,
            self.order_type.name(),
            self.venue,
            self.account
        );
        if let Some(p) = self.limit_price {
            s.push_str(&format!(" limit {p}"));
        }
        if let Some(p) = self.trigger_price {
            s.push_str(&format!(" trigger {p}"));
        }
        if self.reduce_only {
            s.push_str(" reduce-only");
        }
        if let Some(x) = &self.exits {
            for (leg, p) in x.legs() {
                s.push_str(&format!(" {} {p}", leg_name(leg)));
            }
        }
        s
    }
}

impl ExecutionIntent {
    /// Refuse a price (limit, trigger, attached exit) with more decimals than `max`; `rule`
    /// says where `max` comes from. A venue would round or reject it, so it is refused first.
    pub fn check_price_decimals(&self, max: u32, rule: &str) -> Result<()> {
        let exits = self.exits.iter().flat_map(|x| x.legs().map(|(l, p)| (leg_name(l), p)));
        let prices = [("--price", self.limit_price), ("--trigger", self.trigger_price)]
            .into_iter()
            .filter_map(|(f, p)| p.map(|p| (f, p)))
            .chain(exits);
        for (field, p) in prices {
            let decimals = p.normalize().scale();
            if decimals > max {
                return Err(Error::bad_input(format!(
                    "{field}: {p} has {decimals} decimals; {rule} allows at most {max}"
                )));
            }
        }
        Ok(())
    }

    /// Refuse a life longer than `max_ms` (the corridor policy's `max_intent_ttl_secs`).
    pub fn check_ttl(&self, max_ms: i64) -> Result<()> {
        let ttl = self.expires_ms - self.created_ms;
        if ttl > max_ms {
            return Err(Error::bad_input(format!(
                "--expires: {}s is longer than the policy's max_intent_ttl_secs ({}s)",
                ttl / 1000,
                max_ms / 1000
            )));
        }
        Ok(())
    }
}
