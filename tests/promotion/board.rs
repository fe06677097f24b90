//! The board's rows: each gate line says pass or fail with what it found and the ids of the
//! artifacts it read.

use quantlab::engine::paper::StartRequest;
use quantlab::engine::promotion::gates::{DEFAULT_GATES, GATES_FILE};
use quantlab::engine::promotion::{Row, Stage};
use quantlab::engine::research::WalkForwardRequest;

use super::Rig;
use crate::common::promotion::{confirm, relaxed_gates};

fn line<'a>(r: &'a Row, item: &str) -> &'a quantlab::engine::promotion::GateLine {
    r.gates.iter().find(|g| g.item == item).unwrap_or_else(|| panic!("no {item} line: {r:#?}"))
}

#[test]
fn research_lines_name_the_sweeps_and_walk_forwards_they_read() {
    let rig = Rig::new();
    let sweep = rig.sweep();
    let req = crate::common::promotion::sweep_request("BTCUSD:1h", "sma_cross", &["fast=5,10", "slow=20"]);
    let wf = rig
        .engine
        .research()
        .walkforward(
            &WalkForwardRequest { sweep: req, train: 100, test: 50, step: None, anchored: false },
            &|_, _| {},
        )
        .unwrap();
    let board = rig.engine.promotion().board(None).unwrap();
    assert!(
        rig.ws.path().join(GATES_FILE).exists(),
        "the gates file is written with its defaults on first use"
    );
    assert_eq!(std::fs::read_to_string(rig.ws.path().join(GATES_FILE)).unwrap(), DEFAULT_GATES);
    let id = rig.candidate().id;
    let row = board.rows.iter().find(|r| r.candidate.id == id).unwrap_or_else(|| panic!("{board:#?}"));
    assert_eq!((row.stage, row.next, row.corridor.clone()), (Stage::Research, Some(Stage::Paper), None));
    assert!(row.sources.contains(&sweep), "{row:#?}");
    let rank = line(row, "sweep_rank");
    assert!(rank.passed && rank.detail.starts_with("best rank 1 of 1"), "{rank:?}");
    assert!(rank.artifacts.contains(&sweep), "{rank:?}");
    let w = line(row, "walkforward");
    assert_eq!(w.artifacts, std::slice::from_ref(&wf.wf_id));
    assert!(w.detail.contains("mean out-of-sample") && w.detail.contains("efficiency"), "{w:?}");
    assert_eq!(row.ready, row.gates.iter().all(|g| g.passed));
    // --stage keeps the rows at that stage.
    assert!(rig.engine.promotion().board(Some(Stage::Paper)).unwrap().rows.is_empty());
}

#[test]
fn paper_lines_replay_each_session_and_count_its_bars_and_alerts() {
    let rig = Rig::new();
    rig.sweep();
    // Research passes (no walk-forward asked); paper's own gates keep their defaults.
    let paper_defaults = DEFAULT_GATES.split("[paper]").nth(1).unwrap().split("[micro_live]").next().unwrap();
    let relaxed = relaxed_gates();
    let relaxed_paper = relaxed.split("[paper]").nth(1).unwrap().split("[micro_live]").next().unwrap();
    std::fs::write(rig.ws.path().join(GATES_FILE), relaxed.replace(relaxed_paper, paper_defaults)).unwrap();
    let params = rig.candidate().params;
    let req = StartRequest {
        strategy: "sma_cross".into(),
        params,
        feed: "replay:BTCUSD:1h".into(),
        from: None,
        backtest: Default::default(),
        max_drawdown_pct: None,
        name: Some("p1".into()),
        signal_out: None,
    };
    let s = rig.engine.paper().start_here(&req).unwrap();
    assert_eq!(s.bars_processed, 200);
    let id = rig.candidate().id;
    let row = crate::common::promotion::row(&rig.engine, &id, None);
    rig.engine.promotion().advance_confirmed(confirm(&row)).unwrap();
    // No corridor of the policy moves money: the candidate's paper evidence, and that one is needed.
    let row = crate::common::promotion::row(&rig.engine, &id, None);
    assert_eq!((row.stage, row.next), (Stage::Paper, Some(Stage::MicroLive)));
    let sessions = line(&row, "paper_sessions");
    assert!(sessions.passed && sessions.artifacts == ["p1"], "{sessions:?}");
    let bars = line(&row, "paper_bars");
    assert!(!bars.passed && bars.detail.starts_with("200 bars run (500 needed)"), "{bars:?}");
    let parity = line(&row, "replay_parity");
    assert!(parity.passed, "the session replays through the backtest to its own result: {parity:?}");
    assert_eq!(parity.artifacts, ["p1"]);
    assert!(line(&row, "paper_alerts").passed);
    assert!(!line(&row, "corridor").passed && !row.ready);
    // A session whose recorded result the replay does not reach fails the line, saying both.
    let path = rig.ws.path().join("paper_sessions/p1/session.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    doc["equity"] = serde_json::json!(doc["equity"].as_f64().unwrap() + 1000.0);
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let row = crate::common::promotion::row(&rig.engine, &id, None);
    let parity = line(&row, "replay_parity");
    assert!(!parity.passed && parity.detail.contains("the session has"), "{parity:?}");
    // The end restored, one fill's price edited: the end alone would pass, the fills do not.
    doc["equity"] = serde_json::json!(doc["equity"].as_f64().unwrap() - 1000.0);
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    assert!(line(&crate::common::promotion::row(&rig.engine, &id, None), "replay_parity").passed);
    let fills_path = rig.ws.path().join("paper_sessions/p1/fills.jsonl");
    let fills = std::fs::read_to_string(&fills_path).unwrap();
    let mut lines: Vec<serde_json::Value> = fills.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.len() >= 2, "the session traded: {fills}");
    lines[1]["price"] = serde_json::json!(lines[1]["price"].as_f64().unwrap() * 1.01);
    let edited: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&fills_path, edited).unwrap();
    let row = crate::common::promotion::row(&rig.engine, &id, None);
    let parity = line(&row, "replay_parity");
    assert!(!parity.passed && parity.detail.contains("p1: fill 2 differs"), "{parity:?}");
    // A fill the session never recorded: the counts differ.
    std::fs::write(&fills_path, fills.lines().next().map(|l| format!("{l}\n")).unwrap()).unwrap();
    let row = crate::common::promotion::row(&rig.engine, &id, None);
    let parity = line(&row, "replay_parity");
    assert!(!parity.passed && parity.detail.contains("the session nothing"), "{parity:?}");
}

