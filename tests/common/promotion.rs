//! The promotion board from a test: a candidate made the way research makes one (a sweep), a
//! gates file that asks only what a test workspace can show, and promotion through the engine's
//! one path, the Promotion dialog's typed confirmation (its keys synthetic: this build's
//! `test-keys`, accepted only where no money moves or on loopback venues).
#![allow(dead_code)]

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quantlab::engine::execution::CorridorId;
use quantlab::engine::gate::{PromotionAction, PromotionOutcome, TerminalKey, DWELL};
use quantlab::engine::promotion::gates::{DEFAULT_GATES, GATES_FILE};
use quantlab::engine::promotion::{PromotionConfirmation, Row, Stage};
use quantlab::engine::research::SweepRequest;
use quantlab::engine::Engine;

/// The default gates with each requirement a test workspace cannot meet turned off: no
/// walk-forward, no paper session, no reconciliation history or restart or alert coverage,
/// credentials from anywhere, no micro-live history or promotion report. The sweep rank and
/// the policy, allowlist and open-incident lines still hold.
pub fn relaxed_gates() -> String {
    let mut g = DEFAULT_GATES.to_string();
    for (from, to) in [
        ("require_walkforward = true", "require_walkforward = false"),
        ("min_sessions = 1", "min_sessions = 0"),
        ("min_bars = 500", "min_bars = 0"),
        ("require_replay_parity = true", "require_replay_parity = false"),
        ("clean_reconciliations = 3", "clean_reconciliations = 0"),
        ("require_restart_evidence = true", "require_restart_evidence = false"),
        (
            "alert_codes = [\"ORDER_SUBMITTED\", \"ORDER_REJECTED\", \"ORDER_FILLED\", \"VENUE_ERROR\"]",
            "alert_codes = []",
        ),
        ("credentials = \"keyring\"", "credentials = \"any\""),
        ("min_micro_sessions = 1", "min_micro_sessions = 0"),
        ("min_micro_bars = 200", "min_micro_bars = 0"),
        ("require_promotion_report = true", "require_promotion_report = false"),
    ] {
        assert!(g.contains(from), "{from}");
        g = g.replace(from, to);
    }
    g
}

pub fn write_relaxed_gates(root: &std::path::Path) {
    std::fs::write(root.join(GATES_FILE), relaxed_gates()).unwrap();
}

/// A one-combination sweep of `strategy` with `grid` on dataset `data`: what makes a candidate.
pub fn sweep(engine: &Engine, data: &str, strategy: &str, grid: &[&str]) -> String {
    engine.research().sweep(&sweep_request(data, strategy, grid), &|_, _| {}).unwrap().sweep_id
}

/// The sweep of `strategy` over `grid` on `data` the promotion tests run (by sharpe, one job).
pub fn sweep_request(data: &str, strategy: &str, grid: &[&str]) -> SweepRequest {
    SweepRequest {
        data: data.into(),
        strategy: strategy.into(),
        grid: grid.iter().map(|g| g.to_string()).collect(),
        constraints: Vec::new(),
        objective: "sharpe".into(),
        backtest: Default::default(),
        start: None,
        end: None,
        jobs: Some(1),
        shard: None,
        save_top: None,
        label: None,
    }
}

fn key(code: KeyCode) -> TerminalKey {
    TerminalKey::synthetic(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The Promotion dialog on `row`, drawn, with `text` typed and Enter pressed after the dwell.
pub fn type_and_enter(row: &Row, text: &str) -> PromotionOutcome {
    let mut g = row.confirm_gate().expect("a row with a next stage");
    let t0 = Instant::now();
    g.shown(t0);
    for c in text.chars() {
        g.key(&key(KeyCode::Char(c)), None, t0 + DWELL, "tester");
    }
    g.key(&key(KeyCode::Enter), Some(PromotionAction::Confirm), t0 + DWELL, "tester")
}

/// The confirmation of `row`'s promotion: its id typed, Enter pressed.
pub fn confirm(row: &Row) -> PromotionConfirmation {
    match type_and_enter(row, &row.candidate.id) {
        PromotionOutcome::Confirmed(w) => PromotionConfirmation::typed(*w),
        other => panic!("the Promotion dialog did not confirm {}: {other:?}\n{row:#?}", row.candidate.id),
    }
}

/// The row of candidate `id` in `scope` as the board reads it now.
pub fn row(engine: &Engine, id: &str, scope: Option<&CorridorId>) -> Row {
    let v = engine.promotion().show(id).unwrap();
    // Paper holds everywhere: before it, the only row is the candidate's everywhere; after it,
    // each corridor's row starts from it.
    let found = v.rows.iter().find(|r| r.corridor.as_ref() == scope);
    let everywhere = || v.rows.iter().find(|r| r.corridor.is_none());
    let any = || if scope.is_none() { v.rows.first() } else { None };
    found.or_else(everywhere).or_else(any).cloned().unwrap_or_else(|| panic!("no row in {scope:?}: {v:#?}"))
}

/// Promote candidate `id` one typed confirmation at a time until it is at `to` in `scope`.
pub fn promote_to(engine: &Engine, id: &str, scope: Option<&CorridorId>, to: Stage) {
    for _ in 0..5 {
        let r = row(engine, id, scope);
        // Paper holds everywhere; a live stage only in its corridor's row.
        if r.stage >= to && (r.corridor.as_ref() == scope || !to.is_live()) {
            return;
        }
        engine.promotion().advance_confirmed(confirm(&r)).unwrap();
    }
    panic!("{id} never reached {to}");
}
