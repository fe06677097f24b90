//! The runs table at 120 and 80 columns with long ids, many parameters, long strategy names
//! and a failed run: short ids, parameters abbreviated and cut between parameters, the status a
//! symbol and a word in its own column; nothing cut mid-word. A run in progress is a row of its
//! own until it is done.

use crate::common;
use crate::common::console;

use common::Ws;
use console::{snapshot, Harness};
use crossterm::event::KeyCode;
use quantlab::engine::research::RunRequest;
use quantlab::tui::jobs::Cmd;
use quantlab::tui::screens::run_detail::RunDetailScreen;
use quantlab::tui::screens::runs::RunsScreen;

/// Runs of strategies with one to three parameters and the longest names, and one that failed.
fn workspace() -> Ws {
    let ws = Ws::new();
    let id = ws.import_btc();
    let runs: [(&str, &[&str]); 5] = [
        ("macd_cross", &["fast=12", "signal=9", "slow=26"]),
        ("rsi_reversion", &["lower=30", "period=14", "upper=70"]),
        ("bollinger_reversion", &["k=2.5", "period=20"]),
        ("donchian_breakout", &["period=55"]),
        ("sma_cross", &["fast=20", "slow=100"]),
    ];
    for (s, params) in runs {
        let mut args = vec!["run", "--data", id.as_str(), "--strategy", s, "--fee-bps", "10"];
        for p in params {
            args.extend(["--param", p]);
        }
        let (code, v) = ws.json(&args);
        assert_eq!(code, 0, "{v}");
    }
    let (code, _) = ws.json(&["run", "--data", &id, "--strategy", "buy_and_hold", "--start", "2040-01-01"]);
    assert_eq!(code, 2, "a run that fails is in the index as failed");
    ws
}

/// The table's rows as drawn: the lines between its header and its bottom border.
fn rows(screen: &str) -> Vec<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let header = lines.iter().position(|l| l.contains("strategy")).expect("the header");
    lines[header + 1..].iter().take_while(|l| !l.starts_with('└')).map(|l| l.to_string()).collect()
}

#[test]
fn the_run_table_cuts_nothing_mid_word_at_120_and_80_columns() {
    let ws = workspace();
    let mut h = Harness::new(&ws);
    assert_eq!(h.tab::<RunsScreen>().table.all.len(), 6);
    // Sort by Sharpe (the failed run, which has none, last) so the order does not depend on ids.
    for _ in 0..7 {
        h.key(KeyCode::Char('s'));
    }
    h.key(KeyCode::Char('g'));
    let t = &h.tab::<RunsScreen>().table;
    let shorts: Vec<String> = t.short.clone();
    let ids: Vec<String> = t.all.iter().map(|e| e.run_id.clone()).collect();
    for (short, id) in shorts.iter().zip(&ids) {
        let hash = id.rsplit_once('_').unwrap().1;
        assert!(short.len() >= 6 && hash.starts_with(short.as_str()), "{short} is the start of {id}'s hash");
    }

    let wide = h.screen(120, 40);
    snapshot("runs_table_120x40", &wide);
    let wide_rows = rows(&wide);
    assert!(wide.contains("status") && wide.contains("sharpe ▼"), "{wide}");
    for r in &wide_rows[..6] {
        assert!(!r.contains("run_"), "the id is short: {r}");
    }
    let all = wide_rows.join("\n");
    assert!(all.contains("✖ failed") && all.contains("buy_and_hold"), "{all}");
    assert!(!all.contains("(failed") && !all.contains("(faile"), "never appended to the strategy: {all}");
    assert_eq!(all.matches("✔ ok").count(), 5, "{all}");
    // Every parameter whole, abbreviated: names cut to what tells them apart.
    for p in ["f=12 si=9 sl=26", "l=30 p=14 u=70", "k=2.5 p=20", "p=55", "f=20 s=100"] {
        assert!(all.contains(p), "{p}: {all}");
    }
    assert!(all.contains("bollinger_reversion") && all.contains("donchian_breakout"), "{all}");
    for (short, _) in shorts.iter().zip(&ids) {
        assert!(all.contains(short.as_str()), "{short}: {all}");
    }

    let narrow = h.screen(80, 24);
    snapshot("runs_table_80x24", &narrow);
    let all = rows(&narrow).join("\n");
    assert!(all.contains("✖ failed") && all.contains("✔ ok"), "the status stays at 80 columns: {all}");
    // Parameters that do not fit are cut between two, with an ellipsis of their own.
    let params = ["f=12 si=9 sl=26", "l=30 p=14 u=70", "k=2.5 p=20", "f=20 s=100"];
    for p in params {
        let words: Vec<&str> = p.split(' ').collect();
        let shown = (1..=words.len()).rev().any(|n| {
            let kept = words[..n].join(" ");
            all.contains(&if n == words.len() { kept } else { format!("{kept} …") })
        });
        assert!(shown, "{p} whole or cut between parameters: {all}");
    }
    for cut in ["si=…", "sl=2 ", "u=7 ", "k=2. ", "(faile"] {
        assert!(!all.contains(cut), "{cut}: {all}");
    }

    // The full id is in the detail view.
    h.key(KeyCode::Enter);
    let detail = h.view::<RunDetailScreen>().expect("Enter opens the run");
    let id = detail.detail.report.run_id.clone();
    assert!(ids.contains(&id));
    assert!(h.screen(120, 40).contains(&id), "the full id in the detail's title");
}

#[test]
fn a_run_in_progress_is_a_row_marked_running_until_it_is_done() {
    let ws = workspace();
    let mut h = Harness::new(&ws);
    let req = RunRequest {
        data: "BTCUSD:1h".into(),
        strategy: "macd_cross".into(),
        params: [("fast", "8"), ("signal", "5"), ("slow", "21")].map(|(k, v)| (k.into(), v.into())).into(),
        ..RunRequest::default()
    };
    let cmd = h.app.jobs.request(Cmd::StartRun(Box::new(req)), false).expect("a run in flight");
    let s = h.screen(120, 40);
    let first = rows(&s).into_iter().next().unwrap();
    assert!(
        first.contains("▶ running") && first.contains("macd_cross") && first.contains("f=8 si=5 sl=21"),
        "{first}"
    );
    assert_eq!(h.tab::<RunsScreen>().table.all.len(), 6, "not in the index yet");
    h.run_cmds(vec![cmd]);
    let s = h.screen(120, 40);
    assert!(!s.contains("▶ running"), "{s}");
    assert_eq!(h.tab::<RunsScreen>().table.all.len(), 7);
}
