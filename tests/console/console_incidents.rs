//! Incidents in the console: the Alerts tab's incidents section (`i`) lists them open and
//! closed; `Enter` opens one with its timeline and the venue before and after; `c` closes it
//! with a note typed in a small form: an empty note is refused and journals nothing, a note is
//! journaled in the corridor (`incident_closed`) by the same engine call as the CLI.

use crossterm::event::KeyCode;
use quantlab::engine::execution::journal;
use quantlab::engine::execution::model::Event;
use quantlab::engine::execution::paths;
use quantlab::engine::execution::{CorridorId, Venue};
use quantlab::engine::workspace::Workspace;
use quantlab::tui::screens::alerts::AlertsScreen;
use quantlab::tui::screens::incident::IncidentScreen;
use serde_json::Value;

use crate::common::console::{snapshot, Harness};
use crate::common::Ws;
use crate::incidents::intent;

/// A workspace with two incidents on the fake venue: the kill of `main` (closed with a note
/// from the CLI) and, after it, the kill of `desk` (open). Returns them, newest first.
fn two_incidents() -> (Ws, String, String) {
    let ws = Ws::new();
    assert_eq!(ws.json(&["policy", "init"]).0, 0);
    let resting = intent(&ws, "main");
    assert_eq!(ws.json(&["submit", &resting]).0, 0);
    let (code, v) = ws.json(&["kill", "--venue", "fake", "--account", "main", "--reason", "drill"]);
    assert_eq!(code, 0, "{v}");
    let first = crate::incidents::list(&ws, false)[0]["id"].as_str().unwrap().to_string();
    // Closed from the CLI by a named operator (the console's closing below is this process's).
    let out = ws
        .cmd()
        .args(["incidents", "close", &first, "--note", "drill reviewed"])
        .env("QUANTLAB_OPERATOR", "reviewer")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    intent(&ws, "desk");
    let (code, v) = ws.json(&["kill", "--venue", "fake", "--account", "desk", "--reason", "second drill"]);
    assert_eq!(code, 0, "{v}");
    let open = crate::incidents::list(&ws, false);
    assert_eq!(open.len(), 1, "{open:#?}");
    (ws, open[0]["id"].as_str().unwrap().to_string(), first)
}

/// The console on the Alerts tab's incidents section.
fn incidents(ws: &Ws) -> Harness {
    let mut h = Harness::new(ws);
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char('i'));
    assert_eq!(h.app.context(), quantlab::tui::keymap::Context::Incidents);
    h
}

/// The operator who closes from the console is this process's (the OS user): not in a
/// snapshot. The timeline's row of the closing is cut by its column where the name's length
/// says, so it ends after the name.
fn anonymous(screen: &str, operator: &str) -> String {
    let by = "by <OPERATOR>";
    let s = screen.replace(&format!("by {operator}"), by);
    let cut = |l: &str| match (l.contains("* incident_closed"), l.find(by)) {
        (true, Some(at)) => format!("{}: …", &l[..at + by.len()]),
        _ => l.to_string(),
    };
    s.lines().map(cut).collect::<Vec<_>>().join("\n") + "\n"
}

fn closings(ws: &Ws, account: &str) -> Vec<(String, String)> {
    let c = CorridorId::new(Venue::Fake, account).unwrap();
    let entries = journal::read(&paths::journal(&Workspace::at(ws.path()), &c)).unwrap();
    entries
        .into_iter()
        .filter_map(|e| match e.event {
            Event::IncidentClosed { incident_id, note, .. } => Some((incident_id, note)),
            _ => None,
        })
        .collect()
}

fn show(ws: &Ws, id: &str) -> Value {
    let (code, v) = ws.json(&["incidents", "show", id]);
    assert_eq!(code, 0, "{v}");
    v["result"].clone()
}

#[test]
fn the_incidents_are_listed_open_and_closed() {
    let (ws, open, closed) = two_incidents();
    let mut h = incidents(&ws);
    let l = &h.tab::<AlertsScreen>().incidents;
    let ids: Vec<&str> = l.rows().iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, [open.as_str(), closed.as_str()], "newest first");
    assert_eq!(show(&ws, &closed)["closed"]["operator"], "reviewer");
    let s = h.screen(120, 40);
    assert!(s.contains("Incidents · 1 open of 2"), "{s}");
    assert!(s.contains("✖ open") && s.contains("fake/desk") && s.contains("second drill"), "{s}");
    assert!(s.contains("✔ closed") && s.contains("fake/main"), "{s}");
    assert!(s.contains("open: Enter reviews its timeline"), "{s}");
    h.key(KeyCode::Down);
    let s = h.screen(120, 40);
    assert!(s.contains("by reviewer: drill reviewed"), "the closed one's note:\n{s}");
    snapshot("incidents_120x40", &s);
    // `i` (or Esc) goes back to the alerts, and a/A acknowledge there again.
    h.key(KeyCode::Esc);
    assert_eq!(h.app.context(), quantlab::tui::keymap::Context::Alerts);
    assert_eq!(h.app.tab_title(), "Alerts");
    assert!(h.screen(120, 40).contains("unacknowledged"));
}

