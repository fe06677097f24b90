//! The console driven through messages, drawn into a TestBackend: navigation, sorting,
//! filtering, compare, acknowledge, help; each screen at 120x40 and 80x24.

use crate::common;
use crate::common::console;

use common::Ws;
use console::{snapshot, Harness};
use crossterm::event::{KeyCode, KeyModifiers};
use quantlab::engine::workspace::Workspace;
use quantlab::engine::Engine;
use quantlab::tui::jobs::Cmd;
use quantlab::tui::screens::compare::CompareScreen;
use quantlab::tui::screens::new_run::NewRunScreen;
use quantlab::tui::screens::run_detail::RunDetailScreen;
use quantlab::tui::screens::runs::RunsScreen;
use quantlab::tui::screens::sweep::SweepScreen;
use quantlab::tui::theme::Theme;

fn workspace_with_runs() -> (Ws, Vec<String>) {
    let ws = Ws::new();
    let id = ws.import_btc();
    let mut ids = Vec::new();
    for (s, p) in
        [("sma_cross", "fast=10"), ("sma_cross", "fast=20"), ("ema_cross", "fast=5"), ("buy_and_hold", "")]
    {
        let mut args = vec!["run", "--data", id.as_str(), "--strategy", s, "--fee-bps", "10"];
        if !p.is_empty() {
            args.extend(["--param", p]);
        }
        let (code, v) = ws.json(&args);
        assert_eq!(code, 0, "{v}");
        ids.push(v["result"]["run_id"].as_str().unwrap().to_string());
    }
    let (code, _) = ws.json(&["run", "--data", &id, "--strategy", "buy_and_hold", "--start", "2040-01-01"]);
    assert_eq!(code, 2, "a failed run raises an alert");
    let (code, _) = ws.json(&[
        "sweep",
        "--data",
        &id,
        "--strategy",
        "sma_cross",
        "--grid",
        "fast=5:20:5",
        "--grid",
        "slow=50,100",
        "--progress",
        "none",
    ]);
    assert_eq!(code, 0);
    (ws, ids)
}

#[test]
fn every_screen_renders_at_both_sizes() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    for (w, ht) in [(120, 40), (80, 24)] {
        let s = h.screen(w, ht);
        assert!(s.contains("QuantLab") && s.contains("1 Runs") && s.contains("UTC"), "{s}");
        assert!(s.contains("WARN"), "status bar shows the unacknowledged alert by word: {s}");
        assert!(s.contains("sma_cross"), "{s}");
        assert!(
            s.contains("? help") || s.contains("?/F1 help") || s.contains("help"),
            "footer from the keymap: {s}"
        );
    }
    // Detail.
    h.key(KeyCode::Enter);
    assert!(h.view::<RunDetailScreen>().is_some());
    for (w, ht) in [(120, 40), (80, 24)] {
        let s = h.screen(w, ht);
        assert!(s.contains("metrics") && s.contains("equity") && s.contains("trades"), "{s}");
    }
    h.key(KeyCode::Esc);
    // Sweeps tab and a sweep's heatmap.
    h.key(KeyCode::Char('2'));
    assert_eq!(h.app.tab_title(), "Sweeps");
    assert!(h.screen(120, 40).contains("sweep_"));
    h.key(KeyCode::Enter);
    assert!(h.view::<SweepScreen>().is_some());
    let s = h.screen(120, 40);
    assert!(s.contains("ranking") && s.contains("fast"), "{s}");
    h.screen(80, 24);
    // Alerts tab.
    h.key(KeyCode::Char('3'));
    let s = h.screen(120, 40);
    assert!(s.contains("RUN_FAILED") && s.contains("▲ WARN"), "{s}");
    h.screen(80, 24);
    // Help overlay.
    h.key(KeyCode::Char('?'));
    let s = h.screen(120, 40);
    assert!(s.contains("Keys") && s.contains("Runs"), "{s}");
    h.key(KeyCode::Esc);
    assert!(!h.app.help);
}

