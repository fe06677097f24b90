//! One corridor's incidents through `quantlab incidents ...`: the kill switch, the breaker and a
//! reconciliation mismatch open them; promotion waits for them; the note closes them.

use serde_json::{json, Value};

use super::{intent, journal_kinds, list, valid};
use crate::common::Ws;
use quantlab::engine::venues::fake::{FakeVenue, Fault};

fn item<'a>(promo: &'a Value, name: &str) -> &'a Value {
    promo["result"]["items"].as_array().unwrap().iter().find(|i| i["item"] == name).unwrap()
}

fn rows<'a>(inc: &'a Value, part: &[&str]) -> Vec<&'a Value> {
    let mut v = &inc["timeline"];
    for p in part {
        v = &v[*p];
    }
    v.as_array().unwrap().iter().collect()
}

#[test]
fn a_kill_opens_an_incident_that_blocks_promotion_until_a_journaled_note_closes_it() {
    let ws = Ws::new();
    assert_eq!(ws.json(&["policy", "init"]).0, 0);
    let resting = intent(&ws, "main");
    assert_eq!(ws.json(&["submit", &resting]).0, 0);
    assert!(list(&ws, true).is_empty(), "nothing has gone wrong yet");
    let (code, v) = ws.json(&["kill", "--venue", "fake", "--account", "main", "--reason", "drill"]);
    assert_eq!(code, 0, "{v}");

    let open = list(&ws, false);
    assert_eq!(open.len(), 1, "{open:#?}");
    let inc = &open[0];
    let id = inc["id"].as_str().unwrap().to_string();
    assert_eq!((inc["status"].as_str(), inc["kind"].as_str()), (Some("open"), Some("killed")), "{inc:#}");
    assert_eq!(inc["corridors"], json!([{ "venue": "fake", "account": "main" }]));
    // The kill's entry opened it; the KILL_SWITCH alert announcing it joined it.
    let triggers = inc["triggers"].as_array().unwrap();
    assert_eq!(triggers[0]["kind"], "killed");
    assert_eq!(triggers[0]["message"], "drill");
    assert!(triggers.iter().any(|t| t["code"] == "KILL_SWITCH"), "{triggers:#?}");

    // The timeline: what led up to it and what followed, each entry in one line.
    let entries = rows(inc, &["entries"]);
    let kinds: Vec<&str> = entries.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    for k in ["intent_created", "submit_started", "killed", "KILL_SWITCH"] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    let times: Vec<i64> = entries.iter().map(|r| r["time_ms"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order: {times:?}");
    let kill = entries.iter().find(|r| r["kind"] == "killed").unwrap();
    assert_eq!((kill["trigger"].as_bool(), kill["operator"].as_bool()), (Some(true), Some(true)), "{kill}");
    assert!(kill["description"].as_str().unwrap().contains("drill"), "{kill}");
    assert_eq!(inc["timeline"]["until"], "now");
    // What the operator saw (the alerts) and did (the kill among it).
    assert!(rows(inc, &["operator", "saw"]).iter().any(|r| r["kind"] == "KILL_SWITCH"));
    assert!(rows(inc, &["operator", "did"]).iter().any(|r| r["kind"] == "killed"));
    assert!(rows(inc, &["operator", "did"]).iter().all(|r| r["operator"] == true));
    // The venue as the journal recorded it: the resting order before, none after, halted.
    let venue = &inc["timeline"]["venue"][0];
    assert_eq!(venue["before"]["open_orders"][0]["intent_id"], resting.as_str(), "{venue:#}");
    assert_eq!(venue["after"]["open_orders"], json!([]), "{venue:#}");
    assert!(venue["before"]["halt"].is_null());
    assert!(venue["after"]["halt"].as_str().unwrap().starts_with("kill_switch"), "{venue:#}");
    // Positions only from a journaled baseline: unknown (null) without one, never zero.
    let baseline = journal_kinds(&ws, "main").iter().any(|e| e["kind"] == "baseline");
    assert_eq!(venue["after"]["positions"].is_null(), !baseline, "{venue:#}");

    // Promotion waits for the operator's review.
    let (code, promo) = ws.json(&["promote", "check", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 3, "{promo}");
    let blocked = item(&promo, "no_open_incidents");
    assert_eq!(blocked["passed"], false, "{blocked}");
    assert!(blocked["detail"].as_str().unwrap().contains("drill"), "{blocked}");

    // Refused closings change nothing: an empty note (exit 2, naming --note), no note at all,
    // an unknown id (exit 5).
    let before = ws.snapshot();
    let (code, v) = ws.json(&["incidents", "close", &id, "--note", "  "]);
    assert_eq!((code, v["error"]["field"].as_str()), (2, Some("note")), "{v}");
    let (code, v) = ws.json(&["incidents", "close", &id]);
    assert_eq!(code, 2, "{v}");
    let (code, v) = ws.json(&["incidents", "close", "inc_20000101T000000Z_00000000", "--note", "seen"]);
    assert_eq!(code, 5, "{v}");
    assert_eq!(ws.json(&["incidents", "show", "inc_nope"]).0, 5);
    assert!(ws.snapshot() == before, "a refused closing wrote something");

    // The note closes it, journaled in the corridor; the chain and the audit still hold.
    let note = "drill reviewed: the resting order was cancelled, nothing else at the venue";
    let (code, v) = ws.json(&["incidents", "close", &id, "--note", note]);
    assert_eq!(code, 0, "{v}");
    valid(&v["result"]);
    assert_eq!(v["result"]["status"], "closed");
    assert_eq!(v["result"]["closed"]["note"], note);
    let closing = journal_kinds(&ws, "main").into_iter().find(|e| e["kind"] == "incident_closed").unwrap();
    assert_eq!((closing["incident_id"].as_str(), closing["note"].as_str()), (Some(id.as_str()), Some(note)));
    assert_eq!(closing["trigger_seq"], triggers[0]["journal_seq"]);
    assert!(!closing["operator"].as_str().unwrap().is_empty());
    assert_eq!(v["result"]["closed"]["journaled"][0]["corridor"]["account"], "main");
    assert_eq!(ws.json(&["journal", "verify"]).0, 0);
    let (code, audit) = ws.json(&["audit", "verify"]);
    assert_eq!(code, 0, "{audit}");
    let shown = rows(&v["result"], &["entries"]);
    let row = shown.iter().find(|r| r["kind"] == "incident_closed").unwrap();
    assert!(row["operator"] == true && row["description"].as_str().unwrap().contains(note), "{row}");

    assert!(list(&ws, false).is_empty());
    let all = list(&ws, true);
    assert_eq!((all.len(), all[0]["status"].as_str()), (1, Some("closed")));
    let (code, shown) = ws.json(&["incidents", "show", &id]);
    assert_eq!(code, 0, "{shown}");
    valid(&shown["result"]);
    // Closed once: a second closing is refused (exit 3) and journals nothing.
    let journal = journal_kinds(&ws, "main").len();
    let (code, v) = ws.json(&["incidents", "close", &id, "--note", "again"]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(journal_kinds(&ws, "main").len(), journal);

    let (_, promo) = ws.json(&["promote", "check", "--venue", "fake", "--account", "main"]);
    assert_eq!(item(&promo, "no_open_incidents")["passed"], true, "{promo}");
}

#[test]
fn a_breaker_trip_and_a_reconciliation_mismatch_open_incidents_of_their_own() {
    let ws = Ws::new();
    assert_eq!(ws.json(&["policy", "init"]).0, 0);
    let venue = || FakeVenue::persistent(ws.path().join("venues/fake/main.json")).unwrap();
    for n in 0..3 {
        venue().inject(Fault::Reject(format!("insufficient margin {n}")));
        let (code, v) = ws.json(&["submit", &intent(&ws, "main")]);
        assert_eq!(code, 4, "{v}");
    }
    let open = list(&ws, false);
    assert_eq!(open.len(), 1, "{open:#?}");
    let breaker = &open[0];
    assert_eq!(breaker["kind"], "breaker_tripped");
    assert!(breaker["triggers"].as_array().unwrap().iter().any(|t| t["code"] == "BREAKER_TRIPPED"));
    let rejects = rows(breaker, &["entries"]).iter().filter(|r| r["kind"] == "venue_reject").count();
    assert_eq!(rejects, 3, "the rejects that tripped it are in its timeline");

    // The rearm lifts the halt: the incident is resolved, and still open until reviewed.
    let (code, v) = ws.json(&["rearm", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 0, "{v}");
    let open = list(&ws, false);
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["resolved"]["kind"], "rearmed", "{:#}", open[0]);
    assert_eq!(open[0]["timeline"]["until"], "resolved");
    assert!(rows(&open[0], &["operator", "did"]).iter().any(|r| r["kind"] == "rearmed"));

    // Someone trades behind the journal's back: the mismatch opens a new incident.
    let (code, v) = ws.json(&["reconcile", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 0, "{v}");
    venue().with(|s| s.set_position("ETH/USD", "0.3".parse().unwrap()));
    let (code, v) = ws.json(&["reconcile", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 3, "{v}");
    let open = list(&ws, false);
    assert_eq!(open.len(), 2, "{open:#?}");
    let mismatch = &open[0];
    assert_eq!(mismatch["kind"], "reconciliation_mismatch", "newest first");
    assert!(mismatch["triggers"][0]["message"].as_str().unwrap().contains("ETH/USD"), "{mismatch:#}");
    assert!(mismatch["triggers"].as_array().unwrap().iter().any(|t| t["code"] == "RECONCILIATION_MISMATCH"));
    let venue = &mismatch["timeline"]["venue"][0];
    assert_eq!(venue["before"]["reconciliation"]["clean"], true, "{venue:#}");
    assert_eq!(venue["after"]["reconciliation"]["clean"], false, "{venue:#}");
    assert!(venue["after"]["halt"].as_str().unwrap().starts_with("mismatch"), "{venue:#}");
    assert_ne!(mismatch["id"], open[1]["id"]);
}
