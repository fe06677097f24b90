//! Triage: what QuantLab decides to do with a signal, and why. A pure function of the signal,
//! the workspace's datasets, the rules and the time, so every rule can be tested alone.
//!
//! In order: an expired horizon is ignored; a hypothesis no strategy fits is ignored (nothing
//! testable); a universe without data is needs_data (naming the symbols); else test.

use serde::{Deserialize, Serialize};

use super::contract::{Bias, Horizon, Signal};
use super::error::SignalError;
use super::goal;
use super::rules::{rule_axes, Rules, StrategyRule, Suggested};
use crate::engine::data::catalog::DatasetMeta;
use crate::engine::research::sweep::grid::{combinations, parse_axis, parse_constraint, Axis};
use crate::engine::research::sweep::rank::check_objective;
use crate::engine::strategy::registry_info;
use crate::engine::time::{fmt_ms, parse_timeframe};

/// Goal metrics that are no sensible objective: maximizing them picks the busiest or the
/// longest-exposed combination, or (buy and hold) any combination at all.
const NOT_GOAL_OBJECTIVES: [&str; 3] = ["trade_count", "exposure", "buy_and_hold_return"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Test,
    NeedsData,
    Ignore,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::Test => "test",
            Decision::NeedsData => "needs_data",
            Decision::Ignore => "ignore",
        }
    }
}

/// Which rule decided, for scripts that act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Duplicate,
    Expired,
    NothingTestable,
    MissingData,
    Testable,
}

/// A universe entry and the dataset that stands for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UniverseMatch {
    pub entry: String,
    pub dataset_id: String,
    pub symbol: String,
    pub timeframe: String,
    pub rows: usize,
}

/// One sweep research would run per symbol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedSweep {
    pub strategy: String,
    pub grid: Vec<String>,
    pub constraints: Vec<String>,
    pub combinations: usize,
    /// `suggested` (the sender's ranges over the rules' grid) or `rules`.
    pub from: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub decision: Decision,
    pub rule: Rule,
    pub reason: String,
    /// created_at + horizon (null when out of range).
    pub expires_at: Option<String>,
    pub datasets: Vec<UniverseMatch>,
    /// Universe entries without (enough) data.
    pub missing: Vec<String>,
    pub strategies: Vec<PlannedSweep>,
    /// What else the rules did: suggestions left out, short datasets, partial universes.
    pub notes: Vec<String>,
    pub objective: String,
    pub allow_short: bool,
}

/// The assessment of a signal whose id was already taken in.
pub fn duplicate(existing_received_at: &str, same_content: bool) -> Assessment {
    Assessment {
        decision: Decision::Ignore,
        rule: Rule::Duplicate,
        reason: format!(
            "duplicate: this signal_id was taken in at {existing_received_at}{}; the first one stands",
            if same_content { "" } else { " with different content" }
        ),
        expires_at: None,
        datasets: Vec::new(),
        missing: Vec::new(),
        strategies: Vec::new(),
        notes: Vec::new(),
        objective: String::new(),
        allow_short: false,
    }
}

