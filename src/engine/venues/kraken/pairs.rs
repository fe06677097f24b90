//! Kraken's `AssetPairs` result as the boundary's [`InstrumentRules`].
//!
//! Field names are those of Kraken's REST docs (`GET /0/public/AssetPairs`): `altname`,
//! `wsname`, `base`, `quote`, `pair_decimals`, `cost_decimals`, `lot_decimals`, `ordermin`,
//! `costmin`, `tick_size`, `status`. Rules: tick size = `tick_size`, lot size =
//! 10^-`lot_decimals`, minimum quantity = `ordermin`, minimum notional = `costmin`.
//! A pair is found by its key (`XXBTZUSD`), `altname` (`XBTUSD`) or `wsname` (`XBT/USD`);
//! its rules carry the `altname`, the name the rest of the product uses.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::engine::execution::model::InstrumentRules;

/// Most decimals a `Decimal` can carry; Kraken's are far below it.
const MAX_DECIMALS: u64 = 28;

/// One tradable pair and the rules derived from it.
#[derive(Debug, Clone, PartialEq)]
pub struct KrakenPair {
    /// The result's key, e.g. `XXBTZUSD`.
    pub name: String,
    pub altname: String,
    /// Absent on some pairs (Kraken's dark-pool `.d` pairs had none).
    pub wsname: Option<String>,
    pub base: String,
    pub quote: String,
    pub pair_decimals: u32,
    pub lot_decimals: u32,
    pub cost_decimals: Option<u32>,
    /// `online`, `cancel_only`, `post_only`, `limit_only`, `reduce_only`, or absent.
    pub status: Option<String>,
    pub rules: InstrumentRules,
}

impl KrakenPair {
    /// Absent status counts as online: older replies did not carry the field.
    pub fn is_online(&self) -> bool {
        self.status.as_deref().is_none_or(|s| s == "online")
    }
}

/// A malformed `AssetPairs` entry, naming the pair and field. A venue error (exit 4): the
/// venue's data is wrong, not the caller's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairError {
    pub pair: String,
    pub field: String,
    pub problem: String,
}

impl fmt::Display for PairError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "kraken AssetPairs: pair {} field {}: {}", self.pair, self.field, self.problem)
    }
}

impl std::error::Error for PairError {}

/// Every pair, looked up by any of its names.
#[derive(Debug, Clone, Default)]
pub struct KrakenPairs {
    pairs: Vec<KrakenPair>,
    by_name: BTreeMap<String, usize>,
}

