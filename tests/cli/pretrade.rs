//! The pre-trade workbench: sizing worked by hand, each policy rule, each impossible plan,
//! determinism, and the CLI's exit codes.

use crate::common;

use common::Ws;
use quantlab::engine::execution::policy::EXAMPLE;
use quantlab::engine::execution::{Side, Venue};
use quantlab::engine::pretrade::{
    EntryKind, Market, PlanInput, PlanProblem, PretradeError, Risk, Rules, Target,
};
use quantlab::engine::venues::fake::FakeVenue;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::{Engine, ErrorKind};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn t(price: &str, share: &str) -> Target {
    Target { price: d(price), share_pct: d(share) }
}

/// Long 100 -> stop 95, targets 110 (50%) and 120 (50%), 10,000 equity, 1% risk, no fees.
fn base() -> PlanInput {
    PlanInput {
        venue: Venue::Fake,
        account: "main".into(),
        symbol: "BTC/USD".into(),
        side: Side::Buy,
        market: Market::Spot,
        entry_kind: EntryKind::Limit,
        entry: d("100"),
        stop: d("95"),
        targets: vec![t("110", "50"), t("120", "50")],
        equity: d("10000"),
        risk: Risk::Pct(d("1")),
        fee_bps: Decimal::ZERO,
        leverage: None,
        maintenance_margin_rate: d("0.005"),
        current_exposure: Decimal::ZERO,
        rules: Rules {
            tick_size: d("0.1"),
            lot_size: d("0.01"),
            min_size: d("0.01"),
            min_notional: d("5"),
            max_price_sig_figs: None,
        },
        from_venue: None,
    }
}

fn engine(ws: &Ws, policy: Option<&str>) -> Engine {
    if let Some(p) = policy {
        std::fs::write(ws.path().join("execution_policy.toml"), p).unwrap();
    }
    Engine::open(Workspace::at(ws.path()))
}

#[test]
fn spot_without_fees_worked_by_hand() {
    let ws = Ws::new();
    let p = engine(&ws, None).pretrade().evaluate(base()).unwrap();
    let s = &p.sizing;
    // budget 100; per unit 5; size 20; notional 2,000; leverage 0.2; loss 100 = 1%.
    assert_eq!((s.risk_budget, s.risk_per_unit, s.size), (d("100"), d("5"), d("20")));
    assert_eq!(
        (s.notional, s.leverage_needed, s.loss_at_stop, s.loss_at_stop_pct),
        (d("2000"), d("0.2"), d("100"), d("1"))
    );
    // 10 units each: +100 at 2R, +200 at 4R; reward/risk 3.
    assert_eq!(
        (s.targets[0].quantity, s.targets[0].pnl, s.targets[0].r_multiple),
        (d("10"), d("100"), d("2"))
    );
    assert_eq!(
        (s.targets[1].quantity, s.targets[1].pnl, s.targets[1].r_multiple),
        (d("10"), d("200"), d("4"))
    );
    assert_eq!(s.reward_risk, Some(d("3")));
    assert_eq!((s.exposure_after_pct, s.liquidation_price), (d("20"), None));
}

#[test]
fn spot_with_fees_worked_by_hand() {
    let ws = Ws::new();
    let p = engine(&ws, None).pretrade().evaluate(PlanInput { fee_bps: d("10"), ..base() }).unwrap();
    let s = &p.sizing;
    // per unit 5 + 0.001 x (100 + 95) = 5.195; 100 / 5.195 = 19.2493 -> 19.24 lots of 0.01.
    assert_eq!((s.risk_per_unit, s.size), (d("5.195"), d("19.24")));
    assert_eq!((s.notional, s.loss_at_stop), (d("1924"), d("99.9518")));
    // Target 110: 9.62 units x (10 - 0.001 x 210 = 9.79) = 94.1798, R 9.79 / 5.195 = 1.8845.
    assert_eq!(
        (s.targets[0].quantity, s.targets[0].pnl, s.targets[0].r_multiple),
        (d("9.62"), d("94.1798"), d("1.8845"))
    );
    // Target 120 closes the rest: 9.62 x (20 - 0.22 = 19.78) = 190.2836, R 3.8075.
    assert_eq!(
        (s.targets[1].quantity, s.targets[1].pnl, s.targets[1].r_multiple),
        (d("9.62"), d("190.2836"), d("3.8075"))
    );
    // 284.4634 / 99.9518 = 2.8460.
    assert_eq!(s.reward_risk, Some(d("2.846")));
}

