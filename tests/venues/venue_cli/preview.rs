//! `order preview`: the exact request with its signature withheld, and a printed preview
//! replayed to the simulator is refused (nothing rests).

use super::*;

/// Kraken's API-Sign recomputed here: base64(HMAC-SHA512(secret, path || SHA256(nonce || body))).
fn kraken_sign(path: &str, body: &str) -> String {
    let inner = Sha256::digest(format!("{}{body}", param(body, "nonce").unwrap()).as_bytes());
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut mac = Hmac::<Sha512>::new_from_slice(&b64.decode(KRAKEN_SECRET).unwrap()).unwrap();
    mac.update(path.as_bytes());
    mac.update(&inner);
    b64.encode(mac.finalize().into_bytes())
}

/// The API-Sign the real secret gives `body` (with its nonce) is nowhere in `text`.
fn assert_no_kraken_signature(case: &str, text: &str, body: &str) {
    let real = kraken_sign("/0/private/AddOrder", body);
    assert!(!text.contains(&real), "[{case}] the real API-Sign ({real}) is printed:\n{text}");
}

/// The digest of the action in a printed Hyperliquid `body`, as a testnet venue (the
/// simulator) computes it, and the agent key's real signature of it.
fn hl_digest_and_signature(body: &Value) -> ([u8; 32], Value) {
    hl_digest_and_signature_on(body, false)
}

/// The same on mainnet (`is_mainnet`) or testnet.
fn hl_digest_and_signature_on(body: &Value, is_mainnet: bool) -> ([u8; 32], Value) {
    use quantlab::engine::venues::hyperliquid::action::Action;
    use quantlab::engine::venues::hyperliquid::sign::{l1_action_digest, L1Params};
    let action: Action = serde_json::from_value(body["action"].clone()).unwrap();
    let params = L1Params {
        nonce: body["nonce"].as_u64().unwrap(),
        vault_address: None,
        expires_after: None,
        is_mainnet,
    };
    let digest = l1_action_digest(&action, &params).unwrap();
    let sig = EvmSigner::from_hex(HL_AGENT_KEY).unwrap().sign_digest(&digest).unwrap();
    (digest, serde_json::to_value(sig).unwrap())
}

/// Neither half of the agent key's real signature of the printed action is in `text`.
fn assert_no_hl_signature(case: &str, text: &str, body: &Value) {
    let (_, sig) = hl_digest_and_signature(body);
    for k in ["r", "s"] {
        let half = sig[k].as_str().unwrap().trim_start_matches("0x");
        assert!(
            half.len() > 50 && !text.contains(half),
            "[{case}] the real signature's {k} is printed:\n{text}"
        );
    }
}

