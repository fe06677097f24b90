//! The promotion gates: `<workspace>/promotion_gates.toml`, data the operator edits, not code.
//! Written with the defaults below the first time the board needs them (from the seed's
//! promotion signals); read again on every board, show and advance, so an edit applies to the
//! next one. Each decision records the fingerprint of the file it was made under.

use serde::{Deserialize, Serialize};

use super::error::PromotionError;
use crate::engine::error::{Error, Result};
use crate::engine::execution::Venue;
use crate::engine::paper::Status;
use crate::engine::workspace::{write_atomic, Workspace};

/// Relative to the workspace root.
pub const GATES_FILE: &str = "promotion_gates.toml";

/// The gates a workspace starts with (docs/promotion.md explains each key).
pub const DEFAULT_GATES: &str = r#"# QuantLab promotion gates: what a candidate (a strategy with its parameters on one market and
# timeframe) must show before it moves up a stage (docs/promotion.md). Written with these
# defaults on first use; edit freely: every board, show and advance reads it again, and each
# decision records the fingerprint of the file it was made under.
schema_version = 1

# research -> paper: the research artifacts of the candidate's strategy, market and timeframe.
[research]
# A sweep must have ranked these exact parameters (sweeps/<id>/sweep.json, rank 1 = best).
require_sweep = true
# ...at this rank or better.
max_sweep_rank = 5
# A walk-forward of the strategy on the market and timeframe must exist (walkforward/<id>/).
require_walkforward = true
# Its mean out-of-sample objective must be at least this...
min_oos_objective = 0.0
# ...and its efficiency (mean out-of-sample / mean in-sample objective) at least this.
min_efficiency = 0.5

# paper -> micro_live: the candidate's paper sessions (paper_sessions/<id>/).
[paper]
# Sessions of this candidate that ended in one of ok_statuses.
min_sessions = 1
# Bars run across those sessions...
min_bars = 500
# ...spanning at least this many days of bars (first to last bar, across the sessions).
min_days = 0
# A session counts when it ended in one of these statuses.
ok_statuses = ["completed", "stopped"]
# Each counted session, replayed through the backtest on its pinned dataset, must end with the
# session's own equity and position.
require_replay_parity = true
# Alerts of the counted sessions (source paper:<id>) still unacknowledged, at most.
max_unacknowledged_alerts = 0

# paper -> micro_live, on one corridor: the corridor and the candidate's rehearsals.
[micro_live]
# The corridor's venue must be one of these...
venues = ["kraken", "hyperliquid"]
# ...and the candidate's strategy one of these.
strategies = ["sma_cross", "ema_cross", "macd_cross"]
# The corridor's most recent reconciliations, this many in a row, must have been clean.
clean_reconciliations = 3
# A live session of the candidate (a rehearsal on the fake venue counts) must have restarted
# after its process ended, reconciled, with no intent made twice for one bar.
require_restart_evidence = true
# Each of these alert codes must have been raised for the corridor or the candidate's live
# sessions (a rehearsal on the fake venue counts): submit, reject, fill and failure.
alert_codes = ["ORDER_SUBMITTED", "ORDER_REJECTED", "ORDER_FILLED", "VENUE_ERROR"]
# "keyring": the corridor's credential must come from the OS keyring, never the environment.
# "any": the environment will do (the loopback simulator's tests).
credentials = "keyring"

# micro_live -> supervised_live, on one corridor: what the candidate did at micro-live there.
[supervised_live]
# Live sessions of the candidate on the corridor...
min_micro_sessions = 1
# ...with at least this many bars between them.
min_micro_bars = 200
# LIVE_DRIFT alerts of those sessions, at most.
max_drift_alerts = 0
# A passed promotion report (`quantlab promote check`) for the corridor under its current policy.
require_promotion_report = true

