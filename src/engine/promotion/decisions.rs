//! The board's decisions: `promotion/decisions.jsonl`, append-only, one JSON line each
//! (`quantlab.promotion_decision`). A promotion is signed with the operator's key and trusted
//! on read only when its signature verifies and the workspace trusts the key: a line written or
//! edited by hand promotes nothing. A demotion is the system's own record (unsigned; it only
//! ever lowers a stage), one per cause. For a live stage the corridor's journal also gets a
//! `promotion_decided` entry with the sha256 of the line, so the record is tied to its chain.

use serde::{Deserialize, Serialize};

use super::model::{GateLine, Stage};
use crate::engine::contract::{make_id, CONTRACT_VERSION};
use crate::engine::error::{Error, Result};
use crate::engine::execution::approval_sign::{self, OperatorKey};
use crate::engine::execution::journal::Journal;
use crate::engine::execution::model::Event;
use crate::engine::execution::{operators, paths, CorridorId};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::Workspace;

pub const DECISION_SCHEMA: &str = "quantlab.promotion_decision";
/// The first line of the bytes a decision's signature covers (see [`signed_bytes`]).
pub const DECISION_TAG: &str = "quantlab.promotion_decision.v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Promoted,
    Demoted,
}

/// What demoted a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    /// The kill switch (`killed` in the corridor's journal).
    Kill,
    /// The breaker halted the corridor.
    Breaker,
    /// A reconciliation the journal could not explain.
    Mismatch,
    /// The journal failed its audit.
    Audit,
    /// A LIVE_DRIFT alert of the candidate's session.
    Drift,
}