#[test]
fn navigation_sorting_and_filtering() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    assert_eq!(h.tab::<RunsScreen>().table.visible.len(), 5);
    h.key(KeyCode::Down);
    h.key(KeyCode::Char('j'));
    assert_eq!(h.tab::<RunsScreen>().table.selected.index, 2);
    h.key(KeyCode::Char('g'));
    assert_eq!(h.tab::<RunsScreen>().table.selected.index, 0);
    h.key(KeyCode::Char('G'));
    assert_eq!(h.tab::<RunsScreen>().table.selected.index, 4);
    // Sort by sharpe (column 7, after run, status, strategy, params, data, return, cagr): s moves
    // one column at a time.
    for _ in 0..7 {
        h.key(KeyCode::Char('s'));
    }
    let sharpe = |h: &Harness| -> Vec<f64> {
        {
            let t = &h.tab::<RunsScreen>().table;
            t.visible.iter().filter_map(|&i| t.all[i].metrics["sharpe"]).collect()
        }
    };
    let v = sharpe(&h);
    assert!(v.windows(2).all(|w| w[0] >= w[1]), "best first: {v:?}");
    assert!(h.screen(120, 40).contains("sharpe ▼"));
    h.key(KeyCode::Char('r'));
    let v = sharpe(&h);
    assert!(v.windows(2).all(|w| w[0] <= w[1]), "reversed: {v:?}");
    // Filter by text and by field.
    h.key(KeyCode::Char('/'));
    h.text("ema");
    h.key(KeyCode::Enter);
    assert_eq!(h.tab::<RunsScreen>().table.visible.len(), 1);
    assert!(h.screen(120, 40).contains("filter: ema"));
    h.key(KeyCode::Char('/'));
    for _ in 0..3 {
        h.key(KeyCode::Backspace);
    }
    h.text("strategy=sma_cross");
    h.key(KeyCode::Enter);
    assert_eq!(h.tab::<RunsScreen>().table.visible.len(), 2);
    h.key(KeyCode::Char('x'));
    assert_eq!(h.tab::<RunsScreen>().table.visible.len(), 5);
    // Paging moves a screenful (the table holds `page` rows) and stops at the ends.
    h.app.page = 2;
    h.key(KeyCode::Char('g'));
    h.key(KeyCode::PageDown);
    assert_eq!(h.tab::<RunsScreen>().table.selected.index, 2);
    h.key(KeyCode::PageDown);
    h.key(KeyCode::PageDown);
    assert_eq!(h.tab::<RunsScreen>().table.selected.index, 4);
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(h.tab::<RunsScreen>().table.selected.index, 2);
}

/// The About tab, the last: the version, the workspace, the keymap in use and the venue
/// runtime, which the corridor poll at start has started.
#[test]
fn the_about_tab_says_what_this_console_is_and_reads() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::BackTab);
    assert_eq!(h.app.tab_title(), "About");
    h.key(KeyCode::Char('1'));
    h.key(KeyCode::Char('0'));
    assert_eq!(h.app.tab_title(), "About", "0 goes to it");
    h.key(KeyCode::Char('1'));
    h.key(KeyCode::Char('9'));
    assert_eq!(h.app.tab_title(), "Promotion", "9 goes to the tab before it");
    h.key(KeyCode::Tab);
    assert_eq!(h.app.tab_title(), "About", "the tenth");
    let s = h.screen(100, 24);
    assert!(s.contains("10 About"), "{s}");
    assert!(s.contains(&format!("version    {}", env!("CARGO_PKG_VERSION"))), "{s}");
    assert!(s.contains("workspace  outputs"), "{s}");
    assert!(s.contains("keymap     none (the built-in keys are in use)"), "{s}");
    assert!(s.contains("venues     running (2 quantlab-venue workers)"), "{s}");
}

/// `0` goes to About, the tenth tab, from any tab; where digits are text (the filter line, the
/// new-run form) or a yes/no answer (a confirm dialog) it stays text, or does nothing.
#[test]
fn zero_opens_about_and_stays_text_where_digits_are_typed() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('0'));
    assert_eq!(h.app.tab_title(), "About");
    assert!(h.screen(120, 40).contains("version    "));
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char('0'));
    assert_eq!(h.app.tab_title(), "About", "from another tab too");
    let footer = h.screen(120, 40).lines().last().unwrap().to_string();
    assert!(footer.contains("1-9/0 go to tab"), "{footer}");
    // The filter line: `params~fast=10` filters, the tab stays.
    h.key(KeyCode::Char('1'));
    h.key(KeyCode::Char('/'));
    h.text("params~fast=10");
    assert_eq!(h.app.tab_title(), "Runs");
    h.key(KeyCode::Enter);
    assert_eq!(h.tab::<RunsScreen>().table.visible.len(), 1);
    assert!(h.screen(120, 40).contains("filter: params~fast=10"));
    h.key(KeyCode::Char('x'));
    // The new-run form: fast 10, typed into its field.
    h.key(KeyCode::Char('n'));
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Backspace);
    h.text("10");
    assert!(h.view::<NewRunScreen>().is_some(), "the form is still open");
    assert_eq!(h.app.tab_title(), "Runs");
    h.key(KeyCode::Enter);
    assert!(h.app.view.is_none());
    let e = h.tab::<RunsScreen>().table.selected_entry().unwrap();
    assert_eq!(e.params, "fast=10 slow=30");
    // A confirm dialog: 0 neither answers it nor leaves it.
    h.key(KeyCode::Char('K'));
    h.key(KeyCode::Char('0'));
    assert!(h.app.confirm.is_some(), "0 does not answer");
    assert_eq!(h.app.tab_title(), "Runs");
    h.key(KeyCode::Char('n'));
    assert!(h.app.confirm.is_none());
}

