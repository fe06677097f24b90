//! A replay as fast as possible commits its bars as a group (every 250 ms), not one by one. A
//! crash between two commits loses what the runner had buffered; the resume starts again from
//! the last commit and ends with exactly the artifacts of a session never interrupted.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{fixture, Ws};
use quantlab::engine::data::Bars;
use quantlab::engine::error::Result;
use quantlab::engine::paper::feed::{Feed, FeedEvent, FeedSpec, ReplayFeed};
use quantlab::engine::paper::{self, runner, StartRequest, Status};
use quantlab::engine::workspace::Workspace;
use quantlab::engine::VenueRuntime;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// The replay feed as fast as possible, which waits once (so a commit falls mid-session) and
/// copies the whole workspace at one bar: the files exactly as a crash at that moment would
/// leave them, nothing of what the runner holds in memory.
struct CrashCopy {
    inner: ReplayFeed,
    delivered: usize,
    wait_before: usize,
    copy_before: usize,
    workspace: PathBuf,
    copy_to: PathBuf,
}

impl Feed for CrashCopy {
    fn bars(&self) -> &Bars {
        self.inner.bars()
    }
    fn poll(&mut self, now: i64) -> Result<FeedEvent> {
        if self.delivered == self.wait_before {
            std::thread::sleep(Duration::from_millis(runner::COMMIT_EVERY_MS as u64 + 100));
        }
        if self.delivered == self.copy_before {
            copy_dir(&self.workspace, &self.copy_to);
        }
        let e = self.inner.poll(now)?;
        if matches!(e, FeedEvent::Bar { .. }) {
            self.delivered += 1;
        }
        Ok(e)
    }
    fn interval_ms(&self) -> i64 {
        self.inner.interval_ms()
    }
    fn cadence_ms(&self) -> i64 {
        self.inner.cadence_ms()
    }
    fn weekend_bars(&self) -> bool {
        self.inner.weekend_bars()
    }
    fn symbol(&self) -> &str {
        self.inner.symbol()
    }
}

fn lines(dir: &Path, file: &str) -> Vec<String> {
    std::fs::read_to_string(dir.join(file)).unwrap_or_default().lines().map(str::to_string).collect()
}

#[test]
fn a_crash_between_group_commits_resumes_to_the_artifacts_of_an_uninterrupted_session() {
    let ws = Ws::new();
    ws.import(&fixture("BTCUSD_1h_head.csv"), "BTCUSD", "1h");
    let engine_ws = Workspace::at(ws.path());
    let rt = VenueRuntime::new();
    let req = StartRequest {
        strategy: "sma_cross".into(),
        params: [("fast", "3"), ("slow", "9")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into_iter()
            .collect(),
        feed: "replay:BTCUSD:1h".into(),
        from: None,
        backtest: quantlab::engine::backtest::BacktestConfig { fee_bps: 10.0, ..Default::default() },
        max_drawdown_pct: None,
        name: Some("crashy".into()),
        signal_out: None,
    };
    let s = paper::create(&engine_ws, &rt, &req).unwrap();
    let (inner, _) = ReplayFeed::open(&engine_ws, &FeedSpec::parse(&req.feed).unwrap(), None, 0).unwrap();
    let crashed = tempfile::tempdir().unwrap();
    let feed = CrashCopy {
        inner,
        delivered: 0,
        wait_before: 80,
        copy_before: 150,
        workspace: ws.path().to_path_buf(),
        copy_to: crashed.path().to_path_buf(),
    };
    let (strat, _) = quantlab::engine::strategy::build(&s.config.strategy, &s.config.params).unwrap();
    let snap = runner::load_snapshot(&engine_ws, &s.id, &s.config.backtest);
    let done = runner::run(&engine_ws, &s.id, strat, Box::new(feed), snap).unwrap();
    assert_eq!(done.status, Status::Completed);
    let whole = ws.path().join("paper_sessions/crashy");
    assert!(lines(&whole, "orders.jsonl").len() > 10, "the strategy must trade");

    // What the crash left: a snapshot from the commit after the wait (bar 80 or a later one
    // before 149), and none of the bars since (they were buffered, not written).
    let left = crashed.path().join("paper_sessions/crashy");
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(left.join("state.json")).unwrap()).unwrap();
    let last = state["last_bar"].as_u64().expect("a commit happened") as usize;
    assert!((80..149).contains(&last), "the snapshot is of bar {last}: bars after it were still to commit");
    assert_eq!(lines(&left, "equity.csv").len(), last + 2, "a header and one line per committed bar");
    // A crash in the middle of a write can leave a torn last line: the resume drops it.
    for (file, torn) in [("orders.jsonl", "{\"bar\":15"), ("fills.jsonl", "{\"ba"), ("equity.csv", "15")] {
        use std::io::Write;
        std::fs::OpenOptions::new()
            .append(true)
            .open(left.join(file))
            .unwrap()
            .write_all(torn.as_bytes())
            .unwrap();
    }

    let crashed_ws = Workspace::at(crashed.path());
    assert_eq!(paper::status(&crashed_ws, "crashy").unwrap().status, Status::Aborted);
    let resumed = paper::run(&crashed_ws, &rt, "crashy").unwrap();
    assert_eq!(resumed.status, Status::Completed);
    for f in ["trades.csv", "orders.jsonl", "fills.jsonl", "equity.csv"] {
        assert_eq!(lines(&left, f), lines(&whole, f), "{f} differs after the crash and resume");
    }
    assert_eq!((resumed.bars_processed, resumed.trades), (done.bars_processed, done.trades));
}