impl CauseKind {
    pub fn name(self) -> &'static str {
        match self {
            CauseKind::Kill => "kill switch",
            CauseKind::Breaker => "breaker trip",
            CauseKind::Mismatch => "reconciliation mismatch",
            CauseKind::Audit => "failed journal audit",
            CauseKind::Drift => "drift beyond the policy's limits",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    pub kind: CauseKind,
    pub corridor: CorridorId,
    /// The journal entry, for a halt.
    pub journal_seq: Option<u64>,
    /// The alert, for drift.
    pub alert_id: Option<String>,
    /// When it happened, ms.
    pub time_ms: i64,
    /// What it said (the kill's reason, the drift's limit).
    pub message: String,
}

impl Cause {
    /// Two causes are one when they are the same entry or alert of the same corridor.
    pub fn same(&self, other: &Cause) -> bool {
        self.kind == other.kind
            && self.corridor == other.corridor
            && self.journal_seq == other.journal_seq
            && self.alert_id == other.alert_id
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub schema: String,
    pub schema_version: u32,
    pub id: String,
    pub candidate: String,
    pub from: Stage,
    pub to: Stage,
    /// The corridor, for a live stage (and for a demotion, where it happened); null for paper.
    pub corridor: Option<CorridorId>,
    pub kind: Kind,
    /// The gate's lines as evaluated at the key (a promotion), or none (a demotion).
    pub gates: Vec<GateLine>,
    pub gates_fingerprint: Option<String>,
    pub policy_fingerprint: Option<String>,
    /// `console typed confirmation (NAME)`, or `system` for a demotion.
    pub by: String,
    /// Why, in words: a demotion says what happened.
    pub reason: Option<String>,
    pub cause: Option<Cause>,
    pub time: String,
    pub time_ms: i64,
    /// Who signed it, with which public key (hex), and the ed25519 signature (hex) over
    /// [`signed_bytes`]. Null on a demotion.
    pub operator: Option<String>,
    pub public_key: Option<String>,
    pub signature: Option<String>,
}

/// What a decision's signature covers: [`DECISION_TAG`], a line break, then the decision as
/// compact JSON (fields in their documented order) without its `signature`.
pub fn signed_bytes(d: &Decision) -> Vec<u8> {
    let body = Decision { signature: None, ..d.clone() };
    let mut out = format!("{DECISION_TAG}\n").into_bytes();
    out.extend(serde_json::to_vec(&body).unwrap_or_default());
    out
}

pub fn sign(d: &mut Decision, key: &OperatorKey) {
    d.operator = Some(key.operator().to_string());
    d.public_key = Some(key.public_key());
    d.signature = None;
    d.signature = Some(key.sign_bytes(&signed_bytes(d)));
}

/// Whether a record may be folded into a candidate's stage; `Err` says why not.
pub fn verify(ws: &Workspace, d: &Decision) -> std::result::Result<(), String> {
    match d.kind {
        // A demotion lowers a stage by one and names its cause; it needs no key.
        Kind::Demoted if d.cause.is_some() && d.from.prev() == Some(d.to) => Ok(()),
        Kind::Demoted => Err(format!("{}: a demotion must go one stage down and name its cause", d.id)),
        Kind::Promoted => {
            if d.from.next() != Some(d.to) {
                return Err(format!("{}: a promotion goes one stage up", d.id));
            }
            let (Some(op), Some(key), Some(sig)) = (&d.operator, &d.public_key, &d.signature) else {
                return Err(format!("{}: not signed", d.id));
            };
            approval_sign::verify_bytes(key, sig, &signed_bytes(d)).map_err(|p| format!("{}: signature: {p}", d.id))?;
            let trusted = operators::load(ws).map_err(|e| format!("trusted keys unreadable: {}", e.message))?;
            if !trusted.trusts(op, key) {
                return Err(format!("{}: {op}'s key is not trusted by {}", d.id, operators::FILE));
            }
            Ok(())
        }
    }
}

pub fn path(ws: &Workspace) -> std::path::PathBuf {
    ws.root().join("promotion").join("decisions.jsonl")
}

/// One line of the file as read: the decision, and whether it is trusted (why not, if not).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadDecision {
    /// 1-based line of the file.
    pub line: usize,
    pub decision: Option<Decision>,
    pub untrusted: Option<String>,
}

/// Every line of the decisions file, in order, each verified.
pub fn read(ws: &Workspace) -> Result<Vec<ReadDecision>> {
    let p = path(ws);
    let text = match std::fs::read_to_string(&p) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("read the promotion decisions", &p, e)),
    };
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        out.push(match serde_json::from_str::<Decision>(l) {
            Ok(d) => {
                let untrusted = verify(ws, &d).err();
                ReadDecision { line: i + 1, decision: Some(d), untrusted }
            }
            Err(e) => ReadDecision { line: i + 1, decision: None, untrusted: Some(format!("not a decision: {e}")) },
        });
    }
    Ok(out)
}

/// The trusted decisions, in order.
pub fn trusted(all: &[ReadDecision]) -> impl Iterator<Item = &Decision> {
    all.iter().filter(|r| r.untrusted.is_none()).filter_map(|r| r.decision.as_ref())
}

/// Does decision `d` bear on `candidate` at `corridor` (`None`: the candidate everywhere)?
fn applies(d: &Decision, candidate: &str, corridor: Option<&CorridorId>) -> bool {
    d.candidate == candidate && (d.corridor.is_none() || d.corridor.as_ref() == corridor)
}

/// The candidate's stage at `corridor` (`None`: everywhere, which is research or paper), folded
/// from the trusted decisions: each moves the stage only from where it stood.
pub fn stage_of(all: &[ReadDecision], candidate: &str, corridor: Option<&CorridorId>) -> Stage {
    last_applied(all, candidate, corridor).map_or(Stage::Research, |d| d.to)
}

/// The decision that set the candidate's stage at `corridor`, if any.
pub fn last_applied<'a>(all: &'a [ReadDecision], candidate: &str, corridor: Option<&CorridorId>) -> Option<&'a Decision> {
    let mut stage = Stage::Research;
    let mut last = None;
    for d in trusted(all).filter(|d| applies(d, candidate, corridor)) {
        // A record made from another stage than the one folded so far moves nothing.
        if d.from == stage {
            stage = d.to;
            last = Some(d);
        }
    }
    last
}

