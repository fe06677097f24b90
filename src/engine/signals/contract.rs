//! The signal contract (docs/signals.md, docs/contracts/research_signal.schema.json): what an upstream
//! research desk sends, validated field by field so a refusal names the field it is about.
//! Validation reads the raw JSON rather than deriving it, because serde's errors name a
//! line and column, not the field a sender has to fix.

use std::collections::BTreeMap;

use chrono::{DateTime, Months, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::goal;
use crate::engine::contract::SIGNAL_SCHEMA;
use crate::engine::strategy;

/// The fields a signal may carry, in contract order.
pub const FIELDS: [&str; 15] = [
    "schema",
    "schema_version",
    "signal_id",
    "source",
    "created_at",
    "signal_summary",
    "priority",
    "affected_universe",
    "bias",
    "horizon",
    "hypothesis_type",
    "validation_goal",
    "invalidation_condition",
    "suggested_strategies",
    "metadata",
];

/// A sender's clock may run a little ahead; a day ahead is a wrong clock or a made-up date.
const MAX_FUTURE_MS: i64 = 86_400_000;

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $word)] $variant),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.name() == s)
            }
            fn names() -> String {
                $name::ALL.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

word_enum!(
    /// How soon a person should look at it; the console lists high first.
    Priority { Low => "low", Normal => "normal", High => "high" }
);
word_enum!(
    /// The direction the hypothesis expects.
    Bias { Long => "long", Short => "short", Neutral => "neutral" }
);
word_enum!(
    /// The kind of effect claimed; the triage rules map each to the strategies that can test it.
    HypothesisType {
        Trend => "trend",
        MeanReversion => "mean_reversion",
        Breakout => "breakout",
        Volatility => "volatility",
        Event => "event",
        Other => "other",
    }
);

/// A strategy the sender suggests, with parameter ranges in the sweep's grid syntax
/// (`"5:50:5"`, `"10,20,50"`); a JSON number or array of numbers is normalized to that.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub strategy: String,
    #[serde(default)]
    pub param_ranges: BTreeMap<String, String>,
}

impl Suggestion {
    /// `name=range` axes for a sweep.
    pub fn grid(&self) -> Vec<String> {
        self.param_ranges.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }
}

/// A validated signal, as stored (ranges normalized, text trimmed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub signal_id: String,
    pub source: String,
    pub created_at: String,
    pub signal_summary: String,
    pub priority: Priority,
    pub affected_universe: Vec<String>,
    pub bias: Bias,
    pub horizon: String,
    pub hypothesis_type: HypothesisType,
    pub validation_goal: String,
    pub invalidation_condition: String,
    #[serde(default)]
    pub suggested_strategies: Vec<Suggestion>,
    /// The sender's own fields, kept and never read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
}

/// A refusal: the field (a JSON path such as `affected_universe[2]`) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub problem: String,
}

fn err(field: impl Into<String>, problem: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), problem: problem.into() }
}

/// A horizon: a count and a unit, `h` hours, `d` days, `w` weeks, `m` months, `y` years.
/// Unlike a bar timeframe, `m` is months here: research horizons run days to months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    pub count: u32,
    pub unit: char,
}

impl Horizon {
    pub fn parse(s: &str) -> Result<Horizon, super::error::SignalError> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let count: u32 = num.parse().unwrap_or(0);
        let unit_ok = matches!(unit, "h" | "d" | "w" | "m" | "y");
        if count == 0 || count > 10_000 || !unit_ok {
            return Err(super::error::SignalError::Horizon(s.to_string()));
        }
        Ok(Horizon { count, unit: unit.chars().next().expect("one unit character") })
    }

    /// The instant `start_ms` plus this horizon (calendar months and years), or None past
    /// the representable range.
    pub fn end_of(&self, start_ms: i64) -> Option<i64> {
        let start: DateTime<Utc> = Utc.timestamp_millis_opt(start_ms).single()?;
        let n = self.count as i64;
        let end = match self.unit {
            'h' => start.checked_add_signed(chrono::Duration::hours(n))?,
            'd' => start.checked_add_signed(chrono::Duration::days(n))?,
            'w' => start.checked_add_signed(chrono::Duration::weeks(n))?,
            'm' => start.checked_add_months(Months::new(self.count))?,
            _ => start.checked_add_months(Months::new(self.count.checked_mul(12)?))?,
        };
        Some(end.timestamp_millis())
    }
}

