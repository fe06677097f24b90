//! What the simulator lists: Kraken pairs under their real names (XXBTZUSD, altname XBTUSD)
//! and Hyperliquid perps at their real asset indices (BTC 0, ETH 1, ...). Tick sizes, lot
//! decimals and minimums follow the venues' published values at the time of writing; prices
//! start near real levels and then follow the simulator's market.

use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::exchange::{Instrument, Market, SimVenue};

/// A feed: the series that drives one underlying, and where it starts.
pub const FEEDS: [(&str, i64); 6] =
    [("BTC", 60_000), ("ETH", 3_000), ("ATOM", 8), ("MATIC", 1), ("DYDX", 2), ("SOL", 150)];

/// One Kraken pair as the simulator lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KrakenListing {
    /// The AssetPairs key, e.g. XXBTZUSD.
    pub key: &'static str,
    pub altname: &'static str,
    /// The websocket v2 name, e.g. BTC/USD.
    pub wsname: &'static str,
    pub base: &'static str,
    pub quote: &'static str,
    pub pair_decimals: u32,
    pub lot_decimals: u32,
    pub ordermin: &'static str,
    pub costmin: &'static str,
    pub feed: &'static str,
}

const fn listing(
    key: &'static str,
    altname: &'static str,
    wsname: &'static str,
    base: &'static str,
    pair_decimals: u32,
    ordermin: &'static str,
    feed: &'static str,
) -> KrakenListing {
    KrakenListing {
        key,
        altname,
        wsname,
        base,
        quote: "ZUSD",
        pair_decimals,
        lot_decimals: 8,
        ordermin,
        costmin: "0.5",
        feed,
    }
}

pub const KRAKEN_PAIRS: [KrakenListing; 3] = [
    listing("XXBTZUSD", "XBTUSD", "BTC/USD", "XXBT", 1, "0.0001", "BTC"),
    listing("XETHZUSD", "ETHUSD", "ETH/USD", "XETH", 2, "0.002", "ETH"),
    listing("SOLUSD", "SOLUSD", "SOL/USD", "SOL", 2, "0.02", "SOL"),
];

/// Hyperliquid perps in universe order: (name, szDecimals, maxLeverage).
pub const HL_PERPS: [(&str, u32, u32); 6] =
    [("BTC", 5, 40), ("ETH", 4, 25), ("ATOM", 2, 5), ("MATIC", 1, 20), ("DYDX", 1, 5), ("SOL", 2, 20)];

fn pow10(neg_exp: u32) -> Decimal {
    Decimal::new(1, neg_exp)
}

pub fn all() -> Vec<Instrument> {
    let mut out = Vec::new();
    for p in KRAKEN_PAIRS {
        out.push(Instrument {
            venue: SimVenue::Kraken,
            symbol: p.altname.to_string(),
            tick: pow10(p.pair_decimals),
            lot: pow10(p.lot_decimals),
            min_qty: p.ordermin.parse().expect("constant"),
            min_notional: p.costmin.parse().expect("constant"),
            market: Market::Spot { base: p.base.into(), quote: p.quote.into() },
            feed: p.feed.into(),
        });
    }
    for (name, sz, lev) in HL_PERPS {
        out.push(Instrument {
            venue: SimVenue::Hyperliquid,
            symbol: name.to_string(),
            tick: Decimal::ZERO,
            lot: pow10(sz),
            min_qty: pow10(sz),
            min_notional: Decimal::from(10),
            market: Market::Perp { max_leverage: lev },
            feed: name.into(),
        });
    }
    out
}

/// A Kraken pair by any of its names: pair key, altname or websocket name (XBT or BTC).
pub fn kraken_pair(name: &str) -> Option<&'static KrakenListing> {
    let n = name.replace("XBT/", "BTC/");
    KRAKEN_PAIRS.iter().find(|p| p.key == name || p.altname == name || p.wsname == n)
}

