//! Live strategy sessions on the fake venue, run in this process on scripted bars: between
//! bars the test plays the operator (approves and sends, or lets an intent lapse) and checks
//! that the session's position is always the venue's.

use std::sync::{Arc, Mutex};

use quantlab::engine::execution::OperatorKey;
use quantlab::engine::execution::{open_corridor, CorridorId, Venue};
use quantlab::engine::live::{LiveError, LiveSession, LiveStartRequest};
use quantlab::engine::paper::Status;
use quantlab::engine::promotion::{Candidate, CauseKind, PromotionError, Stage};
use quantlab::engine::secrets::MemoryStore;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::{Engine, ErrorKind};
use rust_decimal::Decimal;

use crate::common::promotion;

pub(super) use crate::common::script::Script;

pub(super) struct Rig {
    _dir: tempfile::TempDir,
    pub(super) engine: Engine,
    pub(super) key: Arc<OperatorKey>,
}

impl Rig {
    pub(super) fn new() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(MemoryStore::default());
        let engine = Engine::with_credentials(Workspace::at(dir.path()), store.clone());
        engine.execution().policy_init().unwrap();
        // A replayed dataset only names the rehearsal's feed; the bars come from the script.
        let csv = dir.path().join("btc.csv");
        let mut text = String::from("time,open,high,low,close,volume\n");
        for i in 0..10 {
            text.push_str(&format!("2024-01-01T{i:02}:00:00Z,1,1,1,1,1\n"));
        }
        std::fs::write(&csv, text).unwrap();
        engine.data().import(&csv, "BTC/USD", "1h").unwrap();
        let key = OperatorKey::load_or_create_as(store.as_ref(), engine.workspace(), "tester").unwrap();
        // A session starts only for a candidate promoted to what its corridor needs: paper, for
        // the fake venue. Research makes the candidate (a sweep); the operator's typed
        // confirmation promotes it.
        promotion::write_relaxed_gates(dir.path());
        promotion::sweep(&engine, "BTC/USD:1h", "sma_cross", &["fast=2", "slow=4"]);
        let r = Rig { _dir: dir, engine, key: Arc::new(key) };
        promotion::promote_to(&r.engine, &r.candidate("1h"), Some(&Rig::corridor()), Stage::Paper);
        r
    }

    /// The id of the candidate the rig's sessions trade, at `timeframe`.
    fn candidate(&self, timeframe: &str) -> String {
        let params = self.request().params;
        Candidate::new("sma_cross", &params, "BTC/USD", timeframe).unwrap().id
    }

    pub(super) fn request(&self) -> LiveStartRequest {
        LiveStartRequest {
            strategy: "sma_cross".into(),
            params: [("fast".to_string(), "2".to_string()), ("slow".to_string(), "4".to_string())].into(),
            feed: "replay:BTC/USD:1h".into(),
            venue: Some(Venue::Fake),
            symbol: Some("BTC/USD".into()),
            sizing: "notional:500".into(),
            intent_ttl: Some("1s".into()),
            ..LiveStartRequest::default()
        }
    }

    pub(super) fn corridor() -> CorridorId {
        CorridorId::new(Venue::Fake, "main").unwrap()
    }

    /// The venue's own position in BTC/USD.
    pub(super) fn venue_position(engine: &Engine) -> Decimal {
        let c = open_corridor(engine.workspace(), engine.adapters(), &Rig::corridor(), engine.credentials())
            .unwrap();
        engine.venue_runtime().block_on(c.context()).unwrap().unwrap().position("BTC/USD")
    }
}

/// The operator's turn: approve and send the pending intent of the session, or let it lapse.
pub(super) fn approve_and_send(engine: &Engine, key: &OperatorKey, intent_id: &str) {
    let mut c =
        open_corridor(engine.workspace(), engine.adapters(), &Rig::corridor(), engine.credentials()).unwrap();
    c.rehearse(intent_id, key).unwrap();
    engine.venue_runtime().block_on(c.submit(intent_id, false)).unwrap().unwrap();
}

