//! `quantlab demo`: a workspace with real data, runs of several strategies, a sweep, a
//! walk-forward, a portfolio, a paper session and research signals, built once from the data
//! bundled in the binary; and, while its console is open, the live gate on a loopback
//! simulator ([`live`]). docs/demo.md.

pub mod error;
mod files;
pub mod live;
pub mod loopback;
mod reset;

pub use reset::reset;

use serde::{Deserialize, Serialize};

use crate::engine::backtest::BacktestConfig;
use crate::engine::error::Result;
use crate::engine::research::portfolio::{PortfolioRequest, Rebalance};
use crate::engine::research::sweep::SweepRequest;
use crate::engine::research::RunRequest;
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_atomic, write_json};
use crate::engine::Engine;

/// Real sample data, bundled so the demo works from any directory (see data/sample/NOTICE.md).
const SAMPLES: [(&str, &str, &str, &[u8]); 5] = [
    ("BTCUSD_1h.csv", "BTCUSD", "1h", include_bytes!("../../../data/sample/BTCUSD_1h.csv")),
    ("AAPL.csv", "AAPL", "1d", include_bytes!("../../../data/sample/AAPL.csv")),
    ("MSFT.csv", "MSFT", "1d", include_bytes!("../../../data/sample/MSFT.csv")),
    ("GOOG.csv", "GOOG", "1d", include_bytes!("../../../data/sample/GOOG.csv")),
    ("IBM.csv", "IBM", "1d", include_bytes!("../../../data/sample/IBM.csv")),
];
const NOTICE: &[u8] = include_bytes!("../../../data/sample/NOTICE.md");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoManifest {
    pub schema: String,
    pub schema_version: u32,
    pub created_at: String,
    pub datasets: Vec<String>,
    pub runs: Vec<String>,
    pub sweep: String,
    pub walkforward: String,
    pub portfolio: String,
    /// A paper session replayed to its end (absent in demos built before paper sessions).
    #[serde(default)]
    pub paper: Option<String>,
    /// Research signals taken in, the first researched to a verdict (absent in older demos).
    #[serde(default)]
    pub signals: Vec<String>,
    /// Built in a directory that was missing or empty, so `--reset` may remove it whole
    /// (absent in demos built before `--reset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedicated: Option<bool>,
    /// What the live part made the first time it started (absent until then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<live::DemoLive>,
}

/// Signals from a made-up desk, one per decision the triage can take, as JSON lines.
fn demo_signals(created_at: &str) -> String {
    let signal =
        |id: &str, priority: &str, universe: &str, kind: &str, bias: &str, goal: &str, summary: &str| {
            serde_json::json!({
            "signal_id": id, "source": "demo-desk", "created_at": created_at, "signal_summary": summary,
            "priority": priority, "affected_universe": [universe], "bias": bias, "horizon": "3m",
            "hypothesis_type": kind, "validation_goal": goal, "invalidation_condition": "max_drawdown > 50%",
        })
        .to_string()
        };
    [
        signal(
            "demo-goog-trend",
            "high",
            "GOOG",
            "trend",
            "long",
            "sharpe > 0.5",
            "GOOG trends after new highs",
        ),
        signal(
            "demo-msft-reversion",
            "normal",
            "MSFT",
            "mean_reversion",
            "neutral",
            "profit_factor > 1.2",
            "MSFT reverts after large moves",
        ),
        signal(
            "demo-btc-breakout",
            "normal",
            "BTC/USD",
            "breakout",
            "long",
            "cagr > 20%",
            "BTC breaks out of its monthly range",
        ),
        signal(
            "demo-nvda-trend",
            "normal",
            "NVDA",
            "trend",
            "long",
            "sharpe > 1",
            "NVDA trends (no data in the demo)",
        ),
        signal(
            "demo-ibm-earnings",
            "low",
            "IBM",
            "event",
            "long",
            "post-earnings drift is visible",
            "IBM drifts after earnings",
        ),
    ]
    .join("\n")
}

fn run(
    engine: &Engine,
    data: &str,
    strategy: &str,
    params: &[(&str, &str)],
    bt: BacktestConfig,
) -> Result<String> {
    let req = RunRequest {
        data: data.into(),
        strategy: strategy.into(),
        params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        backtest: bt,
        label: Some("demo".into()),
        ..RunRequest::default()
    };
    Ok(engine.research().run(&req)?.run_id)
}

/// Start the live part on the demo's engine ([`Engine::for_demo`]): the simulator, its
/// corridors, and the candidate (made and recorded in `demo.json` the first time).
pub fn start_live(engine: &Engine, manifest: &mut DemoManifest) -> Result<live::Running> {
    let (running, made) = live::start(engine, manifest.live.clone())?;
    if manifest.live.as_ref() != Some(&made) {
        manifest.live = Some(made);
        write_json(&engine.workspace().root().join("demo.json"), manifest)?;
    }
    Ok(running)
}