/// The `AssetPairs` result, in Kraken's shape.
pub fn kraken_asset_pairs(filter: Option<&[&str]>) -> Value {
    let mut m = serde_json::Map::new();
    for p in KRAKEN_PAIRS.iter() {
        if let Some(f) = filter {
            if !f.iter().any(|n| kraken_pair(n).is_some_and(|q| q.key == p.key)) {
                continue;
            }
        }
        m.insert(
            p.key.to_string(),
            json!({
                "altname": p.altname, "wsname": p.wsname.replace("BTC/", "XBT/"), "aclass_base": "currency", "base": p.base,
                "aclass_quote": "currency", "quote": p.quote, "lot": "unit", "cost_decimals": 5,
                "pair_decimals": p.pair_decimals, "lot_decimals": p.lot_decimals, "lot_multiplier": 1,
                "leverage_buy": [], "leverage_sell": [],
                "fees": [[0, 0.26], [50000, 0.24]], "fees_maker": [[0, 0.16], [50000, 0.14]],
                "fee_volume_currency": "ZUSD", "margin_call": 80, "margin_stop": 40,
                "ordermin": p.ordermin, "costmin": p.costmin, "tick_size": pow10(p.pair_decimals).to_string(), "status": "online"
            }),
        );
    }
    Value::Object(m)
}

/// The assets the Kraken pairs are made of: (key, altname), as `Assets` names them.
pub const KRAKEN_ASSETS: [(&str, &str); 4] = [("SOL", "SOL"), ("XETH", "ETH"), ("XXBT", "XBT"), ("ZUSD", "USD")];

/// The `Assets` result, in Kraken's shape (`asset`: names or altnames to keep); `None` when a
/// name is not listed (Kraken's `EQuery:Unknown asset`). Crypto assets carry 10 decimals
/// (5 shown), USD 4 (2 shown), as Kraken lists them.
pub fn kraken_assets(filter: Option<&[&str]>) -> Option<Value> {
    let listed = |n: &str| KRAKEN_ASSETS.iter().find(|(k, alt)| *k == n || *alt == n);
    if filter.is_some_and(|f| f.iter().any(|n| listed(n).is_none())) {
        return None;
    }
    let mut m = serde_json::Map::new();
    for (key, alt) in KRAKEN_ASSETS {
        if filter.is_some_and(|f| !f.iter().any(|n| listed(n).is_some_and(|l| l.0 == key))) {
            continue;
        }
        let (decimals, display) = if key == "ZUSD" { (4, 2) } else { (10, 5) };
        m.insert(
            key.to_string(),
            json!({"aclass": "currency", "altname": alt, "decimals": decimals,
                   "display_decimals": display, "status": "enabled"}),
        );
    }
    Some(Value::Object(m))
}

/// The `meta` reply, in Hyperliquid's shape.
pub fn hl_meta() -> Value {
    let universe: Vec<Value> = HL_PERPS
        .iter()
        .map(|(n, sz, lev)| json!({"name": n, "szDecimals": sz, "maxLeverage": lev}))
        .collect();
    json!({ "universe": universe, "marginTables": [] })
}

/// The `spotMeta` reply: this simulator lists no spot pairs on Hyperliquid.
pub fn hl_spot_meta() -> Value {
    json!({ "universe": [], "tokens": [{"name": "USDC", "szDecimals": 8, "weiDecimals": 8, "index": 0, "tokenId": "0x6d1e7cde53ba9467b783cb7c530ce054", "isCanonical": true}] })
}

pub fn hl_asset(name: &str) -> Option<u32> {
    HL_PERPS.iter().position(|p| p.0 == name).map(|i| i as u32)
}

pub fn hl_name(asset: u32) -> Option<&'static str> {
    HL_PERPS.get(asset as usize).map(|p| p.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::venues::{hyperliquid::info::parse_meta, kraken::pairs::parse_asset_pairs};

    #[test]
    fn the_listings_parse_with_the_adapters_own_parsers() {
        let pairs = parse_asset_pairs(&kraken_asset_pairs(None)).unwrap();
        assert_eq!(pairs.len(), 3);
        let xbt = pairs.get("XBTUSD").unwrap();
        assert_eq!(xbt.rules.tick_size, Decimal::new(1, 1));
        let assets = parse_meta(&hl_meta()).unwrap();
        assert_eq!(assets[0].name, "BTC");
        assert_eq!(hl_asset("ETH"), Some(1));
        assert!(kraken_pair("XBT/USD").is_some() && kraken_pair("BTC/USD").is_some());
    }

    #[test]
    fn every_pair_is_made_of_listed_assets() {
        let all = kraken_assets(None).unwrap();
        for p in KRAKEN_PAIRS {
            assert!(all.get(p.base).is_some() && all.get(p.quote).is_some(), "{}", p.key);
        }
        let some = kraken_assets(Some(&["XBT", "ZUSD"])).unwrap();
        let keys: Vec<&String> = some.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["XXBT", "ZUSD"]);
        assert_eq!(some["XXBT"]["altname"], "XBT");
        assert!(kraken_assets(Some(&["XBT", "DOGE"])).is_none());
    }
}