impl KrakenPairs {
    /// By key, altname or wsname, exactly as Kraken spells them.
    pub fn get(&self, symbol: &str) -> Option<&KrakenPair> {
        self.by_name.get(symbol).map(|&i| &self.pairs[i])
    }
    pub fn iter(&self) -> impl Iterator<Item = &KrakenPair> {
        self.pairs.iter()
    }
    pub fn len(&self) -> usize {
        self.pairs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
    /// The rules of every pair, in the order Kraken listed them.
    pub fn rules(&self) -> Vec<InstrumentRules> {
        self.pairs.iter().map(|p| p.rules.clone()).collect()
    }
}

/// Parses the `result` object of an `AssetPairs` reply (see `errors::parse_response`).
/// Any malformed entry refuses the whole reply: trading on half a rule set is worse than none.
pub fn parse_asset_pairs(result: &Value) -> Result<KrakenPairs, PairError> {
    let Some(entries) = result.as_object() else {
        return Err(err("(result)", "(result)", "is not an object"));
    };
    let mut out = KrakenPairs::default();
    for (name, entry) in entries {
        let pair = parse_pair(name, entry)?;
        let i = out.pairs.len();
        let mut names = vec![pair.name.clone(), pair.altname.clone()];
        names.extend(pair.wsname.clone());
        names.dedup();
        for n in names {
            // Two pairs under one name would route an order to the wrong market.
            if let Some(&j) = out.by_name.get(&n) {
                if j != i {
                    let other = &out.pairs[j].name;
                    return Err(err(name, "altname", &format!("name {n} is also used by pair {other}")));
                }
            }
            out.by_name.insert(n, i);
        }
        out.pairs.push(pair);
    }
    Ok(out)
}

fn parse_pair(name: &str, entry: &Value) -> Result<KrakenPair, PairError> {
    let Some(obj) = entry.as_object() else {
        return Err(err(name, "(entry)", "is not an object"));
    };
    let pair_decimals = decimals(name, obj, "pair_decimals")?;
    let lot_decimals = decimals(name, obj, "lot_decimals")?;
    let cost_decimals = match obj.get("cost_decimals") {
        None => None,
        Some(_) => Some(decimals(name, obj, "cost_decimals")?),
    };
    // Older replies lack tick_size; pair_decimals then gives the price increment.
    let tick_size = match obj.get("tick_size") {
        None => Decimal::new(1, pair_decimals),
        Some(_) => decimal(name, obj, "tick_size")?,
    };
    if tick_size <= Decimal::ZERO {
        return Err(err(name, "tick_size", "must be greater than zero"));
    }
    let min_quantity = decimal(name, obj, "ordermin")?;
    let min_notional = match obj.get("costmin") {
        None => Decimal::ZERO,
        Some(_) => decimal(name, obj, "costmin")?,
    };
    let altname = string(name, obj, "altname")?;
    let rules = InstrumentRules {
        symbol: altname.clone(),
        tick_size,
        lot_size: Decimal::new(1, lot_decimals),
        min_quantity,
        min_notional,
        max_price_sig_figs: None,
    };
    Ok(KrakenPair {
        name: name.to_string(),
        wsname: optional_string(name, obj, "wsname")?,
        base: string(name, obj, "base")?,
        quote: string(name, obj, "quote")?,
        status: optional_string(name, obj, "status")?,
        altname,
        pair_decimals,
        lot_decimals,
        cost_decimals,
        rules,
    })
}

fn err(pair: &str, field: &str, problem: &str) -> PairError {
    PairError { pair: pair.to_string(), field: field.to_string(), problem: problem.to_string() }
}

fn string(pair: &str, obj: &Map<String, Value>, field: &str) -> Result<String, PairError> {
    match obj.get(field) {
        None => Err(err(pair, field, "is missing")),
        Some(v) => {
            optional_string(pair, obj, field)?.ok_or_else(|| err(pair, field, &format!("{v} is empty")))
        }
    }
}

fn optional_string(pair: &str, obj: &Map<String, Value>, field: &str) -> Result<Option<String>, PairError> {
    match obj.get(field) {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(err(pair, field, &format!("{v} is not a string"))),
    }
}

fn decimals(pair: &str, obj: &Map<String, Value>, field: &str) -> Result<u32, PairError> {
    match obj.get(field) {
        None => Err(err(pair, field, "is missing")),
        Some(v) => match v.as_u64() {
            Some(n) if n <= MAX_DECIMALS => Ok(n as u32),
            _ => Err(err(pair, field, &format!("{v} is not a whole number from 0 to {MAX_DECIMALS}"))),
        },
    }
}

/// Kraken sends these as decimal strings; a JSON number is refused so no float ever rounds one.
fn decimal(pair: &str, obj: &Map<String, Value>, field: &str) -> Result<Decimal, PairError> {
    match obj.get(field) {
        None => Err(err(pair, field, "is missing")),
        Some(Value::String(s)) => match Decimal::from_str(s.trim()) {
            Ok(d) if d >= Decimal::ZERO => Ok(d),
            Ok(_) => Err(err(pair, field, &format!("\"{s}\" is negative"))),
            Err(_) => Err(err(pair, field, &format!("\"{s}\" is not a decimal number"))),
        },
        Some(v) => Err(err(pair, field, &format!("{v} is not a decimal string"))),
    }
}