fn param(body: &str, key: &str) -> Option<String> {
    let form: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap();
    form.into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn header(p: &Value, name: &str) -> String {
    let h = p["headers"].as_array().unwrap().iter().find(|h| h[0] == name);
    h.and_then(|h| h[1].as_str()).unwrap_or_else(|| panic!("no {name} header: {p}")).to_string()
}

const KRAKEN_BUY: [&str; 8] = ["--symbol", "XBTUSD", "--side", "buy", "--qty", "0.01", "--limit", "50000"];
const HL_BUY: [&str; 8] = ["--symbol", "BTC", "--side", "buy", "--qty", "0.01", "--limit", "60000"];

#[test]
fn preview_prints_the_exact_request_with_its_signature_withheld_and_places_nothing() {
    let sim = start_sim();
    let ws = workspace(&sim.url, "main");
    let case = "kraken preview";
    let o = preview(&ws, "kraken", &KRAKEN_BUY);
    assert_eq!(o.code, 0, "[{case}] {}", o.stdout);
    assert_no_secret(case, &o.both());
    let p = o.json()["result"].clone();
    assert_eq!(p["method"], "POST", "[{case}]");
    assert_eq!(p["url"], format!("{}/0/private/AddOrder", sim.url), "[{case}]");
    assert_eq!(header(&p, "API-Key"), "<redacted>", "[{case}]");
    let body = p["body"].as_str().unwrap();
    assert_eq!(header(&p, "API-Sign"), "<withheld>", "[{case}] no signature is printed");
    assert_no_kraken_signature(case, &o.both(), body);
    assert_eq!(p["signature_withheld"], true, "[{case}]");
    let nonce = param(body, "nonce").unwrap();
    assert_eq!(p["nonce"].to_string(), nonce, "[{case}]");
    let digest = hex::encode(Sha256::digest(format!("{nonce}{body}").as_bytes()));
    assert_eq!(p["signing_digest"], digest, "[{case}] SHA256(nonce ++ body)");
    assert!(p["signer"].is_null(), "[{case}] {p}");
    assert_eq!(p["body_sha256"], hex::encode(Sha256::digest(body.as_bytes())), "[{case}]");
    let cid = p["request"]["client_order_id"].as_str().unwrap();
    let fields = [("ordertype", "limit"), ("type", "buy"), ("pair", "XBTUSD"), ("volume", "0.01")];
    for (k, want) in fields.into_iter().chain([("price", "50000"), ("cl_ord_id", cid)]) {
        assert_eq!(param(body, k).as_deref(), Some(want), "[{case}] {k} in {body}");
    }
    assert_eq!(param(body, "validate"), None, "[{case}] {body}");
    assert_eq!((&p["validated"], &p["validation"]), (&json!(false), &Value::Null), "[{case}]");

    let case = "hyperliquid preview";
    let o = preview(&ws, "hyperliquid", &HL_BUY);
    assert_eq!(o.code, 0, "[{case}] {}", o.stdout);
    assert_no_secret(case, &o.both());
    let p = o.json()["result"].clone();
    assert_eq!(p["method"], "POST", "[{case}]");
    assert_eq!(p["url"], format!("{}/exchange", sim.url), "[{case}]");
    assert_eq!(header(&p, "Content-Type"), "application/json", "[{case}]");
    let body: Value = serde_json::from_str(p["body"].as_str().unwrap()).unwrap();
    let order = &body["action"]["orders"][0];
    let want = json!({ "type": "order", "grouping": "na", "orders": [{ "a": 0, "b": true, "p": "60000",
        "s": "0.01", "r": false, "t": { "limit": { "tif": "Gtc" } }, "c": order["c"] }] });
    assert_eq!(body["action"], want, "[{case}] BTC is asset 0");
    assert!(body["nonce"].is_u64(), "[{case}] {body}");
    assert_eq!(body["signature"], "<withheld>", "[{case}] not signed: {body}");
    assert_eq!((&p["nonce"], &p["signature_withheld"]), (&body["nonce"], &json!(true)), "[{case}]");
    assert_eq!(p["signer"], agent_address(), "[{case}] the agent that would sign");
    let (digest, _) = hl_digest_and_signature(&body);
    assert_eq!(p["signing_digest"], format!("0x{}", hex::encode(digest)), "[{case}] the EIP-712 digest");
    assert_no_hl_signature(case, &o.both(), &body);

    // Plain text: the request line, the redacted key, and that it was not sent.
    let args = with(&["order", "preview", "--venue", "kraken", "--account", "main"], &KRAKEN_BUY);
    let o = run(ws.path(), false, Some(&credential("kraken")), &args);
    assert_eq!(o.code, 0, "[kraken preview (text)] {}", o.both());
    let post = format!("POST {}/0/private/AddOrder", sim.url);
    for want in [
        post.as_str(),
        "API-Key: <redacted>",
        "API-Sign: <withheld>",
        "signature withheld",
        "not sent (preview)",
    ] {
        assert!(o.stdout.contains(want), "[kraken preview (text)] {want}: {}", o.stdout);
    }
    assert_no_secret("kraken preview (text)", &o.both());
    let text_body = o.stdout.lines().find(|l| l.starts_with("nonce=")).expect("the body line");
    assert_no_kraken_signature("kraken preview (text)", &o.both(), text_body);
    let args = with(&["order", "preview", "--venue", "hyperliquid", "--account", "main"], &HL_BUY);
    let o = run(ws.path(), false, Some(&credential("hyperliquid")), &args);
    assert_eq!(o.code, 0, "[hyperliquid preview (text)] {}", o.both());
    let agent = format!("signer:         {}", agent_address());
    for want in ["signing digest: 0x", agent.as_str(), "\"signature\":\"<withheld>\"", "signature withheld"] {
        assert!(o.stdout.contains(want), "[hyperliquid preview (text)] {want}: {}", o.stdout);
    }
    let text_body: Value =
        serde_json::from_str(o.stdout.lines().find(|l| l.starts_with('{')).expect("the body line")).unwrap();
    assert_no_hl_signature("hyperliquid preview (text)", &o.both(), &text_body);

    assert!(sim.orders().is_empty(), "a preview places nothing: {:?}", sim.orders());
    for venue in VENUES {
        let events = journal(&ws, venue);
        let previews = of_kind(&events, "order_preview");
        let n = 2;
        assert_eq!(previews.len(), n, "[{venue} journal] {events:?}");
        assert!(events.iter().all(|e| e["dry_run"] == true), "[{venue} journal] a dry run: {events:?}");
        assert!(previews.iter().all(|e| e["validate"] == false), "[{venue} journal] {events:?}");
        let results = of_kind(&events, "preview_result");
        assert!(results.is_empty(), "[{venue} journal] no verdict without --validate: {results:?}");
        assert_eq!(previews[0]["request"]["symbol"], if venue == "kraken" { "XBTUSD" } else { "BTC" });
    }
    assert_no_secret("workspace after previews", &workspace_text(ws.path()));
}

/// POST `body` to `url` with `headers`, as any HTTP client would: the status and the reply.
fn replay(url: &str, headers: &[(String, String)], body: &str) -> (u16, Value) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut r = reqwest::Client::new().post(url).body(body.to_string());
        for (k, v) in headers {
            r = r.header(k, v);
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    })
}

