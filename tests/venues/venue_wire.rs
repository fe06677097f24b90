//! Venue replies as typed data: Kraken's error envelope and AssetPairs, Hyperliquid's
//! meta/spotMeta and `/exchange` reply. Fixtures are the venues' documented examples
//! (tests/fixtures/venues/README.md).

use quantlab::engine::error::{Error, ErrorKind};
use quantlab::engine::execution::model::VenueError;
use quantlab::engine::venues::hyperliquid::exchange_reply::{parse_exchange_reply, ActionStatus, HlError};
use quantlab::engine::venues::hyperliquid::info::{
    parse_meta, parse_spot_meta, HlUniverse, SPOT_ASSET_OFFSET,
};
use quantlab::engine::venues::hyperliquid::wire::{MarketKind, WireError};
use quantlab::engine::venues::kraken::errors::{parse_response, ExitClass, KrakenError};
use quantlab::engine::venues::kraken::pairs::parse_asset_pairs;
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/venues/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn body(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

// ---- Kraken errors ----

fn variant(e: &KrakenError) -> &'static str {
    match e {
        KrakenError::InvalidNonce(_) => "InvalidNonce",
        KrakenError::InvalidKey(_) => "InvalidKey",
        KrakenError::InvalidSignature(_) => "InvalidSignature",
        KrakenError::ApiRateLimit(_) => "ApiRateLimit",
        KrakenError::OrderRateLimit(_) => "OrderRateLimit",
        KrakenError::InsufficientFunds(_) => "InsufficientFunds",
        KrakenError::OrderMinimumNotMet(_) => "OrderMinimumNotMet",
        KrakenError::UnknownOrder(_) => "UnknownOrder",
        KrakenError::InvalidArguments { .. } => "InvalidArguments",
        KrakenError::PermissionDenied(_) => "PermissionDenied",
        KrakenError::ServiceUnavailable(_) => "ServiceUnavailable",
        KrakenError::ServiceBusy(_) => "ServiceBusy",
        KrakenError::DeadlineElapsed(_) => "DeadlineElapsed",
        KrakenError::Unknown(_) => "Unknown",
        KrakenError::Http { .. } => "Http",
    }
}

#[test]
fn kraken_every_error_code_maps_to_variant_retry_and_exit() {
    let f = fixture("kraken_errors.json");
    let codes = f["codes"].as_array().unwrap();
    assert!(codes.len() >= 14);
    for case in codes {
        let text = case["text"].as_str().unwrap();
        let e = KrakenError::from_text(text);
        assert_eq!(variant(&e), case["variant"].as_str().unwrap(), "{text}");
        assert_eq!(e.text(), text, "venue text kept verbatim");
        assert_eq!(e.is_retryable_read(), case["retryable"].as_bool().unwrap(), "{text}");
        let exit = case["exit"].as_i64().unwrap() as i32;
        assert_eq!(e.exit_class().kind().exit_code(), exit, "{text}");
        let err: Error = e.clone().into();
        assert_eq!(err.kind.exit_code(), exit, "{text}");
        assert!(err.message.contains(text), "{}", err.message);
        // Through the envelope too: the same error comes out of a full reply.
        let reply = body(&json!({ "error": [text] }));
        assert_eq!(parse_response(200, &reply).unwrap_err(), e);
    }
}

#[test]
fn kraken_invalid_arguments_keeps_its_detail() {
    match KrakenError::from_text("EGeneral:Invalid arguments:volume") {
        KrakenError::InvalidArguments { text, detail } => {
            assert_eq!(text, "EGeneral:Invalid arguments:volume");
            assert_eq!(detail.as_deref(), Some("volume"));
        }
        other => panic!("{other:?}"),
    }
    match KrakenError::from_text("EGeneral:Invalid arguments") {
        KrakenError::InvalidArguments { detail, .. } => assert_eq!(detail, None),
        other => panic!("{other:?}"),
    }
    // Extra info after a known code never hides it.
    assert!(matches!(KrakenError::from_text("EAPI:Invalid nonce:extra"), KrakenError::InvalidNonce(_)));
}

