//! Known-answer vectors from the venues' SDKs (tests/fixtures/venues/).
//! Every case must match byte for byte.

use quantlab::engine::venues::evm::address::Address;
use quantlab::engine::venues::evm::signer::{EvmSigner, Signature};
use quantlab::engine::venues::hyperliquid::action::*;
use quantlab::engine::venues::hyperliquid::sign::*;
use quantlab::engine::venues::hyperliquid::wire::{
    check_price, check_size, float_to_wire, MarketKind, WireError,
};
use quantlab::engine::venues::kraken::auth::api_sign;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/venues/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn hl() -> Value {
    fixture("hyperliquid.json")
}

fn hl_signer() -> EvmSigner {
    EvmSigner::from_hex(hl()["private_key"].as_str().unwrap()).unwrap()
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Compact JSON in the fixture's own key order (serde_json's preserve_order).
fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

#[test]
fn kraken_api_sign_every_case() {
    let k = fixture("kraken.json");
    let secret = k["api_secret_base64"].as_str().unwrap();
    let cases = k["rest"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let nonce = c["nonce"].as_u64().unwrap();
        let body = c["postdata"].as_str().unwrap();
        assert!(body.contains(&nonce.to_string()), "{name}: the body carries the nonce");
        let got = api_sign(c["path"].as_str().unwrap(), nonce, body.as_bytes(), secret).unwrap();
        assert_eq!(got, c["api_sign"].as_str().unwrap(), "{name}");
    }
    eprintln!("kraken: {} cases pass", cases.len());
}

#[test]
fn kraken_signs_the_exact_bytes() {
    // Re-encoding the JSON body (here: a space) changes the signature.
    let k = fixture("kraken.json");
    let secret = k["api_secret_base64"].as_str().unwrap();
    let c = &k["rest"][2];
    let body = c["postdata"].as_str().unwrap().replacen(':', ": ", 1);
    let got =
        api_sign(c["path"].as_str().unwrap(), c["nonce"].as_u64().unwrap(), body.as_bytes(), secret).unwrap();
    assert_ne!(got, c["api_sign"].as_str().unwrap());
}

fn l1_params(c: &Value) -> L1Params {
    L1Params {
        nonce: c["nonce"].as_u64().unwrap(),
        vault_address: c["vault_address"].as_str().map(|s| Address::from_hex(s).unwrap()),
        expires_after: c["expires_after"].as_u64(),
        is_mainnet: c["is_mainnet"].as_bool().unwrap(),
    }
}

#[test]
fn hyperliquid_address_from_private_key() {
    assert_eq!(hl_signer().address().to_checksum(), hl()["address"].as_str().unwrap());
}

#[test]
fn hyperliquid_l1_every_case() {
    let v = hl();
    let signer = hl_signer();
    let cases = v["l1"].as_array().unwrap();
    assert_eq!(cases.len(), 10);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let action: Action = serde_json::from_value(c["action"].clone()).unwrap();
        let params = l1_params(c);

        let packed = action_msgpack(&action).unwrap();
        assert_eq!(hex::encode(&packed), c["msgpack_hex"].as_str().unwrap(), "{name}: msgpack");

        let hash =
            action_hash(&action, params.vault_address.as_ref(), params.nonce, params.expires_after).unwrap();
        assert_eq!(hex0x(&hash), c["action_hash_hex"].as_str().unwrap(), "{name}: action hash");

        let agent = phantom_agent(hash, params.is_mainnet);
        assert_eq!(agent.source, c["phantom_agent"]["source"].as_str().unwrap(), "{name}: source");
        assert_eq!(hex0x(&agent.connection_id), c["phantom_agent"]["connectionId"].as_str().unwrap());

        let sig = sign_l1_action(&signer, &action, &params).unwrap();
        assert_eq!(sig.r_hex(), c["signature"]["r"].as_str().unwrap(), "{name}: r");
        assert_eq!(sig.s_hex(), c["signature"]["s"].as_str().unwrap(), "{name}: s");
        assert_eq!(sig.v as u64, c["signature"]["v"].as_u64().unwrap(), "{name}: v");
        let theirs: Signature = serde_json::from_value(c["signature"].clone()).unwrap();
        assert_eq!(theirs, sig, "{name}: parsed signature");

        let body = signed_l1_body(&signer, &action, &params).unwrap();
        assert_eq!(body, compact(&c["exchange_post_body"]), "{name}: POST /exchange body");

        assert_eq!(
            recover_l1_signer(&action, &params, &theirs).unwrap(),
            signer.address(),
            "{name}: recovery"
        );
        // The same signature under the other network recovers someone else.
        let other = L1Params { is_mainnet: !params.is_mainnet, ..params };
        assert_ne!(recover_l1_signer(&action, &other, &theirs).ok(), Some(signer.address()));
    }
    eprintln!("hyperliquid l1: {} cases pass", cases.len());
}

