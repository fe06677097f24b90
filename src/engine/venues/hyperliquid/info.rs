//! Hyperliquid's `meta` and `spotMeta` info replies as the boundary's [`InstrumentRules`].
//!
//! Shapes (Hyperliquid docs, Info endpoint, "Perpetuals" and "Spot"):
//! - `meta`: `{"universe": [{"name", "szDecimals", "maxLeverage", "onlyIsolated"?,
//!   "isDelisted"?}, ...], "marginTables": ...}`; the asset id is the position in `universe`
//!   (BTC 0, ETH 1, ...), delisted entries included, so none is skipped.
//! - `spotMeta`: `{"tokens": [{"name", "szDecimals", "weiDecimals", "index", ...}],
//!   "universe": [{"name", "tokens": [base, quote], "index", ...}]}`; the asset id is
//!   10000 + the pair's `index`, its size decimals are the base token's `szDecimals`.
//!
//! A Hyperliquid price has no fixed tick: at most 5 significant figures and
//! (6 or 8) - szDecimals decimals (see `wire`). [`InstrumentRules::tick_size`] holds the finest
//! increment the decimals rule allows; [`HlAsset::check_price`] applies the whole rule.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::wire::{self, MarketKind, Rounded, WireError};
use crate::engine::execution::model::InstrumentRules;

/// Spot asset ids start here (docs, "Asset IDs").
pub const SPOT_ASSET_OFFSET: u32 = 10_000;

/// The venue's smallest order value, in USDC (docs, error "Order must have minimum value of $10").
pub const MIN_ORDER_VALUE_USDC: Decimal = Decimal::from_parts(10, 0, 0, false, 0);

/// Most size decimals a `Decimal` lot can carry.
const MAX_SZ_DECIMALS: u64 = 28;
/// No venue offers more; a larger value is a corrupt reply.
const MAX_LEVERAGE: u64 = 1000;

/// One tradable Hyperliquid asset.
#[derive(Debug, Clone, PartialEq)]
pub struct HlAsset {
    /// The coin as the venue names it: `BTC` for a perp, `PURR/USDC` or `@1` for spot.
    pub name: String,
    /// `BASE/QUOTE` from the token names for spot (`HFUN/USDC` for `@1`); `None` for perps.
    pub pair: Option<String>,
    /// The `a` field of an order.
    pub asset: u32,
    pub kind: MarketKind,
    pub sz_decimals: u32,
    /// Perps only.
    pub max_leverage: Option<u32>,
    pub only_isolated: bool,
    pub is_delisted: bool,
    pub rules: InstrumentRules,
}

impl HlAsset {
    /// Most decimals a price may have: `MAX_DECIMALS - szDecimals`.
    pub fn price_decimals(&self) -> u32 {
        self.kind.max_decimals().saturating_sub(self.sz_decimals)
    }
    /// The wire string of `px` if the venue accepts it unchanged, else the rule broken.
    pub fn check_price(&self, px: f64) -> Result<String, WireError> {
        wire::check_price(px, self.sz_decimals, self.kind)
    }
    /// The nearest valid price, reporting whether it moved.
    pub fn round_price(&self, px: f64) -> Result<Rounded, WireError> {
        wire::round_price(px, self.sz_decimals, self.kind)
    }
    pub fn check_size(&self, sz: f64) -> Result<String, WireError> {
        wire::check_size(sz, self.sz_decimals)
    }
    pub fn round_size(&self, sz: f64) -> Result<Rounded, WireError> {
        wire::round_size(sz, self.sz_decimals)
    }
}

/// A malformed info reply, naming the entry and field. A venue error (exit 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoError {
    /// e.g. `meta universe[3] (LOOM)` or `spotMeta tokens[1]`.
    pub entry: String,
    pub field: String,
    pub problem: String,
}

impl fmt::Display for InfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hyperliquid {} field {}: {}", self.entry, self.field, self.problem)
    }
}

impl std::error::Error for InfoError {}

