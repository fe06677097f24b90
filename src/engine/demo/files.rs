//! What the demo's live part writes into its workspace: the simulator's config, `venues.toml`
//! pointing the `main` accounts at it, the execution policy, the promotion gates, and the
//! candidate's research bars. Pure text; demo/live.rs writes it.

use super::loopback::{HL_ACCOUNT, HL_AGENT_KEY, KRAKEN_KEY, KRAKEN_SECRET};
use crate::engine::error::{Error, Result};
use crate::engine::execution::policy::EXAMPLE;
use crate::engine::promotion::gates::DEFAULT_GATES;

/// The simulator's config (its state and request log beside it): the demo's BTC/USD hourly
/// closes replayed one per tick, and the throwaway accounts of `examples/sim.toml`.
pub fn sim_config(tick_ms: u64) -> Result<String> {
    let agent = crate::engine::venues::evm::signer::EvmSigner::from_hex(HL_AGENT_KEY)
        .map_err(|e| Error::runtime(format!("the demo's agent key: {e}")))?
        .address()
        .to_lower_hex();
    Ok(format!(
        r#"# The demo's loopback simulator (`quantlab demo` writes this file at each start).
# Throwaway credentials only, the ones in examples/sim.toml; they are not and never were real keys.
[market]
replay = "BTCUSD:1h"   # the demo's BTC/USD hourly bars, one close per tick, in a loop
tick_ms = {tick_ms}

[book]
level_qty = "0.5"

[[kraken.accounts]]
api_key = "{KRAKEN_KEY}"
api_secret = "{KRAKEN_SECRET}"
balances = {{ ZUSD = "10000" }}

[[hyperliquid.accounts]]
address = "{HL_ACCOUNT}"
agents = ["{agent}"]
usdc = "10000"
"#
    ))
}

/// `venues.toml`: the `main` accounts of both venues on the simulator at `url`.
pub fn venues(url: &str) -> String {
    format!(
        r#"# The demo's venues: both `main` accounts on its loopback simulator. `quantlab demo` writes
# this file at each start with the port the simulator got (docs/demo.md).
[kraken.main]
base_url = "{url}"

[hyperliquid.main]
base_url = "{url}"
account = "{HL_ACCOUNT}"
"#
    )
}

/// How far the demo's live session may drift from its shadow. Its market runs ten hourly bars
/// a second and a bar lasts two seconds, so the defaults (three bars, 50 bp against the bar's
/// close) would call a person who reads the order for ten seconds a drift and demote the
/// candidate: here a minute of bars, and the days of BTC those seconds are.
const DEMO_DRIFT: &str = "
# The demo's market runs ten hourly bars a second: a few seconds of reading are days of BTC.
[corridor.live]
max_missed_approvals = 10
max_slippage_bps = \"3000\"
max_pnl_drift_pct = \"20\"
max_position_drift_bars = 30
";

/// The example policy with its fake corridor (the Pre-trade tab's default plan is checked
/// against it) and the simulator's two corridors first, with room for the simulated accounts.
pub fn policy() -> Result<String> {
    let at =
        EXAMPLE.find("[[corridor]]").ok_or_else(|| Error::runtime("the example policy has no corridor"))?;
    let (head, fake) = EXAMPLE.split_at(at);
    let corridor = |venue: &str, symbol: &str| -> Result<String> {
        let mut c = fake.to_string();
        for (from, to) in [
            ("venue = \"fake\"", format!("venue = \"{venue}\"")),
            ("symbols = [\"BTC/USD\", \"ETH/USD\"]", format!("symbols = [\"{symbol}\"]")),
            ("max_position_notional = \"2000\"", "max_position_notional = \"20000\"".into()),
            ("max_gross_exposure = \"3000\"", "max_gross_exposure = \"30000\"".into()),
            ("max_position_notional = \"1500\"", "max_position_notional = \"15000\"".into()),
            ("max_gross_exposure = \"2500\"", "max_gross_exposure = \"25000\"".into()),
        ] {
            if !c.contains(from) {
                return Err(Error::runtime(format!("the example policy no longer says {from}")));
            }
            c = c.replacen(from, &to, 1);
        }
        Ok(c)
    };
    let head = head.replacen("max_gross_exposure = \"5000\"", "max_gross_exposure = \"50000\"", 1);
    Ok(format!(
        "{head}# The demo's corridors: its loopback simulator's Kraken and Hyperliquid accounts, then the\n\
         # fake venue the Pre-trade tab plans on.\n{}{DEMO_DRIFT}\n{}{DEMO_DRIFT}\n{fake}",
        corridor("kraken", "XBTUSD")?,
        corridor("hyperliquid", "BTC")?
    ))
}

