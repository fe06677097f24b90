//! `signals intake`: one JSON document, an array of them, or JSON lines. Each signal is
//! validated on its own: the good ones of a batch are taken in even when others are refused,
//! and the intake report says which line failed on which field.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::contract::validate;
use super::error::SignalError;
use super::rules::{self, RulesRef};
use super::store::{self, content_hash, StoredSignal, Triage, INTAKE_DIR};
use super::triage::{self, Decision};
use crate::engine::contract::{make_id, CONTRACT_VERSION, SIGNAL_INTAKE_SCHEMA};
use crate::engine::data::catalog;
use crate::engine::error::{Error, Result};
use crate::engine::time::fmt_ms;
use crate::engine::workspace::{write_json, Workspace};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Document,
    Array,
    JsonLines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Accepted,
    Duplicate,
    Failed,
}

/// What happened to one signal of the input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// 1-based line of a JSON-lines input (null for a document or an array).
    pub line: Option<usize>,
    /// 0-based position in the input.
    pub index: usize,
    pub signal_id: Option<String>,
    pub status: Outcome,
    pub decision: Option<Decision>,
    pub reason: Option<String>,
    /// The field a refusal is about (`document` when the JSON itself is broken).
    pub field: Option<String>,
    pub message: Option<String>,
    /// signal.json of an accepted signal (or of the first one, for a duplicate).
    pub path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub line: Option<usize>,
    pub index: usize,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeMachineContract {
    pub contract_version: u32,
    pub intake_id: String,
    /// success (all taken in), partial (some refused), failed (none taken in; no report file).
    pub status: String,
    pub accepted: Vec<String>,
    pub duplicates: Vec<String>,
    pub failed: Vec<Failure>,
    pub report_json: Option<String>,
}

/// `signals/_intake/<intake_id>.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeReport {
    pub schema: String,
    pub schema_version: u32,
    pub intake_id: String,
    pub created_at: String,
    /// The file as given, or `-` for stdin.
    pub source: String,
    pub format: Format,
    pub total: usize,
    pub accepted: usize,
    pub duplicates: usize,
    pub failed: usize,
    pub signals: Vec<Entry>,
    /// The rules that triaged (null when nothing was triaged).
    pub rules: Option<RulesRef>,
    pub machine_contract: IntakeMachineContract,
}

/// One document of the input: its line (JSON lines), and the JSON or why it is not.
type Doc = (Option<usize>, std::result::Result<Value, serde_json::Error>);

/// Split the input into documents.
fn documents(source: &str, text: &str) -> Result<(Format, Vec<Doc>)> {
    let bad = |e: SignalError| Error::from(e).with_field("document");
    if text.trim().is_empty() {
        return Err(bad(SignalError::EmptyInput { input: source.into() }));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => Ok((Format::Array, items.into_iter().map(|v| (None, Ok(v))).collect())),
        Ok(v) => Ok((Format::Document, vec![(None, Ok(v))])),
        Err(whole) => {
            let lines: Vec<(usize, &str)> = text
                .lines()
                .enumerate()
                .map(|(i, l)| (i + 1, l.trim()))
                .filter(|(_, l)| !l.is_empty())
                .collect();
            // A pretty-printed document that is broken is one bad document, not many bad lines.
            let lines_mode = lines.len() > 1
                && lines
                    .iter()
                    .any(|(_, l)| matches!(serde_json::from_str::<Value>(l), Ok(Value::Object(_))));
            if !lines_mode {
                return Err(bad(SignalError::NotJson { input: source.into(), json: whole }));
            }
            let docs = lines.into_iter().map(|(n, l)| (Some(n), serde_json::from_str::<Value>(l))).collect();
            Ok((Format::JsonLines, docs))
        }
    }
}

fn place(source: &str, line: Option<usize>, index: usize, format: Format) -> String {
    match (format, line) {
        (_, Some(n)) => format!("{source} line {n}"),
        (Format::Array, None) => format!("{source} item {index}"),
        _ => source.to_string(),
    }
}