pub(super) fn events(engine: &Engine, id: &str) -> Vec<String> {
    let p = engine.workspace().root().join("live_sessions").join(id).join("intents.jsonl");
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["event"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn target_changes_become_intents_that_wait_for_the_operator_and_lapse_when_missed() {
    let r = Rig::new();
    let s = r.engine.live().create(&r.request()).unwrap();
    assert_eq!(s.status, Status::Created);
    // A fall, a rise (fast crosses above slow at bar 6), a hold, a fall (below at bar 10),
    // around the fake venue's price (it fills at 50000), so the shadow's prices are close.
    let closes: Vec<f64> =
        [12.0, 11.0, 10.0, 9.0, 8.0, 10.0, 13.0, 15.0, 15.0, 15.0, 12.0, 9.0, 7.0, 7.0, 7.0, 7.0]
            .iter()
            .map(|c| 49_990.0 + c)
            .collect();
    let (engine, key, id) = (r.engine.clone(), r.key.clone(), s.id.clone());
    // (bar, the session's position as it last read it, the venue's position) before each bar.
    type Seen = Vec<(usize, Option<String>, Decimal)>;
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let log = seen.clone();
    let mut lapsed_once = false;
    let between = move |t: usize| {
        if t == 0 {
            return;
        }
        let s = engine.live().status(&id).unwrap();
        let venue = Rig::venue_position(&engine);
        log.lock().unwrap().push((t, s.position.clone(), venue));
        if let Some(intent) = &s.pending_intent {
            let sell = s.desired.parse::<Decimal>().unwrap().is_zero();
            if sell && !lapsed_once {
                // The operator looks away: the sell waits past its TTL and is missed.
                lapsed_once = true;
                std::thread::sleep(std::time::Duration::from_millis(1_100));
            } else {
                approve_and_send(&engine, &key, intent);
            }
        }
    };
    let feed = Script::new(closes, "BTC/USD", between);
    let end = r.engine.live().run_on(&s.id, Box::new(feed)).unwrap();
    assert_eq!(end.status, Status::Completed, "{end:?}");
    assert_eq!(
        events(&r.engine, &s.id),
        ["created", "filled", "created", "missed", "created", "filled"],
        "a buy approved, a sell missed, the sell made again on the next bar and approved"
    );
    assert_eq!((end.intents.created, end.intents.missed, end.intents.filled), (3, 1, 2), "{:?}", end.intents);
    assert_eq!(Rig::venue_position(&r.engine), Decimal::ZERO, "flat again at the venue");
    // Beside it, the shadow traded the same decisions at each bar's close, never waiting.
    let drift = end.drift.clone().expect("measured");
    assert_eq!((drift.missed_approvals, drift.fills_compared), (1, 2), "{drift:?}");
    assert!(drift.slippage_bps_worst.unwrap().abs() < 10.0, "{drift:?}");
    assert_eq!(drift.position_shadow, 0.0);
    assert!(drift.breaches.is_empty(), "within the policy's limits: {drift:?}");
    let shadow = std::fs::read_to_string(
        r.engine.workspace().root().join("live_sessions").join(&s.id).join("shadow.csv"),
    )
    .unwrap();
    assert_eq!(shadow.lines().count(), 17, "a header and a line a bar: {shadow}");
    // After every bar the session's position is the venue's (read before the operator's
    // next action), never an assumed fill: the missed sell left it long, as the venue was.
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 15);
    for (t, session, venue) in seen.iter() {
        let p: Decimal = session.as_deref().expect("read on every bar").parse().unwrap();
        assert_eq!(p, *venue, "before bar {t}");
    }
    assert!(seen.iter().any(|(_, _, v)| !v.is_zero()), "the session did hold a position");
    let notes: Vec<String> = quantlab::engine::execution::replay(r.engine.workspace(), &Rig::corridor())
        .unwrap()
        .intents
        .values()
        .filter_map(|x| x.intent.note.clone())
        .collect();
    assert!(
        notes.iter().all(|n| n.starts_with(&format!("live:{}@", s.id)) && n.contains("sma_cross 2/4")),
        "{notes:?}"
    );
}

#[test]
fn a_crash_after_the_intent_is_journaled_makes_no_second_intent_for_that_bar() {
    let r = Rig::new();
    let s =
        r.engine.live().create(&LiveStartRequest { intent_ttl: Some("10m".into()), ..r.request() }).unwrap();
    let rising = vec![12.0, 11.0, 10.0, 9.0, 8.0, 10.0, 13.0, 15.0];
    let feed = Script::new(rising.clone(), "BTC/USD", |_| {});
    r.engine.live().run_on(&s.id, Box::new(feed)).unwrap();
    assert_eq!(events(&r.engine, &s.id), ["created"]);
    // The process "died" after journaling, before recording the bar: state.json is rolled
    // back to before the signal, as a crash would have left it.
    let dir = r.engine.workspace().root().join("live_sessions").join(&s.id);
    std::fs::write(dir.join("state.json"), r#"{"last_bar_ms":null,"target":0,"desired":"0","seen":{}}"#)
        .unwrap();
    let mut session: LiveSession =
        serde_json::from_slice(&std::fs::read(dir.join("session.json")).unwrap()).unwrap();
    session.status = Status::Running;
    std::fs::write(dir.join("session.json"), serde_json::to_vec(&session).unwrap()).unwrap();
    let feed = Script::new(rising, "BTC/USD", |_| {});
    r.engine.live().run_on(&s.id, Box::new(feed)).unwrap();
    let journal = quantlab::engine::execution::replay(r.engine.workspace(), &Rig::corridor()).unwrap();
    assert_eq!(journal.intents.len(), 1, "the bar's intent was found in the journal, not made twice");
    let restarts = std::fs::read_to_string(dir.join("restarts.jsonl")).unwrap();
    assert!(restarts.contains("\"intents\":[{"), "{restarts}");
    // The rehearsal is the candidate's restart evidence for micro-live on a real corridor.
    use quantlab::engine::promotion::{evidence, gates::Gates};
    let gates = Gates::defaults();
    let reads = evidence::Reads::read(r.engine.workspace(), &gates, r.engine.credentials()).unwrap();
    let params = r.request().params;
    let c = Candidate::new("sma_cross", &params, "BTC/USD", "1h").unwrap();
    let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
    let lines = evidence::micro_live::lines(&reads, &c, &kraken);
    let restart = lines.iter().find(|l| l.item == "restart_evidence").unwrap();
    assert!(restart.passed && restart.artifacts == [s.id.clone()], "{restart:?}");
    assert!(restart.detail.contains("1 restart(s), no bar acted on twice"), "{restart:?}");
}

fn refused(r: &Rig, req: LiveStartRequest) -> quantlab::engine::Error {
    // The venue's own state (the fake venue's file, as a Kraken nonce would be) is the venue's;
    // locks (`.lock`, `.<name>.lock`) are not artifacts.
    let names = || -> Vec<String> {
        let all = std::fs::read_dir(r.engine.workspace().root()).unwrap();
        all.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "venues" && !(n.starts_with('.') && n.ends_with(".lock")))
            .collect()
    };
    let before = names();
    let e = r.engine.live().create(&req).unwrap_err();
    assert!(!r.engine.workspace().root().join("live_sessions").exists(), "no session folder: {e:?}");
    assert_eq!(names(), before, "nothing written: {e:?}");
    e
}

#[test]
fn bad_starts_name_the_field_or_the_gate_and_write_nothing() {
    let r = Rig::new();
    let e = refused(&r, LiveStartRequest { strategy: "no_such".into(), ..r.request() });
    assert_eq!(e.kind, ErrorKind::BadInput, "{e:?}");
    assert!(e.message.starts_with("--strategy"), "{}", e.message);

    let e = refused(&r, LiveStartRequest { sizing: "notional:0.0001".into(), ..r.request() });
    assert!(matches!(e.domain(), Some(LiveError::SizesToZero { .. })), "{e:?}");
    assert_eq!(e.kind, ErrorKind::BadInput);

    let e = refused(&r, LiveStartRequest { sizing: "all-in".into(), ..r.request() });
    assert!(matches!(e.domain(), Some(LiveError::Sizing { .. })), "{e:?}");

    let e = refused(&r, LiveStartRequest { venue: None, ..r.request() });
    assert!(matches!(e.domain(), Some(LiveError::Feed(_))), "a replay trades only on the fake venue: {e:?}");

    // A live venue's corridor must be armed: the policy allows kraken/main, nobody armed it.
    let policy = r.engine.workspace().root().join("execution_policy.toml");
    let text = std::fs::read_to_string(&policy).unwrap();
    let kraken = text.split("[[corridor]]").nth(1).unwrap().replace("venue = \"fake\"", "venue = \"kraken\"");
    std::fs::write(&policy, format!("{text}\n[[corridor]]{kraken}")).unwrap();
    let req = LiveStartRequest { feed: "live:kraken/main:BTC/USD@1m".into(), venue: None, ..r.request() };
    // Its minute candidate is on the board (a sweep) but was never promoted there: refused,
    // naming the gate and where to look, nothing written.
    let csv = r.engine.workspace().root().join("btc_1m.csv");
    let rows: String = (0..10).map(|i| format!("2024-01-01T00:{i:02}:00Z,1,1,1,1,1\n")).collect();
    std::fs::write(&csv, format!("time,open,high,low,close,volume\n{rows}")).unwrap();
    r.engine.data().import(&csv, "BTC/USD", "1m").unwrap();
    std::fs::remove_file(&csv).unwrap();
    promotion::sweep(&r.engine, "BTC/USD:1m", "sma_cross", &["fast=2", "slow=4"]);
    let minute = r.candidate("1m");
    let e = refused(&r, req.clone());
    assert_eq!(e.kind, ErrorKind::Refused, "{e:?}");
    let Some(PromotionError::NotPromoted { stage, needed, .. }) = e.domain() else { panic!("{e:?}") };
    assert_eq!((*stage, *needed), (Stage::Research, Stage::MicroLive));
    assert!(
        e.message.starts_with("promotion:") && e.message.contains(&format!("quantlab promote show {minute}")),
        "{e}"
    );
    // Promoted to micro-live there (the corridor's policy stage is micro), it meets the next gate.
    // (The corridor's endpoints are loopback, where a test build's typed keys may promote.)
    std::fs::write(
        r.engine.workspace().root().join("venues.toml"),
        "[kraken.main]\nbase_url = \"http://127.0.0.1:9\"\n",
    )
    .unwrap();
    let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
    promotion::promote_to(&r.engine, &minute, Some(&kraken), Stage::MicroLive);
    let e = refused(&r, req);
    assert_eq!(e.kind, ErrorKind::Refused, "{e:?}");
    assert!(matches!(e.domain(), Some(LiveError::NotArmed { state: "disarmed", .. })), "{e:?}");
    assert!(e.message.starts_with("corridor_armed:"), "{}", e.message);

    let req = LiveStartRequest { feed: "live:kraken/other:BTC/USD@1m".into(), venue: None, ..r.request() };
    let e = refused(&r, req);
    assert!(matches!(e.domain(), Some(LiveError::NoPolicy(_))), "{e:?}");
}

#[test]
fn a_kill_pauses_the_session_which_makes_no_intent_and_resumes_only_once_rearmed() {
    let r = Rig::new();
    let s = r.engine.live().create(&r.request()).unwrap();
    let (engine, id, candidate) = (r.engine.clone(), s.id.clone(), r.candidate("1h"));
    let refusals: Arc<Mutex<Vec<quantlab::engine::Error>>> = Arc::default();
    let log = refusals.clone();
    let between = move |t: usize| {
        if t == 3 {
            engine.execution().kill(None, None, "drill").unwrap();
        }
        if t == 9 {
            // The session demoted its candidate the moment it paused for the kill: the record
            // is there before anything reads the board.
            let root = engine.workspace().root().to_path_buf();
            let decisions = std::fs::read_to_string(root.join("promotion/decisions.jsonl")).unwrap();
            let alerts = std::fs::read_to_string(root.join("alerts/alerts.jsonl")).unwrap_or_default();
            assert!(
                decisions.contains("\"kind\":\"demoted\"") && decisions.contains("drill"),
                "{decisions}\n{alerts}"
            );
            let s = engine.live().status(&id).unwrap();
            assert_eq!(
                (s.status, s.paused_by),
                (Status::Paused, Some(quantlab::engine::live::PausedBy::Corridor))
            );
            log.lock().unwrap().push(engine.live().resume(&id).unwrap_err());
            engine.execution().rearm(None, None).unwrap();
            // The kill demoted the candidate on the corridor: resuming needs it promoted again.
            let e = engine.live().resume(&id).unwrap_err();
            assert!(
                matches!(e.domain(), Some(PromotionError::NotPromoted { stage: Stage::Research, .. })),
                "{e:?}"
            );
            promotion::promote_to(&engine, &candidate, Some(&Rig::corridor()), Stage::Paper);
            engine.live().resume(&id).unwrap();
        }
    };
    // The rise that made an intent above comes after the kill: none while halted; once
    // rearmed and resumed, the next bar brings the venue to the target in force.
    let closes = vec![12.0, 11.0, 10.0, 9.0, 8.0, 10.0, 13.0, 15.0, 15.0, 15.0, 15.0];
    let feed = Script::new(closes, "BTC/USD", between);
    r.engine.live().run_on(&s.id, Box::new(feed)).unwrap();
    // The resume lands during bar 9's poll: bar 9 is still skipped, bar 10 makes the intent.
    assert_eq!(events(&r.engine, &s.id), ["skipped", "created"], "one intent, after the resume");
    let journal = quantlab::engine::execution::replay(r.engine.workspace(), &Rig::corridor()).unwrap();
    let bars: Vec<String> = journal.intents.values().filter_map(|x| x.intent.note.clone()).collect();
    assert_eq!(bars.len(), 1, "{bars:?}");
    assert!(bars[0].contains("@2023-11-15T08:13:20"), "made at bar 10, after the resume: {bars:?}");
    let e = &refusals.lock().unwrap()[0];
    assert!(matches!(e.domain(), Some(LiveError::Halted { .. })), "{e:?}");
    assert_eq!(e.kind, ErrorKind::Refused);
    let alerts = std::fs::read_to_string(r.engine.workspace().root().join("alerts/alerts.jsonl")).unwrap();
    assert_eq!(alerts.matches("LIVE_SESSION_PAUSED").count(), 1, "said once: {alerts}");
    // The kill took the candidate one stage down on the corridor, saying why; promoted again, it
    // stays there.
    let v = r.engine.promotion().show(&r.candidate("1h")).unwrap();
    let d = v.decisions.iter().find(|d| d.kind == quantlab::engine::promotion::Kind::Demoted).unwrap();
    assert_eq!((d.cause.as_ref().map(|c| c.kind), d.to), (Some(CauseKind::Kill), Stage::Research));
    assert!(d.reason.as_deref().unwrap().contains("kill switch (drill)"), "{d:?}");
    assert!(r.engine.promotion().board(None).unwrap().demoted.is_empty(), "once per promotion");
}

/// Fills far from the shadow's prices (the venue fills at 50000, the bars say 10): the session
/// has drifted, and LIVE_DRIFT says so once, naming the limit.
#[test]
fn fills_far_from_the_shadows_prices_raise_live_drift_once() {
    let r = Rig::new();
    let s = r.engine.live().create(&r.request()).unwrap();
    let (engine, key, id) = (r.engine.clone(), r.key.clone(), s.id.clone());
    let between = move |t: usize| {
        if t == 0 {
            return;
        }
        if let Some(intent) = engine.live().status(&id).unwrap().pending_intent {
            approve_and_send(&engine, &key, &intent);
        }
    };
    let closes = vec![12.0, 11.0, 10.0, 9.0, 8.0, 10.0, 13.0, 15.0, 15.0, 15.0, 12.0, 9.0, 7.0, 7.0];
    let feed = Script::new(closes, "BTC/USD", between);
    let end = r.engine.live().run_on(&s.id, Box::new(feed)).unwrap();
    let drift = end.drift.expect("measured");
    assert!(drift.breaches.iter().any(|b| b.starts_with("slippage")), "{drift:?}");
    let alerts = std::fs::read_to_string(r.engine.workspace().root().join("alerts/alerts.jsonl")).unwrap();
    let drifts: Vec<&str> = alerts.lines().filter(|l| l.contains("LIVE_DRIFT")).collect();
    assert!(!drifts.is_empty() && drifts.iter().filter(|l| l.contains("slippage")).count() == 1, "{alerts}");
    // A drift beyond the limit demotes the candidate on its corridor, saying why, the moment
    // the session sees it (the board finds nothing left to do); the session is paused by it and
    // the next session of the candidate is refused until it is promoted again.
    let board = r.engine.promotion().board(None).unwrap();
    assert!(board.demoted.is_empty(), "{board:#?}");
    let events = events(&r.engine, &s.id);
    assert_eq!(events.last().map(String::as_str), Some("skipped"), "paused from the drift on: {events:?}");
    let v = r.engine.promotion().show(&r.candidate("1h")).unwrap();
    let demoted: Vec<_> =
        v.decisions.iter().filter(|d| d.kind == quantlab::engine::promotion::Kind::Demoted).collect();
    assert_eq!(demoted.len(), 1, "{demoted:#?}");
    let d = demoted[0];
    assert_eq!((d.from, d.to, d.corridor.clone()), (Stage::Paper, Stage::Research, Some(Rig::corridor())));
    assert_eq!(d.cause.as_ref().map(|c| c.kind), Some(CauseKind::Drift));
    let why = d.reason.as_deref().unwrap();
    assert!(
        why.contains("drift beyond the policy's limits") && why.contains("drifted from its shadow"),
        "{why}"
    );
    let e =
        r.engine.live().create(&LiveStartRequest { name: Some("again".into()), ..r.request() }).unwrap_err();
    assert!(matches!(e.domain(), Some(PromotionError::NotPromoted { stage: Stage::Research, .. })), "{e:?}");
    assert!(e.message.contains("quantlab promote show"), "{e}");
}
