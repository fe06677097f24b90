//! Paper sessions: parity with the backtest, every lifecycle transition, an abort by killing
//! the process and a clean resume, and each alert provoked on purpose.

use crate::common;

use std::time::{Duration, Instant};

use common::{fixture, sample, Ws};
use quantlab::engine::alerts;
use quantlab::engine::data::Bars;
use quantlab::engine::error::Result;
use quantlab::engine::paper::feed::{Feed, FeedEvent};
use quantlab::engine::paper::{self, runner, StartRequest, Status};
use quantlab::engine::strategy::{Inputs, Key, Strategy, Target};
use quantlab::engine::workspace::Workspace;

fn import(ws: &Ws, file: &std::path::Path, symbol: &str, tf: &str) {
    let (code, v) =
        ws.json(&["data", "import", file.to_str().unwrap(), "--symbol", symbol, "--timeframe", tf]);
    assert_eq!(code, 0, "{v}");
}

fn trades(path: &std::path::Path) -> Vec<String> {
    // Every column but the last (the open flag is the same; keep the list readable on failure).
    std::fs::read_to_string(path).unwrap().lines().map(str::to_string).collect()
}

/// As fast as possible, a replay gives exactly the backtest's trades, for both fill modes,
/// long-only and long-short, with fees and slippage.
#[test]
fn a_replay_gives_exactly_the_backtests_trades() {
    let ws = Ws::new();
    import(&ws, &fixture("BTCUSD_1h_head.csv"), "BTCUSD", "1h");
    import(&ws, &sample("GOOG.csv"), "GOOG", "1d");
    for (data, extra) in [
        ("BTCUSD:1h", vec!["--fee-bps", "10", "--close-at-end"]),
        ("BTCUSD:1h", vec!["--fee-bps", "5", "--slippage-bps", "3", "--allow-short", "--fill", "close"]),
        ("GOOG:1d", vec!["--fee-bps", "2", "--allow-short", "--sizing", "fraction:0.5", "--whole-units"]),
    ] {
        let common = ["--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=20"];
        let mut run: Vec<&str> = vec!["run", "--data", data];
        run.extend(common);
        run.extend(extra.iter());
        let (code, r) = ws.json(&run);
        assert_eq!(code, 0, "{r}");
        let feed = format!("replay:{data}");
        let mut start: Vec<&str> = vec!["paper", "start", "--feed", &feed, "--foreground"];
        start.extend(common);
        start.extend(extra.iter());
        let (code, p) = ws.json(&start);
        assert_eq!(code, 0, "{p}");
        assert_eq!(p["result"]["status"], "completed");
        let id = p["result"]["id"].as_str().unwrap();
        let ours = trades(&ws.path().join("paper_sessions").join(id).join("trades.csv"));
        let theirs = trades(&ws.path().join(r["result"]["artifacts"]["trades_csv"].as_str().unwrap()));
        assert!(ours.len() > 2, "{data} {extra:?}: too few trades to prove anything");
        assert_eq!(ours, theirs, "{data} {extra:?}");
        let equity =
            std::fs::read_to_string(ws.path().join("paper_sessions").join(id).join("equity.csv")).unwrap();
        assert_eq!(equity.lines().count() as u64 - 1, r["result"]["metrics"]["bars"].as_u64().unwrap());
    }
}

