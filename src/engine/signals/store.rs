//! `<workspace>/signals/<signal_id>/`: signal.json (written last: a folder with one is a
//! complete signal), triage.json, verdict.json and verdicts/<verdict_id>.json; intake reports
//! in `signals/_intake/` (an underscore no signal id can start with).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::contract::Signal;
use super::error::SignalError;
use super::rules::RulesRef;
use super::triage::{Assessment, Decision};
use super::verdict::{Verdict, VerdictKind};
use crate::engine::contract::{CONTRACT_VERSION, SIGNAL_SCHEMA, SIGNAL_TRIAGE_SCHEMA};
use crate::engine::error::Result;
use crate::engine::workspace::{read_json, write_json, Workspace};

pub const INTAKE_DIR: &str = "_intake";

/// A signal as taken in: the sender's document (validated) plus when and how it arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSignal {
    pub schema: String,
    pub schema_version: u32,
    #[serde(flatten)]
    pub signal: Signal,
    pub received_at: String,
    pub intake_id: String,
    /// sha256 of the validated signal: tells a repeated id with other content from a resend.
    pub content_sha256: String,
}

impl StoredSignal {
    pub fn new(signal: Signal, received_at: String, intake_id: String) -> StoredSignal {
        let content_sha256 = content_hash(&signal);
        StoredSignal {
            schema: SIGNAL_SCHEMA.into(),
            schema_version: CONTRACT_VERSION,
            signal,
            received_at,
            intake_id,
            content_sha256,
        }
    }
}

pub fn content_hash(s: &Signal) -> String {
    crate::engine::research::artifacts::sha256_hex(&serde_json::to_vec(s).unwrap_or_default())
}

/// `triage.json`: the latest decision and what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Triage {
    pub schema: String,
    pub schema_version: u32,
    pub signal_id: String,
    pub triaged_at: String,
    #[serde(flatten)]
    pub assessment: Assessment,
    pub rules: RulesRef,
}

impl Triage {
    pub fn new(signal_id: &str, at: String, assessment: Assessment, rules: RulesRef) -> Triage {
        Triage {
            schema: SIGNAL_TRIAGE_SCHEMA.into(),
            schema_version: CONTRACT_VERSION,
            signal_id: signal_id.to_string(),
            triaged_at: at,
            assessment,
            rules,
        }
    }
}

/// Everything stored for one signal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub signal: StoredSignal,
    pub triage: Triage,
    pub verdict: Option<Verdict>,
}

/// One line of `signals list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalRow {
    pub signal_id: String,
    pub source: String,
    pub priority: super::contract::Priority,
    pub hypothesis_type: super::contract::HypothesisType,
    pub bias: super::contract::Bias,
    pub horizon: String,
    pub affected_universe: Vec<String>,
    pub created_at: String,
    pub received_at: String,
    pub expires_at: Option<String>,
    pub decision: Decision,
    pub reason: String,
    pub missing: Vec<String>,
    pub verdict: Option<VerdictKind>,
    pub verdict_id: Option<String>,
    pub verdict_at: Option<String>,
}

impl Record {
    pub fn row(&self) -> SignalRow {
        let s = &self.signal.signal;
        let a = &self.triage.assessment;
        SignalRow {
            signal_id: s.signal_id.clone(),
            source: s.source.clone(),
            priority: s.priority,
            hypothesis_type: s.hypothesis_type,
            bias: s.bias,
            horizon: s.horizon.clone(),
            affected_universe: s.affected_universe.clone(),
            created_at: s.created_at.clone(),
            received_at: self.signal.received_at.clone(),
            expires_at: a.expires_at.clone(),
            decision: a.decision,
            reason: a.reason.clone(),
            missing: a.missing.clone(),
            verdict: self.verdict.as_ref().map(|v| v.verdict),
            verdict_id: self.verdict.as_ref().map(|v| v.verdict_id.clone()),
            verdict_at: self.verdict.as_ref().map(|v| v.created_at.clone()),
        }
    }
}

pub fn signals_dir(ws: &Workspace) -> PathBuf {
    ws.root().join("signals")
}

pub fn signal_dir(ws: &Workspace, id: &str) -> PathBuf {
    signals_dir(ws).join(id)
}

/// Workspace-relative path of a signal's file.
pub fn rel(id: &str, file: &str) -> String {
    format!("signals/{id}/{file}")
}

pub fn exists(ws: &Workspace, id: &str) -> Option<StoredSignal> {
    read_json(&signal_dir(ws, id).join("signal.json")).ok()
}

/// A new signal: triage first, signal.json last; a failure removes the folder, so a signal
/// is stored whole or not at all.
pub fn write_new(ws: &Workspace, s: &StoredSignal, t: &Triage) -> Result<()> {
    let dir = signal_dir(ws, &s.signal.signal_id);
    let written =
        write_json(&dir.join("triage.json"), t).and_then(|_| write_json(&dir.join("signal.json"), s));
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    written
}

pub fn write_triage(ws: &Workspace, t: &Triage) -> Result<()> {
    write_json(&signal_dir(ws, &t.signal_id).join("triage.json"), t)
}

/// The verdict's own file first, then verdict.json (the latest) as its copy.
pub fn write_verdict(ws: &Workspace, v: &Verdict) -> Result<()> {
    let dir = signal_dir(ws, &v.signal_id);
    write_json(&dir.join("verdicts").join(format!("{}.json", v.verdict_id)), v)?;
    write_json(&dir.join("verdict.json"), v)
}

fn read(ws: &Workspace, id: &str) -> Result<Record> {
    let dir = signal_dir(ws, id);
    let signal: StoredSignal = read_json(&dir.join("signal.json"))?;
    let triage: Triage = read_json(&dir.join("triage.json"))?;
    let verdict = match read_json::<Verdict>(&dir.join("verdict.json")) {
        Ok(v) => Some(v),
        Err(e) if e.kind == crate::engine::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    Ok(Record { signal, triage, verdict })
}

fn ids(ws: &Workspace) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(signals_dir(ws)) else { return Vec::new() };
    let mut out: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().join("signal.json").exists())
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| !n.starts_with('_'))
        .collect();
    out.sort();
    out
}

/// Every complete signal: high priority first, then the newest.
pub fn list(ws: &Workspace) -> Result<Vec<Record>> {
    let mut out = ids(ws).iter().map(|id| read(ws, id)).collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| {
        b.signal
            .signal
            .priority
            .cmp(&a.signal.signal.priority)
            .then(b.signal.received_at.cmp(&a.signal.received_at))
    });
    Ok(out)
}

/// A signal by id, or a unique prefix of one.
pub fn load(ws: &Workspace, id: &str) -> Result<Record> {
    let all = ids(ws);
    if all.iter().any(|i| i == id) {
        return read(ws, id);
    }
    let hits: Vec<&String> = all.iter().filter(|i| i.starts_with(id)).collect();
    match hits.as_slice() {
        [one] => read(ws, one),
        // No path in the message: it reaches scripts and recorded responses.
        [] => Err(SignalError::NoSignal(id.into()).into()),
        many => Err(SignalError::Ambiguous { id: id.into(), count: many.len() }.into()),
    }
}
