//! Inputs that made a parser panic before it was fixed, kept as fixed cases: each runs through
//! the same bounded harness and must now be answered (mostly refused).

use std::sync::Arc;

use quantlab::engine::data::catalog;
use quantlab::engine::research::sweep::grid::parse_axis;
use quantlab::engine::signals::intake::intake;
use quantlab::engine::strategy::registry_info;
use quantlab::engine::time::{in_range, parse_timeframe, parse_timestamp};
use quantlab::engine::venues::candles::parse_kraken_ohlc;
use quantlab::engine::venues::hyperliquid::adapter::{fill_totals_of, order_progress, uuid_of};
use quantlab::engine::venues::kraken::ws::parse_ticker;
use quantlab::engine::workspace::Workspace;
use serde_json::json;

use super::harness::{assert_unchanged, bounded, tree};

#[test]
fn epochs_and_timeframes_at_the_ends_of_i64_neither_panic_nor_leave_the_calendar() {
    let r = bounded("timeframe", b"999999999999999999w", || parse_timeframe("999999999999999999w").is_err());
    assert!(r, "a timeframe past i64 milliseconds is refused");
    // The epoch's unit follows its magnitude (these read as nanoseconds or microseconds), so
    // the ends of i64 are dates; what must hold is no panic and a time chrono can represent.
    for s in ["-9223372036854775808", "9223372036854775807", "-9000000000000000"] {
        let owned = s.to_string();
        let ok = move || parse_timestamp(&owned).map_or(true, |ms| in_range(ms).is_some());
        assert!(bounded("timestamp", s.as_bytes(), ok), "{s}");
    }
}

#[test]
fn a_csv_spanning_the_whole_i64_range_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Arc::new(Workspace::at(dir.path().join("ws")));
    ws.ensure().unwrap();
    let file = dir.path().join("wide.csv");
    let csv = "timestamp,open,high,low,close\n-9000000000000000000,1,1,1,1\n9000000000000000000,1,1,1,1\n";
    std::fs::write(&file, csv).unwrap();
    let before = tree(ws.root());
    let (w, f) = (ws.clone(), file.clone());
    let r = bounded("CSV import", csv.as_bytes(), move || {
        catalog::import(&w, &f, "WIDE", "1h", &Default::default()).is_err()
    });
    assert!(r, "timestamps outside the representable years are refused");
    assert_unchanged("CSV import", &before, &tree(ws.root()), csv.as_bytes());
}

#[test]
fn grid_ranges_wider_than_usize_and_nan_values_are_refused() {
    let specs = registry_info("sma_cross").unwrap().params;
    for s in ["fast=-1e308:1e308:1", "fast=0:1e300:1e-300", "fast=NaN:NaN:1", "slow=inf:inf:1"] {
        let (owned, sp) = (s.to_string(), specs.clone());
        let refused =
            bounded("grid axis", s.as_bytes(), move || parse_axis(&owned, &sp, "sma_cross").is_err());
        assert!(refused, "{s}");
    }
}

#[test]
fn an_empty_signal_array_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Arc::new(Workspace::at(dir.path()));
    ws.ensure().unwrap();
    let before = tree(ws.root());
    let w = ws.clone();
    let refused = bounded("signal intake", b"[]", move || intake(&w, "empty.json", "[]", 0).is_err());
    assert!(refused);
    // The workspace lock file is the one trace an intake may leave; it was made by ensure().
    let after: std::collections::BTreeMap<_, _> =
        tree(ws.root()).into_iter().filter(|(k, _)| k != ".lock").collect();
    assert_unchanged("signal intake", &before, &after, b"[]");
}

#[test]
fn decimal_overflow_in_venue_replies_is_a_malformed_reply() {
    let names = [("BTC/USD".to_string(), "XBTUSD".to_string())].into_iter().collect();
    let ticker = json!({"channel": "ticker", "data": [{"symbol": "BTC/USD", "bid": 4e28, "ask": 4e28}]});
    let shown = ticker.to_string().into_bytes();
    assert!(bounded("kraken ticker", &shown, move || parse_ticker(&ticker, &names).is_empty()));

    let max = "79228162514264337593543950335";
    let fills = json!([{"oid": 1, "px": max, "sz": "2", "fee": "0"}]);
    let shown = fills.to_string().into_bytes();
    assert!(bounded("hyperliquid fills", &shown, move || fill_totals_of(&fills, 1).is_err()));
    let fees =
        json!([{"oid": 1, "px": "1", "sz": "1", "fee": max}, {"oid": 1, "px": "1", "sz": "1", "fee": max}]);
    let shown = fees.to_string().into_bytes();
    assert!(bounded("hyperliquid fees", &shown, move || fill_totals_of(&fees, 1).is_err()));

    let order = json!({"oid": 1, "origSz": max, "sz": format!("-{max}")});
    let shown = order.to_string().into_bytes();
    assert!(bounded("hyperliquid order", &shown, move || order_progress(&order, "open").is_err()));

    let ohlc = json!({"XXBTZUSD": [[i64::MAX, "1", "1", "1", "1", "1", "1", 1]]});
    let shown = ohlc.to_string().into_bytes();
    assert!(bounded("kraken OHLC", &shown, move || parse_kraken_ohlc(&ohlc, "XXBTZUSD", "XBTUSD").is_err()));
}

#[test]
fn a_cloid_of_wide_characters_is_kept_as_sent() {
    let cloid = format!("0x{}", "é".repeat(16));
    let c = cloid.clone();
    assert_eq!(bounded("cloid", cloid.as_bytes(), move || uuid_of(&c)), cloid);
}