/// Take in every valid signal of `text` (named `source` in messages). Err only when nothing
/// could be taken in; then nothing is written, and the error names the first failure.
pub fn intake(ws: &Workspace, source: &str, text: &str, now_ms: i64) -> Result<IntakeReport> {
    let intake_id = make_id("intake", now_ms, format!("{source}{now_ms}{}", text.len()).as_bytes());
    let (format, docs) = match documents(source, text) {
        Ok(x) => x,
        Err(e) => {
            // Unreadable as a whole: one failure, in the same machine contract as any other.
            let failed = vec![Failure {
                line: None,
                index: 0,
                field: e.field.clone().unwrap_or_else(|| "document".into()),
                message: e.message.clone(),
            }];
            let mc = IntakeMachineContract {
                contract_version: CONTRACT_VERSION,
                intake_id,
                status: "failed".into(),
                accepted: Vec::new(),
                duplicates: Vec::new(),
                failed,
                report_json: None,
            };
            return Err(e.with_machine_contract(&mc));
        }
    };
    let received_at = fmt_ms(now_ms);
    let mut entries = Vec::new();
    let mut rules: Option<rules::Loaded> = None;
    let mut datasets = None;
    // Held while checking for and writing ids, so two intakes never both take one id.
    let _lock = ws.lock()?;
    for (index, (line, parsed)) in docs.into_iter().enumerate() {
        let at = place(source, line, index, format);
        let base = Entry {
            line,
            index,
            signal_id: None,
            status: Outcome::Failed,
            decision: None,
            reason: None,
            field: None,
            message: None,
            path: None,
        };
        let value = match parsed {
            Ok(v) => v,
            Err(m) => {
                entries.push(Entry {
                    field: Some("document".into()),
                    message: Some(format!("{at}: not valid JSON: {m}")),
                    ..base
                });
                continue;
            }
        };
        let sig = match validate(&value, now_ms) {
            Ok(s) => s,
            Err(e) => {
                let id = value.get("signal_id").and_then(Value::as_str).map(String::from);
                let message = format!("{at}: field '{}': {}", e.field, e.problem);
                entries.push(Entry { signal_id: id, field: Some(e.field), message: Some(message), ..base });
                continue;
            }
        };
        let id = sig.signal_id.clone();
        let path = Some(store::rel(&id, "signal.json"));
        if let Some(existing) = store::exists(ws, &id) {
            let a = triage::duplicate(&existing.received_at, existing.content_sha256 == content_hash(&sig));
            entries.push(Entry {
                signal_id: Some(id),
                status: Outcome::Duplicate,
                decision: Some(a.decision),
                reason: Some(a.reason),
                path,
                ..base
            });
            continue;
        }
        let loaded = match &rules {
            Some(r) => r,
            None => rules.insert(rules::load_or_init(ws)?),
        };
        let data = match &datasets {
            Some(d) => d,
            None => datasets.insert(catalog::list(ws)?),
        };
        let a = triage::assess(&sig, data, &loaded.rules, now_ms);
        let (decision, reason) = (a.decision, a.reason.clone());
        let stored = StoredSignal::new(sig, received_at.clone(), intake_id.clone());
        store::write_new(ws, &stored, &Triage::new(&id, received_at.clone(), a, loaded.source.clone()))?;
        entries.push(Entry {
            signal_id: Some(id),
            status: Outcome::Accepted,
            decision: Some(decision),
            reason: Some(reason),
            path,
            ..base
        });
    }
    let count = |o: Outcome| entries.iter().filter(|e| e.status == o).count();
    let (accepted, duplicates, failed) =
        (count(Outcome::Accepted), count(Outcome::Duplicate), count(Outcome::Failed));
    let ids =
        |o: Outcome| entries.iter().filter(|e| e.status == o).filter_map(|e| e.signal_id.clone()).collect();
    let failures: Vec<Failure> = entries
        .iter()
        .filter(|e| e.status == Outcome::Failed)
        .map(|e| Failure {
            line: e.line,
            index: e.index,
            field: e.field.clone().unwrap_or_default(),
            message: e.message.clone().unwrap_or_default(),
        })
        .collect();
    let none_in = accepted + duplicates == 0;
    let report_json = format!("signals/{INTAKE_DIR}/{intake_id}.json");
    let report = IntakeReport {
        schema: SIGNAL_INTAKE_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        intake_id: intake_id.clone(),
        created_at: received_at,
        source: source.to_string(),
        format,
        total: entries.len(),
        accepted,
        duplicates,
        failed,
        rules: rules.map(|r| r.source),
        machine_contract: IntakeMachineContract {
            contract_version: CONTRACT_VERSION,
            intake_id,
            status: match (failed, none_in) {
                (0, _) => "success",
                (_, false) => "partial",
                (_, true) => "failed",
            }
            .into(),
            accepted: ids(Outcome::Accepted),
            duplicates: ids(Outcome::Duplicate),
            failed: failures.clone(),
            report_json: (!none_in).then(|| report_json.clone()),
        },
        signals: entries,
    };
    if none_in {
        // An empty array or file holds no signal to take in: refused like a bad one.
        let Some(first) = failures.first() else {
            return Err(Error::from(SignalError::NoDocuments { input: source.into() })
                .with_field("document")
                .with_machine_contract(&report.machine_contract));
        };
        let more = failures.len() - 1;
        return Err(Error::from(SignalError::NoneTakenIn { first: first.message.clone(), more })
            .with_field(first.field.clone())
            .with_machine_contract(&report.machine_contract));
    }
    write_json(&ws.root().join(&report_json), &report)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, extra: &str) -> String {
        format!(
            r#"{{"signal_id":"{id}","source":"desk","created_at":"2026-01-01T00:00:00Z","signal_summary":"s","priority":"low","affected_universe":["GOOG"],"bias":"long","horizon":"1y","hypothesis_type":"trend","validation_goal":"sharpe > 1","invalidation_condition":"none"{extra}}}"#
        )
    }

    const NOW: i64 = 1_767_225_600_000;

    #[test]
    fn a_batch_keeps_the_good_lines_and_names_the_bad_ones() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let text = [
            line("a", ""),
            "{not json".into(),
            line("b", r#","horizon":"5x""#),
            String::new(),
            line("a", ""),
        ]
        .join("\n");
        let r = intake(&ws, "batch.jsonl", &text, NOW).unwrap();
        assert_eq!((r.format, r.total, r.accepted, r.duplicates, r.failed), (Format::JsonLines, 4, 1, 1, 2));
        assert_eq!(r.signals[1].field.as_deref(), Some("document"));
        assert!(r.signals[1].message.as_deref().unwrap().starts_with("batch.jsonl line 2: not valid JSON"));
        // The horizon line: id known, field named, last line a duplicate of the first.
        assert_eq!((r.signals[2].line, r.signals[2].field.as_deref()), (Some(3), Some("horizon")));
        assert!(r.signals[2].message.as_deref().unwrap().contains("batch.jsonl line 3: field 'horizon'"));
        assert_eq!(r.signals[3].status, Outcome::Duplicate);
        assert_eq!(r.signals[3].line, Some(5));
        assert_eq!(r.machine_contract.status, "partial");
        assert!(dir.path().join("signals/a/signal.json").exists());
        assert!(!dir.path().join("signals/b").exists(), "a refused signal leaves nothing");
        assert!(dir.path().join(r.machine_contract.report_json.unwrap()).exists());
    }

    #[test]
    fn nothing_taken_in_is_an_error_that_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let e = intake(&ws, "one.json", &line("x", r#","hypothesis_type":"astrology""#), NOW).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("hypothesis_type"));
        assert!(
            matches!(e.domain(), Some(SignalError::NoneTakenIn { first, more: 0 }) if first.starts_with("one.json: field 'hypothesis_type'")),
            "{e:?}"
        );
        assert!(e.machine_contract.is_some());
        assert!(!dir.path().join("signals").exists());
        let e = intake(&ws, "x.json", "{\n  \"signal_id\": \n", NOW).unwrap_err();
        assert!(matches!(e.domain(), Some(SignalError::NotJson { input, .. }) if input == "x.json"), "{e:?}");
        assert_eq!(e.field.as_deref(), Some("document"));
        let e = intake(&ws, "-", "  \n", NOW).unwrap_err();
        assert!(matches!(e.domain(), Some(SignalError::EmptyInput { input }) if input == "-"), "{e:?}");
    }

    #[test]
    fn an_array_is_a_batch_too() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let text = format!("[{}, {}]", line("p", ""), line("q", r#","affected_universe":[]"#));
        let r = intake(&ws, "a.json", &text, NOW).unwrap();
        assert_eq!((r.format, r.accepted, r.failed), (Format::Array, 1, 1));
        assert!(r.signals[1]
            .message
            .as_deref()
            .unwrap()
            .starts_with("a.json item 1: field 'affected_universe'"));
        assert_eq!(r.signals[0].decision, Some(Decision::NeedsData), "an empty workspace has no GOOG");
    }
}
