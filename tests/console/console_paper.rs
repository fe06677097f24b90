//! The Paper tab driven through messages: sessions listed with totals, a detail with equity,
//! orders and fills, and a session started from the form, paused, resumed and stopped (after
//! its confirm) by the keys, each change read back from the real runner process.

use crate::common;
use crate::common::console;

use std::time::{Duration, Instant};

use common::{fixture, Ws};
use console::{snapshot, Harness};
use crossterm::event::KeyCode;
use quantlab::engine::paper::Status;
use quantlab::tui::screens::new_run::NewRunScreen;
use quantlab::tui::screens::paper::PaperScreen;
use quantlab::tui::screens::paper_session::PaperSessionScreen;

fn workspace() -> (Ws, String) {
    let ws = Ws::new();
    let path = fixture("BTCUSD_1h_head.csv");
    let (code, v) =
        ws.json(&["data", "import", path.to_str().unwrap(), "--symbol", "BTCUSD", "--timeframe", "1h"]);
    assert_eq!(code, 0, "{v}");
    let id = v["result"]["dataset"]["id"].as_str().unwrap().to_string();
    (ws, id)
}

/// A session run to its end from the command line.
fn finished_session(ws: &Ws, data: &str, name: &str) {
    let feed = format!("replay:{data}");
    let (code, v) = ws.paper_start(&feed, &["--fee-bps", "10", "--name", name, "--foreground"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["status"], "completed", "{v}");
}

/// Tick until the selected session has `status` (the runner is a separate process).
fn wait_status(h: &mut Harness, id: &str, status: Status) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        h.tick();
        let now =
            h.tab::<PaperScreen>().sessions.iter().find(|v| v.session.id == id).map(|v| v.session.status);
        if now == Some(status) {
            return;
        }
        assert!(Instant::now() < deadline, "{id} never became {status:?} (is {now:?})");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sessions_are_listed_with_totals_and_open_in_detail() {
    let (ws, data) = workspace();
    finished_session(&ws, &data, "paper_done");
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('5'));
    assert_eq!(h.app.tab_title(), "Paper");
    let s = h.screen(120, 40);
    assert!(s.contains("paper_done") && s.contains("✔ completed") && s.contains("10273.92"), "{s}");
    assert!(s.contains("Paper · sessions 1 · live 0 (running 0)"), "{s}");
    assert!(s.contains("n start a session") && s.contains("x stop (asks first)"), "footer: {s}");
    snapshot("paper_120x40", &s);
    snapshot("paper_80x24", &h.screen(80, 24));

    h.key(KeyCode::Enter);
    let d = &h.view::<PaperSessionScreen>().expect("Enter opens the session").view;
    let (orders, fills) = (d.detail.orders.len(), d.detail.fills.len());
    assert!(orders > 0 && fills > 0, "the replay traded");
    assert_eq!(d.detail.equity.len(), 200, "one equity point per bar");
    let s = h.screen(120, 40);
    assert!(s.contains(&format!("orders · {orders}")) && s.contains(&format!("fills · {fills}")), "{s}");
    assert!(s.contains("replay:") && s.contains("last bar") && s.contains(" equity "), "{s}");
    snapshot("paper_detail_120x40", &s);
    // A stop on a finished session is refused by the engine and said so, nothing else happens.
    h.key(KeyCode::Char('x'));
    h.key(KeyCode::Char('y'));
    let (is_err, msg) = h.app.message.clone().expect("the refusal is shown");
    assert!(is_err && msg.contains("already completed"), "{msg}");
    h.key(KeyCode::Esc);
    assert!(h.app.view.is_none());
}

#[test]
fn a_session_started_from_the_form_pauses_resumes_and_stops() {
    let (ws, _) = workspace();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('5'));
    assert!(h.screen(80, 24).contains("no paper sessions yet"));
    h.key(KeyCode::Char('n'));
    assert!(h.view::<NewRunScreen>().is_some(), "n opens the form");
    assert!(h.screen(120, 40).contains("New paper session"));
    // One bar a second: slow enough to steer, the file has 200.
    let focus = |h: &Harness| {
        let f = h.view::<NewRunScreen>().and_then(|s| s.form.form.focused().cloned());
        f.map(|f| f.key).unwrap_or_default()
    };
    while focus(&h) != "speed" {
        h.key(KeyCode::Tab);
    }
    for _ in 0..3 {
        h.key(KeyCode::Backspace);
    }
    h.text("3600");
    while focus(&h) != "name" {
        h.key(KeyCode::Tab);
    }
    h.text("paper_steered");
    h.key(KeyCode::Enter);
    let (is_err, msg) = h.app.message.clone().expect("the start is reported");
    assert!(!is_err && msg.starts_with("paper_steered: started"), "{msg}");
    assert_eq!(h.tab::<PaperScreen>().selected_id(), Some("paper_steered"));
    wait_status(&mut h, "paper_steered", Status::Running);
    let s = h.screen(120, 40);
    assert!(s.contains("▶ running") && s.contains("mode paper (1 live)"), "{s}");
    assert_eq!(h.tab::<PaperScreen>().totals.running, 1);

    h.key(KeyCode::Char('p'));
    wait_status(&mut h, "paper_steered", Status::Paused);
    assert!(h.screen(120, 40).contains("‖ paused"));
    h.key(KeyCode::Char('r'));
    wait_status(&mut h, "paper_steered", Status::Running);

    // x asks first; n keeps it running; only y stops it.
    h.key(KeyCode::Char('x'));
    let s = h.screen(120, 40);
    assert!(s.contains("Stop session?") && s.contains("paper_steered"), "{s}");
    h.key(KeyCode::Char('n'));
    assert!(h.app.confirm.is_none());
    h.key(KeyCode::Char('x'));
    h.key(KeyCode::Enter);
    assert!(h.app.confirm.is_some(), "Enter never confirms");
    h.key(KeyCode::Char('y'));
    wait_status(&mut h, "paper_steered", Status::Stopped);
    let s = h.screen(120, 40);
    assert!(s.contains("■ stopped") && s.contains("live 0"), "{s}");
}