/// Tab and ] cycle forward through every tab and wrap; Shift-Tab and [ go back.
#[test]
fn tabs_cycle_both_ways_and_wrap() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    let titles: Vec<&str> = h.app.tabs.iter().map(|t| t.title()).collect();
    let (n, last, before_last) = (titles.len(), titles[titles.len() - 1], titles[titles.len() - 2]);
    let mut seen = vec![h.app.tab_title()];
    for _ in 0..n {
        h.key(KeyCode::Tab);
        seen.push(h.app.tab_title());
    }
    assert_eq!(seen[..n], titles[..], "Tab visits each tab in order");
    assert_eq!(h.app.tab_title(), "Runs", "and wraps");
    h.key(KeyCode::BackTab);
    assert_eq!(h.app.tab_title(), last);
    h.key(KeyCode::Char('['));
    assert_eq!(h.app.tab_title(), before_last);
    h.key(KeyCode::Char(']'));
    assert_eq!(h.app.tab_title(), last);
    h.key(KeyCode::Char('1'));
    assert_eq!(h.app.tab_title(), "Runs");
}

/// The tab bar keeps every tab in sight: full titles where they fit, then short ones, then
/// short ones without the spaces around the dividers, then the shortest ones.
#[test]
fn every_tab_stays_visible_on_a_narrow_terminal() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    let tabs: Vec<[String; 3]> = h
        .app
        .tabs
        .iter()
        .enumerate()
        .map(|(i, t)| [t.title(), t.short(), t.tiny()].map(|x| format!("{} {x}", i + 1)))
        .collect();
    for w in [120, 80, 70] {
        let s = h.screen(w, 24);
        let bar = s.lines().nth(1).unwrap();
        for names in &tabs {
            assert!(names.iter().any(|n| bar.contains(n.as_str())), "{} at {w}: {bar}", names[0]);
        }
        let alerts = tabs[2].iter().any(|n| bar.contains(&format!("{n} (1)")));
        assert!(alerts, "the open alert is always counted: {bar}");
    }
}

/// An alert raised by another process reaches the status bar on the next tick; a tick that
/// finds nothing new draws nothing.
#[test]
fn alerts_from_other_processes_arrive_on_the_tick() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    h.screen(120, 40);
    h.app.dirty = false;
    h.tick();
    assert!(!h.app.dirty, "nothing changed: no redraw");
    quantlab::engine::alerts::raise(
        &Workspace::at(ws.path()),
        quantlab::engine::alerts::codes::PAPER_STALE_FEED,
        "paper:elsewhere",
        "no bar for 2 intervals",
    )
    .unwrap();
    h.tick();
    assert!(h.app.dirty);
    assert!(h.screen(120, 40).contains("PAPER_STALE_FEED"), "the newest warning leads the status bar");
}

#[test]
fn mark_two_runs_and_compare() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('c'));
    assert!(h.app.message.as_ref().unwrap().1.contains("mark two"));
    // Two successful runs (a failed run has no equity to overlay).
    h.key(KeyCode::Char('/'));
    h.text("strategy=sma_cross");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char(' '));
    assert_eq!(h.tab::<RunsScreen>().table.marked.len(), 2);
    h.key(KeyCode::Char('c'));
    let c = &h.view::<CompareScreen>().expect("comparing").view;
    assert_eq!(c.cmp.runs.len(), 2);
    assert_eq!(c.curves.len(), 2);
    let s = h.screen(120, 40);
    assert!(s.contains("Compare · 2 runs") && s.contains("config differences"), "{s}");
    h.screen(80, 24);
}