#[test]
fn micro_live_and_supervised_lines_say_what_is_missing() {
    let rig = Rig::new();
    rig.sweep();
    // Research and paper pass; the corridor's own gates keep their defaults.
    let relaxed = relaxed_gates();
    let cut = |g: &str| g.split("[micro_live]").nth(1).unwrap().to_string();
    std::fs::write(rig.ws.path().join(GATES_FILE), relaxed.replace(&cut(&relaxed), &cut(DEFAULT_GATES)))
        .unwrap();
    let kraken = rig.kraken_on_loopback();
    let id = rig.candidate().id;
    crate::common::promotion::promote_to(&rig.engine, &id, None, Stage::Paper);
    let row = crate::common::promotion::row(&rig.engine, &id, Some(&kraken));
    assert_eq!((row.stage, row.next), (Stage::Paper, Some(Stage::MicroLive)));
    let policy = line(&row, "corridor_policy");
    assert!(policy.passed && policy.detail.contains("at micro-live: order 600"), "{policy:?}");
    assert!(line(&row, "allowlist").passed);
    let recs = line(&row, "clean_reconciliations");
    assert!(!recs.passed && recs.detail == "last 0 of 3 needed: 0 clean", "{recs:?}");
    let restart = line(&row, "restart_evidence");
    assert!(!restart.passed && restart.detail.starts_with("no live session of the candidate"), "{restart:?}");
    let codes = line(&row, "alert_codes");
    assert!(
        !codes.passed && codes.detail.contains("ORDER_SUBMITTED, ORDER_REJECTED, ORDER_FILLED, VENUE_ERROR"),
        "{codes:?}"
    );
    // No credential for kraken/main in the store: the keyring line cannot pass.
    assert!(!line(&row, "credentials").passed, "{row:#?}");
    assert!(line(&row, "no_open_incidents").passed);
    assert!(!row.ready);

    // At micro-live, the gate to supervised live reads what the candidate did there.
    std::fs::write(
        rig.ws.path().join(GATES_FILE),
        relaxed_gates().replace("require_promotion_report = false", "require_promotion_report = true"),
    )
    .unwrap();
    crate::common::promotion::promote_to(&rig.engine, &id, Some(&kraken), Stage::MicroLive);
    let row = crate::common::promotion::row(&rig.engine, &id, Some(&kraken));
    assert_eq!((row.stage, row.next), (Stage::MicroLive, Some(Stage::SupervisedLive)));
    let items: Vec<&str> = row.gates.iter().map(|g| g.item.as_str()).collect();
    assert_eq!(
        items,
        ["micro_sessions", "micro_bars", "drift_alerts", "promotion_report", "no_open_incidents"]
    );
    let report = line(&row, "promotion_report");
    assert!(
        !report.passed && report.detail.contains("quantlab promote check --venue kraken --account main"),
        "{report:?}"
    );
    assert!(report.artifacts.is_empty());
}
