//! Triage and routing rules: `<workspace>/signal_rules.toml`, data the operator edits, not
//! code. Written with the defaults below the first time a signal needs them; read again on
//! every intake, triage and research, so an edit applies to the next one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::contract::HypothesisType;
use super::error::SignalError;
use crate::engine::error::{Error, Result};
use crate::engine::research::sweep::grid::{combinations, parse_axis, parse_constraint, Axis};
use crate::engine::research::sweep::rank::check_objective;
use crate::engine::strategy::registry_info;
use crate::engine::workspace::{write_atomic, Workspace};

/// Relative to the workspace root.
pub const RULES_FILE: &str = "signal_rules.toml";

/// The rules a workspace starts with (docs/signals.md explains each key).
pub const DEFAULT_RULES: &str = r#"# QuantLab signal rules: how research signals are triaged and routed (docs/signals.md).
# Written with these defaults on first use; edit freely. Intake, triage and research read it
# on every call. Strategy and metric names are QuantLab's own (`quantlab strategies`,
# docs/metrics.md).
version = 1

[triage]
# A signal whose created_at + horizon has passed is ignored.
ignore_expired = true
# A dataset with fewer bars than this does not count as data for a symbol.
min_bars = 250
# When a symbol has datasets at several timeframes, the first of these that exists is used
# (otherwise the one with the most bars).
prefer_timeframes = ["1d", "4h", "1h"]
# false: every symbol of the universe needs data, or the signal is needs_data.
# true: a signal is tested on the symbols that have data (the others are named).
test_partial_universe = false
# Suggested strategies: "fitting" (only those the hypothesis type lists below), "any", or
# "never" (always the rules' own).
suggested = "fitting"

[research]
# Ranks sweep combinations and chooses walk-forward parameters...
objective = "sharpe"
# ...unless the validation goal names a metric that is an objective (sharpe, cagr,
# max_drawdown, ...; not trade_count, exposure or buy_and_hold_return): then research
# optimizes the first such metric, what the goal is about.
objective_from_goal = true
fee_bps = 10.0
slippage_bps = 2.0
# A sweep larger than this falls back to the rules' grid (a sender cannot order a huge job).
max_combinations = 400

[research.allow_short]
# Whether the backtests take short positions, by the signal's bias. There is no short-only
# mode: a short or neutral hypothesis is tested long and short.
long = false
short = true
neutral = true

[research.walkforward]
# The data is cut into a training window of train_fraction of the bars, then `folds` test
# windows that share the rest; each fold re-chooses its parameters on its training window.
folds = 3
train_fraction = 0.5
anchored = false

[verdict]
# Fewer out-of-sample trades than this on a symbol: inconclusive there.
min_trades = 5
# Supported when at least this share of the universe supports it; not supported when that
# share can no longer be reached; inconclusive otherwise.
min_support_share = 0.5

# Which built-in strategies can test each hypothesis type. An empty list means nothing
# testable: such signals are ignored.
[hypothesis.trend]
strategies = ["sma_cross", "ema_cross", "macd_cross"]

[hypothesis.mean_reversion]
strategies = ["rsi_reversion", "bollinger_reversion"]

[hypothesis.breakout]
strategies = ["donchian_breakout"]

[hypothesis.volatility]
# The closest built-ins: band and channel systems react to volatility expanding.
strategies = ["bollinger_reversion", "donchian_breakout"]

[hypothesis.event]
strategies = []

[hypothesis.other]
strategies = []

# Default parameter grids (the sweep's syntax); a suggestion's ranges replace the axes it names.
[strategy.sma_cross]
grid = ["fast=10,20,50", "slow=50,100,200"]
constraints = ["fast<slow"]

[strategy.ema_cross]
grid = ["fast=8,12,20", "slow=26,50,100"]
constraints = ["fast<slow"]

[strategy.macd_cross]
grid = ["fast=8,12", "slow=21,26", "signal=9"]
constraints = ["fast<slow"]

[strategy.rsi_reversion]
grid = ["period=7,14", "lower=20,30", "upper=70,80"]

[strategy.bollinger_reversion]
grid = ["period=10,20,40", "k=1.5,2,2.5"]

