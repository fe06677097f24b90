//! The Promotion tab driven through messages: the board drawn with its evidence (gate lines with
//! the artifacts they read), and the typed-confirmation dialog, which promotes only when the
//! candidate's id was typed key by key after its dwell and Enter pressed: a wrong id, a paste,
//! keys inside the dwell and a failing gate line promote nothing and write nothing; the right id
//! promotes, signed, journaled on a corridor, and the board shows the new stage.

use crossterm::event::KeyCode;
use quantlab::engine::execution::journal;
use quantlab::engine::execution::model::Event;
use quantlab::engine::execution::paths;
use quantlab::engine::promotion::gates::GATES_FILE;
use quantlab::engine::promotion::Stage;
use quantlab::tui::app::Confirm;
use quantlab::tui::panes::order_confirm::DWELL;
use quantlab::tui::screens::promotion::PromotionScreen;

use crate::common::console::{snapshot, Harness};
use crate::common::promotion::{relaxed_gates, write_relaxed_gates};
use crate::promotion::Rig;

/// A rig whose candidate a sweep made, the relaxed gates, and the console on the Promotion tab
/// (the ninth), signing with the rig's in-memory operator key.
fn open() -> (Rig, Harness) {
    let rig = Rig::new();
    rig.sweep();
    write_relaxed_gates(rig.ws.path());
    let mut h = Harness::new(&rig.ws);
    h.engine = rig.engine.clone();
    h.key(KeyCode::Char('9'));
    assert_eq!(h.app.tab_title(), "Promotion");
    (rig, h)
}

/// `P` on the selected row: the dialog opens and is drawn (its dwell starts with that frame).
fn open_dialog(h: &mut Harness) {
    h.key(KeyCode::Char('P'));
    assert_eq!(h.app.confirm, Some(Confirm::Promote), "{:?}", h.app.message);
    h.screen(120, 40);
}

fn typed(h: &Harness) -> String {
    h.app.promotion.as_ref().expect("the dialog is open").typed().to_string()
}

#[test]
fn the_board_is_drawn_with_its_evidence() {
    let (rig, mut h) = open();
    let id = rig.candidate().id;
    let p = h.tab::<PromotionScreen>();
    assert_eq!(p.rows().len(), 1, "{:?}", p.rows());
    let s = h.screen(120, 40);
    assert!(s.contains("9 Promo") && s.contains("10 About"), "{s}");
    assert!(s.contains(&id) && s.contains("everywhere") && s.contains("✓ ready"), "{s}");
    assert!(s.contains("ok   sweep_rank") && s.contains("[sweep_"), "the line and the sweep it read:\n{s}");
    snapshot("promotion_120x40", &s);
    snapshot("promotion_80x24", &h.screen(80, 24));
}

#[test]
fn only_the_id_typed_after_the_dwell_and_enter_promote() {
    let (rig, mut h) = open();
    let id = rig.candidate().id;
    open_dialog(&mut h);
    // Inside the dwell: nothing is typed, Enter does nothing.
    h.text(&id);
    h.key(KeyCode::Enter);
    assert_eq!(typed(&h), "", "keys inside the dwell are ignored");
    assert_eq!(h.app.confirm, Some(Confirm::Promote));
    assert!(rig.decision_lines().is_empty());
    h.advance(DWELL);
    // Another id: refused, the dialog stays open to correct it, nothing written.
    h.text("cand_something_else");
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, Some(Confirm::Promote));
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(is_err && msg.contains("type the candidate's id"), "{msg}");
    assert!(rig.decision_lines().is_empty());
    assert!(h.screen(120, 40).contains("not promoted: type the candidate's id"));
    // A paste of the right id: text, never keys.
    for _ in 0.."cand_something_else".len() {
        h.key(KeyCode::Backspace);
    }
    assert_eq!(typed(&h), "");
    h.paste(&format!("{id}\n"));
    assert_eq!(typed(&h), "", "a paste types nothing");
    h.key(KeyCode::Enter);
    assert!(rig.decision_lines().is_empty(), "nor confirms");
    // Esc closes it, nothing promoted.
    h.key(KeyCode::Esc);
    assert_eq!(h.app.confirm, None);
    assert!(h.app.promotion.is_none());
    assert!(rig.decision_lines().is_empty());

    // The id typed after the dwell, Enter: promoted to paper, signed, the board reread.
    open_dialog(&mut h);
    h.advance(DWELL);
    h.text(&id);
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, None);
    let lines = rig.decision_lines();
    assert_eq!(lines.len(), 1, "{:?}", h.app.message);
    assert_eq!((lines[0]["from"].as_str(), lines[0]["to"].as_str()), (Some("research"), Some("paper")));
    assert!(lines[0]["signature"].is_string() && lines[0]["by"].as_str().unwrap().contains("typed"));
    let s = h.screen(120, 40);
    assert!(s.contains("promoted from research to paper"), "{s}");
    let p = h.tab::<PromotionScreen>();
    assert!(p.rows().iter().all(|r| r.stage == Stage::Paper), "{:?}", p.rows());
}

