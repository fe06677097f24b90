//! The Corridors tab driven through messages: nothing is sent without the confirm dialog's
//! confirm key, and nothing after Esc, n, expiry or a halt; the confirm key sends exactly one
//! order; and nothing else does: keys typed ahead or inside the dwell, repeats, pastes, or a
//! keymap that makes a reflex key the confirm key. (That no other code can make a Confirmation
//! is held by the compiler: tests/gate_compile_fail.rs.)

use crate::common;
use crate::common::console;

use common::Ws;
use console::Harness;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use quantlab::engine::workspace::Workspace;
use quantlab::engine::Engine;
use quantlab::tui::app::Confirm;
use quantlab::tui::keymap::Keymap;
use quantlab::tui::panes::order_confirm::DWELL;
use quantlab::tui::screens::corridors::CorridorsScreen;

fn setup() -> Ws {
    let ws = Ws::new();
    let (code, v) = ws.json(&["policy", "init"]);
    assert_eq!(code, 0, "{v}");
    ws
}

fn new_intent(ws: &Ws, ttl: Option<&str>) -> String {
    let extra = ttl.map(|t| vec!["--expires", t]).unwrap_or_default();
    let (code, v) = ws.fake_intent(&extra);
    assert_eq!(code, 0, "{v}");
    v["result"]["id"].as_str().unwrap().to_string()
}

/// Journal events of the fake corridor that mean an order went to the venue.
fn sends(ws: &Ws) -> usize {
    let (code, v) = ws.json(&["journal", "show", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 0, "{v}");
    v["result"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["kind"] == "submit_started" && e["dry_run"] == false)
        .count()
}

fn open_tab(ws: &Ws) -> Harness {
    let mut h = Harness::new(ws);
    h.key(KeyCode::Char('7'));
    assert_eq!(h.app.tab_title(), "Corridors");
    h.tick();
    h
}

#[test]
fn only_the_confirm_key_sends_and_esc_or_n_send_nothing() {
    let ws = setup();
    let id = new_intent(&ws, None);
    let mut h = open_tab(&ws);
    let screen = h.screen(120, 40);
    assert!(screen.contains("fake/main") && screen.contains(&id), "{screen}");
    assert!(screen.contains("awaiting approval (1)"), "{screen}");
    // A small terminal keeps the corridor, its state and the intent in view.
    let small = h.screen(80, 24);
    assert!(
        small.contains("fake/main") && small.contains("DISARMED") && small.contains("awaiting"),
        "{small}"
    );

    // Enter opens the dialog with what will be sent; Esc closes it and sends nothing.
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, Some(Confirm::SendOrder));
    let dialog = h.screen(120, 40);
    for want in [
        "Send this order?",
        "BUY 0.002 BTC/USD",
        "limit 49900",
        "preflight: all",
        "expires in",
        "y  APPROVE AND SEND      n / Esc / ^c  cancel",
        "keys typed in its first 250 ms are ignored",
    ] {
        assert!(dialog.contains(want), "missing {want}:\n{dialog}");
    }
    h.advance(DWELL);
    h.key(KeyCode::Esc);
    assert_eq!(h.app.confirm, None);
    assert!(h.app.order.is_none());
    review(&mut h);
    h.key(KeyCode::Char('n'));
    assert_eq!(h.app.confirm, None);
    // Keys that are not the confirm key do nothing inside the dialog either.
    review(&mut h);
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('x'));
    h.key(KeyCode::Char('Y'));
    assert_eq!(h.app.confirm, Some(Confirm::SendOrder));
    assert_eq!(sends(&ws), 0);

    h.key(KeyCode::Char('y'));
    assert_eq!(h.app.confirm, None);
    assert_eq!(sends(&ws), 1, "the confirm key sends exactly one order");
    let msg = h.app.message.clone().unwrap();
    assert!(!msg.0 && msg.1.contains(&id) && msg.1.contains("after the key"), "{msg:?}");
    // The intent is no longer pending: Enter has nothing to review, and says where the next
    // one comes from; a second y sends nothing.
    h.tick();
    review(&mut h);
    let msg = h.app.message.clone().unwrap();
    assert!(
        msg.0 && msg.1.contains("no intent is waiting on fake/main") && msg.1.contains("live session"),
        "{msg:?}"
    );
    h.key(KeyCode::Char('y'));
    assert_eq!(sends(&ws), 1);
}

