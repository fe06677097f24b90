//! The Live tab driven through messages: live sessions on the fake venue, run in this process on
//! bars the test releases one by one, listed with their state, the venue's position against the
//! desired one (unknown until read, never 0), the last signal and the intent waiting for the
//! keypress; the intent approved in the Corridors tab shows as filled; and the keys pause,
//! resume and stop a session (a stop after its confirm), a refused resume said in the status bar.

use crate::common;
use crate::common::console;
use crate::common::promotion;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Ws;
use console::{snapshot, Harness};
use crossterm::event::KeyCode;
use quantlab::engine::data::Bars;
use quantlab::engine::execution::Venue;
use quantlab::engine::live::{LiveError, LiveSession, LiveStartRequest, PausedBy};
use quantlab::engine::paper::{Feed, FeedEvent, Status};
use quantlab::engine::workspace::Workspace;
use quantlab::engine::{Engine, ErrorKind, Result};
use quantlab::tui::app::Confirm;
use quantlab::tui::panes::order_confirm::DWELL;
use quantlab::tui::screens::live::LiveScreen;

const HOUR: i64 = 3_600_000;

/// A fall, then a rise: sma_cross 2/4 wants to be long from bar 6 on.
const CLOSES: [f64; 9] = [12.0, 11.0, 10.0, 9.0, 8.0, 10.0, 13.0, 15.0, 15.0];

/// Bars the test lets through one gate at a time; between them the feed is idle, so the runner
/// keeps running (and reads its control file) until the test ends the feed.
struct Gated {
    known: Bars,
    open: Arc<AtomicUsize>,
    end: Arc<AtomicBool>,
}

impl Feed for Gated {
    fn bars(&self) -> &Bars {
        &self.known
    }
    fn poll(&mut self, _now_ms: i64) -> Result<FeedEvent> {
        let t = self.known.len();
        if self.end.load(Ordering::SeqCst) {
            return Ok(FeedEvent::End);
        }
        if t >= CLOSES.len().min(self.open.load(Ordering::SeqCst)) {
            return Ok(FeedEvent::Idle);
        }
        let c = CLOSES[t];
        self.known.push(1_700_000_000_000 + t as i64 * HOUR, c, c, c, c, 1.0);
        Ok(FeedEvent::Bar { index: t, last: false })
    }
    fn interval_ms(&self) -> i64 {
        HOUR
    }
    fn cadence_ms(&self) -> i64 {
        200
    }
    fn weekend_bars(&self) -> bool {
        true
    }
    fn symbol(&self) -> &str {
        "BTC/USD"
    }
}

/// A session's runner on a thread of its own, and the gate of its feed.
struct Runner {
    open: Arc<AtomicUsize>,
    end: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<Result<LiveSession>>>,
}

impl Runner {
    fn start(engine: &Engine, id: &str) -> Runner {
        let (open, end) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
        let feed = Gated { known: Bars::default(), open: open.clone(), end: end.clone() };
        let (engine, id) = (engine.clone(), id.to_string());
        let thread = std::thread::spawn(move || engine.live().run_on(&id, Box::new(feed)));
        Runner { open, end, thread: Some(thread) }
    }

    /// Let the feed deliver its first `n` bars.
    fn release(&self, n: usize) {
        self.open.store(n, Ordering::SeqCst);
    }

