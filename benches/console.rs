//! Console speed: render time of each screen at 200x50 (the runs table with 10,000 runs, help,
//! alerts, and every other screen over real artifacts), and start-up to the first full frame
//! with 10,000 runs in the index. `cargo bench --bench console`.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quantlab::engine::backtest::metrics::METRIC_NAMES;
use quantlab::engine::contract::{CONTRACT_VERSION, RUNS_INDEX_SCHEMA};
use quantlab::engine::gate::TerminalKey;
use quantlab::engine::research::index::{IndexEntry, RunsIndex};
use quantlab::engine::research::RunStatus;
use quantlab::engine::workspace::{write_json, Workspace};
use quantlab::engine::Engine;
use quantlab::tui::app::{App, Msg};
use quantlab::tui::draw::{self, Ctx};
use quantlab::tui::jobs::{self, Cmd};
use quantlab::tui::keymap::Keymap;
use quantlab::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// A workspace whose index holds `n` synthetic runs (the index is all the table reads).
pub fn big_index(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let runs = (0..n)
        .map(|i| IndexEntry {
            run_id: format!("run_20261125T{:06}Z_{:08x}", i % 240000, i),
            created_at: "2026-11-25T12:00:00Z".into(),
            status: RunStatus::Success,
            label: None,
            strategy: ["sma_cross", "ema_cross", "rsi_reversion"][i % 3].into(),
            params: format!("fast={} slow={}", 5 + i % 50, 50 + i % 200),
            symbol: "BTCUSD".into(),
            timeframe: "1h".into(),
            data_id: Some("ds_20261125T120000Z_00000000".into()),
            fingerprint: "0".repeat(64),
            rows: 20_111,
            metrics: METRIC_NAMES
                .iter()
                .enumerate()
                .map(|(k, m)| (m.to_string(), Some(((i * 31 + k * 7) % 1000) as f64 / 100.0 - 3.0)))
                .collect::<BTreeMap<_, _>>(),
            trades_hash: Some("0".repeat(64)),
            error_code: None,
        })
        .collect();
    let ix = RunsIndex {
        schema: RUNS_INDEX_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        updated_at: "2026-11-25T12:00:00Z".into(),
        runs,
    };
    write_json(&dir.path().join("runs_index.json"), &ix).unwrap();
    dir
}

fn loaded_app(engine: &Engine, keymap: &Keymap) -> App {
    let mut app = App::new("outputs".into(), "2026-11-25 12:00".into());
    let mut cmds = app.startup();
    while let Some(c) = cmds.pop() {
        let r = jobs::execute(engine, c);
        cmds.extend(app.update(Msg::Done(r), keymap));
    }
    app
}

/// 10,000 runs when benchmarking; fewer when `cargo test` smoke-runs the bench.
fn runs() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        10_000
    } else {
        500
    }
}

fn render(c: &mut Criterion) {
    let dir = big_index(runs());
    let engine = Engine::open(Workspace::at(dir.path()));
    let keymap = Keymap::defaults();
    let theme = Theme::builtin("default").unwrap();
    let cx = Ctx { theme: &theme, keymap: &keymap };
    let mut app = loaded_app(&engine, &keymap);
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut g = c.benchmark_group("render_200x50");
    g.bench_function("runs_table_10k", |b| {
        b.iter(|| {
            term.draw(|f| draw::draw(f, black_box(&app), &cx)).unwrap();
        })
    });
    app.help = true;
    g.bench_function("help_overlay", |b| {
        b.iter(|| {
            term.draw(|f| draw::draw(f, black_box(&app), &cx)).unwrap();
        })
    });
    app.help = false;
    app.update(
        Msg::Key(TerminalKey::synthetic(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(
            '3',
        )))),
        &keymap,
    );
    g.bench_function("alerts", |b| {
        b.iter(|| {
            term.draw(|f| draw::draw(f, black_box(&app), &cx)).unwrap();
        })
    });
    g.finish();
}

