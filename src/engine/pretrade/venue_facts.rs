//! What a plan can take from its corridor's venue rather than from the operator: the
//! instrument's rules (Kraken `AssetPairs`: tick, lot decimals, minimum order and cost;
//! Hyperliquid `meta`: szDecimals and its price rules), the account's equity and the gross
//! exposure it already holds. Read through the corridor's adapter, once, as of one moment; each
//! fact is known or says why not (an unknown is never a zero). The operator's `--tick`,
//! `--lot`, `--equity`, `--exposure` ... still win over these.

use rust_decimal::Decimal;
use serde::Serialize;

use super::plan::Rules;
use crate::engine::error::{Error, ErrorKind};
use crate::engine::execution::broker::BrokerAdapter;
use crate::engine::execution::model::balances::{account_equity, gross_exposure};
use crate::engine::execution::model::{InstrumentRules, VenueError};
use crate::engine::execution::CorridorId;
use crate::engine::time::{fmt_ms, now_ms};

/// One fact: its value, or why it is unknown and what kind of failure that is (a setup to
/// fix, exit 2, or the venue, exit 4).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Fact<T> {
    Known(T),
    Unknown {
        unknown: String,
        #[serde(skip)]
        kind: ErrorKind,
    },
}

impl<T: Clone> Fact<T> {
    pub fn known(&self) -> Option<T> {
        match self {
            Fact::Known(v) => Some(v.clone()),
            Fact::Unknown { .. } => None,
        }
    }
}

impl<T> Fact<T> {
    fn unknown(why: impl Into<String>, kind: ErrorKind) -> Fact<T> {
        Fact::Unknown { unknown: why.into(), kind }
    }

    /// Why it is unknown; `None` when it is known.
    pub fn why(&self) -> Option<&str> {
        match self {
            Fact::Known(_) => None,
            Fact::Unknown { unknown, .. } => Some(unknown),
        }
    }
}

/// The venue's word on one instrument and account, as of `as_of`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VenueFacts {
    pub corridor: CorridorId,
    pub symbol: String,
    pub as_of: String,
    pub rules: Fact<Rules>,
    pub equity: Fact<Decimal>,
    pub exposure: Fact<Decimal>,
}

impl VenueFacts {
    /// Nothing could be read: the corridor could not even be opened (no venue entry, no
    /// credential) or the venue did not answer.
    pub fn unreachable(corridor: CorridorId, symbol: &str, e: &Error) -> VenueFacts {
        VenueFacts {
            corridor,
            symbol: symbol.to_string(),
            as_of: fmt_ms(now_ms()),
            rules: Fact::unknown(e.message.clone(), e.kind),
            equity: Fact::unknown(e.message.clone(), e.kind),
            exposure: Fact::unknown(e.message.clone(), e.kind),
        }
    }
}

/// The plan's rules from the venue's: tick, lot, minimum quantity and notional, price figures.
pub fn plan_rules(r: &InstrumentRules) -> Rules {
    Rules {
        tick_size: r.tick_size,
        lot_size: r.lot_size,
        min_size: r.min_quantity,
        min_notional: r.min_notional,
        max_price_sig_figs: r.max_price_sig_figs,
    }
}

/// The instrument a plan names among the venue's: by its name, or with the slash dropped
/// (`XBT/USD` is Kraken's `XBTUSD`).
fn find<'a>(all: &'a [InstrumentRules], symbol: &str) -> Option<&'a InstrumentRules> {
    let bare = symbol.replace('/', "");
    all.iter().find(|r| r.symbol == symbol).or_else(|| all.iter().find(|r| r.symbol == bare))
}

fn venue_fact<T>(e: VenueError) -> Fact<T> {
    Fact::unknown(e.message().to_string(), ErrorKind::Venue)
}

/// Read the facts of `symbol` on `corridor` through its adapter. Pure reads: nothing is sent.
pub async fn read(adapter: &dyn BrokerAdapter, corridor: &CorridorId, symbol: &str) -> VenueFacts {
    let as_of = fmt_ms(now_ms());
    let rules = match adapter.instruments().await {
        Ok(all) => match find(&all, symbol) {
            Some(r) => Fact::Known(plan_rules(r)),
            None => {
                let mut names: Vec<&str> = all.iter().map(|r| r.symbol.as_str()).collect();
                names.sort_unstable();
                let shown = names.iter().take(8).copied().collect::<Vec<_>>().join(", ");
                let more =
                    if names.len() > 8 { format!(" and {} more", names.len() - 8) } else { String::new() };
                Fact::unknown(
                    format!("{corridor} lists no instrument '{symbol}' (it lists {shown}{more})"),
                    ErrorKind::BadInput,
                )
            }
        },
        Err(e) => venue_fact(e),
    };
    let (equity, exposure) = match (adapter.balances().await, adapter.positions().await) {
        (Ok(balances), Ok(positions)) => {
            let held: Vec<String> =
                positions.iter().filter(|p| !p.quantity.is_zero()).map(|p| p.symbol.clone()).collect();
            match adapter.marks(&held).await {
                Ok(marks) => (
                    match account_equity(corridor.venue, &balances, &positions, &marks) {
                        Some(e) => Fact::Known(e.normalize()),
                        None if balances.is_empty() => {
                            Fact::unknown(format!("{corridor} reports no balance"), ErrorKind::Venue)
                        }
                        None => Fact::unknown(
                            format!("{corridor} holds a position with no mark to value it"),
                            ErrorKind::Venue,
                        ),
                    },
                    match gross_exposure(&positions, &marks) {
                        Ok(g) => Fact::Known(g),
                        Err(why) => Fact::unknown(format!("{corridor}: {why}"), ErrorKind::Venue),
                    },
                ),
                Err(e) => (venue_fact(e.clone()), venue_fact(e)),
            }
        }
        (Err(e), _) | (_, Err(e)) => (venue_fact(e.clone()), venue_fact(e)),
    };
    VenueFacts { corridor: corridor.clone(), symbol: symbol.to_string(), as_of, rules, equity, exposure }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::Venue;
    use crate::engine::venues::fake::FakeVenue;

    fn id() -> CorridorId {
        CorridorId::new(Venue::Fake, "main").unwrap()
    }

    #[test]
    fn the_fake_venue_gives_its_rules_equity_and_exposure() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let v = FakeVenue::new();
        let f = rt.block_on(read(&v, &id(), "BTC/USD"));
        let rules = f.rules.known().expect("the fake venue lists BTC/USD");
        assert!(rules.lot_size > Decimal::ZERO && rules.tick_size > Decimal::ZERO);
        assert!(f.equity.known().is_some_and(|e| e > Decimal::ZERO), "{:?}", f.equity);
        assert_eq!(f.exposure.known(), Some(Decimal::ZERO), "no position held");
        let missing = rt.block_on(read(&v, &id(), "DOGE/USD"));
        match missing.rules {
            Fact::Unknown { unknown, kind } => {
                assert!(unknown.contains("DOGE/USD") && unknown.contains("BTC/USD"), "{unknown}");
                assert_eq!(kind, ErrorKind::BadInput);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_slash_finds_the_venues_bare_name() {
        let r = InstrumentRules {
            symbol: "XBTUSD".into(),
            tick_size: Decimal::new(1, 1),
            lot_size: Decimal::new(1, 8),
            min_quantity: Decimal::new(1, 4),
            min_notional: Decimal::new(5, 1),
            max_price_sig_figs: None,
        };
        assert_eq!(find(std::slice::from_ref(&r), "XBT/USD"), Some(&r));
        assert_eq!(find(std::slice::from_ref(&r), "BTC/USD"), None);
    }
}