/// Enter on the selected intent, the dialog drawn, and the dwell waited out.
fn review(h: &mut Harness) {
    h.key(KeyCode::Enter);
    h.screen(120, 40);
    h.advance(DWELL);
}

/// Attack: the intent under review leaves the corridor while its dialog is open (cancelled
/// here; a live session's next order supersedes it alike). The next read of the corridor
/// marks the dialog, which says so before any key, and its confirm key sends nothing.
#[test]
fn an_intent_gone_while_its_dialog_is_open_cannot_be_approved() {
    let ws = setup();
    let id = new_intent(&ws, None);
    let mut h = open_tab(&ws);
    review(&mut h);
    assert_eq!(h.app.confirm, Some(Confirm::SendOrder));
    let dialog = h.screen(120, 40);
    assert!(dialog.contains("APPROVE AND SEND"), "{dialog}");
    let (code, v) = ws.json(&["intent", "cancel", &id]);
    assert_eq!(code, 0, "{v}");
    h.tick();
    let dialog = h.screen(120, 40);
    assert!(dialog.contains("cannot be approved: it no longer waits on fake/main"), "{dialog}");
    assert!(!dialog.contains("APPROVE AND SEND"), "{dialog}");
    h.key(KeyCode::Char('y'));
    assert_eq!(sends(&ws), 0);
    let msg = h.app.message.clone().unwrap();
    assert!(msg.0 && msg.1.contains("no longer waits"), "{msg:?}");
}

#[test]
fn an_expired_intent_or_a_halt_cannot_be_approved() {
    let ws = setup();
    new_intent(&ws, Some("1s"));
    let mut h = open_tab(&ws);
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, Some(Confirm::SendOrder));
    std::thread::sleep(std::time::Duration::from_millis(1_200));
    h.tick();
    let dialog = h.screen(120, 40);
    assert!(dialog.contains("cannot be approved: the intent expired"), "{dialog}");
    h.advance(DWELL);
    h.key(KeyCode::Char('y'));
    assert_eq!(sends(&ws), 0);
    assert!(h.app.message.clone().unwrap().1.contains("expired"));

    // A halt between opening the dialog and the key: the engine refuses the send.
    new_intent(&ws, None);
    h.tick();
    h.key(KeyCode::Down);
    review(&mut h);
    let (code, v) = ws.json(&["kill", "--reason", "test halt"]);
    assert_eq!(code, 0, "{v}");
    h.key(KeyCode::Char('y'));
    assert_eq!(sends(&ws), 0, "a halted corridor sends nothing");
    let msg = h.app.message.clone().unwrap();
    assert!(msg.0 && msg.1.contains("not sent"), "{msg:?}");
}

/// Attack: keys typed ahead (Enter then y in one burst, as from a paste on a terminal without
/// bracketed paste) or inside the dwell. The dialog ignores every key until it has been drawn
/// and 250 ms have passed; then the same key confirms.
#[test]
fn keys_typed_before_the_dialog_was_seen_never_confirm() {
    let ws = setup();
    new_intent(&ws, None);
    let mut h = open_tab(&ws);
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('y'));
    assert_eq!(sends(&ws), 0, "typed ahead, before any frame showed the dialog");
    assert_eq!(h.app.confirm, Some(Confirm::SendOrder), "the dialog stays open");
    h.screen(120, 40);
    h.key(KeyCode::Char('y'));
    h.advance(DWELL - std::time::Duration::from_millis(1));
    h.screen(120, 40); // later frames do not restart the dwell
    h.key(KeyCode::Char('y'));
    assert_eq!(sends(&ws), 0, "inside the dwell");
    h.advance(std::time::Duration::from_millis(1));
    h.key(KeyCode::Char('y'));
    assert_eq!(sends(&ws), 1, "after the dwell the confirm key sends");
}

