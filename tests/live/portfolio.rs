//! The policy's `[portfolio]` limits across live sessions, each tried and refused: one session
//! too many, an intent that would raise the gross exposure past the limit (and one that
//! reduces it, which passes), another session's unknown exposure, and the daily loss limit
//! that pauses every session and holds them paused for the rest of the UTC day. Sessions run
//! in this process on the fake venue with scripted bars (see sessions.rs).

use std::sync::{Arc, Mutex};

use quantlab::engine::execution::paths;
use quantlab::engine::live::{LiveError, LiveSession, LiveStartRequest, LossHit, PausedBy, Portfolio};
use quantlab::engine::paper::control::{self, Desired};
use quantlab::engine::paper::Status;
use quantlab::engine::venues::fake::FakeVenue;
use quantlab::engine::{Engine, ErrorKind};
use rust_decimal::Decimal;
use serde_json::Value;

use super::sessions::{approve_and_send, events, Rig, Script};
use crate::common::promotion;
use quantlab::engine::promotion::{Candidate, Stage};

/// Sessions trading ETH/USD start only for their own candidate promoted, as every session does
/// (the rig promotes BTC/USD's): research on an ETH/USD dataset, then the typed confirmation.
fn promote_eth(r: &Rig) {
    let root = r.engine.workspace().root().to_path_buf();
    std::fs::copy(root.join("btc.csv"), root.join("eth.csv")).unwrap();
    r.engine.data().import(&root.join("eth.csv"), "ETH/USD", "1h").unwrap();
    promotion::sweep(&r.engine, "ETH/USD:1h", "sma_cross", &["fast=2", "slow=4"]);
    let id = Candidate::new("sma_cross", &r.request().params, "ETH/USD", "1h").unwrap().id;
    promotion::promote_to(&r.engine, &id, Some(&Rig::corridor()), Stage::Paper);
}

/// The example policy's `[portfolio]` replaced by `lines`.
fn set_portfolio(engine: &Engine, lines: &str) {
    let path = engine.workspace().root().join("execution_policy.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("[portfolio]\n").expect("the example has [portfolio]");
    let end = start + text[start..].find("\n\n").unwrap();
    std::fs::write(&path, format!("{}[portfolio]\n{lines}{}", &text[..start], &text[end..])).unwrap();
}

fn dir(engine: &Engine, id: &str) -> std::path::PathBuf {
    engine.workspace().root().join("live_sessions").join(id)
}

/// Rewrite what a session's file says (a runner that died, a read that never happened).
fn doctor(engine: &Engine, id: &str, f: impl FnOnce(&mut LiveSession)) {
    let p = dir(engine, id).join("session.json");
    let mut s: LiveSession = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    f(&mut s);
    std::fs::write(&p, serde_json::to_vec(&s).unwrap()).unwrap();
}

fn named(r: &Rig, name: &str, symbol: &str) -> LiveStartRequest {
    LiveStartRequest { name: Some(name.into()), symbol: Some(symbol.into()), ..r.request() }
}

/// A fall, a rise (a buy at bar 6), a hold, a fall (a sell at bar 10), around the fake
/// venue's 50000.
fn closes() -> Vec<f64> {
    [12.0, 11.0, 10.0, 9.0, 8.0, 10.0, 13.0, 15.0, 15.0, 15.0, 12.0, 9.0, 7.0, 7.0, 7.0, 7.0]
        .iter()
        .map(|c| 49_990.0 + c)
        .collect()
}

fn run(r: &Rig, id: &str, closes: Vec<f64>, between: impl FnMut(usize) + Send + 'static) -> LiveSession {
    let feed = Script::new(closes, "BTC/USD", between);
    r.engine.live().run_on(id, Box::new(feed)).unwrap()
}

/// Every intent the operator sees is approved and sent.
fn approving(r: &Rig, id: &str) -> impl FnMut(usize) + Send + 'static {
    let (engine, key, id) = (r.engine.clone(), r.key.clone(), id.to_string());
    move |_| {
        if let Some(intent) = engine.live().status(&id).unwrap().pending_intent {
            approve_and_send(&engine, &key, &intent);
        }
    }
}

fn alerts(engine: &Engine, code: &str) -> Vec<Value> {
    let text =
        std::fs::read_to_string(engine.workspace().root().join("alerts/alerts.jsonl")).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()).filter(|a| a["code"] == code).collect()
}

fn journaled(engine: &Engine) -> usize {
    quantlab::engine::execution::replay(engine.workspace(), &Rig::corridor()).unwrap().intents.len()
}

fn valid(doc: &Value) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/contracts/live_portfolio.schema.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