#[test]
fn kraken_errors_map_to_the_boundarys_venue_errors() {
    let v = |t: &str| KrakenError::from_text(t).to_venue_error();
    assert!(matches!(v("EAPI:Rate limit exceeded"), VenueError::RateLimited { .. }));
    assert!(matches!(v("EOrder:Rate limit exceeded"), VenueError::RateLimited { .. }));
    for t in
        ["EAPI:Invalid nonce", "EAPI:Invalid key", "EAPI:Invalid signature", "EGeneral:Permission denied"]
    {
        assert!(matches!(v(t), VenueError::Auth { .. }), "{t}");
    }
    assert!(matches!(v("EOrder:Unknown order"), VenueError::NotFound { .. }));
    assert!(matches!(v("EService:Unavailable"), VenueError::Unavailable { .. }));
    assert!(matches!(v("EService:Busy"), VenueError::Unavailable { .. }));
    // A deadline leaves a submit's fate unknown: ambiguous, resolved by querying cl_ord_id.
    assert!(v("EService:Deadline elapsed").is_ambiguous());
    assert!(v("EService:Something new").is_ambiguous());
    for t in
        ["EOrder:Insufficient funds", "EOrder:Order minimum not met", "EGeneral:Invalid arguments:volume"]
    {
        let e = v(t);
        assert!(matches!(e, VenueError::Rejected { .. }) && !e.is_ambiguous(), "{t}");
        assert!(e.message().contains(t), "{e}");
    }
    let from: VenueError = KrakenError::from_text("EQuery:Unknown asset pair").into();
    assert!(
        matches!(from, VenueError::Rejected { ref reason } if reason.contains("EQuery:Unknown asset pair"))
    );
}

#[test]
fn kraken_envelope_ok_and_error_fixtures() {
    let f = fixture("kraken_errors.json");
    let env = &f["envelopes"];
    let ok = parse_response(200, &body(&env["ok_time"])).unwrap();
    assert_eq!(ok["unixtime"], 1688669448);
    let e = parse_response(200, &body(&env["invalid_nonce"])).unwrap_err();
    assert!(matches!(e, KrakenError::InvalidNonce(ref t) if t == "EAPI:Invalid nonce"));
    let e = parse_response(200, &body(&env["unknown_pair"])).unwrap_err();
    assert_eq!(e, KrakenError::Unknown("EQuery:Unknown asset pair".into()));
    assert_eq!(e.exit_class(), ExitClass::Venue);
    // The envelope decides even under a failure status.
    let e = parse_response(400, &body(&env["invalid_arguments_volume"])).unwrap_err();
    assert_eq!(e.exit_class(), ExitClass::Input);
}