/// Attack: a held confirm key. Its auto-repeat events never confirm; only a press does.
#[test]
fn a_repeat_of_the_confirm_key_never_confirms() {
    let ws = setup();
    new_intent(&ws, None);
    let mut h = open_tab(&ws);
    review(&mut h);
    let y = |kind| {
        KeyEvent::new_with_kind_and_state(KeyCode::Char('y'), KeyModifiers::NONE, kind, KeyEventState::NONE)
    };
    for _ in 0..5 {
        h.key_event(y(KeyEventKind::Repeat));
    }
    h.key_event(y(KeyEventKind::Release));
    assert_eq!(sends(&ws), 0, "repeats and releases never confirm");
    assert_eq!(h.app.confirm, Some(Confirm::SendOrder));
    h.key_event(y(KeyEventKind::Press));
    assert_eq!(sends(&ws), 1);
}

/// Attack: a paste containing the confirm key, into the open dialog or one the paste itself
/// opens. A paste never answers a confirm dialog.
#[test]
fn a_paste_containing_the_confirm_key_never_confirms() {
    let ws = setup();
    new_intent(&ws, None);
    let mut h = open_tab(&ws);
    review(&mut h);
    h.paste("y");
    h.paste("yes\ny\ry");
    assert_eq!(sends(&ws), 0, "a paste into the dialog");
    assert_eq!(h.app.confirm, Some(Confirm::SendOrder), "and it stays open");
    assert!(h.app.message.clone().unwrap().1.contains("paste ignored"));
    h.key(KeyCode::Char('n'));

    // A keymap where a printable key opens: the paste that opens the dialog ends there.
    h.keymap =
        Keymap::from_toml("[[bind]]\ncontext = \"corridors\"\nkeys = [\"o\"]\naction = \"open\"\n").unwrap();
    h.paste("oy");
    assert_eq!(h.app.confirm, Some(Confirm::SendOrder), "o opened the dialog");
    h.screen(120, 40);
    h.advance(DWELL);
    h.tick();
    assert_eq!(sends(&ws), 0, "the y after it was dropped");
    // Newlines in a paste are never Enter: nothing opens.
    h.key(KeyCode::Char('n'));
    h.paste("\r\n");
    assert_eq!(h.app.confirm, None);
    assert_eq!(sends(&ws), 0);
}

/// A keymap that rebinds the confirm key: the dialog names the new key, and only it confirms.
#[test]
fn the_hint_shows_the_rebound_confirm_and_deny_keys() {
    let ws = setup();
    new_intent(&ws, None);
    let mut h = open_tab(&ws);
    h.keymap = Keymap::from_toml(
        "[[bind]]\ncontext = \"confirm\"\nkeys = [\"ctrl+y\"]\naction = \"confirm\"\n\n\
         [[bind]]\ncontext = \"confirm\"\nkeys = [\"x\"]\naction = \"deny\"\n",
    )
    .unwrap();
    h.key(KeyCode::Enter);
    let dialog = h.screen(120, 40);
    assert!(dialog.contains("^y  APPROVE AND SEND      x  cancel"), "{dialog}");
    assert!(!dialog.contains("y  APPROVE AND SEND      n"), "{dialog}");
    h.advance(DWELL);
    h.key(KeyCode::Char('y'));
    assert_eq!(sends(&ws), 0, "the old key no longer confirms");
    h.key_mod(KeyCode::Char('y'), KeyModifiers::CONTROL);
    assert_eq!(sends(&ws), 1);
}