/// Build the demo once; later calls return the existing manifest untouched.
pub fn ensure(engine: &Engine) -> Result<(DemoManifest, bool)> {
    let ws = engine.workspace();
    let marker = ws.root().join("demo.json");
    if let Ok(m) = read_json::<DemoManifest>(&marker) {
        return Ok((m, true));
    }
    let dedicated = std::fs::read_dir(ws.root()).map_or(true, |mut d| d.next().is_none());
    ws.ensure()?;
    let mut datasets = Vec::new();
    for (file, symbol, tf, bytes) in SAMPLES {
        let path = ws.root().join("samples").join(file);
        write_atomic(&path, bytes)?;
        datasets.push(engine.data().import(&path, symbol, tf)?.0.id);
    }
    write_atomic(&ws.root().join("samples/NOTICE.md"), NOTICE)?;
    let btc4h = engine.data().resample("BTCUSD:1h", "4h")?.0.id;
    datasets.push(btc4h);
    let fees = |bps: f64| BacktestConfig { fee_bps: bps, slippage_bps: 2.0, ..BacktestConfig::default() };
    let runs = vec![
        run(engine, "BTCUSD:1h", "sma_cross", &[("fast", "20"), ("slow", "100")], fees(10.0))?,
        run(engine, "BTCUSD:4h", "ema_cross", &[("fast", "12"), ("slow", "48")], fees(10.0))?,
        run(
            engine,
            "BTCUSD:4h",
            "donchian_breakout",
            &[("period", "55")],
            BacktestConfig { allow_short: true, ..fees(10.0) },
        )?,
        run(engine, "AAPL:1d", "rsi_reversion", &[], fees(5.0))?,
        run(engine, "MSFT:1d", "bollinger_reversion", &[], fees(5.0))?,
        run(engine, "GOOG:1d", "macd_cross", &[], fees(5.0))?,
        run(engine, "IBM:1d", "buy_and_hold", &[], fees(5.0))?,
    ];
    let sweep = engine
        .research()
        .sweep(
            &SweepRequest {
                data: "BTCUSD:1h".into(),
                strategy: "sma_cross".into(),
                grid: vec!["fast=5:50:5".into(), "slow=50:200:25".into()],
                constraints: vec!["fast<slow".into()],
                objective: "sharpe".into(),
                backtest: fees(10.0),
                label: Some("demo".into()),
                ..SweepRequest::default()
            },
            &|_, _| {},
        )?
        .sweep_id;
    let walkforward = engine
        .research()
        .walkforward(
            &crate::engine::research::walkforward::WalkForwardRequest {
                sweep: SweepRequest {
                    data: "BTCUSD:1h".into(),
                    strategy: "sma_cross".into(),
                    grid: vec!["fast=10:40:10".into(), "slow=100,200".into()],
                    objective: "sharpe".into(),
                    backtest: fees(10.0),
                    label: Some("demo".into()),
                    ..SweepRequest::default()
                },
                train: 4000,
                test: 2000,
                ..Default::default()
            },
            &|_, _| {},
        )?
        .wf_id;
    let (pf, _) = engine.research().portfolio(&PortfolioRequest {
        runs: vec![runs[3].clone(), runs[4].clone(), runs[6].clone()],
        weights: None,
        rebalance: Rebalance::Monthly,
        cash: 10_000.0,
        label: Some("demo".into()),
    })?;
    // A replay of the last months, so the Paper tab opens on a session with its trail.
    let paper = crate::engine::paper::create(
        ws,
        engine.venue_runtime(),
        &crate::engine::paper::StartRequest {
            strategy: "ema_cross".into(),
            params: [("fast", "12"), ("slow", "48")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            feed: "replay:BTCUSD:4h".into(),
            from: Some("2019-04-01".into()),
            backtest: fees(10.0),
            // No drawdown limit: a pause would wait for an operator the demo does not have.
            max_drawdown_pct: None,
            name: Some("paper_demo_ema_cross_BTCUSD".into()),
            signal_out: None,
        },
    )?;
    crate::engine::paper::run(ws, engine.venue_runtime(), &paper.id)?;
    // Signals of every decision, so the Signals tab opens on a triage and a verdict.
    let now = now_ms();
    let intake = engine.signals().intake("demo", &demo_signals(&fmt_ms(now - now % 1000)))?;
    let signals: Vec<String> = intake.machine_contract.accepted.clone();
    engine.signals().research("demo-goog-trend")?;
    let manifest = DemoManifest {
        schema: "quantlab.demo".into(),
        schema_version: crate::engine::contract::CONTRACT_VERSION,
        created_at: fmt_ms(now_ms()),
        datasets,
        runs,
        sweep,
        walkforward,
        portfolio: pf.run_id,
        paper: Some(paper.id),
        signals,
        dedicated: Some(dedicated),
        live: None,
    };
    write_json(&marker, &manifest)?;
    Ok((manifest, false))
}