    /// How the runner ended (the feed is ended first, so it does end).
    fn join(mut self) -> Result<LiveSession> {
        self.end.store(true, Ordering::SeqCst);
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        self.end.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A workspace with the example policy and a tiny BTC/USD hourly dataset that names the
/// rehearsal's feed (the bars themselves come from the test).
fn setup() -> (Ws, Engine) {
    let ws = Ws::new();
    let (code, v) = ws.json(&["policy", "init"]);
    assert_eq!(code, 0, "{v}");
    let csv = ws.path().join("btc.csv");
    let mut text = String::from("time,open,high,low,close,volume\n");
    for i in 0..10 {
        text.push_str(&format!("2024-01-01T{i:02}:00:00Z,1,1,1,1,1\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let engine = Engine::open(Workspace::at(ws.path()));
    engine.data().import(&csv, "BTC/USD", "1h").unwrap();
    // Sessions start only for a promoted candidate: made by a sweep, promoted to paper (what the
    // fake venue needs) by the typed confirmation, signed with a key this test keeps in memory.
    promotion::write_relaxed_gates(ws.path());
    promote(&ws);
    (ws, engine)
}

/// An engine on `ws` whose operator key is kept in memory (one store for every test, as one
/// keyring for the operator: a workspace that trusts a key finds it again).
fn signer(ws: &Ws) -> Engine {
    static STORE: std::sync::OnceLock<std::sync::Arc<quantlab::engine::secrets::MemoryStore>> =
        std::sync::OnceLock::new();
    Engine::with_credentials(Workspace::at(ws.path()), STORE.get_or_init(Default::default).clone())
}

/// The sessions' candidate made by research (a sweep) and promoted (again) to paper on the fake
/// venue by the typed confirmation. The promotion stands on its signed decision; the sweep goes
/// afterwards, so the tab bar (whose counts would shorten its titles) draws as the snapshots
/// have it.
fn promote(ws: &Ws) {
    promotion::sweep(&signer(ws), "BTC/USD:1h", "sma_cross", &["fast=2", "slow=4"]);
    let params = [("fast".to_string(), "2".to_string()), ("slow".to_string(), "4".to_string())].into();
    let id = quantlab::engine::promotion::Candidate::new("sma_cross", &params, "BTC/USD", "1h").unwrap().id;
    let fake = quantlab::engine::execution::CorridorId::new(Venue::Fake, "main").unwrap();
    promotion::promote_to(&signer(ws), &id, Some(&fake), quantlab::engine::promotion::Stage::Paper);
    std::fs::remove_dir_all(ws.path().join("sweeps")).unwrap();
}

fn create(engine: &Engine, name: &str) -> LiveSession {
    let req = LiveStartRequest {
        strategy: "sma_cross".into(),
        params: [("fast".to_string(), "2".to_string()), ("slow".to_string(), "4".to_string())].into(),
        feed: "replay:BTC/USD:1h".into(),
        venue: Some(Venue::Fake),
        symbol: Some("BTC/USD".into()),
        sizing: "notional:500".into(),
        // Capped at the example policy's approval_ttl_secs, 30 s.
        intent_ttl: Some("10m".into()),
        name: Some(name.into()),
        ..LiveStartRequest::default()
    };
    engine.live().create(&req).unwrap()
}

/// Tick the console until the Live tab shows session `id` as `want` would have it.
fn wait_for(h: &mut Harness, id: &str, what: &str, want: impl Fn(&LiveSession) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        h.tick();
        let now = h.tab::<LiveScreen>().sessions.iter().find(|s| s.id == id).cloned();
        if now.as_ref().is_some_and(&want) {
            return;
        }
        assert!(Instant::now() < deadline, "{id} never {what}: {now:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The table row of session `id` (the first line that names it).
fn row<'a>(screen: &'a str, id: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(&format!("│{id} ")))
        .unwrap_or_else(|| panic!("no row {id}:\n{screen}"))
}

/// What session `id`'s row shows under the column titled `col`.
fn cell(screen: &str, id: &str, col: &str) -> String {
    let header = screen.lines().find(|l| l.contains("│session ")).expect("the table's header");
    let at = header.find(col).unwrap_or_else(|| panic!("no column {col}: {header}"));
    let at = header[..at].chars().count();
    row(screen, id).chars().skip(at).collect::<String>().split("  ").next().unwrap().trim().to_string()
}

#[test]
fn a_session_shows_its_state_position_signal_and_the_intent_waiting_for_the_keypress() {
    let (ws, engine) = setup();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('8'));
    assert_eq!(h.app.tab_title(), "Live");
    let s = h.screen(120, 40);
    assert!(s.contains("8 Live") && s.contains("9 Promo") && s.contains("10 About"), "{s}");
    assert!(s.contains("no live sessions"), "{s}");
    h.key(KeyCode::Char('p'));
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(is_err && msg.contains("no live session selected"), "{msg}");

    // Created, never run: its position is unknown, never 0.
    create(&engine, "s1");
    h.tick();
    let s = h.screen(120, 40);
    assert_eq!(cell(&s, "s1", "status"), "○ created");
    assert_eq!(cell(&s, "s1", "position"), "unknown", "{s}");
    assert_eq!(cell(&s, "s1", "desired"), "0");
    assert!(s.contains("position    unknown (read on the session's first bar) · desired 0"), "{s}");
    assert!(s.contains("last signal none yet") && s.contains("pending     no intent waiting"), "{s}");
    // Ten tabs with their counts take more than 120 columns: the full titles on a wider one.
    let wide = h.screen(160, 40);
    assert!(wide.contains("Live (1 live)"), "the tab counts it: {wide}");
    // Nor is its PnL zero before a bar measured it against the shadow.
    assert_eq!(cell(&s, "s1", "pnl"), "unknown", "{s}");
    assert_eq!(cell(&s, "s1", "drift"), "-", "{s}");
    assert!(s.contains("drift       not measured yet (after the first bar)"), "{s}");

    // Run to the rise: one intent waits for the keypress.
    let runner = Runner::start(&engine, "s1");
    runner.release(7);
    wait_for(&mut h, "s1", "made its intent", |s| s.pending_intent.is_some() && s.bars_processed == 7);
    let intent = h.tab::<LiveScreen>().sessions[0].pending_intent.clone().unwrap();
    h.key(KeyCode::Char('R'));
    let s = h.screen(120, 40);
    assert_eq!(cell(&s, "s1", "status"), "▶ running");
    assert_eq!(cell(&s, "s1", "position"), "0", "read at the venue: flat, and known to be");
    assert_eq!(cell(&s, "s1", "desired"), "0.01");
    assert_eq!(cell(&s, "s1", "pending"), "⧗ waiting");
    for want in [
        "status      ▶ running",
        "trades      BTC/USD in fake/main · feed replay:BTC/USD:1h",
        "strategy    sma_cross fast=2 slow=4 (long or flat)",
        "sizing      notional:500 · an intent waits 30s for the keypress",
        "position    0 at the venue · desired 0.01",
        "last signal target 0 → 1 at 2023-11-15T",
        "sma_cross 2/4: target 0 -> 1 at",
        &format!("pending     ⧗ {intent}"),
        "waits for the keypress: the Corridors tab approves it",
        "intents     1 created, 0 missed, 0 refused, 0 filled",
        "last bar    2023-11-15T",
        "· 7 bars",
        "Live · sessions 1 · live 1 · intents waiting 1",
        // Measured against the shadow on this bar: nothing apart yet, no fill to compare.
        "drift       pnl +0.00 vs shadow",
        "position 0 vs 0 (0 bars apart) · missed 0 · no fill compared yet",
    ] {
        assert!(s.contains(want), "missing {want}:\n{s}");
    }
    assert_eq!(cell(&s, "s1", "pnl"), "+0.00", "{s}");
    // The portfolio across the sessions, against the example policy's [portfolio] limits.
    assert!(
        s.contains(
            "portfolio gross exposure 0.00 of 5000 · live sessions 1 of 2 · pnl today +0.00 stops at -300"
        ),
        "{s}"
    );
    assert_eq!(cell(&s, "s1", "drift"), "✓ within", "{s}");
    snapshot("live_120x40", &s);
    let small = h.screen(80, 24);
    for want in ["s1", "▶ running", "⧗ waiting", "position    0 at the venue · desired 0.01", "pending     ⧗"]
    {
        assert!(small.contains(want), "missing {want} at 80x24:\n{small}");
    }
    snapshot("live_80x24", &small);

    // The Corridors tab approves it; the next bar reads the fill from the venue.
    h.key(KeyCode::Char('7'));
    h.tick();
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, Some(Confirm::SendOrder));
    let dialog = h.screen(120, 40);
    assert!(dialog.contains("from live session s1"), "{dialog}");
    h.advance(DWELL);
    h.key(KeyCode::Char('y'));
    assert_eq!(h.app.confirm, None);
    runner.release(8);
    h.key(KeyCode::Char('8'));
    wait_for(&mut h, "s1", "saw its fill", |s| s.intents.filled == 1 && s.bars_processed == 8);
    let s = h.screen(120, 40);
    for want in [
        "position    0.01 at the venue · desired 0.01",
        "pending     no intent waiting",
        "intents     1 created, 0 missed, 0 refused, 1 filled",
        "over 1 fills",
    ] {
        assert!(s.contains(want), "missing {want}:\n{s}");
    }
    assert_ne!(cell(&s, "s1", "pnl"), "unknown", "a fill at a known price: {s}");
    let end = runner.join().unwrap();
    assert_eq!(end.status, Status::Completed);
}

#[test]
fn the_keys_pause_resume_and_stop_a_session_and_a_refused_resume_is_said() {
    let (ws, engine) = setup();
    create(&engine, "s2");
    let runner = Runner::start(&engine, "s2");
    runner.release(2);
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('8'));
    wait_for(&mut h, "s2", "ran two bars", |s| s.status == Status::Running && s.bars_processed == 2);

    h.key(KeyCode::Char('p'));
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(!is_err && msg == "s2: pausing after the current bar", "{msg}");
    wait_for(&mut h, "s2", "paused", |s| s.status == Status::Paused);
    let s = h.screen(120, 40);
    assert!(s.contains("status      ‖ paused by the operator"), "{s}");
    h.key(KeyCode::Char('r'));
    wait_for(&mut h, "s2", "resumed", |s| s.status == Status::Running);

    // The kill switch: the next bar pauses the session for its corridor, and a resume is
    // refused until the corridor is rearmed, in the status bar as the CLI's exit 3.
    engine.execution().kill(None, None, "drill").unwrap();
    runner.release(3);
    wait_for(&mut h, "s2", "paused by its corridor", |s| s.paused_by == Some(PausedBy::Corridor));
    let s = h.screen(120, 40);
    assert!(s.contains("‖ paused by its corridor: resumes once the corridor is armed again"), "{s}");
    assert!(s.contains("reason      kill switch"), "{s}");
    let e = engine.live().resume("s2").unwrap_err();
    assert!(matches!(e.domain(), Some(LiveError::Halted { .. })), "{e:?}");
    assert_eq!(e.kind, ErrorKind::Refused);
    h.key(KeyCode::Char('r'));
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(is_err && msg == e.message, "the engine's refusal, as an error: {msg}");
    assert!(h.screen(120, 40).contains("corridor_armed:"), "in the status bar");
    assert_eq!(engine.live().status("s2").unwrap().status, Status::Paused, "still paused");
    engine.execution().rearm(None, None).unwrap();
    // The kill demoted the candidate on the corridor: promoted again, the session may resume.
    h.key(KeyCode::Char('r'));
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(is_err && msg.starts_with("promotion: candidate cand_sma_cross_BTC_1h_"), "{msg}");
    promote(&ws);
    h.key(KeyCode::Char('r'));
    assert_eq!(h.app.message.clone().unwrap(), (false, "s2: resuming".to_string()));
    wait_for(&mut h, "s2", "resumed", |s| s.status == Status::Running);

    // x asks first; n and Enter keep it running; only y stops it.
    h.key(KeyCode::Char('x'));
    assert_eq!(h.app.confirm, Some(Confirm::StopLive));
    let s = h.screen(120, 40);
    assert!(s.contains("Stop live session?") && s.contains("Stop live session s2?"), "{s}");
    let small = h.screen(80, 24);
    assert!(small.contains("y  stop it      n / Esc  keep it running"), "the whole question fits: {small}");
    h.key(KeyCode::Char('n'));
    assert!(h.app.confirm.is_none());
    h.key(KeyCode::Char('x'));
    h.key(KeyCode::Enter);
    assert!(h.app.confirm.is_some(), "Enter never confirms");
    assert_eq!(engine.live().status("s2").unwrap().status, Status::Running);
    h.key(KeyCode::Char('y'));
    wait_for(&mut h, "s2", "stopped", |s| s.status == Status::Stopped);
    assert_eq!(cell(&h.screen(120, 40), "s2", "status"), "■ stopped");
    assert_eq!(runner.join().unwrap().status, Status::Stopped);
    // A stopped session cannot be stopped again: the engine says so.
    h.key(KeyCode::Char('x'));
    h.key(KeyCode::Char('y'));
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(is_err && msg.contains("already ended"), "{msg}");
}
