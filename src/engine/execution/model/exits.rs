//! Exits attached to an entry: a take-profit and a stop-loss that the venue holds off the book
//! until the entry fills. The data and its checks; the child intents and venue requests made
//! from it are in the execution `exits` module.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::order_terms::{OrderType, Side};
use super::venue::Venue;
use crate::engine::error::{Error, Result};

/// Trigger prices of the exits attached to an entry. Both exits are market orders once
/// triggered, reduce-only where the venue has it, for the quantity the entry filled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachedExits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub take_profit: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_loss: Option<Decimal>,
}

/// Which exit a child is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitLeg {
    TakeProfit,
    StopLoss,
}

impl ExitLeg {
    pub const ALL: [ExitLeg; 2] = [ExitLeg::TakeProfit, ExitLeg::StopLoss];

    /// The suffix of the child's intent id and the seed of its client order id.
    pub fn tag(self) -> &'static str {
        match self {
            ExitLeg::TakeProfit => "tp",
            ExitLeg::StopLoss => "sl",
        }
    }

    pub fn order_type(self) -> OrderType {
        match self {
            ExitLeg::TakeProfit => OrderType::TakeProfitMarket,
            ExitLeg::StopLoss => OrderType::StopMarket,
        }
    }

    /// The leg a triggered order type closes with, if it is one.
    pub fn of(t: OrderType) -> Option<ExitLeg> {
        match t {
            OrderType::TakeProfitMarket | OrderType::TakeProfitLimit => Some(ExitLeg::TakeProfit),
            OrderType::StopMarket | OrderType::StopLimit => Some(ExitLeg::StopLoss),
            _ => None,
        }
    }
}

impl AttachedExits {
    pub fn is_empty(&self) -> bool {
        self.take_profit.is_none() && self.stop_loss.is_none()
    }

    pub fn get(&self, leg: ExitLeg) -> Option<Decimal> {
        match leg {
            ExitLeg::TakeProfit => self.take_profit,
            ExitLeg::StopLoss => self.stop_loss,
        }
    }

    /// The legs given, take-profit first (the order venues list them in).
    pub fn legs(&self) -> impl Iterator<Item = (ExitLeg, Decimal)> + '_ {
        ExitLeg::ALL.into_iter().filter_map(|l| self.get(l).map(|p| (l, p)))
    }

    /// Check the exits against the entry on their own (no venue): positive prices, and each on
    /// its side of the entry's price when the entry names one. Entries that reduce a position
    /// take no exits: an exit is the way out of what the entry opens.
    pub fn check(&self, entry_side: Side, entry_price: Option<Decimal>, reduce_only: bool) -> Result<()> {
        if self.is_empty() {
            return Ok(());
        }
        if reduce_only {
            return Err(Error::bad_input(
                "--take-profit/--stop-loss: a reduce-only order takes no attached exits",
            ));
        }
        for (leg, p) in self.legs() {
            let flag = flag(leg);
            if p <= Decimal::ZERO {
                return Err(Error::bad_input(format!("{flag}: must be positive, got {p}")));
            }
            let Some(entry) = entry_price else { continue };
            // A long's take-profit is above its entry and its stop below; a short's the reverse.
            let above = (leg == ExitLeg::TakeProfit) == (entry_side == Side::Buy);
            if above && p <= entry {
                return Err(Error::bad_input(format!(
                    "{flag}: {p} must be above the entry price {entry} for a {} entry",
                    entry_side.name()
                )));
            }
            if !above && p >= entry {
                return Err(Error::bad_input(format!(
                    "{flag}: {p} must be below the entry price {entry} for a {} entry",
                    entry_side.name()
                )));
            }
        }
        Ok(())
    }
}

/// What each venue can attach: Hyperliquid groups both exits with the entry (`normalTpsl`);
/// Kraken attaches one conditional close; the fake venue holds both, as Hyperliquid does.
pub fn venue_takes(venue: Venue, exits: &AttachedExits) -> Result<()> {
    if venue == Venue::Kraken && exits.take_profit.is_some() && exits.stop_loss.is_some() {
        return Err(Error::bad_input(
            "--take-profit/--stop-loss: Kraken attaches one conditional close to an order; give one \
             of them (the other can be placed as its own reduce order once the entry fills)",
        ));
    }
    Ok(())
}

/// The command-line flag of a leg, for error messages.
pub fn flag(leg: ExitLeg) -> &'static str {
    match leg {
        ExitLeg::TakeProfit => "--take-profit",
        ExitLeg::StopLoss => "--stop-loss",
    }
}

pub fn leg_name(leg: ExitLeg) -> &'static str {
    match leg {
        ExitLeg::TakeProfit => "take-profit",
        ExitLeg::StopLoss => "stop-loss",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn exits_sit_on_their_side_of_the_entry() {
        let both = AttachedExits { take_profit: Some(d("110")), stop_loss: Some(d("95")) };
        assert!(both.check(Side::Buy, Some(d("100")), false).is_ok());
        let e = both.check(Side::Sell, Some(d("100")), false).unwrap_err().to_string();
        assert!(e.contains("--take-profit: 110 must be below the entry price 100"), "{e}");
        let short = AttachedExits { take_profit: Some(d("90")), stop_loss: Some(d("105")) };
        assert!(short.check(Side::Sell, Some(d("100")), false).is_ok());
        let e = short.check(Side::Sell, Some(d("100")), true).unwrap_err().to_string();
        assert!(e.contains("reduce-only"), "{e}");
        // A market entry has no price of its own: only the signs are checked here.
        assert!(both.check(Side::Sell, None, false).is_ok());
        let neg = AttachedExits { take_profit: None, stop_loss: Some(d("-1")) };
        assert!(neg.check(Side::Buy, None, false).unwrap_err().to_string().contains("--stop-loss"));
        assert!(AttachedExits::default().check(Side::Buy, None, true).is_ok());
        assert_eq!(ExitLeg::of(OrderType::StopMarket), Some(ExitLeg::StopLoss));
        assert_eq!(ExitLeg::of(OrderType::TakeProfitLimit), Some(ExitLeg::TakeProfit));
        assert_eq!(ExitLeg::of(OrderType::Limit), None);
    }
}