/// Digits are characters of an id in the dialog: `0` is typed, not the About tab's key.
#[test]
fn a_digit_in_the_dialog_is_typed_not_a_tab_key() {
    let (_rig, mut h) = open();
    open_dialog(&mut h);
    h.advance(DWELL);
    h.text("0");
    h.key(KeyCode::Char('1'));
    assert_eq!((typed(&h), h.app.tab_title()), ("01".to_string(), "Promotion"));
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('0'));
    assert_eq!(h.app.tab_title(), "About", "once it is closed, 0 is the tab key again");
}

#[test]
fn a_promotion_on_a_corridor_is_journaled_there() {
    let (rig, mut h) = open();
    let kraken = rig.kraken_on_loopback();
    let id = rig.candidate().id;
    open_dialog(&mut h);
    h.advance(DWELL);
    h.text(&id);
    h.key(KeyCode::Enter);
    assert_eq!(rig.decision_lines().len(), 1, "{:?}", h.app.message);
    // Paper holds everywhere; the live stage is the kraken corridor's row.
    let p = h.tab::<PromotionScreen>();
    assert_eq!(p.rows().len(), 1, "{:?}", p.rows());
    assert_eq!(p.rows()[0].corridor.as_ref(), Some(&kraken));
    assert_eq!(p.rows()[0].next, Some(Stage::MicroLive));
    open_dialog(&mut h);
    h.advance(DWELL);
    h.text(&id);
    h.key(KeyCode::Enter);
    let lines = rig.decision_lines();
    assert_eq!(lines.len(), 2, "{:?}", h.app.message);
    let entries = journal::read(&paths::journal(rig.engine.workspace(), &kraken)).unwrap();
    let Some(Event::PromotionDecided { decision_id, to, .. }) = entries.last().map(|e| e.event.clone())
    else {
        panic!("{entries:?}")
    };
    assert_eq!((decision_id.as_str(), to.as_str()), (lines[1]["id"].as_str().unwrap(), "micro_live"));
    let s = h.screen(120, 40);
    assert!(s.contains("promoted from paper to micro_live on kraken/main"), "{s}");
    assert_eq!(h.tab::<PromotionScreen>().rows()[0].stage, Stage::MicroLive);
}

#[test]
fn a_failing_gate_line_refuses_with_its_reason() {
    let rig = Rig::new();
    rig.sweep();
    let strict = relaxed_gates().replace("require_walkforward = false", "require_walkforward = true");
    std::fs::write(rig.ws.path().join(GATES_FILE), strict).unwrap();
    let mut h = Harness::new(&rig.ws);
    h.engine = rig.engine.clone();
    h.key(KeyCode::Char('9'));
    let id = rig.candidate().id;
    let s = h.screen(120, 40);
    assert!(s.contains("✗ walkforward") && s.contains("FAIL walkforward"), "{s}");
    open_dialog(&mut h);
    assert!(h.screen(120, 40).contains("cannot be promoted: a line of the gate fails"));
    h.advance(DWELL);
    h.text(&id);
    h.key(KeyCode::Enter);
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(is_err && msg.contains("walkforward"), "{msg}");
    assert!(rig.decision_lines().is_empty(), "nothing written");
    h.key(KeyCode::Esc);
    assert_eq!(h.app.confirm, None);
}
