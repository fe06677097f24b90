//! Reads the venues' own clients make before anything else (ccxt's markets and tickers), as
//! the simulator answers them: Kraken `Assets` and Hyperliquid `metaAndAssetCtxs`, in the
//! venues' shapes. scripts/venue-sdks drives the clients themselves.

use crate::common::sim;

use serde_json::{json, Value};
use sim::*;

async fn kraken_public(h: &Harness, path: &str) -> Value {
    reqwest::get(format!("{}/0/public/{path}", h.url)).await.unwrap().json().await.unwrap()
}

async fn hl_info(h: &Harness, body: Value) -> Value {
    let r = reqwest::Client::new().post(format!("{}/info", h.url)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 200, "{body}");
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kraken_assets_list_what_the_pairs_are_made_of() {
    let h = Harness::start(Market::Walk).await;
    let all = kraken_public(&h, "Assets").await;
    assert_eq!(all["error"], json!([]));
    let keys: Vec<&String> = all["result"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["SOL", "XETH", "XXBT", "ZUSD"]);
    assert_eq!(
        all["result"]["XXBT"],
        json!({"aclass": "currency", "altname": "XBT", "decimals": 10, "display_decimals": 5, "status": "enabled"})
    );
    let pairs = kraken_public(&h, "AssetPairs").await;
    for (key, p) in pairs["result"].as_object().unwrap() {
        for side in ["base", "quote"] {
            let asset = p[side].as_str().unwrap();
            assert!(all["result"].get(asset).is_some(), "{key}: {side} {asset} is listed");
        }
    }
    let some = kraken_public(&h, "Assets?asset=XBT,ZUSD").await;
    assert_eq!(some["result"].as_object().unwrap().len(), 2, "{some}");
    let unknown = kraken_public(&h, "Assets?asset=XBT,NOPE").await;
    assert_eq!(unknown, json!({"error": ["EQuery:Unknown asset"]}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyperliquid_meta_and_asset_ctxs_pairs_each_perp_with_its_prices() {
    let h = Harness::start(Market::Walk).await;
    let reply = hl_info(&h, json!({"type": "metaAndAssetCtxs"})).await;
    let meta = hl_info(&h, json!({"type": "meta"})).await;
    assert_eq!(reply[0], meta, "the first element is meta");
    let ctxs = reply[1].as_array().unwrap();
    assert_eq!(ctxs.len(), meta["universe"].as_array().unwrap().len(), "one context per perp, in order");
    for (c, perp) in ctxs.iter().zip(meta["universe"].as_array().unwrap()) {
        let num = |k: &str| c[k].as_str().unwrap().parse::<f64>().unwrap();
        let (mark, bid, ask) =
            (num("markPx"), c["impactPxs"][0].as_str().unwrap(), c["impactPxs"][1].as_str().unwrap());
        assert!(mark > 0.0, "{}: {c}", perp["name"]);
        assert_eq!((c["midPx"].clone(), c["oraclePx"].clone()), (c["markPx"].clone(), c["markPx"].clone()));
        let (bid, ask): (f64, f64) = (bid.parse().unwrap(), ask.parse().unwrap());
        assert!(bid < mark && mark < ask, "{}: the impact prices straddle the mark: {c}", perp["name"]);
        for k in ["funding", "premium", "openInterest", "dayNtlVlm", "prevDayPx"] {
            assert!(c[k].as_str().is_some_and(|v| v.parse::<f64>().is_ok()), "{k}: {c}");
        }
    }
}
