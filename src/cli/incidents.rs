//! `quantlab incidents list|show|close`

use serde_json::json;

use super::args::IncidentsCmd;
use super::output::Outcome;
use crate::engine::incidents::{Incident, Row, VenueState};
use crate::engine::{Engine, Result};

/// One line: id, status, what, where, when.
fn line(i: &Incident) -> String {
    let end = match (&i.closed, &i.resolved) {
        (Some(c), _) => format!("  closed {} by {}", c.time, c.operator),
        (None, Some(r)) => format!("  resolved {}", r.time),
        (None, None) => String::new(),
    };
    format!("{}  {:<6} {}  opened {}{end}\n", i.id, i.status.name().to_uppercase(), i.summary, i.opened_at)
}

fn row(r: &Row) -> String {
    let place = r.corridor.as_ref().map_or_else(|| "-".to_string(), |c| c.to_string());
    let mark = match (r.trigger, r.operator) {
        (true, _) => "!",
        (false, true) => "*",
        (false, false) => " ",
    };
    format!("  {}  {:<16} {mark} {:<22} {}\n", r.time, place, r.kind, r.description)
}

fn state(s: &VenueState) -> String {
    let positions = match &s.positions {
        None => "unknown (no baseline of the venue's positions journaled)".to_string(),
        Some(p) if p.is_empty() => "none".to_string(),
        Some(p) => p.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", "),
    };
    let reconciliation = match &s.reconciliation {
        None => "none journaled (unknown)".to_string(),
        Some(r) if r.clean => format!("{} clean at {}", r.id, r.time),
        Some(r) => format!("{} MISMATCH at {}: {}", r.id, r.time, r.mismatches.join("; ")),
    };
    format!(
        "positions {positions}; open orders {}; in flight {}; halt {}; reconciliation {reconciliation}",
        s.open_orders.len(),
        s.in_flight.len(),
        s.halt.as_deref().unwrap_or("none"),
    )
}

fn detail(i: &Incident) -> String {
    let mut t = line(i);
    for tr in &i.triggers {
        let place = tr.corridor.as_ref().map_or_else(|| "-".to_string(), |c| c.to_string());
        t.push_str(&format!(
            "  trigger {}  {place}  {}: {}\n",
            tr.time,
            tr.code.as_deref().unwrap_or(tr.kind.name()),
            tr.message
        ));
    }
    if let Some(c) = &i.closed {
        t.push_str(&format!("  closed {} by {}: {}\n", c.time, c.operator, c.note));
    }
    let tl = &i.timeline;
    t.push_str(&format!(
        "timeline {} .. {} ({}), ! trigger, * the operator's doing:\n",
        tl.from,
        tl.to,
        serde_json::to_value(tl.until).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    ));
    t.extend(tl.entries.iter().map(row));
    t.push_str(&format!(
        "the operator saw {} alert(s) and did {} thing(s) in it\n",
        tl.operator.saw.len(),
        tl.operator.did.len()
    ));
    for v in &tl.venue {
        t.push_str(&format!(
            "venue {} as journaled\n  before: {}\n  after:  {}\n",
            v.corridor,
            state(&v.before),
            state(&v.after)
        ));
    }
    t
}

pub fn dispatch(engine: &Engine, cmd: &IncidentsCmd) -> (&'static str, Result<Outcome>) {
    let incidents = engine.incidents();
    match cmd {
        IncidentsCmd::List { all } => (
            "incidents list",
            (|| {
                let list = incidents.list(*all)?;
                let mut text: String = list.iter().map(line).collect();
                if list.is_empty() {
                    text.push_str(if *all { "no incidents\n" } else { "no open incidents\n" });
                }
                Ok(Outcome::ok("incidents list", &json!({ "count": list.len(), "incidents": list }), text))
            })(),
        ),
        IncidentsCmd::Show { id } => {
            ("incidents show", incidents.show(id).map(|i| Outcome::ok("incidents show", &i, detail(&i))))
        }
        IncidentsCmd::Close { id, note } => (
            "incidents close",
            incidents.close(id, note).map(|i| Outcome::ok("incidents close", &i, detail(&i))),
        ),
    }
}