/// The orders the simulator holds, from its state.
fn held_orders(sim: &SimProcess) -> Value {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let state: Value = rt.block_on(async {
        reqwest::get(format!("{}/_sim/state", sim.url)).await.unwrap().json().await.unwrap()
    });
    state["exchange"]["orders"].clone()
}

/// Attack: take what `order preview` printed and send it to the venue. On Hyperliquid the
/// signature alone authorizes an order, so a printed signed body would be an order anyone
/// could place past every gate; on Kraken, an API-Sign plus the key. Both are refused, and
/// nothing rests.
#[test]
fn a_previewed_order_replayed_to_the_venue_is_refused_and_nothing_rests() {
    let sim = start_sim();
    let ws = workspace(&sim.url, "main");
    let no_orders = |case: &str| {
        let held = held_orders(&sim);
        assert_eq!(held, json!({}), "[{case}] an order rests at the venue: {held}");
        let accepted: Vec<Value> = sim.orders().into_iter().filter(|e| e["accepted"] == true).collect();
        assert!(accepted.iter().all(|e| e["detail"].is_null()), "[{case}] placed: {accepted:?}");
    };
    for extra in [&[][..], &["--validate"][..]] {
        let case = format!("kraken preview {extra:?}, replayed");
        let o = preview(&ws, "kraken", &with(&KRAKEN_BUY, extra));
        assert_eq!(o.code, 0, "[{case}] {}", o.stdout);
        let p = o.json()["result"].clone();
        let (url, body) = (p["url"].as_str().unwrap(), p["body"].as_str().unwrap());
        assert_no_kraken_signature(&case, &o.both(), body);
        let printed: Vec<(String, String)> = serde_json::from_value(p["headers"].clone()).unwrap();
        let (_, reply) = replay(url, &printed, body);
        assert_eq!(reply["error"], json!(["EAPI:Invalid key"]), "[{case}] as printed: {reply}");
        // Even for someone who holds the API key (not the secret), the printed sign is void.
        let keyed: Vec<(String, String)> = printed
            .iter()
            .map(|(k, v)| (k.clone(), if k == "API-Key" { KRAKEN_KEY.to_string() } else { v.clone() }))
            .collect();
        let (_, reply) = replay(url, &keyed, body);
        assert_eq!(reply["error"], json!(["EAPI:Invalid signature"]), "[{case}] with the key: {reply}");
        no_orders(&case);
    }

    let case = "hyperliquid preview, replayed";
    let o = preview(&ws, "hyperliquid", &HL_BUY);
    assert_eq!(o.code, 0, "[{case}] {}", o.stdout);
    let p = o.json()["result"].clone();
    let (url, text) = (p["url"].as_str().unwrap(), p["body"].as_str().unwrap());
    let headers: Vec<(String, String)> = serde_json::from_value(p["headers"].clone()).unwrap();
    let (status, reply) = replay(url, &headers, text);
    assert!(status >= 400, "[{case}] as printed: HTTP {status} {reply}");
    no_orders(case);
    // Nor with the placeholder swapped for no signature, or one by a key that is no agent of
    // the account (what a preview signed by a throwaway key would print).
    let body: Value = serde_json::from_str(text).unwrap();
    let digest: [u8; 32] = hex::decode(p["signing_digest"].as_str().unwrap().trim_start_matches("0x"))
        .unwrap()
        .try_into()
        .unwrap();
    let stranger = EvmSigner::from_hex(HL_STRANGER_KEY).unwrap().sign_digest(&digest).unwrap();
    for (what, sig) in [("null", Value::Null), ("a stranger's", serde_json::to_value(stranger).unwrap())] {
        let mut forged = body.clone();
        forged["signature"] = sig;
        let (status, reply) = replay(url, &headers, &forged.to_string());
        let refused = status >= 400 || reply["status"] == "err";
        assert!(refused, "[{case}, {what} signature] HTTP {status} {reply}");
        no_orders(case);
    }
    // The control: the signature was all that was missing. The printed body with the agent
    // key's signature of the printed digest is an order the venue takes, so the refusals above
    // are the withheld signature's, and the digest shown is the one the venue checks.
    let real = EvmSigner::from_hex(HL_AGENT_KEY).unwrap().sign_digest(&digest).unwrap();
    let mut signed = body.clone();
    signed["signature"] = serde_json::to_value(real).unwrap();
    let (status, reply) = replay(url, &headers, &signed.to_string());
    assert_eq!((status, &reply["status"]), (200, &json!("ok")), "[{case}, control] {reply}");
    assert_eq!(held_orders(&sim).as_object().map(|m| m.len()), Some(1), "[{case}, control]");
}

