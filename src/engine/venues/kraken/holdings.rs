//! Kraken spot holds assets, not positions: one XBT balance is tradable on XBTUSD, XBTEUR,
//! XBTUSDT and more. The boundary counts positions per symbol (exposure, equity,
//! reconciliation), so each asset held is one position, on one pair: the asset's pair against
//! the account's quote currency (USD, then USDC, then USDT: the assets equity is counted in),
//! or, for an asset with none, its first pair by name. Listed on every pair, one balance would
//! be counted once per pair, and a fill on one pair would show as an unexplained move on all
//! the others (a reconciliation mismatch). Quote assets are cash, never positions.

use super::pairs::{KrakenPair, KrakenPairs};
use crate::engine::execution::model::balances::QUOTE_ASSETS;
use crate::engine::execution::model::{Balance, Position};

/// The positions that `balances` make on `pairs`: one per non-zero, non-quote asset that some
/// pair trades, under that pair's `altname`.
pub fn positions(balances: &[Balance], pairs: &KrakenPairs) -> Vec<Position> {
    let mut out = Vec::new();
    for b in balances.iter().filter(|b| !b.total.is_zero() && !QUOTE_ASSETS.contains(&b.asset.as_str())) {
        if let Some(p) = pairs.iter().filter(|p| p.base == b.asset).min_by(|a, b| preference(a).cmp(&preference(b))) {
            out.push(Position { symbol: p.altname.clone(), quantity: b.total });
        }
    }
    out
}

/// Lower is preferred: the quote's rank among the quote assets (USD and Kraken's ZUSD alike),
/// then online pairs, then the shorter name (XBTUSD before the dark pool's XBTUSD.d), then the
/// name, so the choice never depends on the order Kraken lists pairs in.
fn preference(p: &KrakenPair) -> (usize, bool, usize, &str) {
    let quote = match p.quote.as_str() {
        "USD" | "ZUSD" => 0,
        q => QUOTE_ASSETS.iter().position(|a| *a == q).unwrap_or(QUOTE_ASSETS.len()),
    };
    (quote, !p.is_online(), p.altname.len(), &p.altname)
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use serde_json::json;

    use super::*;
    use crate::engine::venues::kraken::pairs::parse_asset_pairs;

    fn pair(base: &str, quote: &str) -> serde_json::Value {
        json!({"base": base, "quote": quote, "pair_decimals": 1, "lot_decimals": 8, "ordermin": "0.0001"})
    }

    fn balance(asset: &str, total: &str) -> Balance {
        let total: Decimal = total.parse().unwrap();
        Balance { asset: asset.into(), total, available: total }
    }

    #[test]
    fn each_asset_held_is_one_position_on_its_dollar_pair_and_cash_is_none() {
        // Listed in an order that puts the euro and tether pairs first.
        let mut r = serde_json::Map::new();
        for (key, alt, base, quote) in [
            ("XXBTZEUR", "XBTEUR", "XXBT", "ZEUR"),
            ("XBTUSDT", "XBTUSDT", "XXBT", "USDT"),
            ("XXBTZUSD.d", "XBTUSD.d", "XXBT", "ZUSD"),
            ("XXBTZUSD", "XBTUSD", "XXBT", "ZUSD"),
            ("USDTZUSD", "USDTUSD", "USDT", "ZUSD"),
            ("XETHZEUR", "ETHEUR", "XETH", "ZEUR"),
            ("XETHXXBT", "ETHXBT", "XETH", "XXBT"),
        ] {
            let mut p = pair(base, quote);
            p["altname"] = json!(alt);
            r.insert(key.into(), p);
        }
        let pairs = parse_asset_pairs(&serde_json::Value::Object(r)).unwrap();
        let balances = [
            balance("ZUSD", "1000"),
            balance("USDT", "250"),
            balance("XXBT", "0.5"),
            balance("XETH", "2"),
            balance("XLTC", "3"),
            balance("SOL", "0"),
        ];
        let got: Vec<(String, String)> =
            positions(&balances, &pairs).into_iter().map(|p| (p.symbol, p.quantity.to_string())).collect();
        // XBT once, on XBTUSD; ETH, with no dollar pair, on its first pair by name; tether is
        // cash; LTC has no pair listed; a zero balance is no position.
        assert_eq!(got, [("XBTUSD".to_string(), "0.5".to_string()), ("ETHEUR".into(), "2".into())]);
    }
}
