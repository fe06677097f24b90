//! `pretrade plan` on a live venue's corridor: the instrument's rules (Kraken AssetPairs,
//! Hyperliquid meta), the account's equity and exposure read from the simulator through the
//! corridor's adapter; `--tick`, `--lot`, `--equity`, `--exposure` ... still win; and a value
//! neither given nor readable names the flag, the corridor and why.

use super::*;

/// The example policy with a kraken/main and a hyperliquid/main corridor.
fn policy(ws: &Ws) {
    let example = quantlab::engine::execution::policy::EXAMPLE;
    let kraken = example.replacen("venue = \"fake\"", "venue = \"kraken\"", 1).replacen(
        "symbols = [\"BTC/USD\", \"ETH/USD\"]",
        "symbols = [\"XBTUSD\", \"XBT/USD\"]",
        1,
    );
    let hl = example.replacen("venue = \"fake\"", "venue = \"hyperliquid\"", 1).replacen(
        "symbols = [\"BTC/USD\", \"ETH/USD\"]",
        "symbols = [\"BTC\"]",
        1,
    );
    // The second corridor: the example's [[corridor]] table and what follows it.
    let table = &hl[hl.find("[[corridor]]").expect("the example has a corridor")..];
    let path =
        quantlab::engine::execution::policy::path(&quantlab::engine::workspace::Workspace::at(ws.path()));
    std::fs::write(ws.path().join(path), format!("{kraken}\n{table}")).unwrap();
}

fn plan(ws: &Ws, venue: &str, cred: Option<&str>, args: &[&str]) -> Out {
    let head = ["pretrade", "plan", "--venue", venue, "--account", "main", "--side", "buy"];
    run(ws.path(), true, cred, &with(&head, args))
}

#[test]
fn a_kraken_plan_takes_the_pairs_rules_and_the_accounts_equity_from_the_venue() {
    let sim = start_sim();
    let ws = workspace(&sim.url, "main");
    policy(&ws);
    let args = ["--symbol", "XBTUSD", "--entry", "60000", "--stop", "59000", "--risk-cash", "5"];
    let o = plan(&ws, "kraken", Some(&credential("kraken")), &args);
    assert_eq!(o.code, 0, "{}", o.both());
    let v = o.json();
    let input = &v["result"]["input"];
    // AssetPairs XXBTZUSD: pair_decimals 1, lot_decimals 8, ordermin 0.0001, costmin 0.5.
    assert_eq!(input["rules"]["tick_size"], "0.1", "{input}");
    assert_eq!(input["rules"]["lot_size"], "0.00000001");
    assert_eq!(input["rules"]["min_size"], "0.0001");
    assert_eq!(input["rules"]["min_notional"], "0.5");
    assert!(input["rules"].get("max_price_sig_figs").is_none(), "Kraken has no figures rule");
    // BalanceEx: ZUSD 100000 and nothing held.
    assert_eq!(input["equity"], "100000");
    assert_eq!(input["current_exposure"], "0");
    let from = &input["from_venue"];
    assert_eq!(from["corridor"], "kraken/main");
    let fields: Vec<&str> = from["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(fields, ["tick", "lot", "min-size", "min-notional", "equity", "exposure"]);
    // 5 of risk over a 1000 stop: 0.005 BTC, floored to Kraken's 1e-8 lot.
    assert_eq!(v["result"]["sizing"]["size"], "0.005");
    assert_eq!(v["result"]["verdict"], "valid", "{v}");
    assert_no_secret("kraken plan", &o.both());

    // The operator's values win, and only the rest is recorded as the venue's.
    let over =
        with(&args, &["--lot", "0.001", "--equity", "5000", "--exposure", "250", "--min-notional", "10"]);
    let v = plan(&ws, "kraken", Some(&credential("kraken")), &over).json();
    let input = &v["result"]["input"];
    assert_eq!(
        (
            &input["rules"]["lot_size"],
            &input["equity"],
            &input["current_exposure"],
            &input["rules"]["min_notional"]
        ),
        (&json!("0.001"), &json!("5000"), &json!("250"), &json!("10"))
    );
    assert_eq!(input["rules"]["tick_size"], "0.1", "the tick still the venue's");
    assert_eq!(input["from_venue"]["fields"], json!(["tick", "min-size"]));

    // Kraken's websocket name finds the pair too.
    let slash = ["--symbol", "XBT/USD", "--entry", "60000", "--stop", "59000", "--risk-cash", "5"];
    let o = plan(&ws, "kraken", Some(&credential("kraken")), &slash);
    assert_eq!(o.code, 0, "{}", o.both());
    assert_eq!(o.json()["result"]["input"]["rules"]["lot_size"], "0.00000001");

    // A symbol the venue does not list is the operator's to fix (exit 2), naming what it lists.
    let o = plan(&ws, "kraken", Some(&credential("kraken")), &with(&["--symbol", "DOGEUSD"], &args[2..]));
    assert_eq!(o.code, 2, "{}", o.both());
    let msg = o.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("--lot") && msg.contains("DOGEUSD") && msg.contains("XBTUSD"), "{msg}");
}

