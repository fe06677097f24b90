//! Delivery runs off the trading path: with the dispatcher's thread stuck on a slow receiver,
//! raising an alert and the kill switch take no longer than without it; and two dispatchers on
//! one workspace deliver each alert once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use quantlab::engine::alerts::codes;
use quantlab::engine::secrets::MemoryStore;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::Engine;

use super::{config, HttpReceiver, SmtpSink};

fn wait_for(what: &str, secs: u64, ok: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !ok() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn hook_only(http: &HttpReceiver, smtp: &SmtpSink) -> String {
    config(http, smtp, "[[route]]\nchannels = [\"hook\"]\n\n[delivery]\ntimeout_seconds = 20\n")
        .replace("auth = \"bearer\"\n\n[channels.phone]", "\n[channels.phone]")
}

#[test]
fn a_slow_channel_never_delays_an_alert_or_the_kill_switch() {
    let http = HttpReceiver::start();
    let smtp = SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notify.toml"), hook_only(&http, &smtp)).unwrap();
    let engine = Engine::with_credentials(Workspace::at(dir.path()), Arc::new(MemoryStore::default()));
    let ws = engine.workspace().clone();
    let _dispatcher = engine.notify().background("test");
    // The dispatcher has started when its lock holder says so.
    wait_for("the dispatcher's first pass", 10, || dir.path().join("notify/state.json").exists());
    http.delay(Duration::from_secs(6));
    quantlab::engine::alerts::raise(&ws, codes::ORDER_REJECTED, "kraken:main", "first").unwrap();
    wait_for("the slow request in flight", 10, || http.arrived() == 1);
    // The dispatcher's thread is now waiting on the receiver.
    let t = Instant::now();
    quantlab::engine::alerts::raise(&ws, codes::ORDER_REJECTED, "kraken:desk", "second").unwrap();
    let raised = t.elapsed();
    let t = Instant::now();
    let report = engine.execution().kill(None, None, "operator kill switch").unwrap();
    let killed = t.elapsed();
    assert!(report.all);
    assert!(raised < Duration::from_millis(500), "raising an alert took {raised:?}");
    assert!(killed < Duration::from_secs(2), "the kill switch took {killed:?}");
    assert_eq!(http.requests().len(), 0, "the slow receiver has not answered yet");
    // Then everything arrives, in order, once.
    http.delay(Duration::ZERO);
    wait_for("all three delivered", 30, || http.at("/hook").len() == 3);
    let codes: Vec<String> =
        http.at("/hook").iter().map(|r| r.json()["alert"]["code"].as_str().unwrap().to_string()).collect();
    assert_eq!(codes, ["ORDER_REJECTED", "ORDER_REJECTED", "KILL_SWITCH"]);
}

#[test]
fn two_dispatchers_on_one_workspace_deliver_each_alert_once() {
    let http = HttpReceiver::start();
    let smtp = SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notify.toml"), hook_only(&http, &smtp)).unwrap();
    let engine = Engine::with_credentials(Workspace::at(dir.path()), Arc::new(MemoryStore::default()));
    let first = engine.notify().background("console");
    let second = engine.notify().background("live:s1");
    wait_for("a first pass", 10, || dir.path().join("notify/state.json").exists());
    let holder = engine.notify().status().unwrap().dispatcher.expect("one delivers");
    for i in 0..5 {
        quantlab::engine::alerts::raise(
            engine.workspace(),
            codes::ORDER_REJECTED,
            &format!("kraken:a{i}"),
            "r",
        )
        .unwrap();
    }
    wait_for("five delivered", 20, || http.at("/hook").len() >= 5);
    // The one holding the lock stops; the other takes over.
    let (stopped, rest) = if holder.by == "console" { (first, second) } else { (second, first) };
    drop(stopped);
    quantlab::engine::alerts::raise(engine.workspace(), codes::ORDER_REJECTED, "kraken:after", "r").unwrap();
    wait_for("the sixth, by the other", 20, || http.at("/hook").len() >= 6);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(http.at("/hook").len(), 6, "each alert once");
    let by: Vec<String> = engine.notify().log(None, None).unwrap().iter().map(|r| r.by.clone()).collect();
    assert_eq!(by.len(), 6);
    assert!(by[0] != holder.by && by[1..].iter().all(|b| *b == holder.by), "{by:?}");
    drop(rest);
}

#[test]
fn without_notify_toml_the_dispatcher_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::with_credentials(Workspace::at(dir.path()), Arc::new(MemoryStore::default()));
    let bg = engine.notify().background("console");
    quantlab::engine::alerts::raise(engine.workspace(), codes::ORDER_REJECTED, "kraken:main", "r").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    drop(bg);
    assert!(!dir.path().join("notify").exists(), "notifications are off: nothing under notify/");
}