/// Everything in the workspace but the venue's own state, with each session's files.
fn tree(engine: &Engine) -> Vec<String> {
    let root = engine.workspace().root();
    let mut out = Vec::new();
    for e in walk(root) {
        let rel = e.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        // The venue's own state, and the lock any look at a session's runner takes.
        if !rel.starts_with("venues") && !rel.ends_with("runner.lock") {
            out.push(format!("{rel} {}", std::fs::read(&e).map(|b| b.len()).unwrap_or(0)));
        }
    }
    out.sort();
    out
}

fn walk(p: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn a_start_or_an_aborted_resume_beyond_max_live_sessions_is_refused_naming_the_rule_and_the_sessions() {
    let r = Rig::new();
    promote_eth(&r);
    set_portfolio(&r.engine, "max_live_sessions = 1\n");
    r.engine.live().create(&named(&r, "s1", "BTC/USD")).unwrap();
    let before = tree(&r.engine);
    let e = r.engine.live().create(&named(&r, "s2", "ETH/USD")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{e:?}");
    match e.domain::<LiveError>() {
        Some(LiveError::PortfolioSessions { max: 1, live }) => assert_eq!(live, &["s1".to_string()]),
        other => panic!("{other:?}"),
    }
    assert!(
        e.message.starts_with("portfolio.max_live_sessions:") && e.message.contains("s1"),
        "{}",
        e.message
    );
    assert_eq!(tree(&r.engine), before, "nothing written, nothing journaled");
    assert!(!dir(&r.engine, "s2").exists());

    // s1's runner died: it is no longer live, so s2 may start; then s1's resume would make two.
    doctor(&r.engine, "s1", |s| s.status = Status::Aborted);
    r.engine.live().create(&named(&r, "s2", "ETH/USD")).unwrap();
    let before = tree(&r.engine);
    let e = r.engine.live().resume("s1").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{e:?}");
    match e.domain::<LiveError>() {
        Some(LiveError::PortfolioSessions { max: 1, live }) => assert_eq!(live, &["s2".to_string()]),
        other => panic!("{other:?}"),
    }
    assert_eq!(tree(&r.engine), before);
    assert_eq!(r.engine.live().status("s1").unwrap().status, Status::Aborted);
    assert_eq!(journaled(&r.engine), 0);
}

/// Two starts at the same moment (two terminals, a script and the console): admitted one at a
/// time, so `max_live_sessions = 1` lets exactly one through, and the other names it.
#[test]
fn two_starts_at_once_are_admitted_one_at_a_time() {
    let r = Rig::new();
    promote_eth(&r);
    set_portfolio(&r.engine, "max_live_sessions = 1\n");
    let gate = std::sync::Barrier::new(2);
    let (a, b) = (named(&r, "s1", "BTC/USD"), named(&r, "s2", "ETH/USD"));
    let start = |req: &LiveStartRequest| {
        gate.wait();
        r.engine.live().create(req)
    };
    let results: Vec<quantlab::engine::Result<LiveSession>> = std::thread::scope(|s| {
        let one = s.spawn(|| start(&a));
        let two = s.spawn(|| start(&b));
        vec![one.join().unwrap(), two.join().unwrap()]
    });
    let started: Vec<&LiveSession> = results.iter().filter_map(|x| x.as_ref().ok()).collect();
    assert_eq!(started.len(), 1, "{results:#?}");
    let refused = results.iter().find_map(|x| x.as_ref().err()).unwrap();
    match refused.domain::<LiveError>() {
        Some(LiveError::PortfolioSessions { max: 1, live }) => assert_eq!(live, &[started[0].id.clone()]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_intent_raising_the_gross_exposure_past_the_limit_is_blocked_before_it_is_journaled() {
    let r = Rig::new();
    // The session's buy is 0.01 BTC at 50000: 500 of exposure against a limit of 400.
    set_portfolio(&r.engine, "max_gross_exposure = \"400\"\n");
    let s = r.engine.live().create(&r.request()).unwrap();
    let end = run(&r, &s.id, closes()[..10].to_vec(), |_| {});
    let seen = events(&r.engine, &s.id);
    assert!(
        !seen.is_empty() && seen.iter().all(|e| e == "blocked"),
        "decided again each bar, blocked each time: {seen:?}"
    );
    assert_eq!((end.intents.blocked, end.intents.created), (seen.len(), 0), "{:?}", end.intents);
    assert_eq!(journaled(&r.engine), 0, "nothing journaled");
    let said = alerts(&r.engine, "LIVE_PORTFOLIO_LIMIT");
    assert_eq!(said.len(), 1, "said once for the run of blocked bars: {said:?}");
    assert!(
        said[0]["message"].as_str().unwrap().contains("portfolio.max_gross_exposure: 500 after this order"),
        "{said:?}"
    );
    let line = std::fs::read_to_string(dir(&r.engine, &s.id).join("intents.jsonl")).unwrap();
    assert!(line.contains("\"rule\":\"portfolio.max_gross_exposure\""), "{line}");
}

#[test]
fn an_intent_reducing_the_exposure_passes_even_above_the_limit() {
    let r = Rig::new();
    set_portfolio(&r.engine, "max_gross_exposure = \"700\"\n");
    let s = r.engine.live().create(&r.request()).unwrap();
    let (engine, mut approve) = (r.engine.clone(), approving(&r, &s.id));
    let between = move |t: usize| {
        approve(t);
        if t == 8 {
            // Long 500 now; the operator tightens the limit far below what is held.
            set_portfolio(&engine, "max_gross_exposure = \"100\"\n");
        }
    };
    let end = run(&r, &s.id, closes(), between);
    assert_eq!(events(&r.engine, &s.id), ["created", "filled", "created", "filled"], "the sell was made");
    assert_eq!(end.intents.blocked, 0);
    assert_eq!(Rig::venue_position(&r.engine), Decimal::ZERO, "flat again");
}

#[test]
fn other_sessions_exposure_counts_and_an_unknown_one_blocks_a_raise() {
    let r = Rig::new();
    promote_eth(&r);
    set_portfolio(&r.engine, "max_gross_exposure = \"700\"\n");
    // a buys 0.01 BTC (500) and its runner dies holding it: its position is still the portfolio's.
    let a = r.engine.live().create(&named(&r, "a", "BTC/USD")).unwrap();
    let approve = approving(&r, &a.id);
    run(&r, &a.id, closes()[..9].to_vec(), approve);
    doctor(&r.engine, "a", |s| s.status = Status::Aborted);
    let p = r.engine.live().portfolio().unwrap();
    assert_eq!(p.gross_exposure.as_deref(), Some("500"), "{p:#?}");

    // b's buy of ETH (about 500 more) would make about 1000: blocked, naming a's part.
    let b = r.engine.live().create(&named(&r, "b", "ETH/USD")).unwrap();
    let end = run(&r, &b.id, closes()[..9].to_vec(), |_| {});
    assert!(end.intents.blocked > 0 && end.intents.created == 0, "{:?}", end.intents);
    let said = alerts(&r.engine, "LIVE_PORTFOLIO_LIMIT");
    assert!(said[0]["message"].as_str().unwrap().contains("500 of 1 other session(s)"), "{said:?}");
    assert_eq!(journaled(&r.engine), 1, "a's intent only");

    // a's position unknown (never read, though it traded): the portfolio says unknown, not 0,
    // and a raise cannot be shown to fit, even under a limit it would meet.
    doctor(&r.engine, "a", |s| s.position = None);
    set_portfolio(&r.engine, "max_gross_exposure = \"100000\"\n");
    let p: Portfolio = r.engine.live().portfolio().unwrap();
    assert_eq!((p.gross_exposure.clone(), p.unknown.clone()), (None, vec!["a".to_string()]), "{p:#?}");
    let file: Value = serde_json::from_slice(
        &std::fs::read(r.engine.workspace().root().join("live_sessions/portfolio.json")).unwrap(),
    )
    .unwrap();
    valid(&file);
    assert_eq!(file["gross_exposure"], Value::Null);
    let c = r.engine.live().create(&named(&r, "c", "ETH/USD")).unwrap();
    let end = run(&r, &c.id, closes()[..9].to_vec(), |_| {});
    assert!(end.intents.blocked > 0 && end.intents.created == 0, "{:?}", end.intents);
    let line = std::fs::read_to_string(dir(&r.engine, "c").join("intents.jsonl")).unwrap();
    assert!(line.contains("the exposure of a is unknown"), "{line}");
    assert_eq!(journaled(&r.engine), 1);
}

#[test]
fn the_daily_loss_limit_pauses_every_session_and_nothing_resumes_before_the_next_utc_day() {
    let r = Rig::new();
    promote_eth(&r);
    set_portfolio(&r.engine, "daily_loss_limit = \"5\"\n");
    let a = r.engine.live().create(&named(&r, "a", "BTC/USD")).unwrap();
    // b is live too (created, its runner not started yet): it must be paused as well.
    r.engine.live().create(&named(&r, "b", "ETH/USD")).unwrap();
    let (engine, mut approve) = (r.engine.clone(), approving(&r, &a.id));
    type Seen = Vec<(usize, quantlab::engine::Error)>;
    let refusals: Arc<Mutex<Seen>> = Arc::default();
    let snapshot: Arc<Mutex<Option<Value>>> = Arc::default();
    let (log, snap) = (refusals.clone(), snapshot.clone());
    let between = move |t: usize| {
        approve(t);
        // Opened afresh each time: the venue's state is its file, which the runner changes.
        let mark = |price: &str| {
            let venue = FakeVenue::persistent(paths::fake_venue(engine.workspace(), "main")).unwrap();
            venue.set_mark("BTC/USD", price.parse().unwrap());
        };
        match t {
            // Bought 0.01 at 50000; the mark falls 1000: 10 lost (and 0.5 of fees), past 5.
            8 => mark("49000"),
            9 => {
                let s = engine.live().status("a").unwrap();
                assert_eq!((s.status, s.paused_by), (Status::Paused, Some(PausedBy::Portfolio)), "{s:#?}");
                assert!(s.reason.as_deref().unwrap().starts_with("portfolio.daily_loss_limit"), "{s:#?}");
                assert_eq!(control::get_in(&dir(&engine, "b")), Desired::Paused, "b is paused too");
                log.lock().unwrap().push((t, engine.live().resume("a").unwrap_err()));
                let c = LiveStartRequest { name: Some("c".into()), ..named_request() };
                log.lock().unwrap().push((t, engine.live().create(&c).unwrap_err()));
                assert!(!dir(&engine, "c").exists());
                let file = engine.workspace().root().join("live_sessions/portfolio.json");
                *snap.lock().unwrap() = Some(serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap());
            }
            10 => {
                // The next UTC day, as far as the limit is concerned: today's record is gone
                // (moved to a past day), the mark is back.
                let losses = engine.workspace().root().join("live_sessions/portfolio_loss");
                let today = std::fs::read_dir(&losses).unwrap().next().unwrap().unwrap().path();
                std::fs::rename(today, losses.join("2000-01-01.json")).unwrap();
                mark("50000");
                engine.live().resume("a").unwrap();
            }
            _ => {}
        }
    };
    let end = run(&r, &a.id, closes(), between);
    let refusals = refusals.lock().unwrap();
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    for (_, e) in refusals.iter() {
        assert_eq!(e.kind, ErrorKind::Refused, "{e:?}");
        assert!(matches!(e.domain::<LiveError>(), Some(LiveError::PortfolioLoss { .. })), "{e:?}");
        assert!(e.message.starts_with("portfolio.daily_loss_limit:"), "{}", e.message);
    }
    // Resumed after the day turned: the sell was made and sent.
    assert_eq!(Rig::venue_position(&r.engine), Decimal::ZERO, "{end:#?}");
    assert_eq!(end.intents.filled, 2, "{:?}", end.intents);

    let said = alerts(&r.engine, "LIVE_PORTFOLIO_LOSS");
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(
        (said[0]["severity"].as_str(), said[0]["source"].as_str()),
        (Some("critical"), Some("portfolio"))
    );
    assert!(said[0]["message"].as_str().unwrap().contains("portfolio.daily_loss_limit"), "{said:?}");
    let incidents = r.engine.incidents().list(true).unwrap();
    assert!(
        incidents.iter().any(|i| i.source.as_deref() == Some("portfolio")),
        "an incident opened: {incidents:#?}"
    );

    let snap = snapshot.lock().unwrap().clone().expect("taken while paused");
    valid(&snap);
    let hit: LossHit = serde_json::from_value(snap["loss_hit"].clone()).expect("the hit is in the portfolio");
    assert_eq!(hit.session, "a");
    assert_eq!(hit.sessions_paused, ["a", "b"]);
    let lost: Decimal = hit.pnl_today.parse().unwrap();
    assert!(lost <= Decimal::from(-10), "{hit:?}");
    let a_share = snap["sessions"].as_array().unwrap().iter().find(|s| s["id"] == "a").unwrap().clone();
    assert_eq!(a_share["exposure"], "490", "0.01 at the mark 49000: {a_share}");
}

/// The rig's request, for a closure that cannot hold the rig.
fn named_request() -> LiveStartRequest {
    LiveStartRequest {
        strategy: "sma_cross".into(),
        params: [("fast".to_string(), "2".to_string()), ("slow".to_string(), "4".to_string())].into(),
        feed: "replay:BTC/USD:1h".into(),
        venue: Some(quantlab::engine::execution::Venue::Fake),
        symbol: Some("BTC/USD".into()),
        sizing: "notional:500".into(),
        intent_ttl: Some("1s".into()),
        ..LiveStartRequest::default()
    }
}