#[test]
fn a_hyperliquid_plan_takes_sz_decimals_and_refuses_a_price_the_venue_would() {
    let sim = start_sim();
    let ws = workspace(&sim.url, "main");
    policy(&ws);
    let perp = ["--symbol", "BTC", "--perp", "--leverage", "2", "--risk-cash", "5"];
    let o = plan(
        &ws,
        "hyperliquid",
        Some(&credential("hyperliquid")),
        &with(&perp, &["--entry", "60001", "--stop", "59001"]),
    );
    assert_eq!(o.code, 0, "{}", o.both());
    let input = &o.json()["result"]["input"];
    // meta: BTC szDecimals 5 -> a lot of 0.00001; prices to 6 - 5 = 1 decimal and 5 figures.
    assert_eq!(input["rules"]["lot_size"], "0.00001", "{input}");
    assert_eq!(input["rules"]["tick_size"], "0.1");
    assert_eq!(input["rules"]["max_price_sig_figs"], 5);
    // clearinghouseState: the account value.
    assert_eq!(input["equity"], "100000");
    assert_eq!(input["current_exposure"], "0");

    // 60000.5 is on the tick, but six figures and not an integer: Hyperliquid would refuse it.
    let o = plan(
        &ws,
        "hyperliquid",
        Some(&credential("hyperliquid")),
        &with(&perp, &["--entry", "60000.5", "--stop", "59000"]),
    );
    assert_eq!(o.code, 2, "{}", o.both());
    let msg = o.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.starts_with("--entry") && msg.contains("significant figures"), "{msg}");
    // Given as an override, the tick rule is the operator's and the figures rule goes with it.
    let mine = with(&perp, &["--entry", "60000.5", "--stop", "59000", "--tick", "0.5"]);
    let o = plan(&ws, "hyperliquid", Some(&credential("hyperliquid")), &mine);
    assert_eq!(o.code, 0, "{}", o.both());
}

#[test]
fn what_the_venue_cannot_tell_names_the_flag_the_corridor_and_why() {
    let args = ["--symbol", "XBTUSD", "--entry", "60000", "--stop", "59000", "--risk-cash", "5"];
    // Nothing listens: the venue's failure (exit 4), and nothing written.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let ws = workspace(&format!("http://127.0.0.1:{port}"), "main");
    policy(&ws);
    let o = plan(&ws, "kraken", Some(&credential("kraken")), &args);
    assert_eq!(o.code, 4, "{}", o.both());
    let msg = o.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.starts_with("--lot: not given") && msg.contains("kraken/main") && msg.contains("give --lot"),
        "{msg}"
    );
    assert!(!ws.path().join("pretrade_sessions").exists(), "no plan written");

    // Every value given: the venue is not asked, so the plan is made offline.
    let offline = with(&args, &["--tick", "0.1", "--lot", "0.0001", "--equity", "10000", "--exposure", "0"]);
    let o = plan(&ws, "kraken", Some(&credential("kraken")), &offline);
    assert_eq!(o.code, 0, "{}", o.both());
    assert!(o.json()["result"]["input"].get("from_venue").is_none());

    // No credential: a setup to fix (exit 2), and it says so.
    let sim = start_sim();
    let ws = workspace(&sim.url, "main");
    policy(&ws);
    let o = plan(&ws, "kraken", None, &args);
    assert_eq!(o.code, 2, "{}", o.both());
    let msg = o.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.starts_with("--lot: not given") && msg.contains("credential"), "{msg}");
}
