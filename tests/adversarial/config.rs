//! Configuration files: the simulator's TOML and the execution policy. Refusals name the file,
//! the line and the key, and are exit 2.

use super::harness::Ws;

#[test]
fn a_missing_sim_config_is_bad_input_naming_the_file() {
    let ws = Ws::new();
    let missing = ws.input_path("nope.toml");
    ws.refused(&["sim", "--config", missing.to_str().unwrap()], 2, &["--config", "nope.toml"]);
}

#[test]
fn sim_state_or_request_log_naming_a_directory_is_bad_input() {
    let ws = Ws::new();
    let dir = ws.input_path("state_dir");
    std::fs::create_dir(&dir).unwrap();
    for field in ["state", "request_log"] {
        let cfg =
            ws.input("sim.toml", format!("{field} = {:?}\n[market]\nseed = 1\n", dir.to_str().unwrap()));
        ws.refused(
            &["sim", "--config", cfg.to_str().unwrap(), "--listen", "127.0.0.1:0"],
            2,
            &["sim.toml", &format!("{field}: "), "is a directory"],
        );
    }
    let cfg = ws.input("typed.toml", "[market]\nseed = \"one\"\n");
    ws.refused(&["sim", "--config", cfg.to_str().unwrap()], 2, &["typed.toml", "line 2, key 'market.seed'"]);
}

/// Malformed policies named the file but not the key (`invalid type: string "4", expected
/// usize`). Each mutation of the example policy must name its line and dotted key.
#[test]
fn malformed_policies_name_the_line_and_the_key() {
    let ws = Ws::new();
    ws.accepted(&["policy", "init"]);
    let path = ws.path().join("execution_policy.toml");
    let good = std::fs::read_to_string(&path).unwrap();
    let line_of = |needle: &str| good.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let cases = [
        ("max_open_orders = 4", "max_open_orders = \"4\"", "corridor.max_open_orders"),
        ("orders_per_minute = 6", "orders_per_minute = -6", "corridor.orders_per_minute"),
        ("approval_ttl_secs = 30", "approval_ttl_secs = \"30s\"", "corridor.approval_ttl_secs"),
        ("max_order_notional = \"1000\"", "max_order_notional = [1000]", "corridor.max_order_notional"),
        ("stage = \"micro\"", "stage = \"huge\"", "corridor.stage"),
        ("max_failures = 3", "max_failures = 3.5", "corridor.breaker.max_failures"),
        ("window_minutes = 10", "window_minutes = true", "corridor.breaker.window_minutes"),
        (
            "clean_reconciliations = 3",
            "clean_reconciliations = \"3\"",
            "corridor.promotion.clean_reconciliations",
        ),
        ("max_clock_skew_ms = 2000", "max_clock_skew_ms = \"2000\"", "corridor.max_clock_skew_ms"),
        ("symbols = [", "symbols = \"BTC/USD\"", "corridor.symbols"),
    ];
    for (from, to, key) in cases {
        let line = line_of(from);
        let text = good.lines().map(|l| if l.starts_with(from) { to.to_string() } else { l.to_string() });
        let text: Vec<String> = text.collect();
        assert_ne!(text.join("\n"), good.trim_end(), "{from} not in the example policy");
        std::fs::write(&path, text.join("\n") + "\n").unwrap();
        ws.refused(&["policy", "show"], 2, &["execution_policy.toml", &format!("line {line}, key '{key}'")]);
    }
}
