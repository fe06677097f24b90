//! Every built-in strategy is causal: its target at bar t depends only on bars 0..=t.
//! Checked on real data by evaluating prefixes and comparing with the full-series targets.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use quantlab::engine::data::load::load_file;
use quantlab::engine::data::Bars;
use quantlab::engine::strategy::{build, catalogue};

fn aapl() -> Bars {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/AAPL.csv");
    load_file(&p).unwrap().bars.slice(0, 1500)
}

fn small_params(name: &str) -> BTreeMap<String, String> {
    // Short periods so every strategy trades inside the sample.
    let pairs: &[(&str, &str)] = match name {
        "sma_cross" | "ema_cross" => &[("fast", "5"), ("slow", "20")],
        "macd_cross" => &[("fast", "5"), ("slow", "13"), ("signal", "4")],
        "rsi_reversion" => &[("period", "7"), ("lower", "35"), ("upper", "65")],
        "bollinger_reversion" => &[("period", "10"), ("k", "1.5")],
        "donchian_breakout" => &[("period", "10")],
        _ => &[],
    };
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn every_strategy_changes_position_on_real_data() {
    let bars = aapl();
    for s in catalogue().into_iter().filter(|s| s.name != "buy_and_hold") {
        let (strat, _) = build(s.name, &small_params(s.name)).unwrap();
        let t = strat.targets(&bars);
        let changes = t.windows(2).filter(|w| w[0] != w[1]).count();
        assert!(changes >= 5, "{} changed position only {changes} times", s.name);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn targets_on_a_prefix_equal_the_prefix_of_targets(cut in 1usize..1500) {
        let bars = aapl();
        let prefix = bars.slice(0, cut);
        for s in catalogue() {
            let (strat, _) = build(s.name, &small_params(s.name)).unwrap();
            let full = strat.targets(&bars);
            let part = strat.targets(&prefix);
            prop_assert_eq!(&full[..cut], &part[..], "{} looked ahead at cut {}", s.name, cut);
        }
    }
}