#[test]
fn every_lifecycle_transition() {
    let ws = Ws::new();
    import(&ws, &fixture("BTCUSD_1h_head.csv"), "BTCUSD", "1h");
    // 1h bars at 120,000x: one bar every 30 ms, 200 bars in 6 s.
    let (code, v) = ws.json(&[
        "paper",
        "start",
        "--strategy",
        "sma_cross",
        "--feed",
        "replay:BTCUSD:1h@120000",
        "--name",
        "life",
        "--signal-out",
        ws.path().join("signals.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["status"], "running");
    let (code, _) = ws.json(&[
        "paper",
        "start",
        "--strategy",
        "sma_cross",
        "--feed",
        "replay:BTCUSD:1h",
        "--name",
        "life",
    ]);
    assert_eq!(code, 2, "names are unique");
    ws.wait_status("paper", "life", "some bars", |s| s["bars_processed"].as_u64().unwrap_or(0) > 5);
    assert_eq!(ws.json(&["paper", "pause", "life"]).0, 0);
    let paused = ws.wait_status("paper", "life", "paused", |s| s["status"] == "paused");
    std::thread::sleep(Duration::from_millis(200));
    let (_, still) = ws.json(&["paper", "status", "life"]);
    assert_eq!(still["result"]["bars_processed"], paused["bars_processed"], "no bars while paused");
    assert_eq!(ws.json(&["paper", "resume", "life"]).0, 0);
    ws.wait_status("paper", "life", "running again", |s| {
        s["status"] == "running" && s["bars_processed"].as_u64() > paused["bars_processed"].as_u64()
    });
    assert_eq!(ws.json(&["paper", "stop", "life"]).0, 0);
    let stopped = ws.wait_status("paper", "life", "stopped", |s| s["status"] == "stopped");
    assert!(stopped["reason"].as_str().unwrap().contains("operator"));
    assert!(ws.path().join("paper_sessions/life/trades.csv").exists());
    // Terminal: nothing more.
    assert_eq!(ws.json(&["paper", "resume", "life"]).0, 2);
    assert_eq!(ws.json(&["paper", "stop", "life"]).0, 2);
    // The index and the signals.
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path().join("paper_sessions/index.json")).unwrap()).unwrap();
    assert_eq!(index["sessions"][0]["status"], "stopped");
    let signals = std::fs::read_to_string(ws.path().join("signals.jsonl")).unwrap_or_default();
    for l in signals.lines() {
        let s: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(
            (s["schema"].as_str(), s["session"].as_str()),
            (Some("quantlab.paper_signal"), Some("life"))
        );
    }
    // A session that runs out of bars completes.
    let (_, done) =
        ws.json(&["paper", "start", "--strategy", "sma_cross", "--feed", "replay:BTCUSD:1h", "--foreground"]);
    assert_eq!(done["result"]["status"], "completed");
    let (_, list) = ws.json(&["paper", "list"]);
    assert_eq!(list["result"]["count"], 2);
}

/// Kill the runner mid-session: the next command marks it aborted (with an alert), and a resume
/// continues from the last persisted bar to the same trades as an uninterrupted session, with
/// no order or fill duplicated.
#[test]
fn a_killed_session_is_aborted_then_resumes_cleanly() {
    let ws = Ws::new();
    import(&ws, &fixture("BTCUSD_1h_head.csv"), "BTCUSD", "1h");
    let (code, v) = ws.paper_start("replay:BTCUSD:1h@90000", &["--fee-bps", "10", "--name", "victim"]);
    assert_eq!(code, 0, "{v}");
    let s = ws.wait_status("paper", "victim", "30 bars", |s| s["bars_processed"].as_u64().unwrap_or(0) > 30);
    let pid = s["pid"].as_u64().unwrap();
    let killed = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(200));
    let (_, v) = ws.json(&["paper", "status", "victim"]);
    assert_eq!(v["result"]["status"], "aborted", "{v}");
    assert!(v["result"]["reason"].as_str().unwrap().contains("paper resume"));
    let (_, a) = ws.json(&["alerts", "list"]);
    assert!(a["result"]["alerts"].as_array().unwrap().iter().any(|x| x["code"] == "PAPER_SESSION_ABORTED"));
    let (code, v) = ws.json(&["paper", "resume", "victim", "--foreground"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["status"], "completed");

    let (_, clean) = ws.json(&[
        "paper",
        "start",
        "--strategy",
        "sma_cross",
        "--param",
        "fast=5",
        "--param",
        "slow=20",
        "--fee-bps",
        "10",
        "--feed",
        "replay:BTCUSD:1h",
        "--name",
        "clean",
        "--foreground",
    ]);
    assert_eq!(clean["result"]["status"], "completed");
    let dir = |n: &str| ws.path().join("paper_sessions").join(n);
    for f in ["trades.csv", "fills.jsonl", "orders.jsonl", "equity.csv"] {
        let a = std::fs::read_to_string(dir("victim").join(f)).unwrap();
        let b = std::fs::read_to_string(dir("clean").join(f)).unwrap();
        assert_eq!(a, b, "{f} differs after the abort and resume");
    }
}

/// A feed that misbehaves on purpose: bars with a hole in them, then silence.
struct Unreliable {
    all: Bars,
    known: Bars,
    next: usize,
    stall_after: usize,
    stalled_since: Option<i64>,
}

impl Feed for Unreliable {
    fn bars(&self) -> &Bars {
        &self.known
    }
    fn poll(&mut self, now: i64) -> Result<FeedEvent> {
        if self.next >= self.stall_after {
            // Silent for 300 ms, then the feed ends.
            let since = *self.stalled_since.get_or_insert(now);
            return Ok(if now - since > 300 { FeedEvent::End } else { FeedEvent::Idle });
        }
        let i = self.next;
        let a = &self.all;
        self.known.push(a.ts[i], a.open[i], a.high[i], a.low[i], a.close[i], a.volume[i]);
        self.next += 1;
        Ok(FeedEvent::Bar { index: i, last: false })
    }
    fn interval_ms(&self) -> i64 {
        3_600_000
    }
    fn cadence_ms(&self) -> i64 {
        20
    }
    fn weekend_bars(&self) -> bool {
        true
    }
    fn symbol(&self) -> &str {
        "TEST"
    }
}

fn hourly(n: usize, hole_at: usize) -> Bars {
    let mut b = Bars::default();
    for i in 0..n {
        let skip = if i >= hole_at { 5 } else { 0 };
        let p = 100.0 + (i as f64 * 0.7).sin() * 5.0;
        b.push((i + skip) as i64 * 3_600_000, p, p + 1.0, p - 1.0, p, 1.0);
    }
    b
}

/// A strategy that fails on purpose at bar 15.
struct Faulty;

impl Strategy for Faulty {
    fn name(&self) -> &'static str {
        "faulty"
    }
    fn needs(&self) -> Vec<Key> {
        Vec::new()
    }
    fn decide(&self, bars: &Bars, _: &Inputs) -> Vec<Target> {
        assert!(bars.len() < 15, "deliberate failure");
        vec![1; bars.len()]
    }
}