/// Perps and spot together, found by venue name or (spot) `BASE/QUOTE`.
#[derive(Debug, Clone, Default)]
pub struct HlUniverse {
    assets: Vec<HlAsset>,
    by_name: BTreeMap<String, usize>,
}

impl HlUniverse {
    /// Indexes `meta` and `spotMeta` assets; a name used by two assets is refused.
    pub fn new(assets: Vec<HlAsset>) -> Result<HlUniverse, InfoError> {
        let mut by_name = BTreeMap::new();
        for (i, a) in assets.iter().enumerate() {
            for n in std::iter::once(&a.name).chain(a.pair.iter()) {
                if let Some(&j) = by_name.get(n) {
                    if j != i {
                        let other: &HlAsset = &assets[j];
                        let problem = format!("{n} is also the name of asset {}", other.asset);
                        return Err(ierr(&format!("asset {} ({})", a.asset, a.name), "name", &problem));
                    }
                }
                by_name.insert(n.clone(), i);
            }
        }
        Ok(HlUniverse { assets, by_name })
    }
    pub fn get(&self, name: &str) -> Option<&HlAsset> {
        self.by_name.get(name).map(|&i| &self.assets[i])
    }
    pub fn by_asset(&self, asset: u32) -> Option<&HlAsset> {
        self.assets.iter().find(|a| a.asset == asset)
    }
    pub fn iter(&self) -> impl Iterator<Item = &HlAsset> {
        self.assets.iter()
    }
    /// Rules of every asset still listed.
    pub fn rules(&self) -> Vec<InstrumentRules> {
        self.assets.iter().filter(|a| !a.is_delisted).map(|a| a.rules.clone()).collect()
    }
}

/// Parses a `meta` reply: the perps, asset id = position in `universe`.
pub fn parse_meta(meta: &Value) -> Result<Vec<HlAsset>, InfoError> {
    let universe = array(meta, "meta", "universe")?;
    let mut out = Vec::with_capacity(universe.len());
    for (i, entry) in universe.iter().enumerate() {
        let at = format!("meta universe[{i}]");
        let obj = object(entry, &at)?;
        let name = string(obj, &at, "name")?;
        let at = format!("{at} ({name})");
        let sz_decimals = small_uint(obj, &at, "szDecimals", 0, MAX_SZ_DECIMALS)?;
        let max_leverage = small_uint(obj, &at, "maxLeverage", 1, MAX_LEVERAGE)?;
        let asset = i as u32;
        out.push(HlAsset {
            rules: rules(&name, sz_decimals, MarketKind::Perp),
            pair: None,
            asset,
            kind: MarketKind::Perp,
            sz_decimals,
            max_leverage: Some(max_leverage),
            only_isolated: flag(obj, &at, "onlyIsolated")?,
            is_delisted: flag(obj, &at, "isDelisted")?,
            name,
        });
    }
    Ok(out)
}