/// RFC 3339 with an offset, as every QuantLab contract spells time.
pub fn parse_time(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s.trim()).ok().map(|t| t.timestamp_millis())
}

/// Letters, digits, `.`, `_`, `-`, starting with a letter or digit: the id names a folder.
pub fn valid_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || b"._-".contains(c))
}

fn text(obj: &Map<String, Value>, field: &str, max: usize) -> Result<String, FieldError> {
    match obj.get(field) {
        None | Some(Value::Null) => Err(err(field, "missing (required)")),
        Some(Value::String(s)) if s.trim().is_empty() => Err(err(field, "must not be empty")),
        Some(Value::String(s)) if s.chars().count() > max => {
            Err(err(field, format!("is {} characters long; at most {max}", s.chars().count())))
        }
        Some(Value::String(s)) => Ok(s.trim().to_string()),
        Some(_) => Err(err(field, "must be a string")),
    }
}

fn word<T>(
    obj: &Map<String, Value>,
    field: &str,
    parse: fn(&str) -> Option<T>,
    valid: String,
) -> Result<T, FieldError> {
    let s = text(obj, field, 64)?;
    parse(&s).ok_or_else(|| err(field, format!("unknown value '{s}'; valid: {valid}")))
}

/// Validate one signal document; `now_ms` bounds `created_at`.
pub fn validate(doc: &Value, now_ms: i64) -> Result<Signal, FieldError> {
    let Some(obj) = doc.as_object() else {
        return Err(err("document", "a signal must be a JSON object"));
    };
    if let Some(k) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(err(k.clone(), format!("unknown field; fields: {}", FIELDS[2..].join(", "))));
    }
    match obj.get("schema") {
        None => {}
        Some(Value::String(s)) if s == SIGNAL_SCHEMA => {}
        Some(_) => return Err(err("schema", format!("must be \"{SIGNAL_SCHEMA}\" when given"))),
    }
    match obj.get("schema_version") {
        None => {}
        Some(v) if v.as_u64() == Some(1) => {}
        Some(_) => return Err(err("schema_version", "must be 1 when given")),
    }
    let signal_id = text(obj, "signal_id", 128)?;
    if !valid_id(&signal_id) {
        return Err(err(
            "signal_id",
            format!("'{signal_id}': use letters, digits, '.', '_' or '-', starting with a letter or digit"),
        ));
    }
    let source = text(obj, "source", 200)?;
    let created_at = text(obj, "created_at", 64)?;
    let created_ms = parse_time(&created_at).ok_or_else(|| {
        err("created_at", format!("'{created_at}' is not RFC 3339 (e.g. 2026-01-05T14:30:00Z)"))
    })?;
    if created_ms > now_ms + MAX_FUTURE_MS {
        return Err(err("created_at", format!("'{created_at}' is more than a day in the future")));
    }
    let signal_summary = text(obj, "signal_summary", 4000)?;
    let priority = word(obj, "priority", Priority::parse, Priority::names())?;
    let affected_universe = universe(obj)?;
    let bias = word(obj, "bias", Bias::parse, Bias::names())?;
    let horizon = text(obj, "horizon", 16)?;
    Horizon::parse(&horizon).map_err(|p| err("horizon", p.to_string()))?;
    let hypothesis_type = word(obj, "hypothesis_type", HypothesisType::parse, HypothesisType::names())?;
    let validation_goal = text(obj, "validation_goal", 1000)?;
    goal::parse(&validation_goal).map_err(|p| err("validation_goal", p.to_string()))?;
    let invalidation_condition = text(obj, "invalidation_condition", 1000)?;
    goal::parse(&invalidation_condition).map_err(|p| err("invalidation_condition", p.to_string()))?;
    let suggested_strategies = suggestions(obj)?;
    let metadata = match obj.get("metadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(m.clone()),
        Some(_) => return Err(err("metadata", "must be an object")),
    };
    Ok(Signal {
        signal_id,
        source,
        created_at,
        signal_summary,
        priority,
        affected_universe,
        bias,
        horizon,
        hypothesis_type,
        validation_goal,
        invalidation_condition,
        suggested_strategies,
        metadata,
    })
}