pub fn assess(sig: &Signal, datasets: &[DatasetMeta], rules: &Rules, now_ms: i64) -> Assessment {
    let created = super::contract::parse_time(&sig.created_at).unwrap_or(now_ms);
    let expires = Horizon::parse(&sig.horizon).ok().and_then(|h| h.end_of(created));
    let mut notes = Vec::new();
    let strategies = plan(sig, rules, &mut notes);
    let allow_short = match sig.bias {
        Bias::Long => rules.research.allow_short.long,
        Bias::Short => rules.research.allow_short.short,
        Bias::Neutral => rules.research.allow_short.neutral,
    };
    let goal = goal::parse(&sig.validation_goal).ok();
    let from_goal = goal.as_ref().and_then(|g| {
        g.metrics().into_iter().find(|m| check_objective(m).is_ok() && !NOT_GOAL_OBJECTIVES.contains(m))
    });
    let objective = match from_goal {
        Some(m) if rules.research.objective_from_goal => m.to_string(),
        _ => rules.research.objective.clone(),
    };
    let mut a = Assessment {
        decision: Decision::Test,
        rule: Rule::Testable,
        reason: String::new(),
        expires_at: expires.map(fmt_ms),
        datasets: Vec::new(),
        missing: Vec::new(),
        strategies,
        notes,
        objective,
        allow_short,
    };
    let ignore = |mut a: Assessment, rule: Rule, reason: String| {
        a.decision = Decision::Ignore;
        a.rule = rule;
        a.reason = reason;
        a
    };
    if rules.triage.ignore_expired && expires.is_some_and(|e| e <= now_ms) {
        let reason = format!(
            "expired: created {} with a {} horizon, over at {}",
            sig.created_at,
            sig.horizon,
            a.expires_at.clone().unwrap_or_default()
        );
        return ignore(a, Rule::Expired, reason);
    }
    if a.strategies.is_empty() {
        let t = sig.hypothesis_type.name();
        let reason = format!(
            "nothing testable: no strategy fits hypothesis type '{t}' ({} [hypothesis.{t}] strategies = [{}])",
            super::rules::RULES_FILE,
            rules.fitting(sig.hypothesis_type).join(", ")
        );
        return ignore(a, Rule::NothingTestable, reason);
    }
    for entry in &sig.affected_universe {
        match find_data(entry, datasets, rules) {
            Ok(m) => a.datasets.push(m),
            Err(why) => {
                a.notes.extend(why);
                a.missing.push(entry.clone());
            }
        }
    }
    let names = |v: &[PlannedSweep]| v.iter().map(|s| s.strategy.as_str()).collect::<Vec<_>>().join(", ");
    if !a.missing.is_empty() && (a.datasets.is_empty() || !rules.triage.test_partial_universe) {
        a.decision = Decision::NeedsData;
        a.rule = Rule::MissingData;
        a.reason = format!(
            "needs data for {} (import with: quantlab data import FILE --symbol {} --timeframe 1d)",
            a.missing.join(", "),
            a.missing[0]
        );
        return a;
    }
    if !a.missing.is_empty() {
        a.notes.push(format!(
            "tested without {} (no data; the rules allow a partial universe)",
            a.missing.join(", ")
        ));
    }
    let data: Vec<String> =
        a.datasets.iter().map(|d| format!("{} {} ({} bars)", d.symbol, d.timeframe, d.rows)).collect();
    a.reason = format!(
        "testable: data for {}; {} fit{} '{}'",
        data.join(", "),
        names(&a.strategies),
        if a.strategies.len() == 1 { "s" } else { "" },
        sig.hypothesis_type.name()
    );
    a
}

