//! The Signals tab driven through messages: signals listed with priority, decision, verdict
//! and age; research started by a key in the background (busy marker, then the verdict);
//! the detail with its sweeps, walk-forward and checks; a triage again after new data.

use crate::common;
use crate::common::console;

use common::{sample, Ws};
use console::{snapshot, Harness};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quantlab::engine::gate::TerminalKey;
use quantlab::tui::app::Msg;
use quantlab::tui::screens::runs::RunsScreen;
use quantlab::tui::screens::signal_detail::SignalDetailScreen;
use quantlab::tui::screens::signals::SignalsScreen;
use quantlab::tui::screens::sweeps::SweepsScreen;
use serde_json::json;

fn import(ws: &Ws, file: &str, symbol: &str) {
    let (code, v) =
        ws.json(&["data", "import", sample(file).to_str().unwrap(), "--symbol", symbol, "--timeframe", "1d"]);
    assert_eq!(code, 0, "{v}");
}

/// Three signals three hours old: one to test on GOOG, one waiting for MSFT, one ignored.
fn workspace() -> Ws {
    let ws = Ws::new();
    import(&ws, "GOOG.csv", "GOOG");
    let created =
        (chrono::Utc::now() - chrono::Duration::hours(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let base = |id: &str, priority: &str, universe: &str, kind: &str| {
        json!({
            "signal_id": id, "source": "quant-pulse", "created_at": created,
            "signal_summary": format!("{universe} {kind} call"), "priority": priority,
            "affected_universe": [universe], "bias": "long", "horizon": "3m", "hypothesis_type": kind,
            "validation_goal": "sharpe > 0.3 and trade_count >= 5", "invalidation_condition": "max_drawdown > 80%",
            "suggested_strategies": if kind == "trend" {
                json!([{"strategy": "sma_cross", "param_ranges": {"fast": [10, 20], "slow": [50, 100]}}])
            } else {
                json!([])
            }
        })
        .to_string()
    };
    let text = [
        base("qp-goog-trend", "high", "GOOG", "trend"),
        base("an-msft-reversion", "normal", "MSFT", "mean_reversion"),
        base("an-ibm-earnings", "low", "IBM", "event"),
    ]
    .join("\n");
    let file = ws.path().join("signals.jsonl");
    std::fs::write(&file, text).unwrap();
    let (code, v) = ws.json(&["signals", "intake", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    ws
}

#[test]
fn signals_are_listed_researched_in_the_background_and_opened() {
    let ws = workspace();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('6'));
    assert_eq!(h.app.tab_title(), "Signals");
    // Ten tabs with their counts take more than 120 columns: the full titles on a wider one.
    let wide = h.screen(160, 40);
    assert!(wide.contains("6 Signals (3)"), "the tab counts them: {wide}");
    let s = h.screen(120, 40);
    assert!(s.contains("6 Sig") && s.contains("Signals · 3 · test 1 · needs data 1 · ignore 1"), "{s}");
    assert!(
        s.contains("▲ high") && s.contains("▶ test") && s.contains("◌ needs data") && s.contains("– ignore"),
        "{s}"
    );
    assert!(s.contains(" 3h "), "the age: {s}");
    assert!(s.contains("r research (in the background)") && s.contains("t triage again"), "footer: {s}");
    assert!(s.contains("1 Runs") && s.contains("5 Paper"), "the other tabs stay: {s}");
    snapshot("signals_120x40", &s);
    snapshot("signals_80x24", &h.screen(80, 24));

    // r starts the research as a job: the row and the status bar say so until it is done.
    assert_eq!(h.tab::<SignalsScreen>().selected_id(), Some("qp-goog-trend"), "high priority first");
    let cmds = h.app.update(
        Msg::Key(TerminalKey::synthetic(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE))),
        &h.keymap,
    );
    assert_eq!(h.app.jobs.labels(), ["researching signal qp-goog-trend"]);
    let s = h.screen(120, 40);
    assert!(s.contains("◐ researching signal qp-goog-trend") && s.contains("◐ researching "), "{s}");
    // A second r while it runs starts nothing.
    let again = h.app.update(
        Msg::Key(TerminalKey::synthetic(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE))),
        &h.keymap,
    );
    assert!(again.is_empty(), "{again:?}");
    h.run_cmds(cmds);
    assert!(!h.app.jobs.busy());
    let (is_err, msg) = h.app.message.clone().expect("the verdict is reported");
    assert!(!is_err && msg.starts_with("signal qp-goog-trend: supported"), "{msg}");
    let s = h.screen(120, 40);
    assert!(s.contains("✔ supported"), "{s}");
    assert!(
        h.tab::<RunsScreen>().table.all.len() == 1 && h.tab::<SweepsScreen>().sweeps.len() == 1,
        "the new run and sweep are read too"
    );

    h.key(KeyCode::Enter);
    let d = &h.view::<SignalDetailScreen>().expect("Enter opens the signal").view;
    let rows = d.research.len();
    assert_eq!(
        rows, 7,
        "sweep, its run, walk-forward, two goal checks, the invalidation, outcome: {:?}",
        d.research
    );
    let s = h.screen(120, 40);
    assert!(
        s.contains("research · 7 rows") && s.contains("walk-forward") && s.contains("✔ sharpe > 0.3"),
        "{s}"
    );
    assert!(s.contains("✔ max_drawdown > 0.8") && s.contains("not invalidated"), "{s}");
    assert!(s.contains("plan      sma_cross fast=10,20 slow=50,100 (4 combos,"), "{s}");
    assert!(s.contains("the best combination, in full"), "the best run is linked: {s}");
    snapshot("signal_detail_120x40", &s);
    snapshot("signal_detail_80x24", &h.screen(80, 24));
    h.key(KeyCode::Down);
    let d = &h.view::<SignalDetailScreen>().unwrap().view;
    assert_eq!(d.scroll.index, 1);
    h.key(KeyCode::Char('G'));
    let d = &h.view::<SignalDetailScreen>().unwrap().view;
    assert_eq!(d.scroll.index, rows - 1, "scrolling stops at the last row");
    h.key(KeyCode::Esc);
    assert!(h.app.view.is_none());
}

#[test]
fn a_refused_research_is_reported_and_a_triage_again_follows_new_data() {
    let ws = workspace();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('6'));
    h.key(KeyCode::Down);
    assert_eq!(h.tab::<SignalsScreen>().selected_id(), Some("an-msft-reversion"));
    h.key(KeyCode::Char('r'));
    let (is_err, msg) = h.app.message.clone().expect("the refusal is shown");
    assert!(is_err && msg.contains("needs_data") && msg.contains("MSFT"), "{msg}");
    assert!(!h.app.jobs.busy(), "a refused job clears its busy marker");

    import(&ws, "MSFT.csv", "MSFT");
    h.key(KeyCode::Char('t'));
    assert_eq!(h.app.message.clone().map(|m| m.1).as_deref(), Some("signal an-msft-reversion: test"));
    assert_eq!(h.tab::<SignalsScreen>().selected().map(|r| r.decision.name()), Some("test"));
    let s = h.screen(120, 40);
    assert!(s.contains("Signals · 3 · test 2 · needs data 0"), "{s}");

    // Signals taken in by another process appear while the tab is shown.
    let file = ws.path().join("late.json");
    let late = std::fs::read_to_string(common::fixture("signals/trend_goog.json")).unwrap();
    std::fs::write(&file, late).unwrap();
    let (code, v) = ws.json(&["signals", "intake", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    h.tick();
    assert_eq!(h.tab::<SignalsScreen>().rows.len(), 4);
    assert!(h.screen(120, 40).contains("qp-2026-0105-goog-trend"));
}

/// A running research shows its stage's bar, percentage and time left, in the status bar and
/// on the Signals tab, driven here through the job's tracker on the console's fixed clock (no
/// sleeping): unknown until a unit is done, then the rate so far; then the research itself
/// reports into the same tracker, fold by fold to the last.
#[test]
fn a_running_research_shows_a_bar_a_percentage_and_an_eta() {
    use quantlab::engine::research::Eta;
    use std::time::Duration;

    let ws = workspace();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('6'));
    let cmds = h.app.update(
        Msg::Key(TerminalKey::synthetic(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE))),
        &h.keymap,
    );
    let tracker = cmds.iter().find_map(|c| c.tracker()).expect("the research reports its progress");
    let t0 = h.app.instant();

    tracker.begin_at("sweep sma_cross on GOOG 1d", t0);
    h.tick();
    let s = h.screen(120, 40);
    let bar = s.lines().rev().nth(1).unwrap().to_string();
    assert!(bar.contains("◐") && bar.contains("sweep sma_cross on GOOG 1d"), "{bar}");
    assert!(bar.contains("?%") && bar.contains("ETA unknown"), "no total yet: {bar}");

    tracker.report(0, 4);
    h.advance(Duration::from_secs(20));
    h.tick();
    let bar = h.screen(120, 40).lines().rev().nth(1).unwrap().to_string();
    assert!(bar.contains("  0%") && bar.contains("ETA unknown"), "nothing done: no rate yet: {bar}");

    tracker.report(1, 4);
    h.advance(Duration::from_secs(10));
    h.tick();
    let progress =
        h.app.jobs.progress(&quantlab::tui::jobs::JobKey::Research("qp-goog-trend".into())).unwrap();
    assert_eq!(progress.eta, Eta::Left(Duration::from_secs(90)), "30 s for one of four");
    let s = h.screen(120, 40);
    let bar = s.lines().rev().nth(1).unwrap().to_string();
    assert!(
        bar.contains("◐ sweep sma_cross on GOOG 1d") && bar.contains(" 25% ━") && bar.contains("─ ETA 1m30s"),
        "{bar}"
    );
    assert!(s.contains("◐ sweep sma_cross on GOOG 1d 1/4") && s.contains("ETA 1m30s"), "the tab's line: {s}");
    snapshot("research_progress_120x40", &s);
    let s = h.screen(80, 24);
    let bar = s.lines().rev().nth(1).unwrap().to_string();
    assert!(bar.contains(" 25% ━") && bar.contains("ETA 1m30s"), "{bar}");
    snapshot("research_progress_80x24", &s);

    // A clock that does not move changes nothing; the stage's last unit reads done.
    h.tick();
    assert_eq!(
        h.app.jobs.progress(&quantlab::tui::jobs::JobKey::Research("qp-goog-trend".into())).unwrap().eta,
        Eta::Left(Duration::from_secs(90))
    );
    tracker.report(4, 4);
    h.tick();
    let bar = h.screen(120, 40).lines().rev().nth(1).unwrap().to_string();
    assert!(bar.contains("100% ━━") && bar.contains(" done "), "{bar}");

    // The research itself reports into the tracker: its last stage, the walk-forward, fold by
    // fold to the last.
    h.run_cmds(cmds);
    assert!(!h.app.jobs.busy());
    let v = tracker.view().unwrap();
    assert_eq!(v.what, "walk-forward sma_cross on GOOG 1d");
    assert!(v.total.is_some_and(|n| n > 0) && Some(v.done) == v.total, "{v:?}");
    let s = h.screen(120, 40);
    assert!(!s.contains("ETA"), "no bar once it is done: {s}");
}