[strategy.donchian_breakout]
grid = ["period=10,20,55,100"]
"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suggested {
    Fitting,
    Any,
    Never,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub version: u32,
    pub triage: TriageRules,
    pub research: ResearchRules,
    pub verdict: VerdictRules,
    #[serde(default)]
    pub hypothesis: BTreeMap<String, HypothesisRule>,
    #[serde(default)]
    pub strategy: BTreeMap<String, StrategyRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageRules {
    pub ignore_expired: bool,
    pub min_bars: usize,
    pub prefer_timeframes: Vec<String>,
    pub test_partial_universe: bool,
    pub suggested: Suggested,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResearchRules {
    pub objective: String,
    pub objective_from_goal: bool,
    pub fee_bps: f64,
    pub slippage_bps: f64,
    pub max_combinations: usize,
    pub allow_short: AllowShort,
    pub walkforward: WalkforwardRules,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowShort {
    pub long: bool,
    pub short: bool,
    pub neutral: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalkforwardRules {
    pub folds: usize,
    pub train_fraction: f64,
    pub anchored: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictRules {
    pub min_trades: usize,
    pub min_support_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HypothesisRule {
    pub strategies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyRule {
    pub grid: Vec<String>,
    #[serde(default)]
    pub constraints: Vec<String>,
}

/// Which rules decided: recorded in every triage and verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesRef {
    pub path: String,
    /// sha256 of the file's bytes.
    pub fingerprint: String,
}

#[derive(Debug, Clone)]
pub struct Loaded {
    pub rules: Rules,
    pub source: RulesRef,
    /// The file was written with the defaults by this call.
    pub created: bool,
}

impl Rules {
    pub fn defaults() -> Rules {
        parse(DEFAULT_RULES, RULES_FILE).expect("the default rules parse (tested)")
    }

    /// The strategies the rules list for a hypothesis type (none when the type is absent).
    pub fn fitting(&self, t: HypothesisType) -> &[String] {
        self.hypothesis.get(t.name()).map(|h| h.strategies.as_slice()).unwrap_or(&[])
    }
}

fn bad(file: &str, field: &str, msg: impl std::fmt::Display) -> Error {
    Error::from(SignalError::Rules { file: file.into(), key: field.into(), problem: msg.to_string() })
        .with_field(field)
}

/// Parse and check rules text; errors name the file, and the line (TOML syntax) or the key.
pub fn parse(text: &str, file: &str) -> Result<Rules> {
    let rules: Rules =
        toml::from_str(text).map_err(|source| SignalError::RulesSyntax { file: file.into(), source })?;
    validate(&rules, file)?;
    Ok(rules)
}

fn validate(r: &Rules, file: &str) -> Result<()> {
    if r.version != 1 {
        return Err(bad(
            file,
            "version",
            format!("{} is not a rules version this QuantLab reads (1)", r.version),
        ));
    }
    if r.triage.prefer_timeframes.iter().any(|t| crate::engine::time::parse_timeframe(t).is_err()) {
        return Err(bad(file, "triage.prefer_timeframes", "use timeframes such as 1d, 4h, 1h"));
    }
    check_objective(&r.research.objective)
        .map_err(|e| bad(file, "research.objective", e.message.trim_start_matches("--objective: ")))?;
    for (key, v) in
        [("research.fee_bps", r.research.fee_bps), ("research.slippage_bps", r.research.slippage_bps)]
    {
        if !(v.is_finite() && (0.0..1000.0).contains(&v)) {
            return Err(bad(file, key, format!("{v} is not in [0, 1000)")));
        }
    }
    if r.research.max_combinations == 0 {
        return Err(bad(file, "research.max_combinations", "must be at least 1"));
    }
    let wf = &r.research.walkforward;
    if wf.folds == 0 || wf.folds > 50 {
        return Err(bad(file, "research.walkforward.folds", "must be 1 to 50"));
    }
    if !(wf.train_fraction > 0.0 && wf.train_fraction < 1.0) {
        return Err(bad(file, "research.walkforward.train_fraction", "must be between 0 and 1"));
    }
    let share = r.verdict.min_support_share;
    if !(share > 0.0 && share <= 1.0) {
        return Err(bad(file, "verdict.min_support_share", "must be above 0 and at most 1"));
    }
    for (name, rule) in &r.strategy {
        let key = format!("strategy.{name}");
        let axes = rule_axes(name, rule).map_err(|m| bad(file, &key, m))?;
        let n =
            combinations(&axes, &constraints_for(&axes, &rule.constraints).map_err(|m| bad(file, &key, m))?)
                .map_err(|e| bad(file, &key, e.message))?
                .len();
        if n > r.research.max_combinations {
            return Err(bad(
                file,
                &format!("{key}.grid"),
                format!("{n} combinations; research.max_combinations is {}", r.research.max_combinations),
            ));
        }
    }
    for (t, h) in &r.hypothesis {
        let key = format!("hypothesis.{t}");
        if HypothesisType::parse(t).is_none() {
            let valid: Vec<&str> = HypothesisType::ALL.iter().map(|h| h.name()).collect();
            return Err(bad(file, &key, format!("unknown hypothesis type; valid: {}", valid.join(", "))));
        }
        for s in &h.strategies {
            if !r.strategy.contains_key(s) {
                return Err(bad(
                    file,
                    &format!("{key}.strategies"),
                    format!(
                        "{s} has no [strategy.{s}] grid (and must be a built-in strategy with parameters)"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The axes of a rules grid, checked against the strategy's parameters.
pub fn rule_axes(name: &str, rule: &StrategyRule) -> std::result::Result<Vec<Axis>, SignalError> {
    let info = registry_info(name).map_err(|source| SignalError::RuleSweep { part: None, source })?;
    if info.params.is_empty() || rule.grid.is_empty() {
        return Err(SignalError::NoGrid { strategy: name.into() });
    }
    rule.grid
        .iter()
        .map(|g| {
            parse_axis(g, &info.params, name)
                .map_err(|source| SignalError::RuleSweep { part: Some("grid"), source })
        })
        .collect()
}

/// The rules' constraints; a constraint naming a parameter the grid does not sweep is an error.
fn constraints_for(
    axes: &[Axis],
    texts: &[String],
) -> std::result::Result<Vec<crate::engine::research::sweep::grid::Constraint>, SignalError> {
    texts
        .iter()
        .map(|c| {
            parse_constraint(c, axes)
                .map_err(|source| SignalError::RuleSweep { part: Some("constraints"), source })
        })
        .collect()
}

/// The workspace's rules, writing the defaults first if the file does not exist.
pub fn load_or_init(ws: &Workspace) -> Result<Loaded> {
    let path = ws.root().join(RULES_FILE);
    let (text, created) = match std::fs::read_to_string(&path) {
        Ok(t) => (t, false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            write_atomic(&path, DEFAULT_RULES.as_bytes())?;
            (DEFAULT_RULES.to_string(), true)
        }
        Err(e) => return Err(Error::io("cannot read", &path, e)),
    };
    let rules = parse(&text, &path.display().to_string())?;
    let fingerprint = crate::engine::research::artifacts::sha256_hex(text.as_bytes());
    Ok(Loaded { rules, source: RulesRef { path: RULES_FILE.into(), fingerprint }, created })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_cover_every_hypothesis_type() {
        let r = Rules::defaults();
        for t in HypothesisType::ALL {
            assert!(r.hypothesis.contains_key(t.name()), "{t:?}");
        }
        assert_eq!(r.fitting(HypothesisType::Trend), ["sma_cross", "ema_cross", "macd_cross"]);
        assert!(r.fitting(HypothesisType::Event).is_empty());
    }

    #[test]
    fn bad_rules_name_the_key_or_line() {
        let edit = |from: &str, to: &str| parse(&DEFAULT_RULES.replace(from, to), "rules.toml").unwrap_err();
        let e = edit("objective = \"sharpe\"", "objective = \"sharp\"");
        assert_eq!(e.field.as_deref(), Some("research.objective"), "{e}");
        let e = edit("\"fast=10,20,50\"", "\"fats=10,20,50\"");
        assert!(e.message.contains("strategy.sma_cross") && e.message.contains("fats"), "{e}");
        let e = edit("[hypothesis.other]", "[hypothesis.momentum]");
        assert_eq!(e.field.as_deref(), Some("hypothesis.momentum"), "{e}");
        let e = edit("strategies = [\"donchian_breakout\"]", "strategies = [\"buy_and_hold\"]");
        assert!(e.message.contains("buy_and_hold"), "{e}");
        let e = edit("min_trades = 5", "min_trade = 5");
        assert!(
            matches!(e.domain(), Some(SignalError::RulesSyntax { file, .. }) if file == "rules.toml"),
            "{e}"
        );
        assert!(e.message.contains("line"), "{e}");
        let e = edit("max_combinations = 400", "max_combinations = 4");
        assert!(e.message.contains("combinations"), "{e}");
    }

    #[test]
    fn first_use_writes_the_defaults_once() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let a = load_or_init(&ws).unwrap();
        assert!(a.created);
        std::fs::write(dir.path().join(RULES_FILE), DEFAULT_RULES.replace("min_bars = 250", "min_bars = 10"))
            .unwrap();
        let b = load_or_init(&ws).unwrap();
        assert!(!b.created);
        assert_eq!(b.rules.triage.min_bars, 10, "an edit is read, not overwritten");
        assert_ne!(a.source.fingerprint, b.source.fingerprint);
    }
}