/// Attack: a workspace keymap.toml making a reflex key the confirm key. The console refuses to
/// start, naming the file, the line and why.
#[test]
fn a_keymap_making_a_reflex_key_confirm_is_refused_at_start() {
    let ws = setup();
    let engine = Engine::open(Workspace::at(ws.path()));
    let file = ws.path().join("keymap.toml");
    for key in ["esc", "enter", "j", "k", "up", "down", "tab", "backtab", "space", "n", "q"] {
        let text =
            format!("# mine\n[[bind]]\ncontext = \"confirm\"\naction = \"confirm\"\nkeys = [\"{key}\"]\n");
        std::fs::write(&file, text).unwrap();
        let e = match quantlab::tui::setup(&engine, &quantlab::tui::Options::default()) {
            Ok(_) => panic!("{key}: the console would start with it"),
            Err(e) => e,
        };
        assert_eq!(e.kind, quantlab::engine::ErrorKind::BadInput, "{key}");
        let m = e.message;
        assert!(m.contains(&file.display().to_string()), "{key}: the file: {m}");
        assert!(m.contains("entry 1 (line 5)"), "{key}: the line: {m}");
        assert!(m.contains("cannot be the confirm key of the order dialog ("), "{key}: the reason: {m}");
    }
    std::fs::write(&file, "[[bind]]\ncontext = \"global\"\naction = \"down\"\nkeys = [\"y\"]\n").unwrap();
    let e = quantlab::tui::setup(&engine, &quantlab::tui::Options::default()).err().unwrap();
    assert!(e.message.contains("line 4") && e.message.contains("\"down\" in global"), "{}", e.message);
    std::fs::write(&file, "[[bind]]\ncontext = \"confirm\"\naction = \"confirm\"\nkeys = [\"ctrl+y\"]\n")
        .unwrap();
    assert!(quantlab::tui::setup(&engine, &quantlab::tui::Options::default()).is_ok());
}

