//! Micro-live's evidence, on one corridor (stage D.3): the corridor's micro-live limits, the
//! allowlist, clean reconciliations, a restart that lost no context, the canonical alerts for
//! submit, reject, fill and failure, credentials from the keyring, and no open incident. A
//! rehearsal of the candidate on the fake venue counts for the restart and the alerts: it needs
//! only the paper stage, so a real corridor's first promotion has evidence to stand on.

use std::collections::BTreeMap;

use super::super::candidate::Candidate;
use super::super::gates::Credentials;
use super::super::model::{GateLine, Stage};
use super::Reads;
use crate::engine::execution::incident_ledger;
use crate::engine::execution::journal;
use crate::engine::execution::model::Event;
use crate::engine::execution::paths;
use crate::engine::execution::policy::Stage as PolicyStage;
use crate::engine::execution::CorridorId;
use crate::engine::live::session::{self as live_session, LiveSession};
use crate::engine::secrets::CredentialKey;

const GATE: Stage = Stage::MicroLive;

/// The restart evidence of one session: `Ok(detail)` when it restarted, reconciled, and never
/// made two intents for one bar; else why not.
fn restarted_cleanly(r: &Reads, s: &LiveSession) -> Result<String, String> {
    let restarts = std::fs::read_to_string(live_session::dir(r.ws, &s.id).join("restarts.jsonl")).unwrap_or_default();
    let n = restarts.lines().filter(|l| !l.trim().is_empty()).count();
    if n == 0 {
        return Err(format!("{}: never restarted", s.id));
    }
    let entries = journal::read(&paths::journal(r.ws, &s.config.corridor)).map_err(|e| e.message)?;
    let prefix = format!("live:{}@", s.id);
    let mut per_bar: BTreeMap<String, usize> = BTreeMap::new();
    for e in &entries {
        if let Event::IntentCreated { intent } = &e.event {
            let bar = intent.note.as_deref().and_then(|n| n.strip_prefix(&prefix)).and_then(|n| n.split_once(": "));
            if let (Some((bar, _)), None) = (bar, &intent.parent) {
                *per_bar.entry(bar.to_string()).or_default() += 1;
            }
        }
    }
    match per_bar.iter().find(|(_, n)| **n > 1) {
        Some((bar, k)) => Err(format!("{}: {k} intents for bar {bar}", s.id)),
        None => Ok(format!("{}: {n} restart(s), no bar acted on twice", s.id)),
    }
}

