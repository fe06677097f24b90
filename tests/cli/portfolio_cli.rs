//! `quantlab portfolio`: runs combined, indexed like a run, correlation matrix.

use crate::common;

use common::{sample, Ws};

fn run_id(ws: &Ws, file: &str, strategy: &str) -> String {
    let (code, v) = ws.json(&["run", "--data", sample(file).to_str().unwrap(), "--strategy", strategy]);
    assert_eq!(code, 0, "{v}");
    v["result"]["run_id"].as_str().unwrap().to_string()
}

#[test]
fn portfolio_combines_indexes_and_correlates() {
    let ws = Ws::new();
    let a = run_id(&ws, "AAPL.csv", "buy_and_hold");
    let m = run_id(&ws, "MSFT.csv", "buy_and_hold");
    let runs = format!("{a},{m}");
    let (code, v) = ws.json(&["portfolio", "--runs", &runs, "--weights", "3,1", "--rebalance", "none"]);
    assert_eq!(code, 0, "{v}");
    let r = &v["result"]["report"];
    let d = &v["result"]["portfolio"];
    assert!(r["run_id"].as_str().unwrap().starts_with("pf_"));
    assert_eq!(r["config"]["strategy"], "portfolio");
    assert_eq!(d["weights"], serde_json::json!([0.75, 0.25]));
    assert_eq!(d["correlation"][0][0], 1.0);
    let c = d["correlation"][0][1].as_f64().unwrap();
    assert!(c > 0.0 && c < 1.0, "AAPL/MSFT daily returns correlate partly: {c}");
    // Buy-and-hold sleeves with no rebalancing: the portfolio return is the weighted return.
    let ret = |id: &str| {
        let (_, s) = ws.json(&["runs", "show", id]);
        s["result"]["metrics"]["total_return"].as_f64().unwrap()
    };
    let expected = 0.75 * ret(&a) + 0.25 * ret(&m);
    let got = r["metrics"]["total_return"].as_f64().unwrap();
    assert!((got - expected).abs() < 1e-9, "{got} vs {expected}");
    let (_, list) = ws.json(&["runs", "list", "--filter", "strategy=portfolio"]);
    assert_eq!(list["result"]["count"], 1);
    // Monthly rebalancing gives a different path.
    let (code, mv) = ws.json(&["portfolio", "--runs", &runs, "--weights", "3,1", "--rebalance", "monthly"]);
    assert_eq!(code, 0);
    assert_ne!(mv["result"]["report"]["metrics"]["total_return"], r["metrics"]["total_return"]);
}

#[test]
fn bad_portfolios_are_refused() {
    let ws = Ws::new();
    let a = run_id(&ws, "AAPL.csv", "buy_and_hold");
    let m = run_id(&ws, "MSFT.csv", "buy_and_hold");
    let cases: [(Vec<String>, i32, &str); 4] = [
        (vec!["--runs".into(), a.clone()], 2, "at least two"),
        (vec!["--runs".into(), format!("{a},{m}"), "--weights".into(), "1".into()], 2, "--weights"),
        (vec!["--runs".into(), format!("{a},{m}"), "--weights".into(), "1,-1".into()], 2, "--weights"),
        (vec!["--runs".into(), format!("{a},run_20000101T000000Z_00000000")], 5, "no run"),
    ];
    for (extra, code, needle) in cases {
        let mut args = vec!["portfolio".to_string()];
        args.extend(extra);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (got, v) = ws.json(&refs);
        assert_eq!(got, code, "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(needle), "{needle}: {v}");
    }
}