#[test]
fn acknowledge_one_and_all_persists() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('3'));
    assert_eq!(h.app.shared.alerts.iter().filter(|a| a.acknowledged_at.is_none()).count(), 1);
    h.key(KeyCode::Char('a'));
    assert!(h.app.shared.alerts.iter().all(|a| a.acknowledged_at.is_some()));
    assert!(h.screen(120, 40).contains("no unacknowledged alerts"));
    // Persisted: a fresh engine sees the acknowledgement.
    let (_, v) = ws.json(&["alerts", "list"]);
    assert_eq!(v["result"]["count"], 0);
    // A acknowledges every open alert at once.
    let wsp = Workspace::at(ws.path());
    for code in [
        quantlab::engine::alerts::codes::PAPER_DATA_GAP,
        quantlab::engine::alerts::codes::PAPER_SESSION_FAILED,
    ] {
        quantlab::engine::alerts::raise(&wsp, code, "paper:x", "provoked").unwrap();
    }
    h.tick();
    assert_eq!(h.app.shared.alerts.iter().filter(|a| a.acknowledged_at.is_none()).count(), 2);
    assert!(h.screen(120, 40).contains("✖ CRIT"));
    h.key(KeyCode::Char('A'));
    assert!(h.app.shared.alerts.iter().all(|a| a.acknowledged_at.is_some()));
    let (_, v) = ws.json(&["alerts", "list"]);
    assert_eq!(v["result"]["count"], 0);
}

#[test]
fn new_run_from_the_form_appears_in_the_table() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('n'));
    assert!(h.view::<NewRunScreen>().is_some());
    assert!(h.screen(120, 40).contains("New run"));
    h.screen(80, 24);
    // Focus the fast parameter (data, strategy, fast) and change it.
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Backspace);
    h.text("7");
    h.key(KeyCode::Enter);
    assert!(h.app.view.is_none());
    assert_eq!(h.tab::<RunsScreen>().table.all.len(), 6);
    let e = h.tab::<RunsScreen>().table.selected_entry().unwrap();
    assert_eq!(e.params, "fast=7 slow=30");
    assert!(!h.app.jobs.busy());
    assert!(h.app.message.as_ref().unwrap().1.contains("finished"));
}

#[test]
fn a_failed_run_from_the_form_stops_the_marker_and_says_why() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    h.key(KeyCode::Char('n'));
    // fast = 99 > slow = 30: the engine refuses it.
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Backspace);
    h.text("99");
    h.key(KeyCode::Enter);
    assert!(!h.app.jobs.busy());
    let (is_err, msg) = h.app.message.clone().unwrap();
    assert!(is_err && msg.contains("must be less than"), "{msg}");
}

#[test]
fn quit_asks_only_while_work_is_running() {
    let ws = Ws::new();
    let mut h = Harness::new(&ws);
    assert!(h.screen(80, 24).contains("no runs yet"));
    let run = quantlab::engine::research::RunRequest { strategy: "x".into(), ..Default::default() };
    assert!(h.app.jobs.request(Cmd::StartRun(Box::new(run)), false).is_some(), "a run in flight");
    h.key(KeyCode::Char('q'));
    assert!(!h.app.should_quit);
    assert!(h.screen(80, 24).contains("Quit?"));
    h.key(KeyCode::Enter);
    assert!(!h.app.should_quit, "Enter never confirms");
    h.key(KeyCode::Char('n'));
    assert!(h.app.confirm.is_none());
    h.key(KeyCode::Char('q'));
    h.key(KeyCode::Char('y'));
    assert!(h.app.should_quit);
    let mut idle = Harness::new(&ws);
    idle.key_mod(KeyCode::Char('q'), KeyModifiers::NONE);
    assert!(idle.app.should_quit);
}

