//! `runs trades`, `runs equity` and `sweeps grid`: the engine's read models (the ones the
//! console and the HTML report draw) through the command line.

use crate::common::Ws;

fn run(ws: &Ws) -> serde_json::Value {
    let id = ws.import_btc();
    let (code, v) = ws.json(&[
        "run",
        "--data",
        &id,
        "--strategy",
        "sma_cross",
        "--param",
        "fast=20",
        "--param",
        "slow=100",
    ]);
    assert_eq!(code, 0, "{v}");
    v["result"].clone()
}

#[test]
fn trades_are_the_runs_trades_csv_row_for_row_and_the_limit_keeps_the_total() {
    let ws = Ws::new();
    let r = run(&ws);
    let id = r["run_id"].as_str().unwrap();
    let csv =
        std::fs::read_to_string(ws.path().join(r["artifacts"]["trades_csv"].as_str().unwrap())).unwrap();
    let lines: Vec<&str> = csv.lines().collect();

    let (code, all) = ws.json(&["runs", "trades", id]);
    assert_eq!(code, 0, "{all}");
    let all = &all["result"];
    assert_eq!(all["run_id"], id);
    assert_eq!(all["columns"].as_array().unwrap().len(), lines[0].split(',').count());
    let rows = all["rows"].as_array().unwrap();
    assert_eq!(rows.len(), lines.len() - 1);
    assert!(rows.len() > 2, "the test needs a few trades");
    for (row, line) in rows.iter().zip(&lines[1..]) {
        let cells: Vec<&str> = row.as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        assert_eq!(cells.join(","), *line);
    }
    let trades =
        r["metrics"]["trade_count"].as_u64().unwrap() + r["metrics"]["open_trades"].as_u64().unwrap();
    assert_eq!(all["total"].as_u64().unwrap(), trades);

    let (_, two) = ws.json(&["runs", "trades", id, "--limit", "2"]);
    assert_eq!(two["result"]["rows"].as_array().unwrap().len(), 2);
    assert_eq!(two["result"]["total"], all["total"]);
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("quantlab"))
        .args(["--workspace", ws.path().to_str().unwrap(), "runs", "trades", id, "--limit", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("(2 of {trades} trades)")), "{text}");
}

#[test]
fn a_truncated_trade_list_is_refused_by_file_and_line_not_shown_shorter() {
    let ws = Ws::new();
    let r = run(&ws);
    let path = ws.path().join(r["artifacts"]["trades_csv"].as_str().unwrap());
    let csv = std::fs::read_to_string(&path).unwrap();
    let cut = csv.lines().take(3).collect::<Vec<_>>().join("\n") + "\n4,long,2017\n";
    std::fs::write(&path, cut).unwrap();
    let (code, v) = ws.json(&["runs", "trades", r["run_id"].as_str().unwrap()]);
    assert_ne!(code, 0, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("trades.csv: line 4: 3 cells where the header has 13"), "{msg}");
    let (code, _) = ws.json(&["runs", "trades", "run_nonexistent"]);
    assert_eq!(code, 5);
}

#[test]
fn equity_keeps_the_ends_and_the_deepest_drawdown_in_at_most_the_points_asked() {
    let ws = Ws::new();
    let r = run(&ws);
    let (code, v) = ws.json(&["runs", "equity", r["run_id"].as_str().unwrap(), "--points", "50"]);
    assert_eq!(code, 0, "{v}");
    let v = &v["result"];
    let bars = v["bars"].as_u64().unwrap();
    assert_eq!(bars, r["data"]["rows"].as_u64().unwrap());
    for series in ["equity", "drawdown"] {
        let pts = v[series].as_array().unwrap();
        assert!(pts.len() <= 52 && pts.len() > 10, "{series}: {}", pts.len());
        let ts: Vec<i64> = pts.iter().map(|p| p[0].as_i64().unwrap()).collect();
        assert!(ts.windows(2).all(|w| w[0] < w[1]), "{series} times go forward");
    }
    let eq = v["equity"].as_array().unwrap();
    let last = eq.last().unwrap()[1].as_f64().unwrap();
    assert_eq!(last, r["metrics"]["final_equity"].as_f64().unwrap());
    let deepest =
        v["drawdown"].as_array().unwrap().iter().map(|p| p[1].as_f64().unwrap()).fold(0.0, f64::min);
    assert_eq!(-deepest, r["metrics"]["max_drawdown"].as_f64().unwrap().abs());
}

#[test]
fn the_grid_holds_every_point_of_the_sweep_and_its_best_cell_is_rank_one() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (code, sw) = ws.json(&[
        "sweep",
        "--data",
        &id,
        "--strategy",
        "sma_cross",
        "--grid",
        "fast=5:20:5",
        "--grid",
        "slow=50,100",
        "--progress",
        "none",
    ]);
    assert_eq!(code, 0, "{sw}");
    let (code, g) = ws.json(&["sweeps", "grid", sw["result"]["sweep_id"].as_str().unwrap()]);
    assert_eq!(code, 0, "{g}");
    let g = &g["result"];
    assert_eq!((g["y_name"].as_str(), g["x_name"].as_str()), (Some("fast"), Some("slow")));
    assert_eq!(g["ys"], serde_json::json!([5.0, 10.0, 15.0, 20.0]));
    assert_eq!(g["xs"], serde_json::json!([50.0, 100.0]));
    let cells: Vec<f64> = g["cells"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().iter().filter_map(|c| c.as_f64()).collect::<Vec<_>>())
        .collect();
    assert_eq!(cells.len(), 8);
    let ranking = g["ranking"].as_array().unwrap();
    assert_eq!(ranking.len(), sw["result"]["combinations"].as_array().unwrap().len());
    let best = ranking[0]["objective"].as_f64().unwrap();
    assert_eq!(ranking[0]["rank"], 1);
    assert_eq!(cells.iter().copied().fold(f64::MIN, f64::max), best);
}