/// The default gates, with what a demo built a minute ago cannot show turned off: no
/// walk-forward, paper session, reconciliation history, restart or alert coverage, micro-live
/// history or promotion report, and the simulator's credential from the demo; and the demo's
/// strategy (a breakout) admitted to micro-live. The sweep rank and the policy, allowlist and
/// open-incident lines still hold.
pub fn gates() -> Result<String> {
    let mut g = format!(
        "# The demo's promotion gates: the defaults, less what a demo built a minute ago cannot show\n\
         # (`quantlab demo`; docs/demo.md). A workspace of your own starts from the defaults.\n{DEFAULT_GATES}"
    );
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
        (
            "strategies = [\"sma_cross\", \"ema_cross\", \"macd_cross\"]",
            "strategies = [\"sma_cross\", \"ema_cross\", \"macd_cross\", \"donchian_breakout\"]",
        ),
        ("min_micro_sessions = 1", "min_micro_sessions = 0"),
        ("min_micro_bars = 200", "min_micro_bars = 0"),
        ("require_promotion_report = true", "require_promotion_report = false"),
    ] {
        if !g.contains(from) {
            return Err(Error::runtime(format!("the default gates no longer say {from}")));
        }
        g = g.replacen(from, to, 1);
    }
    Ok(g)
}

/// The candidate's research bars: the bundled BTC/USD hourly bars in groups of `per_bar`, one
/// bar each, stamped `bar_ms` apart from 2026-01-01: the series the simulator replays, at the
/// length of the live session's bars (`per_bar` ticks make one).
pub fn bars(hourly_csv: &[u8], per_bar: usize, bar_ms: i64) -> Result<String> {
    let text =
        std::str::from_utf8(hourly_csv).map_err(|e| Error::runtime(format!("the bundled bars: {e}")))?;
    let mut rows = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<f64> = line.split(',').skip(1).take(5).filter_map(|v| v.parse().ok()).collect();
        if let [o, h, l, c, v] = f[..] {
            rows.push([o, h, l, c, v]);
        }
    }
    let start_ms = 1_767_225_600_000i64; // 2026-01-01T00:00:00Z
    let mut out = String::from("timestamp,open,high,low,close,volume\n");
    for (i, g) in rows.chunks(per_bar.max(1)).enumerate() {
        let high = g.iter().map(|r| r[1]).fold(f64::MIN, f64::max);
        let low = g.iter().map(|r| r[2]).fold(f64::MAX, f64::min);
        let volume: f64 = g.iter().map(|r| r[4]).sum();
        let t = crate::engine::time::fmt_ms(start_ms + i as i64 * bar_ms);
        out.push_str(&format!("{t},{},{high},{low},{},{volume:.4}\n", g[0][0], g[g.len() - 1][3]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_files_parse() {
        let p =
            crate::engine::execution::policy::parse(policy().unwrap().as_bytes(), std::path::Path::new("p"))
                .unwrap();
        let names: Vec<String> =
            p.policy.corridors.iter().map(|c| format!("{}/{}", c.venue, c.account)).collect();
        assert_eq!(names, ["kraken/main", "hyperliquid/main", "fake/main"]);
        crate::engine::promotion::gates::parse(&gates().unwrap(), std::path::Path::new("g")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sim.toml");
        crate::engine::venues::sim::config::SimConfig::parse(&path, &sim_config(200).unwrap()).unwrap();
        let b =
            bars(b"timestamp,open,high,low,close,volume\nt,1,3,1,2,1\nt,2,4,0.5,3,1\nt,3,3,3,3,1\n", 2, 5000)
                .unwrap();
        assert_eq!(
            b,
            "timestamp,open,high,low,close,volume\n2026-01-01T00:00:00Z,1,4,0.5,3,2.0000\n2026-01-01T00:00:05Z,3,3,3,3,1.0000\n"
        );
    }
}