/// A new decision, unsigned, stamped now.
#[allow(clippy::too_many_arguments)]
pub fn new(
    candidate: &str,
    from: Stage,
    to: Stage,
    corridor: Option<&CorridorId>,
    kind: Kind,
    gates: Vec<GateLine>,
    gates_fingerprint: Option<String>,
    policy_fingerprint: Option<String>,
    by: String,
) -> Decision {
    let now = now_ms();
    let scope = corridor.map(|c| c.to_string()).unwrap_or_default();
    Decision {
        schema: DECISION_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        id: make_id("dec", now, format!("{candidate}{scope}{}{}{now}", from.name(), to.name()).as_bytes()),
        candidate: candidate.into(),
        from,
        to,
        corridor: corridor.cloned(),
        kind,
        gates,
        gates_fingerprint,
        policy_fingerprint,
        by,
        reason: None,
        cause: None,
        time: fmt_ms(now),
        time_ms: now,
        operator: None,
        public_key: None,
        signature: None,
    }
}

/// Append `d` (fsynced, under the workspace lock) and, for a decision about a corridor (every
/// live stage's), journal it there. The journal is opened (and locked) first, so a busy or
/// unwritable journal refuses before anything is written. `journal_required` false: a journal
/// that cannot be written is passed over (a demotion must hold even on a corridor whose journal
/// failed its audit).
pub fn record(ws: &Workspace, d: &Decision, journal_required: bool) -> Result<()> {
    let mut journal = match d.corridor.as_ref() {
        Some(c) => match Journal::open(&paths::journal(ws, c)) {
            Ok(j) => Some(j),
            Err(e) if journal_required => return Err(e),
            Err(_) => None,
        },
        None => None,
    };
    let line = serde_json::to_string(d)?;
    {
        let _lock = ws.lock()?;
        crate::engine::alerts::append_line(&path(ws), d)?;
    }
    if let Some(j) = journal.as_mut() {
        let event = Event::PromotionDecided {
            decision_id: d.id.clone(),
            candidate: d.candidate.clone(),
            from: d.from.name().into(),
            to: d.to.name().into(),
            record_sha256: crate::engine::research::artifacts::sha256_hex(line.as_bytes()),
        };
        match j.append(event, false) {
            Ok(_) => {}
            Err(e) if journal_required => return Err(e),
            Err(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::Venue;

    fn key(ws: &Workspace) -> OperatorKey {
        static STORE: std::sync::OnceLock<crate::engine::secrets::MemoryStore> = std::sync::OnceLock::new();
        OperatorKey::load_or_create_as(STORE.get_or_init(Default::default), ws, "alice").unwrap()
    }

    #[test]
    fn a_signed_promotion_is_trusted_and_an_edited_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let mut d = new("cand_x", Stage::Research, Stage::Paper, None, Kind::Promoted, Vec::new(), None, None, "t".into());
        sign(&mut d, &key(&ws));
        record(&ws, &d, true).unwrap();
        let all = read(&ws).unwrap();
        assert_eq!(all[0].untrusted, None);
        assert_eq!(stage_of(&all, "cand_x", None), Stage::Paper);
        let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
        assert_eq!(stage_of(&all, "cand_x", Some(&kraken)), Stage::Paper, "paper holds on every corridor");
        // The same line with its stage raised by hand: not trusted, so it moves nothing.
        let text = std::fs::read_to_string(path(&ws)).unwrap();
        let forged = text.replace("\"to\":\"paper\"", "\"to\":\"micro_live\"").replace("\"from\":\"research\"", "\"from\":\"paper\"");
        std::fs::write(path(&ws), format!("{text}{forged}")).unwrap();
        let all = read(&ws).unwrap();
        assert!(all[1].untrusted.as_deref().is_some_and(|w| w.contains("signature")), "{:?}", all[1]);
        assert_eq!(stage_of(&all, "cand_x", None), Stage::Paper);
        // An unsigned promotion is not trusted either.
        let u = new("cand_y", Stage::Research, Stage::Paper, None, Kind::Promoted, Vec::new(), None, None, "t".into());
        assert!(verify(&ws, &u).is_err());
    }
}