/// A corridor armed by another process (the CLI, a console that died) is reconciled and armed
/// again by this console before it renews anything.
#[test]
fn a_corridor_armed_elsewhere_is_reconciled_before_the_console_renews_it() {
    let ws = setup();
    let (code, v) = ws.json(&["corridor", "arm", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 0, "{v}");
    let kinds = |ws: &Ws| -> Vec<String> {
        let (_, v) = ws.json(&["journal", "show", "--venue", "fake", "--account", "main"]);
        v["result"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event"]["kind"].as_str().unwrap().to_string())
            .collect()
    };
    let before = kinds(&ws);
    assert_eq!(before.iter().filter(|k| *k == "armed").count(), 1);
    let h = Harness::new(&ws);
    let after = kinds(&ws);
    assert_eq!(after.iter().filter(|k| *k == "armed").count(), 2, "{after:?}");
    assert!(after[before.len()..].iter().any(|k| k == "reconciled"), "reconciled first: {after:?}");
    assert_eq!(h.tab::<CorridorsScreen>().owned.len(), 1);
}

/// Cut the fake venue of `fake/main` off the network (its state file is the venue).
fn unreachable(ws: &Ws) {
    let p = ws.path().join("venues/fake/main.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    v["unreachable"] = serde_json::json!(true);
    std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
}

/// Attack: the venue cannot be reached, and a script reads `corridor status` as "flat, no open
/// orders". The reads are null with their error beside them, the JSON is still printed, and
/// the command exits 4; the text says UNKNOWN, never flat.
#[test]
fn an_unreachable_venue_is_unknown_in_corridor_status_and_exits_4() {
    let ws = setup();
    new_intent(&ws, None);
    let (code, v) = ws.json(&["corridor", "status", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 0, "reachable: {v}");
    assert!(v["result"]["positions"].is_array() && v["result"]["positions_error"].is_null(), "{v}");

    unreachable(&ws);
    let (code, v) = ws.json(&["corridor", "status", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["exit_code"], 4, "{v}");
    let r = &v["result"];
    assert_eq!(r["connection"]["ok"], false, "{v}");
    for read in ["balances", "positions", "open_orders"] {
        assert!(r[read].is_null(), "{read} is unknown, not empty: {v}");
        let e = r[format!("{read}_error")].as_str().unwrap_or_else(|| panic!("{read}_error: {v}"));
        assert!(e.contains("unreachable") && e.contains("connection refused"), "{read}: {e}");
    }
    // What was known without the venue is still there: the pending intent.
    assert_eq!(r["pending"].as_array().unwrap().len(), 1, "{v}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quantlab"))
        .arg("--workspace")
        .arg(ws.path())
        .args(["corridor", "status", "--venue", "fake", "--account", "main"])
        .env_remove("QUANTLAB_WORKSPACE")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{text}");
    for want in ["balances UNKNOWN", "positions UNKNOWN", "open orders UNKNOWN"] {
        assert!(text.contains(want), "missing {want}:\n{text}");
    }
    assert!(!text.contains("flat"), "{text}");
}

/// Attack: the console would show "venue connected, positions flat, open orders (0)" for a
/// venue it cannot read. It shows each read as unknown, with the error.
#[test]
fn the_console_shows_an_unreadable_venue_as_unknown_not_flat() {
    let ws = setup();
    new_intent(&ws, None);
    let mut h = open_tab(&ws);
    let screen = h.screen(120, 40);
    assert!(screen.contains("positions flat") && screen.contains("open orders (0)"), "{screen}");

    unreachable(&ws);
    h.key(KeyCode::Char('R'));
    h.tick();
    let d = h.tab::<CorridorsScreen>().detail.clone().expect("a detail");
    assert!(!d.complete() && d.positions.is_none(), "{d:?}");
    let screen = h.screen(120, 40);
    assert!(screen.contains("venue unreachable"), "{screen}");
    for want in ["balances  unknown:", "positions unknown:", "open orders unknown:"] {
        assert!(screen.contains(want), "missing {want}:\n{screen}");
    }
    assert!(!screen.contains("flat") && !screen.contains("open orders (0)"), "{screen}");
}

/// Every journal read, by path, while `f` runs on this thread (the engine emits one
/// `quantlab::journal_read` trace event per whole read of a journal).
fn journal_reads(f: impl FnOnce()) -> std::collections::BTreeMap<String, usize> {
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::layer::SubscriberExt;

    type Counts = Arc<Mutex<std::collections::BTreeMap<String, usize>>>;
    struct Reads(Counts);
    struct Path(String);
    impl tracing::field::Visit for Path {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            if field.name() == "path" {
                self.0 = format!("{value:?}");
            }
        }
    }
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Reads {
        fn on_event(&self, e: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
            if e.metadata().target() == "quantlab::journal_read" {
                let mut p = Path(String::new());
                e.record(&mut p);
                *self.0.lock().unwrap().entry(p.0).or_default() += 1;
            }
        }
    }
    let counts = Counts::default();
    let subscriber = tracing_subscriber::registry().with(Reads(counts.clone()));
    tracing::subscriber::with_default(subscriber, f);
    let out = counts.lock().unwrap().clone();
    out
}

/// The console's corridor poll (every fifth tick) reads each corridor's journal once, for both
/// the Corridors list and the status bar's halts and approvals. It read each three times: the
/// status bar's load, the list's load, and a state read per corridor for the list.
#[test]
fn a_corridor_poll_reads_each_journal_once() {
    let ws = setup();
    new_intent(&ws, None);
    let (code, v) = ws.json(&[
        "intent",
        "new",
        "--venue",
        "fake",
        "--account",
        "second",
        "--symbol",
        "BTC/USD",
        "--side",
        "buy",
        "--qty",
        "0.002",
        "--price",
        "49900",
    ]);
    assert_eq!(code, 0, "{v}");
    let mut h = Harness::new(&ws);
    for _ in 0..4 {
        h.tick();
    }
    let reads = journal_reads(|| h.tick());
    assert_eq!(reads.len(), 2, "both corridors read: {reads:?}");
    for (path, n) in &reads {
        assert!(path.ends_with("journal.jsonl"), "{path}");
        assert_eq!(*n, 1, "{path} read {n} times in one poll: {reads:?}");
    }
    // What the poll served: both corridors listed, and the status bar's count of approvals.
    assert_eq!(h.tab::<CorridorsScreen>().list.len(), 2);
    assert_eq!(h.app.shared.execution.awaiting_approval, 2);
    // Ticks between polls read no journal.
    assert!(journal_reads(|| h.tick()).is_empty());
}

/// On the Corridors tab with the selected corridor armed by this console, the poll tick renews
/// its dead-man timer, reads its detail and takes the snapshot of every corridor: still one
/// read of each journal.
#[test]
fn a_poll_tick_on_the_corridors_tab_reads_an_armed_corridors_journal_once() {
    let ws = setup();
    new_intent(&ws, None);
    let (code, v) = ws.json(&["corridor", "arm", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 0, "{v}");
    let mut h = Harness::new(&ws);
    assert_eq!(h.tab::<CorridorsScreen>().owned.len(), 1, "armed again, and owned, by the console");
    h.key(KeyCode::Char('7'));
    assert_eq!(h.app.tab_title(), "Corridors");
    while !(h.app.ticks + 1).is_multiple_of(5) {
        h.tick();
    }
    let lease = ws.path().join("corridors/fake/main/lease.json");
    let expires = || -> i64 {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&lease).unwrap()).unwrap();
        v["expires_ms"].as_i64().unwrap()
    };
    let before = expires();
    std::thread::sleep(std::time::Duration::from_millis(5));
    h.tab_mut::<CorridorsScreen>().detail = None;
    let reads = journal_reads(|| h.tick());
    assert_eq!(reads.len(), 1, "{reads:?}");
    for (path, n) in &reads {
        assert_eq!(*n, 1, "{path} read {n} times in one tick: {reads:?}");
    }
    // What the tick served: the renewal, the detail and the snapshot.
    assert!(expires() > before, "the dead-man timer was renewed");
    assert!(h.tab::<CorridorsScreen>().detail.is_some());
    assert_eq!(h.app.shared.execution.awaiting_approval, 1);
}

/// A poll asked to renew a corridor it cannot open (no venue configured, no credential) or one
/// not armed reports each failure, and still summarises every corridor.
#[test]
fn a_poll_reports_what_it_could_not_renew_and_still_summarises() {
    use quantlab::engine::execution::{CorridorId, Venue};
    let ws = setup();
    new_intent(&ws, None);
    let engine = Engine::with_credentials(
        Workspace::at(ws.path()),
        std::sync::Arc::new(quantlab::engine::secrets::MemoryStore::default()),
    );
    let fake = CorridorId::new(Venue::Fake, "main").unwrap();
    let kraken = CorridorId::new(Venue::Kraken, "nowhere").unwrap();
    let poll = quantlab::engine::CorridorPoll {
        keep_alive: vec![kraken.clone(), fake.clone()],
        detail: Some(kraken.clone()),
    };
    let r = engine.execution().corridor_poll(&poll);
    let failed: Vec<&CorridorId> =
        r.kept_alive.iter().filter(|(_, l)| l.is_err()).map(|(id, _)| id).collect();
    assert_eq!(failed.len(), 2, "{:?}", r.kept_alive);
    let not_armed = &r.kept_alive.iter().find(|(id, _)| *id == fake).unwrap().1;
    assert!(not_armed.as_ref().unwrap_err().message.contains("not armed"), "{not_armed:?}");
    assert!(matches!(r.detail, Some(Err(_))), "{:?}", r.detail);
    let snap = r.snapshot.unwrap();
    let listed = snap.corridors.iter().find(|c| c.corridor == fake).expect("fake/main summarised");
    assert_eq!(listed.awaiting_approval, 1);
}

/// A live session's intent says where it came from, in the list and in the dialog the
/// operator confirms: the session, the bar and the strategy's reason.
#[test]
fn a_live_sessions_intent_shows_its_strategy_bar_and_reason() {
    let ws = setup();
    let note = "live:s1@2026-01-02T14:00:00Z: sma_cross 20/100: target 0 -> 1 at 2026-01-02T14:00:00Z";
    let (code, v) = ws.fake_intent(&["--source", "strategy", "--note", note]);
    assert_eq!(code, 0, "{v}");
    let mut h = open_tab(&ws);
    let want = "from live session s1, bar 2026-01-02T14:00:00Z: sma_cross 20/100: target 0 -> 1";
    let screen = h.screen(160, 40);
    assert!(screen.contains(want), "{screen}");
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, Some(Confirm::SendOrder));
    let dialog = h.screen(160, 40);
    // The dialog wraps it at its width.
    assert!(dialog.contains("from live session s1, bar 2026-01-02T14:00:00Z: sma_cross 20/100:"), "{dialog}");
    assert!(dialog.contains("target 0 -> 1 at 2026-01-02T14:00:00Z"), "{dialog}");
}