#[test]
fn hyperliquid_approve_agent() {
    let v = hl();
    let signer = hl_signer();
    let cases = v["user_signed"].as_array().unwrap();
    assert_eq!(cases.len(), 1);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        // The type string follows from the vector's field list.
        let fields: Vec<String> = c["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["type"].as_str().unwrap(), f["name"].as_str().unwrap()))
            .collect();
        let type_string = format!("{}({})", c["primary_type"].as_str().unwrap(), fields.join(","));
        assert_eq!(type_string, APPROVE_AGENT_TYPE, "{name}: type string");

        let action: ApproveAgent = serde_json::from_value(c["action"].clone()).unwrap();
        assert_eq!(action.signature_chain_id, 421614, "{name}: chain id 0x66eee");
        let built = ApproveAgent::new(
            Address::from_hex(c["action"]["agentAddress"].as_str().unwrap()).unwrap(),
            Some("quantlab".into()),
            c["action"]["nonce"].as_u64().unwrap(),
            true,
        );
        assert_eq!(built, action);
        assert_eq!(
            compact(&serde_json::to_value(&action).unwrap()),
            compact(&c["action"]),
            "{name}: action JSON"
        );

        let sig = sign_approve_agent(&signer, &action).unwrap();
        assert_eq!(sig.r_hex(), c["signature"]["r"].as_str().unwrap(), "{name}: r");
        assert_eq!(sig.s_hex(), c["signature"]["s"].as_str().unwrap(), "{name}: s");
        assert_eq!(sig.v as u64, c["signature"]["v"].as_u64().unwrap(), "{name}: v");
        assert_eq!(recover_approve_agent_signer(&action, &sig).unwrap(), signer.address());

        let body: Value = serde_json::from_str(&approve_agent_body(&action, &sig).unwrap()).unwrap();
        assert_eq!(compact(&body["action"]), compact(&c["action"]));
        assert_eq!(body["nonce"], c["action"]["nonce"]);
        assert_eq!(compact(&body["signature"]), compact(&c["signature"]));
    }
    eprintln!("hyperliquid user-signed: {} cases pass", cases.len());
}

#[test]
fn unnamed_agent_is_signed_as_empty_name_and_omitted() {
    let signer = hl_signer();
    let agent = Address::from_hex("0x5e9ee1089755c3435139848e47e6635505d5a13a").unwrap();
    let unnamed = ApproveAgent::new(agent, None, 1, false);
    let empty = ApproveAgent { agent_name: Some(String::new()), ..unnamed.clone() };
    assert_eq!(approve_agent_digest(&unnamed), approve_agent_digest(&empty));
    let sig = sign_approve_agent(&signer, &unnamed).unwrap();
    let body = approve_agent_body(&unnamed, &sig).unwrap();
    assert!(!body.contains("agentName") && body.contains("\"hyperliquidChain\":\"Testnet\""), "{body}");
}

#[test]
fn float_to_wire_every_case() {
    let cases = hl()["float_to_wire"].as_array().unwrap().clone();
    assert_eq!(cases.len(), 11);
    for c in &cases {
        let x: f64 = c["x"].as_str().unwrap().parse().unwrap();
        match (c.get("wire"), float_to_wire(x)) {
            (Some(w), Ok(got)) => assert_eq!(got, w.as_str().unwrap(), "x = {x:?}"),
            (None, Err(e)) => {
                assert_eq!(e, WireError::CausesRounding { value: x });
                assert!(e.to_string().starts_with(c["error"].as_str().unwrap()), "{e}");
            }
            (want, got) => panic!("x = {x:?}: want {want:?}, got {got:?}"),
        }
    }
    eprintln!("float_to_wire: {} cases pass", cases.len());
}

#[test]
fn float_to_wire_extra_cases_from_a_python_restatement() {
    // Not SDK output: the SDK's function re-run under CPython on more inputs (see "producer").
    let f = fixture("float_to_wire_extra.json");
    let cases = f["cases"].as_array().unwrap();
    for c in cases {
        let x: f64 = c["x"].as_str().unwrap().parse().unwrap();
        match (c.get("wire"), float_to_wire(x)) {
            (Some(w), Ok(got)) => assert_eq!(got, w.as_str().unwrap(), "x = {x:?}"),
            (None, Err(WireError::CausesRounding { .. })) => {}
            (want, got) => panic!("x = {x:?}: want {want:?}, got {got:?}"),
        }
    }
    eprintln!("float_to_wire extra: {} cases pass", cases.len());
}

/// The ETH IOC case built from numbers, as the order path will build it.
fn eth_ioc_order() -> Action {
    Action::Order(OrderAction {
        orders: vec![OrderWire {
            a: 1,
            b: false,
            p: check_price(2000.5, 4, MarketKind::Perp).unwrap(),
            s: check_size(0.25, 4).unwrap(),
            r: true,
            t: OrderType::Limit { tif: Tif::Ioc },
            c: Some(Cloid::from_u128(1)),
        }],
        grouping: Grouping::Na,
    })
}