#[test]
fn perpetual_short_worked_by_hand() {
    let ws = Ws::new();
    let e = engine(&ws, None);
    let short = PlanInput {
        side: Side::Sell,
        market: Market::Perp,
        entry: d("2000"),
        stop: d("2100"),
        targets: vec![t("1800", "100")],
        equity: d("5000"),
        risk: Risk::Cash(d("50")),
        fee_bps: d("5"),
        leverage: Some(d("5")),
        rules: Rules {
            tick_size: d("0.01"),
            lot_size: d("0.001"),
            min_size: d("0.001"),
            min_notional: d("10"),
            max_price_sig_figs: None,
        },
        ..base()
    };
    let s = e.pretrade().evaluate(short.clone()).unwrap().sizing;
    // per unit 100 + 0.0005 x 4,100 = 102.05; 50 / 102.05 = 0.48996 -> 0.489.
    assert_eq!((s.risk_per_unit, s.size, s.notional), (d("102.05"), d("0.489"), d("978")));
    assert_eq!((s.leverage_needed, s.margin, s.loss_at_stop), (d("0.1956"), d("195.6"), d("49.90245")));
    // Liquidation of a 5x short: 2,000 x (1 + 1/5 - 0.005) = 2,390, beyond the stop: no warning.
    assert_eq!(s.liquidation_price, Some(d("2390")));
    // 0.489 x (200 - 0.0005 x 3,800 = 198.1) = 96.8709; R 198.1 / 102.05 = 1.9412.
    assert_eq!((s.targets[0].pnl, s.targets[0].r_multiple), (d("96.8709"), d("1.9412")));
    let p = e.pretrade().evaluate(short.clone()).unwrap();
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    // At 20x the liquidation is 2,000 x 1.045 = 2,090: the stop at 2,100 lies beyond it.
    let p = e.pretrade().evaluate(PlanInput { leverage: Some(d("20")), ..short }).unwrap();
    assert_eq!(p.sizing.liquidation_price, Some(d("2090")));
    assert!(
        p.warnings.iter().any(|w| w.contains("beyond the estimated liquidation price 2090")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn perpetual_long_without_fees_and_its_margin() {
    let ws = Ws::new();
    let e = engine(&ws, None);
    // 1% of 10,000 over a 5 distance: 20 units, 2,000 notional; at 2x, margin 1,000;
    // liquidation 100 x (1 - (0.5 - 0.005)) = 50.5.
    let p = PlanInput { market: Market::Perp, leverage: Some(d("2")), ..base() };
    let s = e.pretrade().evaluate(p.clone()).unwrap().sizing;
    assert_eq!(
        (s.size, s.notional, s.margin, s.liquidation_price),
        (d("20"), d("2000"), d("1000"), Some(d("50.5")))
    );
    // 1x leverage cannot carry 1.5x the equity: margin_covers fails.
    let big = PlanInput { equity: d("1000"), risk: Risk::Cash(d("7.5")), leverage: Some(d("1")), ..p };
    let plan = e.pretrade().evaluate(big).unwrap();
    assert_eq!(plan.sizing.leverage_needed, d("0.15"));
    let tight = PlanInput {
        stop: d("99.5"),
        equity: d("1000"),
        risk: Risk::Cash(d("7.5")),
        market: Market::Perp,
        leverage: Some(d("1")),
        ..base()
    };
    let plan = e.pretrade().evaluate(tight).unwrap();
    // 7.5 / 0.5 = 15 units, 1,500 notional on 1,000 equity: 1.5x needed, 1x given.
    let c = plan.checks.iter().find(|c| c.rule == "margin_covers").unwrap();
    assert!(!c.passed && c.actual == "1" && c.limit.contains("1.5"), "{c:?}");
}

#[test]
fn each_policy_rule_rejects_with_its_limit_and_value() {
    let ws = Ws::new();
    let policy = EXAMPLE.to_string();
    let e = engine(&ws, Some(&policy));
    // Equity 1,000 and 1% risk: 2 units, 200 notional, inside every limit.
    let small = PlanInput { equity: d("1000"), ..base() };
    let ok = e.pretrade().evaluate(small.clone()).unwrap();
    assert!(ok.valid(), "{:?}", ok.checks);
    let cases: Vec<(PlanInput, &str, &str)> = vec![
        (PlanInput { symbol: "SOL/USD".into(), ..small.clone() }, "symbol_allowed", "SOL/USD"),
        (base(), "max_order_notional", "2000"),
        (PlanInput { risk: Risk::Pct(d("3")), ..small.clone() }, "max_risk_per_trade", "3%"),
        (PlanInput { market: Market::Perp, leverage: Some(d("5")), ..small.clone() }, "max_leverage", "5"),
        (PlanInput { rules: Rules { min_size: d("5"), ..small.rules }, ..small.clone() }, "min_size", "2"),
        (
            PlanInput { rules: Rules { min_notional: d("500"), ..small.rules }, ..small.clone() },
            "min_notional",
            "200",
        ),
        (PlanInput { stop: d("99.9"), ..small.clone() }, "spot_funded", "10"),
    ];
    for (input, rule, actual) in cases {
        let p = e.pretrade().evaluate(input).unwrap();
        assert!(!p.valid());
        let c = p.checks.iter().find(|c| c.rule == rule).unwrap();
        assert!(!c.passed, "{rule}: {c:?}");
        assert_eq!(c.actual, actual, "{rule}");
        assert!(!c.limit.is_empty());
    }
    // No policy for the corridor at all.
    let ws2 = Ws::new();
    let p = engine(&ws2, None).pretrade().evaluate(small).unwrap();
    assert!(p.checks.iter().any(|c| c.rule == "policy" && !c.passed));
}

#[test]
fn impossible_plans_name_their_field() {
    let ws = Ws::new();
    let e = engine(&ws, None);
    type Case = (PlanInput, &'static str, fn(&PlanProblem) -> bool);
    let cases: Vec<Case> = vec![
        (PlanInput { stop: d("105"), ..base() }, "stop", |p| {
            matches!(p, PlanProblem::StopPastEntry { long: true, .. })
        }),
        (PlanInput { side: Side::Sell, ..base() }, "stop", |p| {
            matches!(p, PlanProblem::StopPastEntry { long: false, .. })
        }),
        (PlanInput { stop: d("100"), ..base() }, "stop", |p| *p == PlanProblem::StopAtEntry),
        (PlanInput { equity: d("-5"), ..base() }, "equity", |p| *p == PlanProblem::NotPositive(d("-5"))),
        (PlanInput { targets: vec![t("90", "100")], ..base() }, "target", |p| {
            matches!(p, PlanProblem::TargetBehind { .. })
        }),
        (PlanInput { targets: vec![t("110", "60"), t("120", "60")], ..base() }, "target", |p| {
            *p == PlanProblem::SharesOver(d("120"))
        }),
        (PlanInput { risk: Risk::Pct(d("0")), ..base() }, "risk-pct", |p| *p == PlanProblem::RiskPct(d("0"))),
        (PlanInput { risk: Risk::Cash(d("20000")), ..base() }, "risk-cash", |p| {
            matches!(p, PlanProblem::RiskOverEquity { .. })
        }),
        (PlanInput { leverage: Some(d("2")), ..base() }, "leverage", |p| *p == PlanProblem::SpotLeverage),
        (PlanInput { market: Market::Perp, ..base() }, "leverage", |p| *p == PlanProblem::PerpNeedsLeverage),
        (PlanInput { entry: d("100.05"), ..base() }, "entry", |p| matches!(p, PlanProblem::OffTick { .. })),
        (PlanInput { fee_bps: d("-1"), ..base() }, "fee-bps", |p| *p == PlanProblem::Negative(d("-1"))),
        // Hyperliquid's figures rule: 100.1 has 4, so at most 3 refuses it; an integer always passes.
        (
            PlanInput {
                entry: d("100.1"),
                rules: Rules { max_price_sig_figs: Some(3), ..base().rules },
                ..base()
            },
            "entry",
            |p| *p == PlanProblem::SigFigs { price: d("100.1"), max: 3 },
        ),
    ];
    let integer = PlanInput { rules: Rules { max_price_sig_figs: Some(2), ..base().rules }, ..base() };
    e.pretrade().evaluate(integer).expect("integer prices pass the figures rule whatever their digits");
    for (input, want_field, want) in cases {
        let err = e.pretrade().evaluate(input).unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadInput);
        match err.domain() {
            Some(PretradeError::Field { field, problem }) => {
                assert_eq!(*field, want_field, "{err:?}");
                assert!(want(problem), "{want_field}: {problem:?}");
            }
            other => panic!("{want_field}: {other:?}"),
        }
    }
}

/// A long BTC plan on the fake venue (its instrument rules), 1,000 equity, `risk` percent.
fn plan_args(stop: &str, risk: &str) -> Vec<String> {
    [
        "pretrade",
        "plan",
        "--venue",
        "fake",
        "--symbol",
        "BTC/USD",
        "--side",
        "buy",
        "--entry",
        "50000",
        "--stop",
        stop,
        "--target",
        "51000:50",
        "--target",
        "52000:50",
        "--equity",
        "1000",
        "--risk-pct",
        risk,
        "--fee-bps",
        "10",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn the_cli_writes_deterministic_plans_and_drafts_intents() {
    let ws = Ws::new();
    assert_eq!(ws.json(&["policy", "init"]).0, 0);
    let args = plan_args("49500", "0.5");
    let args: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let (code, a) = ws.json(&args);
    assert_eq!(code, 0, "{a}");
    assert_eq!(a["result"]["verdict"], "valid");
    let (code, b) = ws.json(&args);
    assert_eq!(code, 0);
    let (ida, idb) = (a["result"]["id"].as_str().unwrap(), b["result"]["id"].as_str().unwrap());
    assert_ne!(ida, idb);
    // The same inputs give the same bytes, apart from the id and the times (made, and the
    // venue's rules and exposure read).
    let strip = |v: &serde_json::Value| {
        let (id, created) = (v["id"].as_str().unwrap(), v["created_at"].as_str().unwrap());
        let read = v["input"]["from_venue"]["as_of"].as_str().expect("the fake venue gave the rules");
        let dir = ws.path().join("pretrade_sessions").join(id);
        let text = |f: &str| {
            std::fs::read_to_string(dir.join(f))
                .unwrap()
                .replace(id, "ID")
                .replace(created, "T")
                // The same mark: the two times may be the same millisecond.
                .replace(read, "T")
        };
        (text("plan.json"), text("plan.md"))
    };
    assert_eq!(strip(&a["result"]), strip(&b["result"]));
    assert_eq!(
        a["result"]["input"]["from_venue"]["fields"],
        serde_json::json!(["tick", "lot", "min-size", "min-notional", "exposure"]),
        "the equity was given"
    );
    let (_, list) = ws.json(&["pretrade", "list"]);
    assert_eq!(list["result"]["count"], 2);
    let (code, show) = ws.json(&["pretrade", "show", ida]);
    assert_eq!((code, &show["result"]["sizing"]), (0, &a["result"]["sizing"]));

    // A draft intent: pending in the corridor journal, from the plan, never sent.
    let (code, i) = ws.json(&["pretrade", "to-intent", ida]);
    assert_eq!(code, 0, "{i}");
    assert_eq!(
        (i["result"]["source"].as_str(), i["result"]["quantity"].as_str()),
        (Some("plan"), a["result"]["sizing"]["size"].as_str())
    );
    let (_, shown) = ws.json(&["intent", "show", i["result"]["id"].as_str().unwrap()]);
    assert_eq!(shown["result"]["status"], "pending");
    // The plan's stop rides with the entry as an attached stop-loss, an intent of its own.
    assert_eq!(i["result"]["exits"], serde_json::json!({"stop_loss": a["result"]["input"]["stop"]}), "{i}");
    let stop = format!("{}.sl", i["result"]["id"].as_str().unwrap());
    let (code, sl) = ws.json(&["intent", "show", &stop]);
    assert_eq!((code, sl["result"]["intent"]["order_type"].as_str()), (0, Some("stop-market")), "{sl}");
    let venue = ws.path().join("venues/fake/main.json");
    assert!(!venue.exists() || FakeVenue::persistent(venue).unwrap().orders().is_empty());

    // Rejected by the policy: exit 3, still written, and no intent from it.
    let big = plan_args("49500", "2");
    let big: Vec<&str> = big.iter().map(|s| s.as_str()).collect();
    let (code, r) = ws.json(&big);
    assert_eq!(code, 3, "{r}");
    let (code, e) = ws.json(&["pretrade", "to-intent", r["result"]["id"].as_str().unwrap()]);
    assert_eq!(code, 3, "{e}");
    // Without --equity the fake venue reports its own (10,000 cash, nothing held).
    let (_, v) = ws.json(&[
        "pretrade",
        "plan",
        "--venue",
        "fake",
        "--symbol",
        "BTC/USD",
        "--side",
        "buy",
        "--entry",
        "50000",
        "--stop",
        "49500",
        "--risk-pct",
        "0.1",
    ]);
    assert_eq!(v["result"]["input"]["equity"], "10000", "{v}");
    let (code, v) = ws.json(&[
        "pretrade",
        "plan",
        "--venue",
        "kraken",
        "--symbol",
        "BTC/USD",
        "--side",
        "buy",
        "--entry",
        "50000",
        "--stop",
        "49500",
        "--risk-pct",
        "0.1",
        "--tick",
        "0.1",
        "--lot",
        "0.0001",
    ]);
    assert_eq!((code, v["error"]["field"].as_str()), (2, Some("equity")), "{v}");
    // Impossible: exit 2, with the field.
    let bad = plan_args("51000", "0.5");
    let bad: Vec<&str> = bad.iter().map(|s| s.as_str()).collect();
    let (code, v) = ws.json(&bad);
    assert_eq!((code, v["error"]["field"].as_str()), (2, Some("stop")), "{v}");
}