pub fn lines(r: &Reads, c: &Candidate, id: &CorridorId) -> Vec<GateLine> {
    let g = &r.gates.micro_live;
    let mut out = Vec::new();
    let policy = r.policy.as_ref();
    let cp = policy.and_then(|p| p.corridor(id));
    let policy_ref = policy.map(|p| vec![format!("policy:{}", &p.fingerprint[..12.min(p.fingerprint.len())])]);
    out.push(match cp {
        None => GateLine::new(GATE, "corridor_policy", false, format!("no policy for {id}"), Vec::new()),
        Some(p) => {
            let micro = p.stage == PolicyStage::Micro && p.micro_live.is_some();
            let detail = match (p.stage, &p.micro_live) {
                (PolicyStage::Micro, Some(m)) => format!(
                    "{id} at micro-live: order {} position {} gross {} daily loss {}",
                    m.max_order_notional, m.max_position_notional, m.max_gross_exposure, m.daily_loss_limit
                ),
                (PolicyStage::Micro, None) => format!("{id} has no [corridor.micro_live] limits"),
                (PolicyStage::Full, _) => format!("{id} is at stage full: micro-live runs under stage micro"),
            };
            GateLine::new(GATE, "corridor_policy", micro, detail, policy_ref.unwrap_or_default())
        }
    });
    let venue_ok = g.venues.contains(&id.venue);
    let strategy_ok = g.strategies.contains(&c.strategy);
    out.push(GateLine::new(
        GATE,
        "allowlist",
        venue_ok && strategy_ok,
        format!(
            "venue {} {}; strategy {} {}",
            id.venue,
            if venue_ok { "allowed" } else { "not in micro_live.venues" },
            c.strategy,
            if strategy_ok { "allowed" } else { "not in micro_live.strategies" }
        ),
        Vec::new(),
    ));

    // The corridor's most recent reconciliations, newest first.
    let entries = journal::read(&paths::journal(r.ws, id));
    let recs: Vec<(String, bool)> = match &entries {
        Ok(es) => es
            .iter()
            .rev()
            .filter_map(|e| match &e.event {
                Event::Reconciled { summary, .. } => Some((summary.id.clone(), summary.clean)),
                _ => None,
            })
            .take(g.clean_reconciliations)
            .collect(),
        Err(_) => Vec::new(),
    };
    let clean = recs.iter().filter(|(_, c)| *c).count();
    out.push(GateLine::new(
        GATE,
        "clean_reconciliations",
        recs.len() >= g.clean_reconciliations && clean == recs.len(),
        match &entries {
            Err(e) => format!("journal unreadable: {}", e.message),
            Ok(_) => format!("last {} of {} needed: {clean} clean", recs.len(), g.clean_reconciliations),
        },
        recs.into_iter().map(|(id, _)| id).collect(),
    ));

    let sessions: Vec<&LiveSession> = r.live_of(c).collect();
    if g.require_restart_evidence {
        let results: Vec<(String, Result<String, String>)> =
            sessions.iter().map(|s| (s.id.clone(), restarted_cleanly(r, s))).collect();
        let good: Vec<&(String, Result<String, String>)> = results.iter().filter(|(_, r)| r.is_ok()).collect();
        let detail = match (good.first(), results.is_empty()) {
            (Some((_, Ok(d))), _) => d.clone(),
            (_, true) => "no live session of the candidate yet (a rehearsal on the fake venue counts)".into(),
            _ => results.iter().filter_map(|(_, r)| r.as_ref().err().cloned()).collect::<Vec<_>>().join("; "),
        };
        out.push(GateLine::new(
            GATE,
            "restart_evidence",
            !good.is_empty(),
            detail,
            good.iter().map(|(id, _)| id.clone()).collect(),
        ));
    } else {
        out.push(GateLine::new(GATE, "restart_evidence", true, "not required (micro_live.require_restart_evidence = false)", Vec::new()));
    }

    // Canonical alerts raised for this corridor, the candidate's rehearsal corridors, or its sessions.
    let mut sources = vec![id.alert_source()];
    for s in &sessions {
        sources.push(s.config.corridor.alert_source());
        sources.push(s.source());
    }
    let mut seen = Vec::new();
    let mut missing = Vec::new();
    for code in &g.alert_codes {
        match r.alerts.iter().find(|a| a.alert.code == *code && sources.contains(&a.alert.source)) {
            Some(a) => seen.push(a.alert.id.clone()),
            None => missing.push(code.clone()),
        }
    }
    out.push(GateLine::new(
        GATE,
        "alert_codes",
        missing.is_empty(),
        if missing.is_empty() {
            format!("{} raised: {}", g.alert_codes.len(), g.alert_codes.join(", "))
        } else {
            format!("never raised for {id} or the candidate's sessions: {}", missing.join(", "))
        },
        seen,
    ));

    out.push(match g.credentials {
        Credentials::Any => GateLine::new(GATE, "credentials", true, "any source (micro_live.credentials = \"any\")", Vec::new()),
        // Read from the store itself, not by connecting: a board read must raise no alert.
        Credentials::Keyring => {
            let key = CredentialKey::new(id.venue, &id.account);
            match r.store.get(&key) {
                Ok(Some(_)) => GateLine::new(GATE, "credentials", true, format!("{} holds {}", r.store.name(), key.name()), Vec::new()),
                Ok(None) => GateLine::new(
                    GATE,
                    "credentials",
                    false,
                    format!("no {} in {}: micro-live takes the keyring's, never the environment's", key.name(), r.store.name()),
                    Vec::new(),
                ),
                Err(e) => GateLine::new(GATE, "credentials", false, format!("unknown: {}", e.message), Vec::new()),
            }
        }
    });
    out.push(open_incidents(r, GATE, id));
    out
}

/// No incident open on the corridor: the operator reviews and closes it first.
pub fn open_incidents(r: &Reads, gate: Stage, id: &CorridorId) -> GateLine {
    match incident_ledger::open_on(r.ws, id) {
        Ok(open) if open.is_empty() => GateLine::new(gate, "no_open_incidents", true, format!("no open incident on {id}"), Vec::new()),
        Ok(open) => GateLine::new(
            gate,
            "no_open_incidents",
            false,
            format!(
                "{} open on {id}: {}; review and close with `quantlab incidents close ID --note TEXT`",
                open.len(),
                incident_ledger::describe_open(&open).join("; ")
            ),
            r.open_incidents.iter().filter(|(_, cs)| cs.contains(id)).map(|(i, _)| i.clone()).collect(),
        ),
        Err(e) => GateLine::new(gate, "no_open_incidents", false, format!("open incidents unknown: {}", e.message), Vec::new()),
    }
}
