//! Incidents beyond one corridor: one kill switch across corridors is one incident, closed in
//! each corridor's journal; a critical alert of no corridor (a paper session's) is an incident
//! of its own, closed in the workspace's record of closings.

use quantlab::engine::alerts::{self, codes};
use quantlab::engine::workspace::Workspace;

use super::{intent, journal_kinds, list, valid};
use crate::common::Ws;

#[test]
fn one_kill_across_corridors_is_one_incident_closed_in_each_journal() {
    let ws = Ws::new();
    assert_eq!(ws.json(&["policy", "init"]).0, 0);
    intent(&ws, "main");
    intent(&ws, "desk");
    let (code, v) = ws.json(&["kill", "--reason", "drill"]);
    assert_eq!(code, 0, "{v}");

    let open = list(&ws, false);
    assert_eq!(open.len(), 1, "{open:#?}");
    let inc = &open[0];
    let accounts: Vec<&str> =
        inc["corridors"].as_array().unwrap().iter().map(|c| c["account"].as_str().unwrap()).collect();
    assert_eq!(accounts, ["desk", "main"]);
    let triggers = inc["triggers"].as_array().unwrap();
    assert_eq!(triggers.iter().filter(|t| t["kind"] == "killed").count(), 2, "{triggers:#?}");
    // The all-corridor kill switch's own alert (of no corridor) joined it.
    assert!(triggers.iter().any(|t| t["code"] == "KILL_SWITCH" && t["corridor"].is_null()), "{triggers:#?}");
    assert_eq!(inc["timeline"]["venue"].as_array().unwrap().len(), 2);

    let id = inc["id"].as_str().unwrap();
    let (code, v) = ws.json(&["incidents", "close", id, "--note", "global drill reviewed"]);
    assert_eq!(code, 0, "{v}");
    valid(&v["result"]);
    assert_eq!(v["result"]["closed"]["journaled"].as_array().unwrap().len(), 2, "{v}");
    for account in ["desk", "main"] {
        let closings: Vec<_> =
            journal_kinds(&ws, account).into_iter().filter(|e| e["kind"] == "incident_closed").collect();
        assert_eq!(closings.len(), 1, "{account}");
        assert_eq!(closings[0]["incident_id"], id);
    }
    // A closing is a note, not a rearm: both corridors stay halted, and nothing new opens.
    let (_, v) = ws.json(&["corridors"]);
    let halted =
        v["result"]["corridors"].as_array().unwrap().iter().filter(|c| c["halted"].is_string()).count();
    assert_eq!(halted, 2, "{v}");
    assert!(list(&ws, false).is_empty());
    assert_eq!(list(&ws, true).len(), 1);
}

#[test]
fn a_critical_alert_of_no_corridor_is_an_incident_closed_in_the_workspace_record() {
    let ws = Ws::new();
    let w = Workspace::at(ws.path());
    let first =
        alerts::raise(&w, codes::PAPER_SESSION_FAILED, "paper:p1", "session failed: no bars").unwrap();
    alerts::raise(&w, codes::PAPER_SESSION_FAILED, "paper:p1", "session failed again").unwrap();
    // A warning opens nothing.
    alerts::raise(&w, codes::PAPER_STALE_FEED, "paper:p1", "no bar for 2 min").unwrap();

    let open = list(&ws, false);
    assert_eq!(open.len(), 1, "{open:#?}");
    let inc = &open[0];
    assert_eq!((inc["kind"].as_str(), inc["source"].as_str()), (Some("critical_alert"), Some("paper:p1")));
    assert_eq!(inc["corridors"].as_array().unwrap().len(), 0);
    assert_eq!(inc["triggers"].as_array().unwrap().len(), 2, "the second joined the first");
    assert_eq!(inc["timeline"]["venue"].as_array().unwrap().len(), 0, "no venue to tell");

    // Acknowledged: resolved, and the acknowledgement is the operator's in its timeline.
    let (code, out) = ws.json(&["alerts", "ack", &first.id]);
    assert_eq!(code, 0, "{out}");
    let inc = list(&ws, false).remove(0);
    assert_eq!(inc["resolved"]["kind"], "acknowledged");
    let acks: Vec<_> = inc["timeline"]["operator"]["did"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "acknowledged")
        .cloned()
        .collect();
    assert_eq!((acks.len(), acks[0]["alert_id"].as_str()), (1, Some(first.id.as_str())));

    let id = inc["id"].as_str().unwrap();
    let (code, v) = ws.json(&["incidents", "close", id, "--note", "data gap, session restarted"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["status"], "closed");
    assert_eq!(v["result"]["closed"]["journaled"].as_array().unwrap().len(), 0);
    let record = std::fs::read_to_string(ws.path().join("incidents/closings.jsonl")).unwrap();
    assert!(record.contains(id) && record.contains("data gap, session restarted"), "{record}");
    assert!(!ws.path().join("corridors").exists(), "no corridor journal is written for it");
    assert_eq!(ws.json(&["incidents", "close", id, "--note", "again"]).0, 3);

    // The next critical alert of that source opens a new one.
    alerts::raise(&w, codes::PAPER_SESSION_FAILED, "paper:p1", "session failed a third time").unwrap();
    let open = list(&ws, false);
    assert_eq!(open.len(), 1);
    assert_ne!(open[0]["id"].as_str(), Some(id));
}