# supervised_live -> automation: a grant (docs/automation.md) automates, not a promotion: this
# gate always fails.
[automation]
enabled = false
"#;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gates {
    pub schema_version: u32,
    pub research: ResearchGates,
    pub paper: PaperGates,
    pub micro_live: MicroLiveGates,
    pub supervised_live: SupervisedGates,
    pub automation: AutomationGates,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResearchGates {
    pub require_sweep: bool,
    pub max_sweep_rank: usize,
    pub require_walkforward: bool,
    pub min_oos_objective: f64,
    pub min_efficiency: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperGates {
    pub min_sessions: usize,
    pub min_bars: usize,
    pub min_days: u32,
    pub ok_statuses: Vec<Status>,
    pub require_replay_parity: bool,
    pub max_unacknowledged_alerts: usize,
}

/// Where a corridor's credential may come from for micro-live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Credentials {
    Keyring,
    Any,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MicroLiveGates {
    pub venues: Vec<Venue>,
    pub strategies: Vec<String>,
    pub clean_reconciliations: usize,
    pub require_restart_evidence: bool,
    pub alert_codes: Vec<String>,
    pub credentials: Credentials,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisedGates {
    pub min_micro_sessions: usize,
    pub min_micro_bars: usize,
    pub max_drift_alerts: usize,
    pub require_promotion_report: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutomationGates {
    pub enabled: bool,
}

/// The gates as read, with the sha256 of the file's bytes.
#[derive(Debug, Clone)]
pub struct LoadedGates {
    pub gates: Gates,
    pub fingerprint: String,
    /// The file was written with the defaults by this call.
    pub created: bool,
}

impl Gates {
    pub fn defaults() -> Gates {
        parse(DEFAULT_GATES, std::path::Path::new(GATES_FILE)).expect("the default gates parse (tested)")
    }
}

fn bad(file: &std::path::Path, field: &str, problem: impl std::fmt::Display) -> Error {
    let file = file.display().to_string();
    Error::from(PromotionError::Gates { file, field: field.into(), problem: problem.to_string() }).with_field(field)
}

/// Parse and check gates text; errors name the file, and the line and key (TOML) or the key.
pub fn parse(text: &str, file: &std::path::Path) -> Result<Gates> {
    let g: Gates = toml::from_str(text).map_err(|e| crate::engine::config::toml_error(file, text, e))?;
    if g.schema_version != 1 {
        return Err(bad(file, "schema_version", format!("{} is not a version this QuantLab reads (1)", g.schema_version)));
    }
    let r = &g.research;
    if r.require_sweep && r.max_sweep_rank == 0 {
        return Err(bad(file, "research.max_sweep_rank", "must be at least 1 (rank 1 is the best)"));
    }
    for (field, v) in [("research.min_oos_objective", r.min_oos_objective), ("research.min_efficiency", r.min_efficiency)]
    {
        if !v.is_finite() {
            return Err(bad(file, field, format!("{v} is not a finite number")));
        }
    }
    for s in &g.paper.ok_statuses {
        if !s.is_terminal() {
            return Err(bad(
                file,
                "paper.ok_statuses",
                format!("'{}' is not a status a session ends in (completed, stopped, failed)", s.name()),
            ));
        }
    }
    if g.paper.ok_statuses.is_empty() {
        return Err(bad(file, "paper.ok_statuses", "must name at least one status (e.g. completed)"));
    }
    for s in &g.micro_live.strategies {
        if crate::engine::strategy::registry_info(s).is_err() {
            return Err(bad(file, "micro_live.strategies", format!("'{s}' is not a strategy (`quantlab strategies`)")));
        }
    }
    if g.micro_live.venues.contains(&Venue::Fake) {
        return Err(bad(file, "micro_live.venues", "the fake venue moves no money: it needs no micro-live stage"));
    }
    for c in &g.micro_live.alert_codes {
        if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_') {
            return Err(bad(file, "micro_live.alert_codes", format!("'{c}' is not an alert code (e.g. ORDER_FILLED)")));
        }
    }
    if g.automation.enabled {
        return Err(bad(file, "automation.enabled", "a grant, not a promotion, automates (docs/automation.md): leave it false"));
    }
    Ok(g)
}

/// The workspace's gates, writing the defaults first if the file does not exist.
pub fn load_or_init(ws: &Workspace) -> Result<LoadedGates> {
    let path = ws.root().join(GATES_FILE);
    let (text, created) = match std::fs::read_to_string(&path) {
        Ok(t) => (t, false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            write_atomic(&path, DEFAULT_GATES.as_bytes())?;
            (DEFAULT_GATES.to_string(), true)
        }
        Err(e) => return Err(Error::io("cannot read", &path, e)),
    };
    let gates = parse(&text, &path)?;
    let fingerprint = crate::engine::research::artifacts::sha256_hex(text.as_bytes());
    Ok(LoadedGates { gates, fingerprint, created })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::TomlError;

    fn edit(from: &str, to: &str) -> Error {
        assert!(DEFAULT_GATES.contains(from), "{from}");
        parse(&DEFAULT_GATES.replace(from, to), std::path::Path::new("gates.toml")).unwrap_err()
    }

    #[test]
    fn the_defaults_parse_as_documented() {
        let g = Gates::defaults();
        assert_eq!(g.research.max_sweep_rank, 5);
        assert!(g.research.require_walkforward);
        assert_eq!((g.paper.min_sessions, g.paper.min_bars), (1, 500));
        assert_eq!(g.paper.ok_statuses, [Status::Completed, Status::Stopped]);
        assert_eq!(g.micro_live.venues, [Venue::Kraken, Venue::Hyperliquid]);
        assert_eq!(g.micro_live.credentials, Credentials::Keyring);
        assert_eq!(g.micro_live.alert_codes.len(), 4);
        assert_eq!((g.supervised_live.min_micro_bars, g.supervised_live.max_drift_alerts), (200, 0));
        assert!(!g.automation.enabled);
    }

    #[test]
    fn bad_gates_name_the_file_line_and_key() {
        // An unknown key: toml's error, in our words, with the file, the line and the key.
        let e = edit("min_bars = 500", "min_barz = 500");
        let Some(t) = e.domain::<TomlError>() else { panic!("{e}") };
        assert_eq!(t.path, std::path::Path::new("gates.toml"));
        assert_eq!(t.key.as_deref(), Some("paper.min_barz"), "{e}");
        assert!(t.line.is_some(), "{e}");
        // A value of the wrong type.
        let e = edit("clean_reconciliations = 3", "clean_reconciliations = \"3\"");
        assert_eq!(e.domain::<TomlError>().and_then(|t| t.key.as_deref()), Some("micro_live.clean_reconciliations"));
        // An unknown venue or credential source.
        let e = edit("venues = [\"kraken\", \"hyperliquid\"]", "venues = [\"kraken\", \"binance\"]");
        assert_eq!(e.domain::<TomlError>().and_then(|t| t.key.as_deref()), Some("micro_live.venues"), "{e}");
        // Values that parse but cannot be used name the key.
        let field = |e: Error| match e.domain::<PromotionError>() {
            Some(PromotionError::Gates { field, file, .. }) if file == "gates.toml" => field.clone(),
            _ => panic!("{e}"),
        };
        assert_eq!(field(edit("max_sweep_rank = 5", "max_sweep_rank = 0")), "research.max_sweep_rank");
        assert_eq!(field(edit("\"completed\", \"stopped\"", "\"completed\", \"running\"")), "paper.ok_statuses");
        assert_eq!(field(edit("\"macd_cross\"]", "\"macd_crossing\"]")), "micro_live.strategies");
        assert_eq!(field(edit("enabled = false", "enabled = true")), "automation.enabled");
        assert_eq!(field(edit("\"VENUE_ERROR\"", "\"venue error\"")), "micro_live.alert_codes");
        assert_eq!(edit("enabled = false", "enabled = true").kind, crate::engine::ErrorKind::BadInput);
    }

    #[test]
    fn first_use_writes_the_defaults_once_and_an_edit_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let a = load_or_init(&ws).unwrap();
        assert!(a.created);
        assert_eq!(std::fs::read_to_string(dir.path().join(GATES_FILE)).unwrap(), DEFAULT_GATES);
        std::fs::write(dir.path().join(GATES_FILE), DEFAULT_GATES.replace("min_bars = 500", "min_bars = 50")).unwrap();
        let b = load_or_init(&ws).unwrap();
        assert!(!b.created);
        assert_eq!(b.gates.paper.min_bars, 50);
        assert_ne!(a.fingerprint, b.fingerprint);
    }
}