fn session(ws: &Workspace, name: &str, max_dd: Option<f64>) -> paper::Session {
    paper::create(
        ws,
        &quantlab::engine::VenueRuntime::new(),
        &StartRequest {
            strategy: "sma_cross".into(),
            params: [("fast".to_string(), "2".to_string()), ("slow".to_string(), "4".to_string())]
                .into_iter()
                .collect(),
            feed: "replay:TEST:1h".into(),
            from: None,
            backtest: Default::default(),
            max_drawdown_pct: max_dd,
            name: Some(name.into()),
            signal_out: None,
        },
    )
    .unwrap()
}

#[test]
fn each_alert_from_a_feed_or_strategy_that_misbehaves() {
    let dir = Ws::new();
    // A dataset named TEST so sessions can be created the ordinary way.
    let csv = dir.path().join("test.csv");
    let mut text = String::from("timestamp,open,high,low,close,volume\n");
    let b = hourly(60, 1_000);
    for i in 0..b.len() {
        text.push_str(&format!(
            "{},{},{},{},{},1\n",
            b.ts[i] / 1000 + 1_600_000_000,
            b.open[i],
            b.high[i],
            b.low[i],
            b.close[i]
        ));
    }
    std::fs::write(&csv, text).unwrap();
    import(&dir, &csv, "TEST", "1h");
    let ws = Workspace::at(dir.path());
    let codes = |ws: &Workspace| -> Vec<String> {
        alerts::list(ws).unwrap().into_iter().map(|a| a.alert.code).collect()
    };

    // A hole in the data, then a stalled feed.
    let s = session(&ws, "gappy", None);
    let feed = Unreliable {
        all: hourly(40, 20),
        known: Bars::default(),
        next: 0,
        stall_after: 30,
        stalled_since: None,
    };
    let (strat, _) = quantlab::engine::strategy::build("sma_cross", &s.config.params).unwrap();
    let snap = runner::load_snapshot(&ws, &s.id, &s.config.backtest);
    let out = runner::run(&ws, &s.id, strat, Box::new(feed), snap).unwrap();
    assert_eq!(out.status, Status::Completed);
    let c = codes(&ws);
    assert!(c.contains(&"PAPER_DATA_GAP".to_string()), "{c:?}");
    assert!(c.contains(&"PAPER_STALE_FEED".to_string()), "{c:?}");

    // A strategy that panics: the session fails, with its reason and two alerts.
    let s = session(&ws, "faulty", None);
    let feed = Unreliable {
        all: hourly(40, 1_000),
        known: Bars::default(),
        next: 0,
        stall_after: 40,
        stalled_since: None,
    };
    let snap = runner::load_snapshot(&ws, &s.id, &s.config.backtest);
    let out = runner::run(&ws, &s.id, Box::new(Faulty), Box::new(feed), snap).unwrap();
    assert_eq!(out.status, Status::Failed);
    assert!(out.reason.as_deref().unwrap().contains("deliberate failure"), "{:?}", out.reason);
    let c = codes(&ws);
    assert!(
        c.contains(&"PAPER_STRATEGY_ERROR".to_string()) && c.contains(&"PAPER_SESSION_FAILED".to_string()),
        "{c:?}"
    );

    // A drawdown limit of 0.01%: the first losing bar pauses the session; it is then stopped.
    let s = session(&ws, "fragile", Some(0.01));
    let id = s.id.clone();
    let wsc = ws.clone();
    let h = std::thread::spawn(move || paper::run(&wsc, &quantlab::engine::VenueRuntime::new(), &id));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let st = paper::session::load(&ws, &s.id).unwrap();
        if st.status == Status::Paused {
            assert!(st.reason.unwrap().contains("drawdown"));
            break;
        }
        assert!(Instant::now() < deadline, "never paused: {:?}", st.status);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(codes(&ws).contains(&"PAPER_DRAWDOWN_LIMIT".to_string()));
    paper::stop(&ws, &s.id).unwrap();
    let out = h.join().unwrap().unwrap();
    assert_eq!(out.status, Status::Stopped);
}

