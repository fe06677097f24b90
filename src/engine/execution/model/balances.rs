//! What an account holds: balances per asset and positions per symbol.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::venue::{Mark, Venue};

/// The assets an account's equity is counted in (Kraken's ZUSD and USD, Hyperliquid's USDC).
pub const QUOTE_ASSETS: &[&str] = &["USD", "ZUSD", "USDC", "USDT"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Balance {
    pub asset: String,
    pub total: Decimal,
    pub available: Decimal,
}

/// Signed base units held in a symbol (negative = short).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub symbol: String,
    pub quantity: Decimal,
}

/// The account's equity in the quote currency, as the venue reports it. On a margined venue
/// (Hyperliquid, the fake venue) it is the margin balance, which already holds the positions'
/// unrealized PnL; on Kraken spot, the quote cash plus each holding at its mark. `None` when it
/// cannot be known: no balance reported, or a holding with no mark (unknown, never zero).
pub fn account_equity(
    venue: Venue,
    balances: &[Balance],
    positions: &[Position],
    marks: &BTreeMap<String, Mark>,
) -> Option<Decimal> {
    if balances.is_empty() {
        return None;
    }
    let cash: Decimal = balances.iter().filter(|b| QUOTE_ASSETS.contains(&b.asset.as_str())).map(|b| b.total).sum();
    if venue.margined() {
        return Some(cash);
    }
    let mut held = Decimal::ZERO;
    for p in positions.iter().filter(|p| !p.quantity.is_zero()) {
        held += p.quantity * marks.get(&p.symbol)?.price;
    }
    Some(cash + held)
}

/// Gross exposure: every position's size at its mark, whatever its side, in the quote
/// currency. `Err` names the first position with no mark (unknown, never zero).
pub fn gross_exposure(positions: &[Position], marks: &BTreeMap<String, Mark>) -> Result<Decimal, String> {
    let mut gross = Decimal::ZERO;
    for p in positions.iter().filter(|p| !p.quantity.is_zero()) {
        let m = marks.get(&p.symbol).ok_or_else(|| format!("no mark for the position in {}", p.symbol))?;
        gross += p.quantity.abs() * m.price;
    }
    Ok(gross.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn marks(list: &[(&str, &str)]) -> BTreeMap<String, Mark> {
        list.iter().map(|(s, p)| (s.to_string(), Mark { price: d(p), at_ms: 0 })).collect()
    }

    #[test]
    fn spot_equity_counts_holdings_at_their_marks_and_margined_equity_does_not_count_them_twice() {
        let usd = Balance { asset: "ZUSD".into(), total: d("1000"), available: d("1000") };
        let xbt = Balance { asset: "XXBT".into(), total: d("0.5"), available: d("0.5") };
        let pos = [Position { symbol: "XBTUSD".into(), quantity: d("0.5") }];
        let m = marks(&[("XBTUSD", "60000")]);
        assert_eq!(account_equity(Venue::Kraken, &[usd.clone(), xbt], &pos, &m), Some(d("31000")));
        // Hyperliquid's account value already holds the perp's unrealized PnL.
        let value = Balance { asset: "USDC".into(), total: d("1250"), available: d("800") };
        let perp = [Position { symbol: "BTC".into(), quantity: d("-0.1") }];
        assert_eq!(account_equity(Venue::Hyperliquid, &[value], &perp, &marks(&[("BTC", "60000")])), Some(d("1250")));
        // Unknown, never zero: no balances, or a holding with no mark.
        assert_eq!(account_equity(Venue::Kraken, &[], &[], &m), None);
        assert_eq!(account_equity(Venue::Kraken, &[usd], &pos, &BTreeMap::new()), None);
    }

    #[test]
    fn gross_exposure_adds_both_sides_and_names_a_position_it_cannot_value() {
        let pos = [
            Position { symbol: "BTC".into(), quantity: d("-0.1") },
            Position { symbol: "ETH".into(), quantity: d("2") },
            Position { symbol: "SOL".into(), quantity: d("0") },
        ];
        assert_eq!(gross_exposure(&pos, &marks(&[("BTC", "60000"), ("ETH", "3000")])), Ok(d("12000")));
        let e = gross_exposure(&pos, &marks(&[("BTC", "60000")])).unwrap_err();
        assert!(e.contains("ETH"), "{e}");
    }
}
