//! The Hyperliquid network the simulator verifies: testnet by default (the official SDK signs
//! for testnet at any URL but mainnet's), mainnet when its config says so. A signature made
//! for the other network recovers another signer, which the simulator refuses in Hyperliquid's
//! own words, placing nothing.

use crate::common::sim;

use quantlab::engine::execution::broker::BrokerAdapter;
use quantlab::engine::execution::model::{OrderState, VenueError};
use quantlab::engine::execution::{OrderType, Side};
use quantlab::engine::venues::evm::address::Address;
use quantlab::engine::venues::evm::signer::Signature;
use quantlab::engine::venues::hyperliquid::action::{Action, Grouping, OrderAction};
use quantlab::engine::venues::hyperliquid::adapter::{order_wire, HlAdapter};
use quantlab::engine::venues::hyperliquid::network::Network;
use quantlab::engine::venues::hyperliquid::sign::{recover_l1_signer, L1Params};
use serde_json::Value;
use sim::*;

/// An order signed by `a` as it would send it, and the address a venue verifying `verified`
/// recovers from its signature.
async fn signed_and_seen(
    a: &HlAdapter,
    n: u32,
    px: rust_decimal::Decimal,
    verified: Network,
) -> (String, String) {
    let o = order(n, "BTC", Side::Buy, "0.001", OrderType::Limit, Some(px));
    let asset = a.universe().await.unwrap().get("BTC").unwrap().clone();
    let action = Action::Order(OrderAction {
        orders: vec![order_wire(&asset, &o, None).unwrap()],
        grouping: Grouping::Na,
    });
    let body = a.client.sign(&action).unwrap().body;
    let v: Value = serde_json::from_str(&body).unwrap();
    let sig: Signature = serde_json::from_value(v["signature"].clone()).unwrap();
    let params = L1Params {
        nonce: v["nonce"].as_u64().unwrap(),
        vault_address: None,
        expires_after: None,
        is_mainnet: verified.is_mainnet(),
    };
    let seen: Address = recover_l1_signer(&action, &params, &sig).unwrap();
    (body, seen.to_lower_hex())
}

async fn post_exchange(h: &Harness, body: &str) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{}/exchange", h.url))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    r.json().await.unwrap()
}

/// One simulator per network: the adapter signing for it is accepted, the one signing for
/// the other is refused with the venue's text naming the signer it recovered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_for_the_other_network_is_refused_in_the_venues_words() {
    for (verified, other) in [(Network::Testnet, Network::Mainnet), (Network::Mainnet, Network::Testnet)] {
        let h = Harness::start_verifying(Market::Walk, verified).await;
        let state: Value = reqwest::get(format!("{}/_sim/state", h.url)).await.unwrap().json().await.unwrap();
        assert_eq!(state["hyperliquid_network"], verified.name());
        let right = h.hl_signing(HL_AGENT_KEY, None, verified);
        let wrong = h.hl_signing(HL_AGENT_KEY, None, other);
        let px = price_at(&right, "BTC", "0.8").await;

        let (body, seen) = signed_and_seen(&wrong, 1, px, verified).await;
        assert_ne!(seen, agent_address(), "[{verified}] another network's signature recovers someone else");
        let reply = post_exchange(&h, &body).await;
        let want = format!("User or API Wallet {seen} does not exist.");
        assert_eq!(
            (reply["status"].as_str(), reply["response"].as_str()),
            (Some("err"), Some(want.as_str()))
        );
        let e =
            wrong.submit(&order(2, "BTC", Side::Buy, "0.001", OrderType::Limit, Some(px))).await.unwrap_err();
        assert!(
            matches!(&e, VenueError::Rejected { reason } if reason.contains("User or API Wallet 0x") && reason.contains("does not exist.")),
            "[{verified}] {e:?}"
        );
        assert!(right.open_orders().await.unwrap().is_empty(), "[{verified}] nothing was placed");

        let ok =
            right.submit(&order(3, "BTC", Side::Buy, "0.001", OrderType::Limit, Some(px))).await.unwrap();
        assert_eq!(ok.state, OrderState::Open, "[{verified}]");
        let (_, log) = h.log();
        let refused = log.iter().filter(|e| e["endpoint"] == "order" && e["accepted"] == false).count();
        assert_eq!(refused, 2, "[{verified}] both refusals logged: {log:?}");
    }
}