/// A session whose runner is still being launched is not taken for dead (a console polling
/// every 2 s would otherwise abort it); one left `created` past the launch window is.
#[test]
fn a_session_being_launched_is_not_marked_aborted() {
    let dir = Ws::new();
    import(&dir, &fixture("BTCUSD_1h_head.csv"), "TEST", "1h");
    let ws = Workspace::at(dir.path());
    let s = session(&ws, "launching", None);
    assert!(paper::mark_dead(&ws).unwrap().is_empty());
    assert_eq!(paper::status(&ws, &s.id).unwrap().status, Status::Created);
    let mut old = paper::session::load(&ws, &s.id).unwrap();
    old.created_at = "2026-01-01T00:00:00.000Z".into();
    old.save(&ws).unwrap();
    assert_eq!(paper::mark_dead(&ws).unwrap(), vec![s.id.clone()]);
    assert_eq!(paper::status(&ws, &s.id).unwrap().status, Status::Aborted);
}

/// A runner told to stop by a signal (a service manager's SIGTERM) stops in order: status
/// stopped with the signal as its reason, artifacts complete, never aborted.
#[cfg(unix)]
#[test]
fn sigterm_stops_a_runner_in_order() {
    let ws = Ws::new();
    import(&ws, &fixture("BTCUSD_1h_head.csv"), "TEST", "1h");
    let (code, v) = ws.paper_start("replay:TEST:1h@3600", &["--name", "signalled"]);
    assert_eq!(code, 0, "{v}");
    let pid = v["result"]["pid"].as_u64().expect("a runner pid") as i32;
    ws.wait_status("paper", "signalled", "a few bars", |s| s["bars_processed"].as_u64().unwrap_or(0) >= 2);
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let s = ws.wait_status("paper", "signalled", "stopped", |s| s["status"] == "stopped");
    assert_eq!(s["reason"], "stopped by SIGTERM");
    assert!(ws.path().join("paper_sessions/signalled/trades.csv").exists());
    let (_, list) = ws.json(&["paper", "list"]);
    assert_eq!(list["result"]["sessions"][0]["status"], "stopped", "not aborted later");
}