fn universe(obj: &Map<String, Value>) -> Result<Vec<String>, FieldError> {
    let f = "affected_universe";
    let items = match obj.get(f) {
        None | Some(Value::Null) => return Err(err(f, "missing (required)")),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(err(f, "must be an array of symbols or dataset ids")),
    };
    if items.is_empty() {
        return Err(err(f, "is empty: name at least one symbol or dataset id"));
    }
    if items.len() > 100 {
        return Err(err(f, format!("names {} entries; at most 100", items.len())));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, v) in items.iter().enumerate() {
        let at = format!("{f}[{i}]");
        let s = v.as_str().map(str::trim).ok_or_else(|| err(&at, "must be a string"))?;
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.chars().all(|c| c.is_ascii_alphanumeric() || "._-/:".contains(c));
        if !ok {
            return Err(err(&at, format!("'{s}': use 1-64 letters, digits, '.', '_', '-', '/' or ':'")));
        }
        if out.iter().any(|o| o.eq_ignore_ascii_case(s)) {
            return Err(err(&at, format!("'{s}' is named twice")));
        }
        out.push(s.to_string());
    }
    Ok(out)
}

fn suggestions(obj: &Map<String, Value>) -> Result<Vec<Suggestion>, FieldError> {
    let f = "suggested_strategies";
    let items = match obj.get(f) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(err(f, "must be an array of {strategy, param_ranges}")),
    };
    let mut out: Vec<Suggestion> = Vec::new();
    for (i, v) in items.iter().enumerate() {
        let at = format!("{f}[{i}]");
        let o = v.as_object().ok_or_else(|| err(&at, "must be an object {strategy, param_ranges}"))?;
        if let Some(k) = o.keys().find(|k| !matches!(k.as_str(), "strategy" | "param_ranges")) {
            return Err(err(format!("{at}.{k}"), "unknown field; fields: strategy, param_ranges"));
        }
        let name = match o.get("strategy") {
            Some(Value::String(s)) => s.trim().to_string(),
            None => return Err(err(format!("{at}.strategy"), "missing (required)")),
            Some(_) => return Err(err(format!("{at}.strategy"), "must be a string")),
        };
        let info = strategy::registry_info(&name).map_err(|e| {
            err(format!("{at}.strategy"), e.message.trim_start_matches("--strategy: ").to_string())
        })?;
        if info.params.is_empty() {
            return Err(err(format!("{at}.strategy"), format!("{name} has no parameters to sweep")));
        }
        if out.iter().any(|s| s.strategy == name) {
            return Err(err(format!("{at}.strategy"), format!("{name} is suggested twice")));
        }
        let mut param_ranges = BTreeMap::new();
        match o.get("param_ranges") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (k, r) in m {
                    let field = format!("{at}.param_ranges.{k}");
                    let range = range_text(r).ok_or_else(|| {
                        err(
                            &field,
                            "must be a range \"a:b:step\", a list \"a,b,c\", a number or an array of numbers",
                        )
                    })?;
                    crate::engine::research::sweep::grid::parse_axis(
                        &format!("{k}={range}"),
                        &info.params,
                        &name,
                    )
                    .map_err(|e| err(&field, e.message.trim_start_matches("--grid: ").to_string()))?;
                    param_ranges.insert(k.clone(), range);
                }
            }
            Some(_) => {
                return Err(err(format!("{at}.param_ranges"), "must be an object of parameter -> range"))
            }
        }
        out.push(Suggestion { strategy: name, param_ranges });
    }
    Ok(out)
}

