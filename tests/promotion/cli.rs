//! `quantlab promote board|show` for scripts: JSON that matches its schema, refusals that name
//! the field, and exit codes.

use quantlab::engine::promotion::gates::{DEFAULT_GATES, GATES_FILE};

use super::{assert_valid, Rig};
use crate::common::promotion::{promote_to, write_relaxed_gates};

#[test]
fn board_and_show_print_their_contracts() {
    let rig = Rig::new();
    let sweep = rig.sweep();
    write_relaxed_gates(rig.ws.path());
    let id = rig.candidate().id;
    let (code, v) = rig.ws.json(&["promote", "board"]);
    assert_eq!(code, 0, "{v}");
    assert_valid("promotion_board.schema.json", &v["result"]);
    let rows = v["result"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{v:#}");
    assert_eq!(rows[0]["candidate"]["id"], id.as_str());
    assert_eq!(rows[0]["gates"][0]["artifacts"][0], sweep.as_str());

    promote_to(&rig.engine, &id, Some(&Rig::fake()), quantlab::engine::promotion::Stage::Paper);
    let (code, v) = rig.ws.json(&["promote", "show", &id]);
    assert_eq!(code, 0, "{v}");
    assert_valid("promotion_candidate.schema.json", &v["result"]);
    assert_eq!(v["result"]["decisions"][0]["to"], "paper");
    let (code, v) = rig.ws.json(&["promote", "board", "--stage", "paper"]);
    assert_eq!((code, v["result"]["rows"].as_array().unwrap().len()), (0, 1), "{v}");
    let (code, v) = rig.ws.json(&["promote", "board", "--stage", "research"]);
    assert_eq!((code, v["result"]["rows"].as_array().unwrap().len()), (0, 0), "{v}");

    // Text for people: one line per gate, ok or FAIL, with the artifacts.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quantlab"))
        .args(["--workspace", rig.ws.path().to_str().unwrap(), "promote", "show", &id])
        .env_remove("QUANTLAB_WORKSPACE")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("everywhere at paper  -> micro_live not ready"), "{text}");
    assert!(text.contains("ok   micro_live paper_bars 0 bars run (0 needed)"), "{text}");
    assert!(text.contains("FAIL micro_live corridor"), "{text}");
    assert!(text.contains("decisions:") && text.contains("promoted research -> paper"), "{text}");
}

#[test]
fn bad_input_names_the_field_and_unknown_candidates_are_not_found() {
    let rig = Rig::new();
    let (code, v) = rig.ws.json(&["promote", "board", "--stage", "live"]);
    assert_eq!(code, 2, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().starts_with("--stage"), "{v}");
    let (code, v) = rig.ws.json(&["promote", "show", "cand_nothing_BTC_1h_00000000"]);
    assert_eq!(code, 5, "{v}");
    // A gates file with a key it does not know: exit 2, naming the file, line and key.
    std::fs::write(rig.ws.path().join(GATES_FILE), DEFAULT_GATES.replace("min_bars = 500", "min_barz = 500"))
        .unwrap();
    let (code, v) = rig.ws.json(&["promote", "board"]);
    assert_eq!(code, 2, "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(GATES_FILE) && message.contains("line") && message.contains("paper.min_barz"),
        "{v}"
    );
    // A value it cannot use names its key.
    std::fs::write(
        rig.ws.path().join(GATES_FILE),
        DEFAULT_GATES.replace("enabled = false", "enabled = true"),
    )
    .unwrap();
    let (code, v) = rig.ws.json(&["promote", "board"]);
    assert_eq!(code, 2, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("automation.enabled"), "{v}");
    // --account needs --venue.
    let out = rig.ws.cmd().args(["promote", "advance", "x", "--account", "main"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
