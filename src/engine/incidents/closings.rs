//! The record of closings of incidents of no corridor (a session's, a dataset's): the file
//! `incidents/closings.jsonl`, append-only and fsynced like the alert log. A corridor's
//! incidents are closed in its journal instead, where they were opened.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::engine::alerts::{append_line, read_lines};
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::error::Result;
use crate::engine::execution::incident_ledger::Closing;
use crate::engine::workspace::Workspace;

pub const CLOSING_SCHEMA: &str = "quantlab.incident_closing";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub schema: String,
    pub schema_version: u32,
    pub incident_id: String,
    /// The alert that opened the incident: what the closing is matched by when incidents are
    /// derived again.
    pub trigger_alert: String,
    pub closed_at: String,
    pub closed_ms: i64,
    pub operator: String,
    pub note: String,
}

fn path(ws: &Workspace) -> PathBuf {
    ws.root().join("incidents").join("closings.jsonl")
}

/// Every closing on record, by the id of the alert that opened its incident (the first of two
/// for the same alert stands).
pub fn read(ws: &Workspace) -> Result<BTreeMap<String, Closing>> {
    let mut out = BTreeMap::new();
    for r in read_lines::<Record>(&path(ws))? {
        out.entry(r.trigger_alert).or_insert(Closing {
            journal_seq: None,
            time_ms: r.closed_ms,
            incident_id: r.incident_id,
            note: r.note,
            operator: r.operator,
        });
    }
    Ok(out)
}

pub fn append(ws: &Workspace, incident_id: &str, trigger_alert: &str, operator: &str, note: &str) -> Result<()> {
    let now = crate::engine::time::now_ms();
    let r = Record {
        schema: CLOSING_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        incident_id: incident_id.into(),
        trigger_alert: trigger_alert.into(),
        closed_at: crate::engine::time::fmt_ms(now),
        closed_ms: now,
        operator: operator.into(),
        note: note.into(),
    };
    let _lock = ws.lock()?;
    append_line(&path(ws), &r)
}