fn startup(c: &mut Criterion) {
    let dir = big_index(runs());
    let keymap = Keymap::defaults();
    let theme = Theme::builtin("default").unwrap();
    let cx = Ctx { theme: &theme, keymap: &keymap };
    let mut g = c.benchmark_group("startup");
    g.sample_size(20);
    g.bench_function("load_10k_runs_and_first_frame", |b| {
        b.iter(|| {
            let engine = Engine::open(Workspace::at(dir.path()));
            let mut app = App::new("outputs".into(), "2026-11-25 12:00".into());
            let r = jobs::execute(&engine, Cmd::LoadRuns);
            app.update(Msg::Done(r), &keymap);
            let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
            term.draw(|f| draw::draw(f, &app, &cx)).unwrap();
        })
    });
    g.finish();
}

/// A workspace with real research and paper artifacts behind every other screen: the bundled
/// BTC hourly series, two runs, a sweep and a replayed paper session.
fn real_workspace() -> (tempfile::TempDir, Vec<String>) {
    use quantlab::engine::research::sweep::SweepRequest;
    use quantlab::engine::research::RunRequest;
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(Workspace::at(dir.path()));
    let csv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/BTCUSD_1h.csv");
    let data = engine.data().import(&csv, "BTCUSD", "1h").unwrap().0.id;
    let mut ids = Vec::new();
    for fast in ["10", "20"] {
        let req = RunRequest {
            data: data.clone(),
            strategy: "sma_cross".into(),
            params: [("fast".to_string(), fast.to_string())].into_iter().collect(),
            ..RunRequest::default()
        };
        ids.push(engine.research().run(&req).unwrap().run_id);
    }
    let sweep = SweepRequest {
        data: data.clone(),
        strategy: "sma_cross".into(),
        grid: vec!["fast=5:50:5".into(), "slow=50:200:25".into()],
        constraints: vec!["fast<slow".into()],
        objective: "sharpe".into(),
        ..SweepRequest::default()
    };
    ids.push(engine.research().sweep(&sweep, &|_, _| {}).unwrap().sweep_id);
    let ws = engine.workspace();
    let req = quantlab::engine::paper::StartRequest {
        strategy: "sma_cross".into(),
        params: Default::default(),
        feed: format!("replay:{data}"),
        from: Some("2019-08-01".into()),
        backtest: Default::default(),
        max_drawdown_pct: None,
        name: Some("paper_bench".into()),
        signal_out: None,
    };
    let s = quantlab::engine::paper::create(ws, engine.venue_runtime(), &req).unwrap();
    quantlab::engine::paper::run(ws, engine.venue_runtime(), &s.id).unwrap();
    ids.push(s.id);
    (dir, ids)
}

/// Every other screen at 200x50, each reached the way an operator reaches it.
fn render_screens(c: &mut Criterion) {
    use crossterm::event::{KeyCode, KeyEvent};
    let (dir, ids) = real_workspace();
    let engine = Engine::open(Workspace::at(dir.path()));
    let keymap = Keymap::defaults();
    let theme = Theme::builtin("default").unwrap();
    let cx = Ctx { theme: &theme, keymap: &keymap };
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut g = c.benchmark_group("render_200x50");
    let screens: [(&str, Vec<Cmd>, &[char]); 7] = [
        ("run_detail", vec![Cmd::LoadDetail(ids[0].clone())], &[]),
        ("compare", vec![Cmd::LoadCompare(ids[..2].to_vec())], &[]),
        ("sweep_heatmap", vec![Cmd::LoadSweep(ids[2].clone())], &['2']),
        ("new_run_form", vec![Cmd::LoadForm], &[]),
        ("pretrade", vec![], &['4']),
        ("paper_sessions", vec![], &['5']),
        ("paper_detail", vec![Cmd::LoadPaperDetail(ids[3].clone())], &['5']),
    ];
    for (name, cmds, keys) in screens {
        let mut app = loaded_app(&engine, &keymap);
        for k in keys {
            app.update(Msg::Key(TerminalKey::synthetic(KeyEvent::from(KeyCode::Char(*k)))), &keymap);
        }
        for cmd in cmds {
            let r = jobs::execute(&engine, cmd);
            app.update(Msg::Done(r), &keymap);
        }
        g.bench_function(name, |b| {
            b.iter(|| {
                term.draw(|f| draw::draw(f, black_box(&app), &cx)).unwrap();
            })
        });
    }
    g.finish();
}

criterion_group!(benches, render, render_screens, startup);
criterion_main!(benches);