#[test]
fn kraken_warnings_do_not_fail_and_first_error_decides() {
    let r = parse_response(200, br#"{"error":["WGeneral:Something"],"result":{"a":1}}"#).unwrap();
    assert_eq!(r["a"], 1);
    let e =
        parse_response(200, br#"{"error":["WGeneral:x","EOrder:Insufficient funds","EAPI:Invalid key"]}"#)
            .unwrap_err();
    assert!(matches!(e, KrakenError::InsufficientFunds(_)));
}

#[test]
fn kraken_non_json_body_names_status_and_excerpt() {
    let html = format!("<html>\n<body>502 Bad Gateway{}</body></html>", " cloudflare".repeat(40));
    let e = parse_response(502, html.as_bytes()).unwrap_err();
    match &e {
        KrakenError::Http { status, excerpt } => {
            assert_eq!(*status, 502);
            assert!(excerpt.starts_with("<html> <body>502 Bad Gateway"), "{excerpt}");
            assert!(excerpt.chars().count() <= 121, "short excerpt: {}", excerpt.len());
            assert!(!excerpt.contains('\n'));
        }
        other => panic!("{other:?}"),
    }
    assert!(e.is_retryable_read());
    assert!(e.to_string().contains("HTTP 502"), "{e}");
    assert!(e.to_venue_error().is_ambiguous());
    let e = parse_response(429, b"Too Many Requests").unwrap_err();
    assert!(e.is_retryable_read());
    assert!(matches!(e.to_venue_error(), VenueError::RateLimited { .. }));
    let e = parse_response(403, b"forbidden").unwrap_err();
    assert!(!e.is_retryable_read());
    assert_eq!(Error::from(e).kind, ErrorKind::Venue);
    // JSON that is not the envelope, a non-string error, and an empty envelope.
    for b in [&br#"[1,2]"#[..], br#"{"result":{}}"#, br#"{"error":[42]}"#, br#"{"error":[]}"#] {
        assert!(matches!(parse_response(200, b), Err(KrakenError::Http { status: 200, .. })), "{b:?}");
    }
    // A result under a failure status is not trusted.
    assert!(matches!(parse_response(500, br#"{"error":[],"result":{}}"#), Err(KrakenError::Http { .. })));
}

#[test]
fn kraken_error_message_has_no_credentials() {
    // The error is built from the venue's reply alone; no request part can leak into it.
    let e: Error = KrakenError::from_text("EAPI:Invalid key").into();
    assert_eq!(e.message, "kraken: EAPI:Invalid key");
}

// ---- Kraken AssetPairs ----

#[test]
fn kraken_asset_pairs_fixture_becomes_rules() {
    let result = parse_response(200, &body(&fixture("kraken_asset_pairs.json"))).unwrap();
    let pairs = parse_asset_pairs(&result).unwrap();
    assert_eq!(pairs.len(), 2);
    for key in ["XXBTZUSD", "XBTUSD", "XBT/USD"] {
        let p = pairs.get(key).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(p.name, "XXBTZUSD");
        assert_eq!(p.altname, "XBTUSD");
        assert_eq!(p.wsname.as_deref(), Some("XBT/USD"));
        assert_eq!((p.base.as_str(), p.quote.as_str()), ("XXBT", "ZUSD"));
        assert!(p.is_online());
        assert_eq!(p.rules.symbol, "XBTUSD");
        assert_eq!(p.rules.tick_size, dec("0.1"));
        assert_eq!(p.rules.lot_size, dec("0.00000001"));
        assert_eq!(p.rules.min_quantity, dec("0.0001"));
        assert_eq!(p.rules.min_notional, dec("0.5"));
    }
    let eth = pairs.get("ETH/XBT").unwrap();
    assert_eq!(eth.name, "XETHXXBT");
    assert_eq!(eth.rules.tick_size, dec("0.00001"));
    assert_eq!(eth.rules.min_quantity, dec("0.01"));
    assert_eq!(eth.rules.min_notional, dec("0.00002"));
    assert_eq!((eth.pair_decimals, eth.lot_decimals, eth.cost_decimals), (5, 8, Some(6)));
    assert!(pairs.get("xbtusd").is_none(), "names are exact");
    let symbols: Vec<String> = pairs.rules().into_iter().map(|r| r.symbol).collect();
    assert_eq!(symbols, ["ETHXBT", "XBTUSD"]);
}

fn xbt_entry() -> Value {
    fixture("kraken_asset_pairs.json")["result"]["XXBTZUSD"].clone()
}

#[test]
fn kraken_asset_pairs_optional_fields() {
    let mut e = xbt_entry();
    let o = e.as_object_mut().unwrap();
    for f in ["tick_size", "costmin", "wsname", "status", "cost_decimals"] {
        o.remove(f);
    }
    let pairs = parse_asset_pairs(&json!({ "XXBTZUSD": e })).unwrap();
    let p = pairs.get("XBTUSD").unwrap();
    // Without tick_size the price increment follows pair_decimals (1).
    assert_eq!(p.rules.tick_size, dec("0.1"));
    assert_eq!(p.rules.min_notional, Decimal::ZERO);
    assert_eq!(p.wsname, None);
    assert!(p.is_online());
    let mut e = xbt_entry();
    e["status"] = json!("cancel_only");
    assert!(!parse_asset_pairs(&json!({ "XXBTZUSD": e })).unwrap().get("XBTUSD").unwrap().is_online());
}

#[test]
fn kraken_malformed_pair_is_refused_naming_pair_and_field() {
    let cases: Vec<(&str, Value)> = vec![
        ("altname", Value::Null),
        ("altname", json!(7)),
        ("base", Value::Null),
        ("lot_decimals", json!("8")),
        ("lot_decimals", json!(-1)),
        ("lot_decimals", json!(29)),
        ("pair_decimals", Value::Null),
        ("ordermin", Value::Null),
        ("ordermin", json!(0.0001)),
        ("ordermin", json!("abc")),
        ("ordermin", json!("-1")),
        ("costmin", json!("x")),
        ("tick_size", json!("0")),
        ("tick_size", json!("ten")),
        ("wsname", json!(["XBT", "USD"])),
    ];
    for (field, value) in cases {
        let mut e = xbt_entry();
        if value.is_null() {
            e.as_object_mut().unwrap().remove(field);
        } else {
            e[field] = value.clone();
        }
        let err = parse_asset_pairs(&json!({ "XXBTZUSD": e })).unwrap_err();
        assert_eq!((err.pair.as_str(), err.field.as_str()), ("XXBTZUSD", field), "{field}={value}: {err}");
        let msg = err.to_string();
        assert!(msg.contains("XXBTZUSD") && msg.contains(field), "{msg}");
        assert_eq!(Error::from(err).kind, ErrorKind::Venue);
    }
    let err = parse_asset_pairs(&json!({ "XXBTZUSD": "nope" })).unwrap_err();
    assert_eq!(err.pair, "XXBTZUSD");
    assert!(parse_asset_pairs(&json!([])).is_err());
}

#[test]
fn kraken_pair_name_clash_is_refused() {
    let mut other = xbt_entry();
    other["wsname"] = json!("XBT/USDX");
    let err = parse_asset_pairs(&json!({ "XXBTZUSD": xbt_entry(), "XBTUSD2": other })).unwrap_err();
    assert_eq!(err.pair, "XBTUSD2");
    assert!(err.to_string().contains("XXBTZUSD"), "{err}");
}

// ---- Hyperliquid meta / spotMeta ----

#[test]
fn hyperliquid_meta_fixture_becomes_rules() {
    let perps = parse_meta(&fixture("hyperliquid_meta.json")).unwrap();
    let names: Vec<(&str, u32)> = perps.iter().map(|a| (a.name.as_str(), a.asset)).collect();
    assert_eq!(names, [("BTC", 0), ("ETH", 1), ("HPOS", 2), ("LOOM", 3)]);
    let btc = &perps[0];
    assert_eq!((btc.kind, btc.sz_decimals, btc.max_leverage), (MarketKind::Perp, 5, Some(50)));
    assert!(!btc.only_isolated && !btc.is_delisted);
    assert_eq!(btc.price_decimals(), 1);
    assert_eq!(btc.rules.symbol, "BTC");
    assert_eq!(btc.rules.lot_size, dec("0.00001"));
    assert_eq!(btc.rules.tick_size, dec("0.1"));
    assert_eq!(btc.rules.min_quantity, dec("0.00001"));
    assert_eq!(btc.rules.min_notional, dec("10"));
    let eth = &perps[1];
    assert_eq!((eth.rules.lot_size, eth.rules.tick_size), (dec("0.0001"), dec("0.01")));
    let hpos = &perps[2];
    assert!(hpos.only_isolated);
    assert_eq!((hpos.rules.lot_size, hpos.rules.tick_size), (dec("1"), dec("0.000001")));
    assert!(perps[3].is_delisted);
    // The price rule is the wire rule: 5 significant figures, 6 - szDecimals decimals.
    assert_eq!(btc.check_price(65432.0).unwrap(), "65432");
    assert!(matches!(btc.check_price(654.32), Err(WireError::TooManyDecimals { max: 1, .. })));
    assert!(matches!(eth.check_price(1234.56), Err(WireError::TooManySignificantFigures { .. })));
    assert_eq!(eth.round_price(1891.44).unwrap().wire, "1891.4");
    assert_eq!(btc.check_size(0.00001).unwrap(), "0.00001");
    assert!(btc.check_size(0.000001).is_err());
    assert_eq!(eth.round_size(0.12344).unwrap().wire, "0.1234");
}

#[test]
fn hyperliquid_spot_meta_fixture_becomes_rules() {
    let spot = parse_spot_meta(&fixture("hyperliquid_spot_meta.json")).unwrap();
    assert_eq!(spot.len(), 2);
    let purr = &spot[0];
    assert_eq!(
        (purr.name.as_str(), purr.asset, purr.kind),
        ("PURR/USDC", SPOT_ASSET_OFFSET, MarketKind::Spot)
    );
    assert_eq!(purr.pair.as_deref(), Some("PURR/USDC"));
    assert_eq!((purr.sz_decimals, purr.max_leverage), (0, None));
    assert_eq!((purr.rules.lot_size, purr.rules.tick_size), (dec("1"), dec("0.00000001")));
    let hfun = &spot[1];
    assert_eq!((hfun.name.as_str(), hfun.asset), ("@1", 10_001));
    assert_eq!(hfun.pair.as_deref(), Some("HFUN/USDC"));
    assert_eq!(hfun.sz_decimals, 2, "size decimals are the base token's");
    assert_eq!(hfun.price_decimals(), 6);
    assert_eq!((hfun.rules.lot_size, hfun.rules.tick_size), (dec("0.01"), dec("0.000001")));
    // Spot allows 8 - szDecimals decimals.
    assert_eq!(purr.check_price(0.0001234).unwrap(), "0.0001234");
}

#[test]
fn hyperliquid_universe_lookup_by_name_pair_and_asset() {
    let mut all = parse_meta(&fixture("hyperliquid_meta.json")).unwrap();
    all.extend(parse_spot_meta(&fixture("hyperliquid_spot_meta.json")).unwrap());
    let u = HlUniverse::new(all).unwrap();
    assert_eq!(u.get("ETH").unwrap().asset, 1);
    assert_eq!(u.get("HFUN/USDC").unwrap().name, "@1");
    assert_eq!(u.get("@1").unwrap().asset, 10_001);
    assert_eq!(u.by_asset(10_000).unwrap().name, "PURR/USDC");
    assert!(u.get("DOGE").is_none());
    let listed: Vec<String> = u.rules().into_iter().map(|r| r.symbol).collect();
    assert_eq!(listed, ["BTC", "ETH", "HPOS", "PURR/USDC", "@1"], "delisted LOOM left out");
    let mut dup = parse_meta(&fixture("hyperliquid_meta.json")).unwrap();
    dup.push(dup[0].clone());
    dup.last_mut().unwrap().asset = 9;
    let err = HlUniverse::new(dup).unwrap_err();
    assert!(err.to_string().contains("BTC"), "{err}");
}

#[test]
fn hyperliquid_malformed_meta_is_refused_naming_entry_and_field() {
    let base = fixture("hyperliquid_meta.json");
    let cases: Vec<(&str, Value)> = vec![
        ("name", Value::Null),
        ("name", json!("")),
        ("szDecimals", Value::Null),
        ("szDecimals", json!("5")),
        ("szDecimals", json!(29)),
        ("maxLeverage", json!(0)),
        ("maxLeverage", json!(2.5)),
        ("onlyIsolated", json!("yes")),
        ("isDelisted", json!(1)),
    ];
    for (field, value) in cases {
        let mut m = base.clone();
        if value.is_null() {
            m["universe"][1].as_object_mut().unwrap().remove(field);
        } else {
            m["universe"][1][field] = value.clone();
        }
        let err = parse_meta(&m).unwrap_err();
        assert_eq!(err.field, field, "{field}={value}: {err}");
        assert!(err.entry.starts_with("meta universe[1]"), "{err}");
        assert_eq!(Error::from(err).kind, ErrorKind::Venue);
    }
    assert_eq!(parse_meta(&json!({})).unwrap_err().field, "universe");
    assert_eq!(parse_meta(&json!({"universe": {}})).unwrap_err().field, "universe");
    assert_eq!(parse_meta(&json!({"universe": [3]})).unwrap_err().field, "(entry)");
}

#[test]
fn hyperliquid_malformed_spot_meta_is_refused_naming_entry_and_field() {
    let base = fixture("hyperliquid_spot_meta.json");
    let check = |m: Value, entry: &str, field: &str| {
        let err = parse_spot_meta(&m).unwrap_err();
        assert!(err.entry.starts_with(entry), "{err}");
        assert_eq!(err.field, field, "{err}");
    };
    let mut m = base.clone();
    m["universe"][1]["tokens"] = json!([7, 0]);
    check(m, "spotMeta universe[1] (@1)", "tokens");
    let mut m = base.clone();
    m["universe"][0]["tokens"] = json!([1]);
    check(m, "spotMeta universe[0]", "tokens");
    let mut m = base.clone();
    m["universe"][0].as_object_mut().unwrap().remove("index");
    check(m, "spotMeta universe[0]", "index");
    let mut m = base.clone();
    m["tokens"][2]["szDecimals"] = json!(-2);
    check(m, "spotMeta tokens[2] (HFUN)", "szDecimals");
    let mut m = base.clone();
    m["tokens"][2]["index"] = json!(1);
    check(m, "spotMeta tokens[2]", "index");
    let mut m = base.clone();
    m.as_object_mut().unwrap().remove("tokens");
    check(m, "spotMeta", "tokens");
}

// ---- Hyperliquid /exchange ----

fn reply(
    name: &str,
) -> Result<quantlab::engine::venues::hyperliquid::exchange_reply::ExchangeReply, HlError> {
    parse_exchange_reply(200, &body(&fixture("hyperliquid_order_responses.json")[name]))
}

#[test]
fn hyperliquid_order_replies() {
    let r = reply("resting").unwrap();
    assert_eq!(r.kind, "order");
    assert_eq!(r.statuses, [ActionStatus::Resting { oid: 77738308, cloid: None }]);
    assert_eq!(r.first_error(), None);
    let r = reply("resting_with_cloid").unwrap();
    assert_eq!(
        r.statuses,
        [ActionStatus::Resting { oid: 88383, cloid: Some("0x1234567890abcdef1234567890abcdef".into()) }]
    );
    let r = reply("filled").unwrap();
    assert_eq!(
        r.statuses,
        [ActionStatus::Filled { oid: 77747314, total_sz: dec("0.02"), avg_px: dec("1891.4"), cloid: None }]
    );
    let r = reply("grouped_tpsl").unwrap();
    assert_eq!(
        r.statuses,
        [
            ActionStatus::Resting { oid: 1, cloid: None },
            ActionStatus::WaitingForFill,
            ActionStatus::WaitingForTrigger
        ]
    );
    let r = reply("cancel_success").unwrap();
    assert_eq!((r.kind.as_str(), r.statuses.as_slice()), ("cancel", &[ActionStatus::Success][..]));
    let r = reply("default").unwrap();
    assert_eq!((r.kind.as_str(), r.statuses.len()), ("default", 0));
}

#[test]
fn hyperliquid_order_errors_keep_text_and_exit_class() {
    let cases = [
        ("order_error", "Order must have minimum value of $10.", ErrorKind::BadInput),
        ("tick_error", "Price must be divisible by tick size.", ErrorKind::BadInput),
        ("margin_error", "Insufficient margin to place order.", ErrorKind::Venue),
        ("cancel_error", "Order was never placed, already canceled, or filled.", ErrorKind::Venue),
    ];
    for (name, text, kind) in cases {
        let r = reply(name).unwrap();
        assert_eq!(r.statuses, [ActionStatus::Error(text.into())], "{name}");
        let e = r.first_error().unwrap();
        assert_eq!(e, HlError::OrderRejected { index: 0, text: text.into() });
        assert_eq!(e.text(), text);
        assert_eq!(e.kind(), kind, "{name}");
        assert!(!e.is_retryable_read());
        let v = e.to_venue_error();
        assert!(matches!(v, VenueError::Rejected { .. }) && v.message().contains(text), "{v}");
        let err: Error = e.into();
        assert_eq!(err.kind, kind);
        assert!(err.message.contains(text), "{}", err.message);
    }
}

#[test]
fn hyperliquid_err_envelope_is_refused_with_venue_text() {
    let e = reply("err").unwrap_err();
    let text = "User or API Wallet 0x0000000000000000000000000000000000000001 does not exist.";
    assert_eq!(e, HlError::Refused(text.into()));
    assert_eq!(e.kind(), ErrorKind::Venue);
    assert!(!e.to_venue_error().is_ambiguous());
    assert_eq!(Error::from(e).kind.exit_code(), 4);
}

#[test]
fn hyperliquid_non_json_and_malformed_replies() {
    let e =
        parse_exchange_reply(422, b"Failed to deserialize the JSON body into the target type").unwrap_err();
    assert!(
        matches!(e, HlError::Http { status: 422, ref excerpt } if excerpt.starts_with("Failed to deserialize"))
    );
    assert!(e.to_string().contains("HTTP 422"), "{e}");
    assert!(!e.is_retryable_read());
    let e = parse_exchange_reply(503, b"<html>upstream unavailable</html>").unwrap_err();
    assert!(e.is_retryable_read() && e.to_venue_error().is_ambiguous());
    let e = parse_exchange_reply(429, b"rate limited").unwrap_err();
    assert!(matches!(e.to_venue_error(), VenueError::RateLimited { .. }));
    let long = "x".repeat(1000);
    let HlError::Http { excerpt, .. } = parse_exchange_reply(500, long.as_bytes()).unwrap_err() else {
        panic!()
    };
    assert!(excerpt.chars().count() <= 121);

    let malformed = |v: Value| match parse_exchange_reply(200, &body(&v)).unwrap_err() {
        HlError::Malformed { field, .. } => field,
        other => panic!("{other:?}"),
    };
    let ok =
        |statuses: Value| json!({"status":"ok","response":{"type":"order","data":{"statuses":statuses}}});
    assert_eq!(malformed(json!({"response": {}})), "status");
    assert_eq!(malformed(json!({"status": "maybe"})), "status");
    assert_eq!(malformed(json!({"status": "ok"})), "response");
    assert_eq!(malformed(json!({"status": "ok", "response": {}})), "response.type");
    assert_eq!(malformed(ok(json!({}))), "response.data.statuses");
    assert_eq!(malformed(ok(json!([{"resting": {}}]))), "statuses[0].resting.oid");
    assert_eq!(malformed(ok(json!([{"filled": {"oid": 1, "avgPx": "1"}}]))), "statuses[0].filled.totalSz");
    assert_eq!(
        malformed(ok(json!([{"filled": {"oid": 1, "totalSz": "1", "avgPx": 1.5}}]))),
        "statuses[0].filled.avgPx"
    );
    assert_eq!(malformed(ok(json!([{"resting": {"oid": 1}}, "bogus"]))), "statuses[1]");
    assert_eq!(malformed(ok(json!([{"other": 1}]))), "statuses[0]");
    let e = parse_exchange_reply(200, &body(&ok(json!([{"resting": {}}])))).unwrap_err();
    assert!(e.to_venue_error().is_ambiguous(), "a reply we cannot read leaves the order's fate unknown");
}

#[test]
fn hyperliquid_batch_reports_the_failing_index() {
    let v = json!({"status":"ok","response":{"type":"order","data":{"statuses":[
        {"resting":{"oid":5}}, {"error":"Reduce only order would increase position."}
    ]}}});
    let r = parse_exchange_reply(200, &body(&v)).unwrap();
    let e = r.first_error().unwrap();
    assert_eq!(
        e,
        HlError::OrderRejected { index: 1, text: "Reduce only order would increase position.".into() }
    );
    assert!(e.to_string().contains("order 1"), "{e}");
}
