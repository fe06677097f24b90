//! A trade plan's inputs, checked on their own: an impossible plan is refused with the field
//! named before anything is computed. Formulas and a worked example: docs/pretrade.md.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::engine::error::{Error, Result};
use crate::engine::execution::model::{CorridorId, Side, Venue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Market {
    Spot,
    /// A linear perpetual: margin in the quote currency, leverage chosen by the operator.
    Perp,
}

/// How the position is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A limit order at the entry price.
    Limit,
    /// A market order; the entry price is the operator's reference (the mark now).
    Market,
}

/// Risk per trade: a percent of equity or a cash amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Risk {
    Pct(Decimal),
    Cash(Decimal),
}

/// A take-profit level and the percent of the position it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub price: Decimal,
    pub share_pct: Decimal,
}

/// The instrument's order rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    pub tick_size: Decimal,
    /// Quantity increment (a venue's "size decimals" d is a lot of 10^-d).
    pub lot_size: Decimal,
    pub min_size: Decimal,
    pub min_notional: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanInput {
    pub venue: Venue,
    pub account: String,
    pub symbol: String,
    pub side: Side,
    pub market: Market,
    pub entry_kind: EntryKind,
    pub entry: Decimal,
    pub stop: Decimal,
    pub targets: Vec<Target>,
    pub equity: Decimal,
    pub risk: Risk,
    pub fee_bps: Decimal,
    /// Perpetuals only: the leverage the position will use.
    pub leverage: Option<Decimal>,
    /// Perpetuals only: maintenance margin rate for the liquidation estimate (0.005 = 0.5%).
    pub maintenance_margin_rate: Decimal,
    /// Gross exposure already held, quote currency, for the exposure after the trade.
    pub current_exposure: Decimal,
    pub rules: Rules,
}

fn bad(field: &str, why: impl std::fmt::Display) -> Error {
    Error::bad_input(format!("--{field}: {why}"))
}

impl PlanInput {
    /// +1 for a long, -1 for a short.
    pub fn sign(&self) -> Decimal {
        self.side.sign()
    }

    /// Refuse what no sizing can make sense of, naming the field.
    pub fn validate(&self) -> Result<()> {
        CorridorId::new(self.venue, &self.account)?;
        if self.symbol.trim().is_empty() {
            return Err(bad("symbol", "give the instrument, e.g. BTC/USD"));
        }
        if self.entry <= Decimal::ZERO {
            return Err(bad(
                if self.entry_kind == EntryKind::Market { "market-ref" } else { "entry" },
                format!("must be positive, got {}", self.entry),
            ));
        }
        if self.stop <= Decimal::ZERO {
            return Err(bad("stop", format!("must be positive, got {}", self.stop)));
        }
        if self.stop == self.entry {
            return Err(bad("stop", "equals the entry: zero distance gives no size"));
        }
        let long = self.side == Side::Buy;
        if long && self.stop > self.entry {
            return Err(bad("stop", format!("{} is above the entry {} of a long", self.stop, self.entry)));
        }
        if !long && self.stop < self.entry {
            return Err(bad("stop", format!("{} is below the entry {} of a short", self.stop, self.entry)));
        }
        if self.targets.len() > 3 {
            return Err(bad("target", "at most three targets"));
        }
        let mut total = Decimal::ZERO;
        for t in &self.targets {
            if t.price <= Decimal::ZERO {
                return Err(bad("target", format!("price must be positive, got {}", t.price)));
            }
            if (long && t.price <= self.entry) || (!long && t.price >= self.entry) {
                return Err(bad(
                    "target",
                    format!(
                        "{} is behind the entry {} of a {}",
                        t.price,
                        self.entry,
                        if long { "long" } else { "short" }
                    ),
                ));
            }
            if t.share_pct <= Decimal::ZERO {
                return Err(bad("target", format!("share must be positive, got {}%", t.share_pct)));
            }
            total += t.share_pct;
        }
        if total > Decimal::ONE_HUNDRED {
            return Err(bad("target", format!("shares add up to {total}%, more than the position")));
        }
        if self.equity <= Decimal::ZERO {
            return Err(bad("equity", format!("must be positive, got {}", self.equity)));
        }
        match self.risk {
            Risk::Pct(p) if p <= Decimal::ZERO || p > Decimal::ONE_HUNDRED => {
                return Err(bad("risk-pct", format!("must be in (0, 100], got {p}")))
            }
            Risk::Cash(c) if c <= Decimal::ZERO => {
                return Err(bad("risk-cash", format!("must be positive, got {c}")))
            }
            Risk::Cash(c) if c > self.equity => {
                return Err(bad("risk-cash", format!("{c} is more than the equity {}", self.equity)))
            }
            _ => {}
        }
        if self.fee_bps < Decimal::ZERO {
            return Err(bad("fee-bps", format!("must not be negative, got {}", self.fee_bps)));
        }
        match (self.market, self.leverage) {
            (Market::Spot, Some(_)) => {
                return Err(bad("leverage", "spot plans take no leverage (use --perp)"))
            }
            (Market::Perp, None) => return Err(bad("leverage", "a perpetual plan needs its leverage")),
            (Market::Perp, Some(l)) if l < Decimal::ONE => {
                return Err(bad("leverage", format!("must be at least 1, got {l}")))
            }
            _ => {}
        }
        if self.maintenance_margin_rate < Decimal::ZERO || self.maintenance_margin_rate >= Decimal::ONE {
            return Err(bad("mmr", format!("must be in [0, 1), got {}", self.maintenance_margin_rate)));
        }
        if self.current_exposure < Decimal::ZERO {
            return Err(bad("exposure", format!("must not be negative, got {}", self.current_exposure)));
        }
        for (field, v) in [("tick", self.rules.tick_size), ("lot", self.rules.lot_size)] {
            if v <= Decimal::ZERO {
                return Err(bad(field, format!("must be positive, got {v}")));
            }
        }
        for (field, v) in [("min-size", self.rules.min_size), ("min-notional", self.rules.min_notional)] {
            if v < Decimal::ZERO {
                return Err(bad(field, format!("must not be negative, got {v}")));
            }
        }
        for (field, p) in std::iter::once(("entry", self.entry))
            .chain(std::iter::once(("stop", self.stop)))
            .chain(self.targets.iter().map(|t| ("target", t.price)))
        {
            if !(p % self.rules.tick_size).is_zero() {
                return Err(bad(
                    field,
                    format!("{p} is not a multiple of the tick size {}", self.rules.tick_size),
                ));
            }
        }
        Ok(())
    }
}