/// A range in grid syntax from a string, a number or an array of numbers.
fn range_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) if !a.is_empty() => a
            .iter()
            .map(|x| x.as_f64().map(|f| f.to_string()))
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join(",")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    fn good() -> Value {
        json!({
            "signal_id": "qp-2026-001",
            "source": "quant-pulse",
            "created_at": "2025-12-31T12:00:00Z",
            "signal_summary": "GOOG trends after breaking its 50-day high",
            "priority": "high",
            "affected_universe": ["GOOG", "MSFT"],
            "bias": "long",
            "horizon": "3m",
            "hypothesis_type": "trend",
            "validation_goal": "sharpe > 0.5",
            "invalidation_condition": "max_drawdown > 40%",
            "suggested_strategies": [{"strategy": "sma_cross", "param_ranges": {"fast": [10, 20], "slow": "50:100:50"}}]
        })
    }

    fn refused(edit: impl FnOnce(&mut Map<String, Value>)) -> FieldError {
        let mut v = good();
        edit(v.as_object_mut().unwrap());
        validate(&v, NOW).unwrap_err()
    }

    #[test]
    fn a_good_signal_validates_and_normalizes_ranges() {
        let s = validate(&good(), NOW).unwrap();
        assert_eq!(s.priority, Priority::High);
        assert_eq!(s.hypothesis_type, HypothesisType::Trend);
        assert_eq!(s.suggested_strategies[0].grid(), vec!["fast=10,20", "slow=50:100:50"]);
    }

    #[test]
    fn each_bad_field_is_named() {
        let e = refused(|o| {
            o.insert("hypothesis_type".into(), json!("momentum"));
        });
        assert_eq!(e.field, "hypothesis_type");
        assert!(e.problem.contains("mean_reversion"), "{e:?}");
        let e = refused(|o| {
            o.insert("affected_universe".into(), json!([]));
        });
        assert_eq!(e.field, "affected_universe");
        assert_eq!(
            refused(|o| {
                o.insert("affected_universe".into(), json!(["GOOG", 3]));
            })
            .field,
            "affected_universe[1]"
        );
        let e = refused(|o| {
            o.insert("horizon".into(), json!("5x"));
        });
        assert_eq!(e.field, "horizon");
        let e = refused(|o| {
            o.insert("validation_goal".into(), json!("sharp > 1"));
        });
        assert!(e.field == "validation_goal" && e.problem.contains("unknown metric"), "{e:?}");
        assert_eq!(
            refused(|o| {
                o.remove("priority");
            })
            .field,
            "priority"
        );
        assert_eq!(
            refused(|o| {
                o.insert("colour".into(), json!("red"));
            })
            .field,
            "colour"
        );
        assert_eq!(
            refused(|o| {
                o.insert("created_at".into(), json!("yesterday"));
            })
            .field,
            "created_at"
        );
        assert_eq!(
            refused(|o| {
                o.insert("created_at".into(), json!("2026-01-03T00:00:00Z"));
            })
            .field,
            "created_at"
        );
        assert_eq!(
            refused(|o| {
                o.insert("signal_id".into(), json!("../x"));
            })
            .field,
            "signal_id"
        );
        let e = refused(|o| {
            o.insert(
                "suggested_strategies".into(),
                json!([{"strategy": "sma_cross", "param_ranges": {"fats": "1:3:1"}}]),
            );
        });
        assert_eq!(e.field, "suggested_strategies[0].param_ranges.fats");
        let e = refused(|o| {
            o.insert("suggested_strategies".into(), json!([{"strategy": "moon"}]));
        });
        assert_eq!(e.field, "suggested_strategies[0].strategy");
        assert_eq!(validate(&json!([1]), NOW).unwrap_err().field, "document");
    }

    #[test]
    fn horizons_add_calendar_time() {
        let t = parse_time("2026-01-31T00:00:00Z").unwrap();
        let day = 86_400_000;
        assert_eq!(Horizon::parse("5d").unwrap().end_of(t), Some(t + 5 * day));
        assert_eq!(Horizon::parse("12h").unwrap().end_of(t), Some(t + day / 2));
        assert_eq!(Horizon::parse("2w").unwrap().end_of(t), Some(t + 14 * day));
        // A month after January 31st is the last day of February.
        assert_eq!(Horizon::parse("1m").unwrap().end_of(t), parse_time("2026-02-28T00:00:00Z"));
        assert_eq!(Horizon::parse("1y").unwrap().end_of(t), parse_time("2027-01-31T00:00:00Z"));
        for bad in ["", "0d", "5", "d", "5 days", "1.5d", "3M"] {
            assert!(
                matches!(Horizon::parse(bad), Err(super::super::error::SignalError::Horizon(_))),
                "{bad}"
            );
        }
    }
}