/// `BTC/USD`, `btc-usd` and `BTCUSD` name one instrument.
fn key(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// The dataset for one universe entry: a dataset id, `SYMBOL:TIMEFRAME`, or a symbol (the
/// preferred timeframe, else the most bars). Err carries why there is none, for the notes.
fn find_data(entry: &str, datasets: &[DatasetMeta], rules: &Rules) -> Result<UniverseMatch, Vec<String>> {
    let min = rules.triage.min_bars;
    let of = |m: &DatasetMeta| UniverseMatch {
        entry: entry.to_string(),
        dataset_id: m.id.clone(),
        symbol: m.symbol.clone(),
        timeframe: m.timeframe.clone(),
        rows: m.rows,
    };
    let short =
        |m: &DatasetMeta| format!("{entry}: {} has {} bars; the rules want at least {min}", m.id, m.rows);
    let candidates: Vec<&DatasetMeta> = if let Some(m) = datasets.iter().find(|m| m.id == entry) {
        vec![m]
    } else if let Some((sym, tf)) = entry.split_once(':') {
        let tf = parse_timeframe(tf).map(crate::engine::time::fmt_timeframe).unwrap_or_default();
        datasets.iter().rev().filter(|m| key(&m.symbol) == key(sym) && m.timeframe == tf).take(1).collect()
    } else {
        datasets.iter().filter(|m| key(&m.symbol) == key(entry)).collect()
    };
    if candidates.is_empty() {
        return Err(Vec::new());
    }
    let long: Vec<&DatasetMeta> = candidates.iter().copied().filter(|m| m.rows >= min).collect();
    if long.is_empty() {
        return Err(candidates.iter().map(|m| short(m)).collect());
    }
    let preferred = rules
        .triage
        .prefer_timeframes
        .iter()
        .filter_map(|tf| parse_timeframe(tf).ok().map(crate::engine::time::fmt_timeframe))
        .find_map(|tf| long.iter().rev().find(|m| m.timeframe == tf));
    let chosen =
        preferred.copied().or_else(|| long.iter().copied().max_by_key(|m| m.rows)).expect("non-empty");
    Ok(of(chosen))
}

/// The sweeps per symbol: the suggested strategies the rules accept (their ranges over the
/// rules' grid), else the rules' strategies for the hypothesis type.
fn plan(sig: &Signal, rules: &Rules, notes: &mut Vec<String>) -> Vec<PlannedSweep> {
    let fitting = rules.fitting(sig.hypothesis_type);
    let mut out = Vec::new();
    for s in &sig.suggested_strategies {
        let accepted = match rules.triage.suggested {
            Suggested::Never => false,
            Suggested::Any => true,
            Suggested::Fitting => fitting.contains(&s.strategy),
        };
        if !accepted {
            notes.push(format!(
                "suggested {} not used: {}",
                s.strategy,
                if rules.triage.suggested == Suggested::Never {
                    "the rules ignore suggestions".to_string()
                } else {
                    format!("it does not fit '{}' in the rules", sig.hypothesis_type.name())
                }
            ));
            continue;
        }
        match suggested_sweep(&s.strategy, &s.grid(), rules) {
            Ok(p) => out.push(p),
            Err(why) => {
                notes.push(format!("suggested {}: {why}; the rules' grid is used", s.strategy));
                if let Some(p) = rules.strategy.get(&s.strategy).and_then(|r| rules_sweep(&s.strategy, r)) {
                    out.push(p);
                }
            }
        }
    }
    if out.is_empty() {
        out = fitting.iter().filter_map(|n| rules.strategy.get(n).and_then(|r| rules_sweep(n, r))).collect();
    }
    out
}

fn rules_sweep(name: &str, rule: &StrategyRule) -> Option<PlannedSweep> {
    let axes = rule_axes(name, rule).ok()?;
    let n = count(&axes, &rule.constraints).ok()?;
    Some(PlannedSweep {
        strategy: name.to_string(),
        grid: rule.grid.clone(),
        constraints: rule.constraints.clone(),
        combinations: n,
        from: "rules".into(),
    })
}

/// The rules' axes with the suggested ones in their place; the rules' constraints that still
/// name swept parameters.
fn suggested_sweep(name: &str, suggested: &[String], rules: &Rules) -> Result<PlannedSweep, SignalError> {
    let refused = |source| SignalError::Suggested { source };
    let info = registry_info(name).map_err(refused)?;
    let parse = |g: &String| parse_axis(g, &info.params, name).map_err(refused);
    let mut axes: Vec<Axis> = suggested.iter().map(parse).collect::<Result<_, _>>()?;
    let rule = rules.strategy.get(name);
    let mut grid: Vec<String> = suggested.to_vec();
    for g in rule.map(|r| r.grid.as_slice()).unwrap_or(&[]) {
        let a = parse(g)?;
        if !axes.iter().any(|x| x.name == a.name) {
            axes.push(a);
            grid.push(g.clone());
        }
    }
    if axes.is_empty() {
        return Err(SignalError::NoRanges);
    }
    let constraints: Vec<String> = rule
        .map(|r| r.constraints.iter().filter(|c| parse_constraint(c, &axes).is_ok()).cloned().collect())
        .unwrap_or_default();
    let n = count(&axes, &constraints)?;
    if n > rules.research.max_combinations {
        return Err(SignalError::TooManyCombinations { n, max: rules.research.max_combinations });
    }
    Ok(PlannedSweep {
        strategy: name.to_string(),
        grid,
        constraints,
        combinations: n,
        from: "suggested".into(),
    })
}

fn count(axes: &[Axis], constraints: &[String]) -> Result<usize, SignalError> {
    let refused = |source| SignalError::Suggested { source };
    let cs = constraints
        .iter()
        .map(|c| parse_constraint(c, axes).map_err(refused))
        .collect::<Result<Vec<_>, _>>()?;
    combinations(axes, &cs).map(|v| v.len()).map_err(refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::signals::contract::{validate, HypothesisType};
    use serde_json::json;

    const NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    fn signal(edit: serde_json::Value) -> Signal {
        let mut v = json!({
            "signal_id": "s1", "source": "desk", "created_at": "2025-12-30T00:00:00Z",
            "signal_summary": "s", "priority": "normal", "affected_universe": ["GOOG"],
            "bias": "long", "horizon": "1m", "hypothesis_type": "trend",
            "validation_goal": "sharpe > 0.5", "invalidation_condition": "free text"
        });
        for (k, x) in edit.as_object().unwrap() {
            v[k] = x.clone();
        }
        validate(&v, NOW).unwrap()
    }

    fn ds(id: &str, symbol: &str, tf: &str, rows: usize) -> DatasetMeta {
        DatasetMeta {
            schema: "quantlab.dataset".into(),
            schema_version: 1,
            id: id.into(),
            symbol: symbol.into(),
            timeframe: tf.into(),
            rows,
            first: String::new(),
            last: String::new(),
            fingerprint: String::new(),
            calendar: "weekdays".into(),
            source_path: String::new(),
            source_format: "csv".into(),
            parent: None,
            notes: Vec::new(),
            created_at: String::new(),
            path: String::new(),
        }
    }

    fn data() -> Vec<DatasetMeta> {
        vec![
            ds("ds_goog_1h", "GOOG", "1h", 5000),
            ds("ds_goog_1d", "GOOG", "1d", 2148),
            ds("ds_fb", "FB", "1d", 196),
        ]
    }

    #[test]
    fn testable_when_data_and_a_strategy_fit() {
        let a = assess(&signal(json!({})), &data(), &Rules::defaults(), NOW);
        assert_eq!((a.decision, a.rule), (Decision::Test, Rule::Testable), "{a:?}");
        assert_eq!(a.datasets[0].dataset_id, "ds_goog_1d", "the preferred timeframe wins");
        let names: Vec<&str> = a.strategies.iter().map(|s| s.strategy.as_str()).collect();
        assert_eq!(names, ["sma_cross", "ema_cross", "macd_cross"]);
        assert_eq!(a.objective, "sharpe");
        assert!(!a.allow_short);
        assert_eq!(a.expires_at.as_deref(), Some("2026-01-30T00:00:00Z"));
    }

    #[test]
    fn an_expired_horizon_is_ignored() {
        let a = assess(&signal(json!({"horizon": "1d"})), &data(), &Rules::defaults(), NOW);
        assert_eq!((a.decision, a.rule), (Decision::Ignore, Rule::Expired));
        assert!(a.reason.contains("2025-12-31T00:00:00Z"), "{}", a.reason);
        let mut r = Rules::defaults();
        r.triage.ignore_expired = false;
        assert_eq!(assess(&signal(json!({"horizon": "1d"})), &data(), &r, NOW).decision, Decision::Test);
    }

    #[test]
    fn a_hypothesis_no_strategy_fits_is_nothing_testable() {
        let a = assess(&signal(json!({"hypothesis_type": "event"})), &data(), &Rules::defaults(), NOW);
        assert_eq!((a.decision, a.rule), (Decision::Ignore, Rule::NothingTestable));
        assert!(a.reason.contains("[hypothesis.event]"), "{}", a.reason);
        // The rules are data: list a strategy for events and the same signal is testable.
        let mut r = Rules::defaults();
        r.hypothesis.get_mut("event").unwrap().strategies = vec!["donchian_breakout".into()];
        let a = assess(&signal(json!({"hypothesis_type": "event"})), &data(), &r, NOW);
        assert_eq!(a.decision, Decision::Test);
        assert_eq!(HypothesisType::Event.name(), "event");
    }

    #[test]
    fn missing_or_short_data_is_needs_data_naming_the_symbols() {
        let a = assess(
            &signal(json!({"affected_universe": ["GOOG", "AAPL", "FB"]})),
            &data(),
            &Rules::defaults(),
            NOW,
        );
        assert_eq!((a.decision, a.rule), (Decision::NeedsData, Rule::MissingData));
        assert_eq!(a.missing, ["AAPL", "FB"]);
        assert!(a.reason.contains("AAPL, FB"), "{}", a.reason);
        assert!(a.notes.iter().any(|n| n.contains("ds_fb has 196 bars")), "{:?}", a.notes);
        let mut r = Rules::defaults();
        r.triage.test_partial_universe = true;
        let a = assess(&signal(json!({"affected_universe": ["GOOG", "AAPL"]})), &data(), &r, NOW);
        assert_eq!(a.decision, Decision::Test);
        assert_eq!(a.missing, ["AAPL"]);
        // Nothing at all is still needs_data, partial or not.
        let a = assess(&signal(json!({"affected_universe": ["AAPL"]})), &data(), &r, NOW);
        assert_eq!(a.decision, Decision::NeedsData);
    }

    #[test]
    fn universe_entries_match_ids_symbol_timeframes_and_spellings() {
        let r = Rules::defaults();
        let one = |u: &str| {
            assess(&signal(json!({"affected_universe": [u]})), &data(), &r, NOW).datasets[0]
                .dataset_id
                .clone()
        };
        assert_eq!(one("ds_goog_1h"), "ds_goog_1h");
        assert_eq!(one("GOOG:1h"), "ds_goog_1h");
        assert_eq!(one("goog"), "ds_goog_1d");
        let btc = vec![ds("ds_btc", "BTCUSD", "1h", 20_000)];
        let a = assess(&signal(json!({"affected_universe": ["BTC/USD"]})), &btc, &r, NOW);
        assert_eq!(a.datasets[0].dataset_id, "ds_btc");
    }

    #[test]
    fn suggestions_that_fit_replace_the_rules_axes_they_name() {
        let s = signal(json!({"suggested_strategies": [
            {"strategy": "sma_cross", "param_ranges": {"fast": "5:15:5"}},
            {"strategy": "rsi_reversion", "param_ranges": {"period": [7, 14]}}
        ]}));
        let a = assess(&s, &data(), &Rules::defaults(), NOW);
        assert_eq!(a.strategies.len(), 1, "rsi_reversion does not fit trend: {:?}", a.strategies);
        let p = &a.strategies[0];
        assert_eq!((p.strategy.as_str(), p.from.as_str()), ("sma_cross", "suggested"));
        assert_eq!(p.grid, ["fast=5:15:5", "slow=50,100,200"]);
        assert_eq!(p.combinations, 9);
        assert!(a.notes.iter().any(|n| n.contains("rsi_reversion not used")), "{:?}", a.notes);
        let mut r = Rules::defaults();
        r.triage.suggested = Suggested::Any;
        assert_eq!(assess(&s, &data(), &r, NOW).strategies.len(), 2);
        r.research.max_combinations = 5;
        let a = assess(
            &signal(
                json!({"suggested_strategies": [{"strategy": "sma_cross", "param_ranges": {"fast": "1:9:1"}}]}),
            ),
            &data(),
            &r,
            NOW,
        );
        assert_eq!(a.strategies[0].from, "rules", "an oversized suggestion falls back: {:?}", a.notes);
    }

    #[test]
    fn bias_sets_shorting_and_the_goal_sets_the_objective() {
        let r = Rules::defaults();
        assert!(assess(&signal(json!({"bias": "short"})), &data(), &r, NOW).allow_short);
        let a = assess(&signal(json!({"validation_goal": "max_drawdown < 20%"})), &data(), &r, NOW);
        assert_eq!(a.objective, "max_drawdown");
        let a = assess(&signal(json!({"validation_goal": "trade_count > 10"})), &data(), &r, NOW);
        assert_eq!(a.objective, "sharpe", "a count is no objective");
        let a =
            assess(&signal(json!({"validation_goal": "trade_count > 10 and cagr > 5%"})), &data(), &r, NOW);
        assert_eq!(a.objective, "cagr");
    }

    #[test]
    fn duplicates_are_ignored_with_their_origin() {
        let a = duplicate("2026-01-01T00:00:00Z", false);
        assert_eq!((a.decision, a.rule), (Decision::Ignore, Rule::Duplicate));
        assert!(a.reason.contains("different content"));
    }
}