#[test]
fn typed_construction_matches_the_vector() {
    let v = hl();
    let c = &v["l1"][2];
    assert_eq!(c["name"], "order_eth_ioc_sell_reduce_only_cloid");
    assert_eq!(hex::encode(action_msgpack(&eth_ioc_order()).unwrap()), c["msgpack_hex"].as_str().unwrap());

    let c = &v["l1"][5];
    let sl = OrderWire {
        a: 0,
        b: false,
        p: float_to_wire(95000.0).unwrap(),
        s: float_to_wire(0.002).unwrap(),
        r: true,
        t: OrderType::Trigger {
            is_market: true,
            trigger_px: float_to_wire(95100.0).unwrap(),
            tpsl: Tpsl::Sl,
        },
        c: None,
    };
    let entry = OrderWire {
        a: 0,
        b: true,
        p: float_to_wire(100000.0).unwrap(),
        s: float_to_wire(0.001).unwrap(),
        r: false,
        t: OrderType::Limit { tif: Tif::Gtc },
        c: None,
    };
    let action = Action::Order(OrderAction { orders: vec![entry, sl], grouping: Grouping::NormalTpsl });
    assert_eq!(hex::encode(action_msgpack(&action).unwrap()), c["msgpack_hex"].as_str().unwrap());

    let clear = Action::ScheduleCancel(ScheduleCancelAction { time: None });
    assert_eq!(hex::encode(action_msgpack(&clear).unwrap()), v["l1"][9]["msgpack_hex"].as_str().unwrap());
    let cancel = Action::CancelByCloid(CancelByCloidAction {
        cancels: vec![CancelByCloidWire {
            asset: 1,
            cloid: Cloid::from_hex("0x00000000000000000000000000000001").unwrap(),
        }],
    });
    assert_eq!(hex::encode(action_msgpack(&cancel).unwrap()), v["l1"][7]["msgpack_hex"].as_str().unwrap());
}

#[test]
fn position_tpsl_grouping_name() {
    let a = Action::Order(OrderAction { orders: vec![], grouping: Grouping::PositionTpsl });
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        r#"{"type":"order","orders":[],"grouping":"positionTpsl"}"#
    );
}

/// User-signed actions on both networks: the mainnet case of hyperliquid.json and the SDK's
/// testnet signature of the same approveAgent (hyperliquid_testnet_user_signed.json). The
/// network is the signed `hyperliquidChain`; a signature for one recovers someone else under
/// the other.
#[test]
fn hyperliquid_approve_agent_per_network() {
    use quantlab::engine::venues::hyperliquid::network::Network;
    let signer = hl_signer();
    let mainnet = hl()["user_signed"][0].clone();
    let testnet = fixture("hyperliquid_testnet_user_signed.json")["user_signed"][0].clone();
    assert_eq!(fixture("hyperliquid_testnet_user_signed.json")["private_key"], hl()["private_key"]);
    let mut seen = Vec::new();
    for (network, c) in [(Network::Mainnet, &mainnet), (Network::Testnet, &testnet)] {
        let name = c["name"].as_str().unwrap();
        let action: ApproveAgent = serde_json::from_value(c["action"].clone()).unwrap();
        assert_eq!(action.hyperliquid_chain, network.chain(), "{name}");
        let built = ApproveAgent::new(
            Address::from_hex(c["action"]["agentAddress"].as_str().unwrap()).unwrap(),
            Some("quantlab".into()),
            c["action"]["nonce"].as_u64().unwrap(),
            network.is_mainnet(),
        );
        assert_eq!(built, action, "{name}");
        let sig = sign_approve_agent(&signer, &built).unwrap();
        let want: Signature = serde_json::from_value(c["signature"].clone()).unwrap();
        assert_eq!(sig, want, "{name}");
        assert_eq!(
            (sig.r_hex(), sig.s_hex(), sig.v as u64),
            (
                c["signature"]["r"].as_str().unwrap().to_string(),
                c["signature"]["s"].as_str().unwrap().to_string(),
                c["signature"]["v"].as_u64().unwrap()
            ),
            "{name}: as the SDK writes it (no leading zero nibble)"
        );
        seen.push((built, sig));
    }
    let (main_action, main_sig) = &seen[0];
    let (test_action, test_sig) = &seen[1];
    assert_ne!(recover_approve_agent_signer(test_action, main_sig).unwrap(), signer.address());
    assert_ne!(recover_approve_agent_signer(main_action, test_sig).unwrap(), signer.address());
}

/// Each L1 vector's phantom agent source is its network's.
#[test]
fn hyperliquid_l1_source_per_network() {
    use quantlab::engine::venues::hyperliquid::network::Network;
    let v = hl();
    let mut networks = std::collections::BTreeSet::new();
    for c in v["l1"].as_array().unwrap() {
        let network = if c["is_mainnet"].as_bool().unwrap() { Network::Mainnet } else { Network::Testnet };
        networks.insert(network.name());
        assert_eq!(c["phantom_agent"]["source"].as_str().unwrap(), network.source(), "{}", c["name"]);
    }
    assert_eq!(networks.len(), 2, "vectors for both networks");
}