/// The adapter signs for its endpoint's network: testnet at the loopback simulator unless
/// `venues.toml` says `network = "mainnet"`; a mainnet signature is refused by the simulator,
/// which verifies testnet, in Hyperliquid's own words.
#[test]
fn preview_signs_for_the_network_of_the_endpoint() {
    let sim = start_sim();
    let ws = workspace(&sim.url, "main");
    let digests = |o: &Out| {
        assert_eq!(o.code, 0, "{}", o.stdout);
        let p = o.json()["result"].clone();
        let body: Value = serde_json::from_str(p["body"].as_str().unwrap()).unwrap();
        let hex = |d: [u8; 32]| format!("0x{}", hex::encode(d));
        let printed = p["signing_digest"].as_str().unwrap().to_string();
        (
            printed,
            hex(hl_digest_and_signature_on(&body, false).0),
            hex(hl_digest_and_signature_on(&body, true).0),
            body,
        )
    };
    let (printed, testnet, mainnet, _) = digests(&preview(&ws, "hyperliquid", &HL_BUY));
    assert_eq!(printed, testnet, "a loopback endpoint signs for testnet");
    assert_ne!(printed, mainnet);

    let text = std::fs::read_to_string(ws.path().join("venues.toml")).unwrap();
    let told = text.replace("account = ", "network = \"mainnet\"\naccount = ");
    std::fs::write(ws.path().join("venues.toml"), told).unwrap();
    let (printed, testnet, mainnet, body) = digests(&preview(&ws, "hyperliquid", &HL_BUY));
    assert_eq!(printed, mainnet, "network = \"mainnet\" signs for mainnet");
    assert_ne!(printed, testnet);
    // Signed as the adapter would sign it, the simulator (testnet) recovers another signer.
    let (_, sig) = hl_digest_and_signature_on(&body, true);
    let mut signed = body.clone();
    signed["signature"] = sig.clone();
    let url = format!("{}/exchange", sim.url);
    let headers = [("Content-Type".to_string(), "application/json".to_string())];
    let (status, reply) = replay(&url, &headers, &signed.to_string());
    let action: quantlab::engine::venues::hyperliquid::action::Action =
        serde_json::from_value(body["action"].clone()).unwrap();
    let params = quantlab::engine::venues::hyperliquid::sign::L1Params {
        nonce: body["nonce"].as_u64().unwrap(),
        vault_address: None,
        expires_after: None,
        is_mainnet: false,
    };
    let seen = quantlab::engine::venues::hyperliquid::sign::recover_l1_signer(
        &action,
        &params,
        &serde_json::from_value(sig).unwrap(),
    )
    .unwrap()
    .to_lower_hex();
    assert_ne!(seen, agent_address());
    let want = json!({"status": "err", "response": format!("User or API Wallet {seen} does not exist.")});
    assert_eq!((status, reply), (200, want));

    // A contradiction is refused by file and field before anything is signed.
    let text = std::fs::read_to_string(ws.path().join("venues.toml")).unwrap();
    let wrong = text.replace(
        &format!("base_url = \"{}\"\nnetwork", sim.url),
        "base_url = \"https://api.hyperliquid-testnet.xyz\"\nnetwork",
    );
    std::fs::write(ws.path().join("venues.toml"), wrong).unwrap();
    let o = preview(&ws, "hyperliquid", &HL_BUY);
    assert_eq!(o.code, 2, "{}", o.both());
    let message = o.json()["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(message.contains("venues.toml: [hyperliquid.main] network"), "{}", o.both());
}

#[test]
fn preview_attaches_exits_as_each_venue_takes_them() {
    let sim = start_sim();
    let ws = workspace(&sim.url, "main");
    let case = "kraken --stop-loss";
    let o = preview(&ws, "kraken", &with(&KRAKEN_BUY, &["--stop-loss", "45000"]));
    assert_eq!(o.code, 0, "[{case}] {}", o.stdout);
    let body = o.json()["result"]["body"].as_str().unwrap().to_string();
    assert!(body.contains("close%5Bordertype%5D=stop-loss&close%5Bprice%5D=45000"), "[{case}] {body}");
    assert_eq!(param(&body, "ordertype").as_deref(), Some("limit"), "[{case}] the entry is still the limit");

    let case = "kraken --take-profit --stop-loss";
    let o = preview(&ws, "kraken", &with(&KRAKEN_BUY, &["--take-profit", "55000", "--stop-loss", "45000"]));
    assert_eq!(o.code, 2, "[{case}] {}", o.stdout);
    let msg = o.json()["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(msg.contains("one conditional close"), "[{case}] {msg}");
    let previews = of_kind(&journal(&ws, "kraken"), "order_preview");
    assert_eq!(previews.len(), 1, "[{case}] refused before journaling: {previews:?}");

    let case = "hyperliquid --take-profit --stop-loss";
    let o = preview(&ws, "hyperliquid", &with(&HL_BUY, &["--take-profit", "66000", "--stop-loss", "55000"]));
    assert_eq!(o.code, 0, "[{case}] {}", o.stdout);
    let body: Value = serde_json::from_str(o.json()["result"]["body"].as_str().unwrap()).unwrap();
    let action = &body["action"];
    assert_eq!(action["grouping"], "normalTpsl", "[{case}] {action}");
    let orders = action["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 3, "[{case}] entry, tp, sl: {action}");
    let e = &orders[0];
    assert!(e["b"] == true && e["r"] == false && e["p"] == "60000", "[{case}] the entry: {e}");
    for (x, tpsl, px) in [(&orders[1], "tp", "66000"), (&orders[2], "sl", "55000")] {
        // A reduce-only market trigger on the sell side, for the entry's size, with its own cloid.
        let want = json!({ "a": 0, "b": false, "p": px, "s": "0.01", "r": true,
            "t": { "trigger": { "isMarket": true, "triggerPx": px, "tpsl": tpsl } }, "c": x["c"] });
        assert_eq!(x, &want, "[{case} {tpsl}]");
        assert!(x["c"].is_string() && x["c"] != orders[0]["c"], "[{case} {tpsl}] its own cloid: {x}");
    }
    assert!(sim.orders().is_empty(), "previews with exits place nothing: {:?}", sim.orders());
}

#[test]
fn validate_sends_kraken_s_validate_only_order_and_journals_the_verdict() {
    let sim = start_sim();
    let ws = workspace(&sim.url, "main");
    let case = "kraken --validate";
    let o = preview(&ws, "kraken", &with(&KRAKEN_BUY, &["--validate"]));
    assert_eq!(o.code, 0, "[{case}] {}", o.stdout);
    assert_no_secret(case, &o.both());
    let p = o.json()["result"].clone();
    assert_eq!((&p["validated"], &p["validation"]["ok"]), (&json!(true), &json!(true)), "[{case}] {p}");
    assert_eq!(param(p["body"].as_str().unwrap(), "validate").as_deref(), Some("true"), "[{case}]");
    let seen = sim.orders();
    assert_eq!(seen.len(), 1, "[{case}] exactly the previewed request reached the venue: {seen:?}");
    assert_eq!((&seen[0]["accepted"], &seen[0]["caller"]), (&json!(true), &json!(KRAKEN_KEY)), "[{case}]");
    assert!(seen[0]["detail"].is_null(), "[{case}] validate-only: no txid, nothing placed: {seen:?}");
    let events = journal(&ws, "kraken");
    let (previews, results) = (of_kind(&events, "order_preview"), of_kind(&events, "preview_result"));
    assert_eq!((previews.len(), results.len()), (1, 1), "[{case}] {events:?}");
    assert_eq!(previews[0]["validate"], true, "[{case}]");
    assert_eq!(previews[0]["body_sha256"], p["body_sha256"], "[{case}] the journal matches what was printed");
    assert_eq!(results[0]["ok"], true, "[{case}]");
    assert_eq!(results[0]["client_order_id"], p["request"]["client_order_id"], "[{case}]");

    // 10 BTC at 50,000 is five times the account's 100,000 USD: the venue refuses it.
    let case = "kraken --validate, refused";
    let args = ["--symbol", "XBTUSD", "--side", "buy", "--qty", "10", "--limit", "50000", "--validate"];
    let o = preview(&ws, "kraken", &args);
    assert_eq!(o.code, 4, "[{case}] {}", o.stdout);
    let p = o.json()["result"].clone();
    assert_eq!(p["validation"]["ok"], false, "[{case}] {p}");
    let msg = p["validation"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("EOrder:Insufficient funds"), "[{case}] the venue's text: {msg}");
    let seen = sim.orders();
    assert_eq!((seen.len(), &seen[1]["accepted"]), (2, &json!(false)), "[{case}] {seen:?}");
    assert!(seen.iter().all(|e| e["detail"].is_null()), "[{case}] never placed: {seen:?}");
    let results = of_kind(&journal(&ws, "kraken"), "preview_result");
    assert_eq!((results.len(), &results[1]["ok"]), (2, &json!(false)), "[{case}] {results:?}");
    assert!(results[1]["message"].as_str().unwrap().contains("Insufficient funds"), "[{case}] {results:?}");

    // Hyperliquid has no validate-only order: the adapter's checks run and nothing is sent.
    let case = "hyperliquid --validate";
    let o = preview(&ws, "hyperliquid", &with(&HL_BUY, &["--validate"]));
    assert_eq!(o.code, 0, "[{case}] {}", o.stdout);
    let v = &o.json()["result"]["validation"];
    assert_eq!(v["ok"], true, "[{case}] {v}");
    assert!(v["message"].as_str().unwrap().contains("no validate-only order"), "[{case}] {v}");
    let results = of_kind(&journal(&ws, "hyperliquid"), "preview_result");
    assert_eq!((results.len(), &results[0]["ok"]), (1, &json!(true)), "[{case}] {results:?}");
    // A price with six significant figures breaks the venue's rule: refused, not rounded.
    let args = ["--symbol", "BTC", "--side", "buy", "--qty", "0.01", "--limit", "60000.5", "--validate"];
    let o = preview(&ws, "hyperliquid", &args);
    assert_eq!(o.code, 2, "[{case}, off-rule price] {}", o.stdout);
    assert!(o.stdout.contains("refused, not rounded"), "[{case}, off-rule price] {}", o.stdout);
    assert!(sim.orders().iter().all(|e| e["venue"] == "kraken"), "[{case}] nothing sent: {:?}", sim.orders());
}

#[test]
fn bad_input_is_exit_2_naming_the_flag_and_journals_nothing() {
    let sim = start_sim();
    let ws = workspace(&sim.url, "main");
    for (venue, known) in [("kraken", "XBTUSD"), ("hyperliquid", "BTC")] {
        let case = format!("{venue} unknown symbol");
        let o = preview(&ws, venue, &with(&["--symbol", "NOPE"], &KRAKEN_BUY[2..]));
        assert_eq!(o.code, 2, "[{case}] {}", o.stdout);
        let v = o.json();
        assert_eq!(v["error"]["field"], "symbol", "[{case}] {v}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains("--symbol") && msg.contains("NOPE") && msg.contains(known), "[{case}] {msg}");

        let bad: [(&str, &[&str]); 3] = [
            ("qty", &["--qty=-1", "--limit", "100"]),
            ("qty", &["--qty", "0", "--limit", "100"]),
            ("limit", &["--qty", "0.01", "--limit=-100"]),
        ];
        for (flag, args) in bad {
            let case = format!("{venue} {args:?}");
            let o = preview(&ws, venue, &with(&["--symbol", known, "--side", "buy"], args));
            assert_eq!(o.code, 2, "[{case}] {}", o.stdout);
            let v = o.json();
            assert_eq!(v["error"]["field"], flag, "[{case}] {v}");
            assert!(v["error"]["message"].as_str().unwrap().contains("must be positive"), "[{case}] {v}");
        }
        // Below the venue's listed minimum, or off its lot: refused here, named by the flag.
        let case = format!("{venue} below the minimum");
        let o = preview(
            &ws,
            venue,
            &with(&["--symbol", known, "--side", "buy"], &["--qty", "0.00001", "--limit", "100"]),
        );
        assert_eq!(o.code, 2, "[{case}] {}", o.stdout);
        assert_eq!(o.json()["error"]["field"], "qty", "[{case}] {}", o.stdout);
        let previews = of_kind(&journal(&ws, venue), "order_preview");
        assert!(previews.is_empty(), "[{venue}] bad input is never journaled: {previews:?}");
    }
    assert!(sim.orders().is_empty(), "{:?}", sim.orders());
}
