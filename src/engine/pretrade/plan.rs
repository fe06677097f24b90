//! A trade plan's inputs, checked on their own: an impossible plan is refused with the field
//! named before anything is computed. Formulas and a worked example: docs/pretrade.md.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::{PlanProblem as P, PretradeError};
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
    /// Most significant figures of a price that is not an integer (Hyperliquid: 5); absent
    /// where the tick is the only price rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_price_sig_figs: Option<u32>,
}

/// Significant figures of `x` written without trailing zeros (`50000.5` has 6, `0.00012` 2).
pub fn significant_figures(x: Decimal) -> u32 {
    let digits = x.normalize().mantissa().unsigned_abs().to_string();
    digits.trim_start_matches('0').len() as u32
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
    /// Which of these inputs the corridor's venue gave, and when; absent when the operator
    /// gave them all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_venue: Option<FromVenue>,
}

/// Inputs read from the corridor's venue rather than given: `fields` by their flag names
/// (`tick`, `lot`, `min-size`, `min-notional`, `equity`, `exposure`), as of `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FromVenue {
    pub corridor: String,
    pub as_of: String,
    pub fields: Vec<String>,
}

fn bad(field: &'static str, problem: P) -> Error {
    PretradeError::field(field, problem).into()
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
            return Err(bad("symbol", P::Give("the instrument, e.g. BTC/USD")));
        }
        if self.entry <= Decimal::ZERO {
            return Err(bad(
                if self.entry_kind == EntryKind::Market { "market-ref" } else { "entry" },
                P::NotPositive(self.entry),
            ));
        }
        if self.stop <= Decimal::ZERO {
            return Err(bad("stop", P::NotPositive(self.stop)));
        }
        if self.stop == self.entry {
            return Err(bad("stop", P::StopAtEntry));
        }
        let long = self.side == Side::Buy;
        if (long && self.stop > self.entry) || (!long && self.stop < self.entry) {
            return Err(bad("stop", P::StopPastEntry { stop: self.stop, entry: self.entry, long }));
        }
        if self.targets.len() > 3 {
            return Err(bad("target", P::TooManyTargets));
        }
        let mut total = Decimal::ZERO;
        for t in &self.targets {
            if t.price <= Decimal::ZERO {
                return Err(bad("target", P::TargetPrice(t.price)));
            }
            if (long && t.price <= self.entry) || (!long && t.price >= self.entry) {
                return Err(bad("target", P::TargetBehind { price: t.price, entry: self.entry, long }));
            }
            if t.share_pct <= Decimal::ZERO {
                return Err(bad("target", P::Share(t.share_pct)));
            }
            total += t.share_pct;
        }
        if total > Decimal::ONE_HUNDRED {
            return Err(bad("target", P::SharesOver(total)));
        }
        if self.equity <= Decimal::ZERO {
            return Err(bad("equity", P::NotPositive(self.equity)));
        }
        match self.risk {
            Risk::Pct(p) if p <= Decimal::ZERO || p > Decimal::ONE_HUNDRED => {
                return Err(bad("risk-pct", P::RiskPct(p)))
            }
            Risk::Cash(c) if c <= Decimal::ZERO => return Err(bad("risk-cash", P::NotPositive(c))),
            Risk::Cash(c) if c > self.equity => {
                return Err(bad("risk-cash", P::RiskOverEquity { cash: c, equity: self.equity }))
            }
            _ => {}
        }
        if self.fee_bps < Decimal::ZERO {
            return Err(bad("fee-bps", P::Negative(self.fee_bps)));
        }
        match (self.market, self.leverage) {
            (Market::Spot, Some(_)) => return Err(bad("leverage", P::SpotLeverage)),
            (Market::Perp, None) => return Err(bad("leverage", P::PerpNeedsLeverage)),
            (Market::Perp, Some(l)) if l < Decimal::ONE => {
                return Err(bad("leverage", P::LeverageBelowOne(l)))
            }
            _ => {}
        }
        if self.maintenance_margin_rate < Decimal::ZERO || self.maintenance_margin_rate >= Decimal::ONE {
            return Err(bad("mmr", P::Mmr(self.maintenance_margin_rate)));
        }
        if self.current_exposure < Decimal::ZERO {
            return Err(bad("exposure", P::Negative(self.current_exposure)));
        }
        for (field, v) in [("tick", self.rules.tick_size), ("lot", self.rules.lot_size)] {
            if v <= Decimal::ZERO {
                return Err(bad(field, P::NotPositive(v)));
            }
        }
        for (field, v) in [("min-size", self.rules.min_size), ("min-notional", self.rules.min_notional)] {
            if v < Decimal::ZERO {
                return Err(bad(field, P::Negative(v)));
            }
        }
        for (field, p) in std::iter::once(("entry", self.entry))
            .chain(std::iter::once(("stop", self.stop)))
            .chain(self.targets.iter().map(|t| ("target", t.price)))
        {
            if !(p % self.rules.tick_size).is_zero() {
                return Err(bad(field, P::OffTick { price: p, tick: self.rules.tick_size }));
            }
            // The venue's other price rule: an integer price is always allowed.
            if let Some(max) = self.rules.max_price_sig_figs {
                if !p.fract().is_zero() && significant_figures(p) > max {
                    return Err(bad(field, P::SigFigs { price: p, max }));
                }
            }
        }
        Ok(())
    }
}
