//! The Pre-trade tab and the status bar driven through messages: the form recomputing as you
//! type, a saved plan becoming a draft intent, and intents awaiting approval kept in view.

use crossterm::event::KeyCode;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::Engine;
use quantlab::tui::jobs::Cmd;
use quantlab::tui::screens::pretrade::PretradeScreen;

use crate::common::console::Harness;
use crate::common::Ws;

/// The Pre-trade tab recomputes as you type: sizing, checks and ladder follow every key; a
/// saved plan is listed, reopened, and becomes a pending draft intent.
#[test]
fn the_pretrade_form_recomputes_as_you_type() {
    let ws = Ws::new();
    let engine = Engine::open(Workspace::at(ws.path()));
    engine.execution().policy_init().unwrap();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('4'));
    assert_eq!(h.app.tab_title(), "Pre-trade");
    let s = h.screen(120, 40);
    // Defaults: long 50,000, stop 49,500, 5 of risk, 10 bps: 0.00834 BTC; the rules, the
    // equity (10,000) and the exposure (none) are the fake venue's, and the tab says so.
    assert!(s.contains("VALID") && s.contains("buy 0.00834 BTC/USD limit 50000"), "{s}");
    assert!(s.contains("◆ from fake/main at"), "{s}");
    assert_eq!(h.tab::<PretradeScreen>().form.get("equity"), "10000");
    assert!(
        s.contains("Ladder") && s.contains("E  50000") && s.contains("S  49500") && s.contains("T2 52000"),
        "{s}"
    );
    // Edit the stop: 8 fields down, erase, type 49000.
    h.key(KeyCode::Char('e'));
    assert!(h.tab::<PretradeScreen>().editing);
    for _ in 0..7 {
        h.key(KeyCode::Tab);
    }
    assert_eq!(h.tab::<PretradeScreen>().form.focused().unwrap().key, "stop");
    for _ in 0..5 {
        h.key(KeyCode::Backspace);
    }
    let s = h.screen(120, 40);
    assert!(
        s.contains("cannot size this plan") && s.contains("stop"),
        "an empty stop is named as you type: {s}"
    );
    h.text("49000");
    let s = h.screen(120, 40);
    // Risk per unit 1,000 + 0.001 x 99,000 = 1,099; 5 / 1,099 = 0.00454 BTC.
    assert!(s.contains("buy 0.00454 BTC/USD"), "{s}");
    // Typed letters stay in the form: q does not quit while editing.
    h.key(KeyCode::Char('q'));
    assert!(!h.app.should_quit);
    h.key(KeyCode::Backspace);
    // Perpetual at 20x: a liquidation level appears on the ladder.
    h.key(KeyCode::BackTab);
    h.key(KeyCode::BackTab);
    h.key(KeyCode::BackTab);
    assert_eq!(h.tab::<PretradeScreen>().form.focused().unwrap().key, "market");
    h.key(KeyCode::Right);
    for _ in 0..11 {
        h.key(KeyCode::Tab);
    }
    assert_eq!(h.tab::<PretradeScreen>().form.focused().unwrap().key, "leverage");
    h.text("20");
    let s = h.screen(120, 40);
    assert!(s.contains("liquidation (est.)") && s.contains("L  47750"), "{s}");
    // 20x is above the policy's max_leverage of 3: rejected, the rule named inline.
    assert!(s.contains("REJECTED") && s.contains("max_leverage"), "{s}");
    // Exposure already held counts in the exposure after the trade (227 notional + 500).
    assert!(s.contains("2.27% of equity"), "{s}");
    h.key(KeyCode::BackTab);
    h.key(KeyCode::BackTab);
    assert_eq!(h.tab::<PretradeScreen>().form.focused().unwrap().key, "exposure");
    h.key(KeyCode::Backspace);
    h.text("500");
    assert!(h.screen(120, 40).contains("7.27% of equity"), "{}", h.screen(120, 40));
    // Typed over the venue's value, the exposure is the operator's: a new read leaves it.
    assert!(h.tab::<PretradeScreen>().venue.typed.contains("exposure"));
    h.key(KeyCode::Esc);
    assert!(!h.tab::<PretradeScreen>().editing);

    // Save, reopen, draft an intent.
    h.key(KeyCode::Char('s'));
    assert_eq!(h.tab::<PretradeScreen>().plans.len(), 1);
    let s = h.screen(120, 40);
    assert!(s.contains("Saved plans (1)") && s.contains("rejected"), "{s}");
    h.key(KeyCode::Char('i'));
    assert!(h.app.message.as_ref().unwrap().1.contains("rejected by the policy"));
    *h.tab_mut::<PretradeScreen>() = PretradeScreen::new();
    h.run_cmds(vec![Cmd::LoadPretrade]);
    h.key(KeyCode::Char('s'));
    assert_eq!(h.tab::<PretradeScreen>().plans.len(), 2);
    h.key(KeyCode::Char('i'));
    let msg = h.app.message.clone().unwrap().1;
    assert!(msg.starts_with("draft intent intent_"), "{msg}");
    // The draft and its attached stop-loss are pending; only the draft awaits approval.
    let pending = engine.execution().intents(None, None, Some("pending")).unwrap();
    assert_eq!(pending.len(), 2);
    assert_eq!(pending.iter().filter(|r| r.record.awaits_approval()).count(), 1);
    // Reopen the rejected (older) plan: the form gets its values back.
    h.key(KeyCode::Down);
    h.key(KeyCode::Enter);
    assert_eq!(
        h.tab::<PretradeScreen>().form.fields.iter().find(|f| f.key == "leverage").unwrap().value,
        "20"
    );
}

