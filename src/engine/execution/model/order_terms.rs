//! The terms an order is given in: its side, its type and its time in force. Orders and
//! attached exits are both written in them, so they live apart from either.

use serde::{Deserialize, Serialize};

use crate::engine::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn parse(s: &str) -> Result<Side> {
        match s.to_ascii_lowercase().as_str() {
            "buy" | "long" => Ok(Side::Buy),
            "sell" | "short" => Ok(Side::Sell),
            _ => Err(Error::bad_input(format!("--side: '{s}' is not buy or sell"))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }

    /// +1 for a buy, -1 for a sell: the sign of the position change.
    pub fn sign(self) -> rust_decimal::Decimal {
        match self {
            Side::Buy => rust_decimal::Decimal::ONE,
            Side::Sell => rust_decimal::Decimal::NEGATIVE_ONE,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrderType {
    Market,
    Limit,
    StopMarket,
    StopLimit,
    /// A market order once the trigger is reached in the order's favour (sell above, buy below).
    TakeProfitMarket,
    /// A limit order once the trigger is reached in the order's favour.
    TakeProfitLimit,
}

impl OrderType {
    pub const ALL: [OrderType; 6] = [
        OrderType::Market,
        OrderType::Limit,
        OrderType::StopMarket,
        OrderType::StopLimit,
        OrderType::TakeProfitMarket,
        OrderType::TakeProfitLimit,
    ];

    pub fn parse(s: &str) -> Result<OrderType> {
        OrderType::ALL.into_iter().find(|t| t.name() == s.to_ascii_lowercase()).ok_or_else(|| {
            Error::bad_input(format!(
                "--type: '{s}' is not an order type; known: market, limit, stop-market, stop-limit, \
                 take-profit-market, take-profit-limit"
            ))
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            OrderType::Market => "market",
            OrderType::Limit => "limit",
            OrderType::StopMarket => "stop-market",
            OrderType::StopLimit => "stop-limit",
            OrderType::TakeProfitMarket => "take-profit-market",
            OrderType::TakeProfitLimit => "take-profit-limit",
        }
    }

    pub fn needs_limit_price(self) -> bool {
        matches!(self, OrderType::Limit | OrderType::StopLimit | OrderType::TakeProfitLimit)
    }

    pub fn needs_trigger_price(self) -> bool {
        matches!(
            self,
            OrderType::StopMarket
                | OrderType::StopLimit
                | OrderType::TakeProfitMarket
                | OrderType::TakeProfitLimit
        )
    }

    /// A take-profit: it triggers when the price moves in the order's favour (a sell at or
    /// above the trigger, a buy at or below), the opposite way to a stop.
    pub fn is_take_profit(self) -> bool {
        matches!(self, OrderType::TakeProfitMarket | OrderType::TakeProfitLimit)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeInForce {
    /// Good till cancelled.
    Gtc,
    /// Immediate or cancel.
    Ioc,
    /// Fill or kill.
    Fok,
    /// Post only: rest on the book as a maker or be refused, never take
    /// (Hyperliquid `Alo`, Kraken `oflags=post`). Limit orders only.
    #[serde(rename = "post-only")]
    PostOnly,
}

impl TimeInForce {
    pub fn parse(s: &str) -> Result<TimeInForce> {
        match s.to_ascii_lowercase().as_str() {
            "gtc" => Ok(TimeInForce::Gtc),
            "ioc" => Ok(TimeInForce::Ioc),
            "fok" => Ok(TimeInForce::Fok),
            "post-only" | "alo" => Ok(TimeInForce::PostOnly),
            _ => Err(Error::bad_input(format!("--tif: '{s}' is not gtc, ioc, fok or post-only"))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TimeInForce::Gtc => "gtc",
            TimeInForce::Ioc => "ioc",
            TimeInForce::Fok => "fok",
            TimeInForce::PostOnly => "post-only",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_types_round_trip_by_name_and_serde() {
        for t in OrderType::ALL {
            assert_eq!(OrderType::parse(t.name()).unwrap(), t);
            assert_eq!(OrderType::parse(&t.name().to_ascii_uppercase()).unwrap(), t);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.name()));
            assert_eq!(serde_json::from_str::<OrderType>(&json).unwrap(), t);
        }
        let tp = OrderType::parse("take-profit-market").unwrap();
        assert!(tp.needs_trigger_price() && !tp.needs_limit_price() && tp.is_take_profit());
        let tpl = OrderType::parse("take-profit-limit").unwrap();
        assert!(tpl.needs_trigger_price() && tpl.needs_limit_price() && tpl.is_take_profit());
        assert!(!OrderType::StopLimit.is_take_profit());
        let err = OrderType::parse("take-profit").unwrap_err().to_string();
        assert!(err.contains("take-profit-market, take-profit-limit"), "{err}");
    }

    #[test]
    fn time_in_force_round_trips_and_accepts_alo() {
        for t in [TimeInForce::Gtc, TimeInForce::Ioc, TimeInForce::Fok, TimeInForce::PostOnly] {
            assert_eq!(TimeInForce::parse(t.name()).unwrap(), t);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.name()));
            assert_eq!(serde_json::from_str::<TimeInForce>(&json).unwrap(), t);
        }
        assert_eq!(TimeInForce::parse("ALO").unwrap(), TimeInForce::PostOnly);
        assert_eq!(TimeInForce::parse("Post-Only").unwrap(), TimeInForce::PostOnly);
        assert!(TimeInForce::parse("post").unwrap_err().to_string().contains("post-only"));
    }
}
