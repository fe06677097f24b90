//! What the grant form starts with for one corridor, read in a job through the engine: the
//! candidate to prefill (the one promoted on the corridor, or the one its live session trades),
//! the corridor's allowlist, and what its policy allows, shown beside the form so the operator
//! sees the ceiling of each limit they type. The limits themselves are not prefilled: a grant's
//! limits are the operator's choice, never a default they confirm without reading.

use rust_decimal::Decimal;

use crate::engine::execution::CorridorId;
use crate::engine::promotion::{Board, Row, Stage};
use crate::engine::Engine;

/// What the corridor's policy allows a grant, as the form's hint line shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ceiling {
    pub max_order_notional: Decimal,
    pub daily_loss_limit: Decimal,
    /// `None`: the policy has no `[corridor.automation]`, so no grant can be made here.
    pub max_grant_hours: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GrantSeed {
    pub corridor: CorridorId,
    /// The candidate prefilled, if one could be chosen.
    pub candidate: Option<String>,
    /// How the candidate was chosen, or why none was (shown under the form).
    pub candidate_note: String,
    /// The corridor's allowlist (empty when its policy could not be read).
    pub symbols: Vec<String>,
    /// The policy's ceiling, or why it is unknown.
    pub ceiling: Result<Ceiling, String>,
}

/// Read the seed for `corridor`. Never fails: what cannot be read is said in the seed, and the
/// form still opens (the engine checks everything again before the dialog and at the key).
pub fn load(engine: &Engine, corridor: &CorridorId) -> GrantSeed {
    let (candidate, candidate_note) = match engine.promotion().board(None) {
        Ok(board) => {
            let sessions = live_sessions(engine, corridor);
            choose(&board, corridor, &sessions)
        }
        Err(e) => (None, format!("candidate unknown: the promotion board could not be read: {}", e.message)),
    };
    let (symbols, ceiling) = match engine.execution().policy_if_written() {
        Ok(Some(p)) => match p.corridor(corridor) {
            Some(c) => {
                let l = c.limits();
                let ceiling = Ceiling {
                    max_order_notional: l.max_order_notional,
                    daily_loss_limit: l.daily_loss_limit,
                    max_grant_hours: c.automation.as_ref().map(|a| a.max_grant_hours),
                };
                (c.symbols.clone(), Ok(ceiling))
            }
            None => (Vec::new(), Err(format!("the policy has no [[corridor]] for {corridor}"))),
        },
        Ok(None) => (Vec::new(), Err("no policy is written (quantlab policy init)".to_string())),
        Err(e) => (Vec::new(), Err(e.message)),
    };
    GrantSeed { corridor: corridor.clone(), candidate, candidate_note, symbols, ceiling }
}

/// The ids of the live sessions on `corridor` that have not ended (a read that fails gives
/// none: the board alone then chooses).
fn live_sessions(engine: &Engine, corridor: &CorridorId) -> Vec<String> {
    let all = engine.live().list().unwrap_or_default();
    all.into_iter()
        .filter(|s| s.config.corridor == *corridor && !s.status.is_terminal())
        .map(|s| s.id)
        .collect()
}

/// Each candidate's row on `corridor`: its corridor's row where it has one (a live stage), else
/// its row everywhere (research and paper hold for every corridor).
fn rows_on<'a>(board: &'a Board, corridor: &CorridorId) -> Vec<&'a Row> {
    let mut out: Vec<&Row> = Vec::new();
    for r in &board.rows {
        let here = r.corridor.as_ref() == Some(corridor);
        if !(here || r.corridor.is_none()) {
            continue;
        }
        match out.iter().position(|o| o.candidate.id == r.candidate.id) {
            Some(i) if here => out[i] = r,
            Some(_) => {}
            None => out.push(r),
        }
    }
    out
}

/// The candidate to prefill: the one promoted on `corridor` as far as its sessions need (paper
/// on a venue that moves no money, a live stage on one that does) when there is exactly one;
/// else the one whose sources name a live session on it, when exactly one does.
pub fn choose(board: &Board, corridor: &CorridorId, sessions: &[String]) -> (Option<String>, String) {
    let enough = |s: Stage| if corridor.venue.is_live() { s.is_live() } else { s >= Stage::Paper };
    let rows: Vec<&Row> = rows_on(board, corridor).into_iter().filter(|r| enough(r.stage)).collect();
    let promoted: Vec<&str> = rows.iter().map(|r| r.candidate.id.as_str()).collect();
    if let [one] = rows.as_slice() {
        let note = format!("the one candidate promoted on {corridor} ({})", one.stage);
        return (Some(one.candidate.id.clone()), note);
    }
    let trading: Vec<&str> = rows
        .iter()
        .filter(|r| r.sources.iter().any(|s| sessions.contains(s)))
        .map(|r| r.candidate.id.as_str())
        .collect();
    match (promoted.len(), trading.as_slice()) {
        (_, [one]) => (Some(one.to_string()), format!("the candidate of the live session on {corridor}")),
        (0, _) => {
            (None, format!("no candidate is promoted on {corridor}: promote one first (Promotion tab)"))
        }
        (n, _) => (None, format!("{n} candidates are promoted on {corridor}: type the one to automate")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::Venue;
    use crate::engine::promotion::Candidate;

    fn row(slow: &str, corridor: Option<&CorridorId>, stage: Stage, sources: &[&str]) -> Row {
        let params = [("fast".to_string(), "2".to_string()), ("slow".to_string(), slow.to_string())].into();
        Row {
            candidate: Candidate::new("sma_cross", &params, "BTCUSD", "1h").unwrap(),
            sources: sources.iter().map(|s| s.to_string()).collect(),
            corridor: corridor.cloned(),
            stage,
            next: None,
            gates: Vec::new(),
            ready: false,
        }
    }

    fn board(rows: Vec<Row>) -> Board {
        Board {
            schema: "quantlab.promotion_board".into(),
            schema_version: 1,
            gates_file: "promotion_gates.toml".into(),
            gates_fingerprint: "f".into(),
            rows,
            demoted: Vec::new(),
            untrusted: Vec::new(),
        }
    }

    #[test]
    fn the_one_promoted_candidate_else_the_live_sessions_else_none() {
        let fake = CorridorId::new(Venue::Fake, "main").unwrap();
        let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
        // Paper holds everywhere: enough for the fake venue, not for kraken, where a live stage
        // on kraken's own row is.
        let one = board(vec![
            row("4", None, Stage::Paper, &[]),
            row("6", None, Stage::Research, &[]),
            row("8", None, Stage::Paper, &[]),
            row("4", Some(&kraken), Stage::Paper, &[]),
            row("8", Some(&kraken), Stage::MicroLive, &[]),
        ]);
        let (c, note) = choose(&one, &kraken, &[]);
        assert_eq!(c.as_deref(), Some(one.rows[2].candidate.id.as_str()), "{note}");
        let (c, note) = choose(&one, &fake, &[]);
        assert_eq!(c, None, "two promoted and no session: the operator types it");
        assert!(note.contains("2 candidates"), "{note}");
        let two = board(vec![row("4", None, Stage::Paper, &[]), row("6", None, Stage::Paper, &["live_1"])]);
        let (c, _) = choose(&two, &fake, &["live_1".into()]);
        assert_eq!(c.as_deref(), Some(two.rows[1].candidate.id.as_str()), "the live session's");
        let research = board(vec![row("6", None, Stage::Research, &["live_1"])]);
        let (c, note) = choose(&research, &fake, &["live_1".into()]);
        assert!(c.is_none() && note.contains("no candidate"), "research is not promoted: {note}");
    }
}