#[test]
fn an_incident_shows_its_timeline_and_the_venue_before_and_after() {
    let (ws, open, _) = two_incidents();
    let mut h = incidents(&ws);
    h.key(KeyCode::Enter);
    let v = h.view::<IncidentScreen>().expect("the incident's view");
    assert_eq!(v.incident.id, open);
    let s = h.screen(120, 40);
    assert!(s.contains(&format!("Incident {open} · killed")), "{s}");
    assert!(s.contains("trigger") && s.contains("second drill"), "{s}");
    assert!(
        s.contains("killed") && s.contains("KILL_SWITCH"),
        "the kill and its alert in the timeline:\n{s}"
    );
    assert!(s.contains("fake/desk as journaled") && s.contains("before (") && s.contains("after  ("), "{s}");
    assert!(s.contains("halt kill_switch"), "halted after, as journaled:\n{s}");
    assert!(s.contains("c  close it with a note"), "{s}");
    snapshot("incident_120x40", &s);
    // Esc goes back to the list.
    h.key(KeyCode::Esc);
    assert!(h.view::<IncidentScreen>().is_none());
    assert_eq!(h.app.context(), quantlab::tui::keymap::Context::Incidents);
}

#[test]
fn closing_needs_a_note_and_journals_it() {
    let (ws, open, closed) = two_incidents();
    let mut h = incidents(&ws);
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('c'));
    assert_eq!(h.app.context(), quantlab::tui::keymap::Context::Form);
    // An empty note, then only spaces: refused in the form, which stays open; nothing journaled.
    h.key(KeyCode::Enter);
    h.text("   ");
    h.key(KeyCode::Enter);
    let v = h.view::<IncidentScreen>().unwrap();
    assert!(v.note.as_ref().is_some_and(|n| n.refused.is_some()), "the form stays open, saying why");
    let s = h.screen(120, 40);
    assert!(s.contains("not closed: a note is needed"), "{s}");
    snapshot("incident_close_empty_120x40", &s);
    assert!(closings(&ws, "desk").is_empty());
    assert_eq!(show(&ws, &open)["status"], "open");
    // Esc cancels the form (not the view); typed keys are text: q does not quit, 0 stays.
    h.key(KeyCode::Esc);
    assert!(h.view::<IncidentScreen>().is_some_and(|v| v.note.is_none()));
    h.key(KeyCode::Char('c'));
    let note = "drill 2 reviewed: q and 0 typed as text";
    h.text(note);
    assert!(!h.app.should_quit);
    assert_eq!(h.app.tab_title(), "Alerts");
    assert_eq!(h.view::<IncidentScreen>().unwrap().note.as_ref().unwrap().text, note);
    h.key(KeyCode::Enter);
    // Journaled in the corridor by the engine, as the CLI does; the view and the list say so.
    assert_eq!(closings(&ws, "desk"), vec![(open.clone(), note.to_string())]);
    let shown = show(&ws, &open);
    assert_eq!((shown["status"].as_str(), shown["closed"]["note"].as_str()), (Some("closed"), Some(note)));
    let operator = shown["closed"]["operator"].as_str().unwrap().to_string();
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(!is_err && msg.contains(&format!("incident {open} closed by {operator}")), "{msg}");
    let s = h.screen(120, 40);
    assert!(s.contains("✔ closed") && s.contains(&format!("by {operator}")) && s.contains(note), "{s}");
    assert!(!s.contains("c  close it with a note"), "{s}");
    snapshot("incident_closed_120x40", &anonymous(&s, &operator));
    // Closed once: c says so and opens no form.
    h.key(KeyCode::Char('c'));
    assert!(h.view::<IncidentScreen>().unwrap().note.is_none());
    assert!(h.app.message.as_ref().is_some_and(|(e, m)| *e && m.contains("closed already")));
    h.key(KeyCode::Esc);
    let l = &h.tab::<AlertsScreen>().incidents;
    assert_eq!((l.open(), l.rows().len()), (0, 2), "the list read again");
    assert_eq!(closings(&ws, "main").len(), 1, "the other incident's closing only: {closed}");
    let (code, audit) = ws.json(&["audit", "verify"]);
    assert_eq!(code, 0, "{audit}");
}