/// Parses a `spotMeta` reply: the spot pairs, asset id = 10000 + the pair's `index`.
pub fn parse_spot_meta(spot_meta: &Value) -> Result<Vec<HlAsset>, InfoError> {
    // Tokens are referenced by their `index` field, which need not be their position.
    let mut tokens: BTreeMap<u64, (String, u32)> = BTreeMap::new();
    for (i, entry) in array(spot_meta, "spotMeta", "tokens")?.iter().enumerate() {
        let at = format!("spotMeta tokens[{i}]");
        let obj = object(entry, &at)?;
        let name = string(obj, &at, "name")?;
        let at = format!("{at} ({name})");
        let sz = small_uint(obj, &at, "szDecimals", 0, MAX_SZ_DECIMALS)?;
        let index = uint(obj, &at, "index")?;
        if tokens.insert(index, (name, sz)).is_some() {
            return Err(ierr(&at, "index", &format!("{index} is used by two tokens")));
        }
    }
    let universe = array(spot_meta, "spotMeta", "universe")?;
    let mut out = Vec::with_capacity(universe.len());
    for (i, entry) in universe.iter().enumerate() {
        let at = format!("spotMeta universe[{i}]");
        let obj = object(entry, &at)?;
        let name = string(obj, &at, "name")?;
        let at = format!("{at} ({name})");
        let index = uint(obj, &at, "index")?;
        let asset = u32::try_from(index)
            .ok()
            .and_then(|i| i.checked_add(SPOT_ASSET_OFFSET))
            .ok_or_else(|| ierr(&at, "index", &format!("{index} is out of range")))?;
        let Some(Value::Array(pair)) = obj.get("tokens") else {
            return Err(ierr(&at, "tokens", "is missing or not an array"));
        };
        let ids: Vec<u64> = pair.iter().filter_map(Value::as_u64).collect();
        if ids.len() != 2 || pair.len() != 2 {
            return Err(ierr(&at, "tokens", "is not [base, quote] token indices"));
        }
        let token = |id: u64| {
            tokens.get(&id).ok_or_else(|| ierr(&at, "tokens", &format!("token {id} is not in tokens")))
        };
        let (base, sz_decimals) = token(ids[0])?.clone();
        let (quote, _) = token(ids[1])?.clone();
        out.push(HlAsset {
            rules: rules(&name, sz_decimals, MarketKind::Spot),
            pair: Some(format!("{base}/{quote}")),
            asset,
            kind: MarketKind::Spot,
            sz_decimals,
            max_leverage: None,
            only_isolated: false,
            is_delisted: false,
            name,
        });
    }
    Ok(out)
}

fn rules(symbol: &str, sz_decimals: u32, kind: MarketKind) -> InstrumentRules {
    let lot = Decimal::new(1, sz_decimals);
    InstrumentRules {
        symbol: symbol.to_string(),
        tick_size: Decimal::new(1, kind.max_decimals().saturating_sub(sz_decimals)),
        lot_size: lot,
        // The smallest size the lot rule lets through; the real floor is the $10 value.
        min_quantity: lot,
        min_notional: MIN_ORDER_VALUE_USDC,
        max_price_sig_figs: Some(wire::MAX_PRICE_SIG_FIGS),
    }
}

fn ierr(entry: &str, field: &str, problem: &str) -> InfoError {
    InfoError { entry: entry.to_string(), field: field.to_string(), problem: problem.to_string() }
}

fn array<'a>(v: &'a Value, what: &str, field: &str) -> Result<&'a Vec<Value>, InfoError> {
    match v.get(field) {
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(ierr(what, field, "is not an array")),
        None => Err(ierr(what, field, "is missing")),
    }
}

fn object<'a>(v: &'a Value, at: &str) -> Result<&'a Map<String, Value>, InfoError> {
    v.as_object().ok_or_else(|| ierr(at, "(entry)", "is not an object"))
}

fn string(obj: &Map<String, Value>, at: &str, field: &str) -> Result<String, InfoError> {
    match obj.get(field) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(v) => Err(ierr(at, field, &format!("{v} is not a non-empty string"))),
        None => Err(ierr(at, field, "is missing")),
    }
}

fn uint(obj: &Map<String, Value>, at: &str, field: &str) -> Result<u64, InfoError> {
    match obj.get(field) {
        Some(v) => v.as_u64().ok_or_else(|| ierr(at, field, &format!("{v} is not a whole number"))),
        None => Err(ierr(at, field, "is missing")),
    }
}

/// A small count (decimals, leverage) within `min..=max`: refuses anything that could not be real.
fn small_uint(obj: &Map<String, Value>, at: &str, field: &str, min: u64, max: u64) -> Result<u32, InfoError> {
    let n = uint(obj, at, field)?;
    if !(min..=max).contains(&n) {
        return Err(ierr(at, field, &format!("{n} is not from {min} to {max}")));
    }
    Ok(n as u32)
}

fn flag(obj: &Map<String, Value>, at: &str, field: &str) -> Result<bool, InfoError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(ierr(at, field, &format!("{v} is not true or false"))),
    }
}