/// K asks first; only y halts every corridor, cancels the open order at the venue, and puts
/// the halt in the status bar, where it stays.
#[test]
fn the_kill_switch_key_asks_then_halts_everything() {
    let ws = Ws::new();
    let engine = Engine::open(Workspace::at(ws.path()));
    engine.execution().policy_init().unwrap();
    let spec = quantlab::engine::execution::intent::IntentSpec {
        source: quantlab::engine::execution::IntentSource::Operator,
        venue: quantlab::engine::execution::Venue::Fake,
        account: "main".into(),
        symbol: "BTC/USD".into(),
        side: quantlab::engine::execution::Side::Buy,
        quantity: "0.002".parse().unwrap(),
        order_type: quantlab::engine::execution::OrderType::Limit,
        limit_price: Some("49900".parse().unwrap()),
        trigger_price: None,
        time_in_force: quantlab::engine::execution::TimeInForce::Gtc,
        reduce_only: false,
        ttl_ms: None,
        note: None,
        exits: None,
    };
    let i = engine.execution().intent_new(spec).unwrap();
    assert_eq!(engine.execution().submit(&i.id, false).unwrap().status, "open");

    let mut h = Harness::new(&ws);
    assert!(!h.screen(120, 40).contains("HALTED"));
    h.key(KeyCode::Char('K'));
    let s = h.screen(120, 40);
    assert!(s.contains("KILL SWITCH") && s.contains("y  kill now"), "{s}");
    h.key(KeyCode::Char('n'));
    assert!(h.app.confirm.is_none());
    assert!(engine.execution().corridors().unwrap()[0].halted.is_none(), "n cancels");
    h.key(KeyCode::Char('K'));
    h.key(KeyCode::Enter);
    assert!(engine.execution().corridors().unwrap()[0].halted.is_none(), "Enter never confirms");
    h.key(KeyCode::Char('y'));
    assert!(engine.execution().corridors().unwrap()[0].halted.is_some());
    assert_eq!(engine.execution().intent(&i.id).unwrap().record.status.name(), "cancelled");
    let s = h.screen(120, 40);
    let bar = s.lines().rev().nth(1).unwrap();
    assert!(bar.contains("■ HALTED") && bar.contains("all corridors (kill switch)"), "{bar}");
    assert!(
        bar.contains("KILL_SWITCH") && bar.contains("✖ CRIT 2"),
        "the critical alert is in the status bar: {bar}"
    );
    // A restarted console still shows the halt.
    let mut again = Harness::new(&ws);
    assert!(again.screen(120, 40).contains("■ HALTED"));
}

#[test]
fn mono_theme_still_marks_severity_by_word() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    h.theme = Theme::resolve(None, &|k| (k == "NO_COLOR").then(|| "1".to_string())).unwrap();
    assert_eq!(h.theme.name, "mono");
    assert!(h.screen(80, 24).contains("▲ WARN"));
}

#[test]
fn screens_match_their_snapshots() {
    let (ws, _) = workspace_with_runs();
    let mut h = Harness::new(&ws);
    // Sort by Sharpe so the order does not depend on run ids.
    for _ in 0..7 {
        h.key(KeyCode::Char('s'));
    }
    h.key(KeyCode::Char('g'));
    for (w, ht) in [(120u16, 40u16), (80, 24)] {
        let size = format!("{w}x{ht}");
        snapshot(&format!("runs_{size}"), &h.screen(w, ht));
        h.key(KeyCode::Enter);
        snapshot(&format!("detail_{size}"), &h.screen(w, ht));
        h.key(KeyCode::Esc);
        h.key(KeyCode::Char(' '));
        h.key(KeyCode::Char(' '));
        h.key(KeyCode::Char('c'));
        snapshot(&format!("compare_{size}"), &h.screen(w, ht));
        h.key(KeyCode::Esc);
        h.tab_mut::<RunsScreen>().table.marked.clear();
        h.key(KeyCode::Char('g'));
        h.key(KeyCode::Char('n'));
        snapshot(&format!("form_{size}"), &h.screen(w, ht));
        h.key(KeyCode::Esc);
        h.key(KeyCode::Char('2'));
        snapshot(&format!("sweeps_{size}"), &h.screen(w, ht));
        h.key(KeyCode::Enter);
        snapshot(&format!("sweep_{size}"), &h.screen(w, ht));
        h.key(KeyCode::Esc);
        h.key(KeyCode::Char('3'));
        snapshot(&format!("alerts_{size}"), &h.screen(w, ht));
        h.key(KeyCode::Char('?'));
        snapshot(&format!("help_{size}"), &h.screen(w, ht));
        h.key(KeyCode::Esc);
        h.key(KeyCode::Char('4'));
        snapshot(&format!("pretrade_{size}"), &h.screen(w, ht));
        h.key(KeyCode::Char('1'));
    }
}
