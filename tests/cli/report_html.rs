//! HTML tearsheets: self-contained, and their charts really render in a headless browser.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::Ws;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// `data-rendered="equity:1026x321:6;drawdown:..."` from the DOM after load.
fn rendered(browser: &str, file: &Path) -> Vec<(String, u32, u32, u32)> {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1800",
            "--virtual-time-budget=2000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let attr = dom
        .split("data-rendered=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no data-rendered in DOM"));
    attr.split(';')
        .filter(|s| !s.is_empty())
        .map(|item| {
            let p: Vec<&str> = item.split(':').collect();
            let (w, h) = p[1].split_once('x').unwrap();
            (p[0].to_string(), w.parse().unwrap(), h.parse().unwrap(), p[2].parse().unwrap())
        })
        .collect()
}

#[test]
fn run_and_sweep_tearsheets_render_their_charts() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (_, run) = ws.json(&[
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
    let run_id = run["result"]["run_id"].as_str().unwrap();
    let (code, v) = ws.json(&["report", run_id, "--html"]);
    assert_eq!(code, 0, "{v}");
    let run_file = std::path::PathBuf::from(v["result"]["path"].as_str().unwrap());
    let (_, sw) = ws.json(&[
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
    let sweep_file = ws.path().join("sweep.html");
    let (code, v) = ws.json(&[
        "report",
        sw["result"]["sweep_id"].as_str().unwrap(),
        "--html",
        "--out",
        sweep_file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");

    for f in [&run_file, &sweep_file] {
        let html = std::fs::read_to_string(f).unwrap();
        assert!(
            html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"),
            "{}",
            &html[..40]
        );
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{} reaches for the network",
            f.display()
        );
        assert!(
            !html.contains("<link") && !html.contains("src="),
            "{} loads an external resource",
            f.display()
        );
    }
    let run_html = std::fs::read_to_string(&run_file).unwrap();
    assert!(run_html.contains("data-chart=\"equity\"") && run_html.contains("data-chart=\"drawdown\""));
    assert!(run_html.contains("Monthly") || run_html.contains("MONTHLY") || run_html.contains("monthly"));

    // No skipping without a browser: the charts are drawn by the page's script, and only a
    // browser proves it draws them. CI installs chromium; so must any machine that runs this.
    let browser = chromium().expect("chromium not found: install chromium (`apt-get install chromium`)");
    let charts = rendered(browser, &run_file);
    let names: Vec<&str> = charts.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["equity", "drawdown"]);
    for (name, w, h, n) in &charts {
        assert!(*w > 300 && *h > 80 && *n > 0, "{name} did not render: {w}x{h} with {n} shapes");
    }
    let charts = rendered(browser, &sweep_file);
    assert_eq!(charts.len(), 1);
    assert_eq!(charts[0].0, "heatmap");
    // 4 x 2 cells at least.
    assert!(charts[0].1 > 300 && charts[0].3 >= 8, "{charts:?}");
}

#[test]
fn failed_runs_and_unknown_ids_are_refused() {
    let ws = Ws::new();
    let id = ws.import_btc();
    let (_, v) = ws.json(&["run", "--data", &id, "--strategy", "buy_and_hold", "--start", "2040-01-01"]);
    let msg = v["error"]["message"].as_str().unwrap();
    let run_id = msg.split_whitespace().nth(1).unwrap();
    let (code, _) = ws.json(&["report", run_id, "--html"]);
    assert_eq!(code, 2);
    let (code, _) = ws.json(&["report", "run_20000101T000000Z_00000000", "--html"]);
    assert_eq!(code, 5);
}