/// An intent waiting for approval is counted in the status bar on every screen until it is
/// approved, withdrawn or expires.
#[test]
fn intents_awaiting_approval_stay_in_the_status_bar() {
    let ws = Ws::new();
    let engine = Engine::open(Workspace::at(ws.path()));
    engine.execution().policy_init().unwrap();
    let mut h = Harness::new(&ws);
    assert!(!h.screen(120, 40).contains("awaiting approval"));
    let (code, v) = ws.fake_intent(&[]);
    assert_eq!(code, 0, "{v}");
    for _ in 0..5 {
        h.tick();
    }
    for tab in ['1', '3', '5'] {
        h.key(KeyCode::Char(tab));
        assert!(h.screen(120, 40).contains("⧗ 1 awaiting approval"), "tab {tab}");
    }
    let id = v["result"]["id"].as_str().unwrap();
    let (code, _) = ws.json(&["intent", "cancel", id]);
    assert_eq!(code, 0);
    for _ in 0..5 {
        h.tick();
    }
    assert!(!h.screen(120, 40).contains("awaiting approval"));
}

/// A venue the tab cannot read (kraken/main has no `venues.toml` entry here): its fields are
/// emptied rather than left at the fake venue's values, the tab names what is unknown and why,
/// and the plan asks for them; typed in, the plan sizes, and records only what the venue gave.
#[test]
fn what_the_venue_cannot_tell_is_emptied_and_named_not_guessed() {
    let ws = Ws::new();
    let engine = Engine::open(Workspace::at(ws.path()));
    engine.execution().policy_init().unwrap();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('4'));
    h.key(KeyCode::Char('e'));
    assert_eq!(h.tab::<PretradeScreen>().form.focused().unwrap().key, "venue");
    h.key(KeyCode::Right);
    assert_eq!(h.tab::<PretradeScreen>().form.get("venue"), "kraken");
    // Editing ends: the venue is read for kraken/main BTC/USD.
    h.key(KeyCode::Esc);
    let s = h.screen(120, 40);
    assert!(s.contains("▲ tick, lot, min-size, min-notional, equity,"), "{s}");
    assert!(s.contains("exposure unknown from kraken/main: no credential"), "{s}");
    assert!(
        s.contains("cannot size this plan") && s.contains("unknown from the venue (no credential"),
        "{s}"
    );
    let form = &h.tab::<PretradeScreen>().form;
    assert_eq!(
        (form.get("tick"), form.get("lot"), form.get("equity")),
        ("", "", ""),
        "never the fake venue's"
    );
    // The operator types them: the plan sizes, and nothing is recorded as the venue's.
    h.key(KeyCode::Char('e'));
    for (field, value) in [
        ("equity", "1000"),
        ("exposure", "0"),
        ("tick", "0.1"),
        ("lot", "0.00001"),
        ("min_size", "0.0001"),
        ("min_notional", "5"),
    ] {
        while h.tab::<PretradeScreen>().form.focused().unwrap().key != field {
            h.key(KeyCode::Tab);
        }
        h.text(value);
    }
    let s = h.screen(120, 40);
    assert!(s.contains("buy 0.00834 BTC/USD"), "{s}");
    let input = h.tab::<PretradeScreen>().input().unwrap();
    assert_eq!(input.from_venue, None);
}
