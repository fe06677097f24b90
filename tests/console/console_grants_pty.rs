//! End to end: a grant of automation made with the real binary in a pseudo-terminal. A Kraken
//! corridor on the loopback simulator, armed, with a candidate promoted to micro-live there
//! (tests/automation/rig.rs); the console, in a `keyctl session` of its own (the operator's key
//! and the grant's automation key go to the OS keyring, as in an operator's login session):
//! Corridors tab, `A`, the limits typed into the form, Enter, the dwell waited out, a wrong name
//! typed (no grant written), then the corridor's name: one live grant with the typed limits, as
//! a script reads it (`grants list`), and the audit verifies. Every key is pressed once and the
//! test waits for the screen to show what it did before the next; the keys are the terminal's,
//! not a test build's synthetic ones.

#![cfg(unix)]

use std::time::{Duration, Instant};

use quantlab::engine::gate::DWELL;
use serde_json::Value;

use crate::automation::rig::Rig;
use crate::common::corridor::{cli, CREDENTIAL};
use crate::common::keyctl;
use crate::common::pty::{spawn_console_in, typist, wait_exit, Screen};

/// Press `key` once and wait (up to 20 s) until the screen shows `ok`, naming `what` if never.
fn press(screen: &Screen, send: &mut impl FnMut(&[u8]), key: &[u8], what: &str, ok: impl Fn(&str) -> bool) {
    send(key);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let t = screen.text();
        if ok(&t) {
            return;
        }
        assert!(Instant::now() < deadline, "never {what}; screen:\n{t}");
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// Type `text` one key at a time, each waiting for the form's focused field or the dialog's
/// typed name (`shown(typed so far)`) to show it.
fn type_text(screen: &Screen, send: &mut impl FnMut(&[u8]), text: &str, shown: impl Fn(&str) -> String) {
    for (i, c) in text.char_indices() {
        let want = shown(&text[..i + c.len_utf8()]);
        press(screen, send, c.to_string().as_bytes(), &format!("showed '{want}'"), |t| t.contains(&want));
    }
}

/// The form's focused row: its marker, its label padded as drawn, the value typed, the cursor.
fn focused(label: &str, value: &str) -> String {
    format!("▸ {label:<20}{value}▏")
}

fn grants(r: &Rig) -> Vec<Value> {
    let (code, v) = cli(&r.ws, &["grants", "list"]);
    assert_eq!(code, 0, "{v}");
    v["result"]["grants"].as_array().cloned().unwrap_or_default()
}

#[test]
fn a_grant_made_in_the_console_in_a_terminal_is_typed_signed_and_listed() {
    keyctl();
    let r = Rig::new();
    assert!(grants(&r).is_empty());
    let env = [("QUANTLAB_OPERATOR", "e2e"), ("QUANTLAB_LOOPBACK_CREDENTIAL", CREDENTIAL)];
    let (mut child, screen, keys, _fd, _master) =
        spawn_console_in(&r.ws, &["keyctl", "session", "-"], &[], &env);
    let mut send = typist(keys);
    // The tab bar shortens its titles when counts make it too wide: wait for the prefix.
    screen.wait_for("7 Corr");
    press(&screen, &mut send, b"7", "showed the corridor", |t| {
        t.contains("kraken/main") && t.contains("ARMED")
    });

    // A: the form, for the selected corridor, prefilled with the candidate promoted there.
    let candidate = r.candidate();
    press(&screen, &mut send, b"A", "opened the grant form", |t| {
        t.contains("Grant automation on kraken/main") && t.contains(&candidate)
    });
    // The limits, each typed into its field after Tab has moved there.
    let typed = [
        ("max notional/order", "450"),
        ("orders per day", "4"),
        ("daily loss limit", "90"),
        ("max drawdown", "120"),
        ("hours", "6"),
    ];
    for label in ["symbols", "order types"] {
        press(&screen, &mut send, b"\t", &format!("moved to {label}"), |t| t.contains(&format!("▸ {label}")));
    }
    for (label, value) in typed {
        press(&screen, &mut send, b"\t", &format!("moved to {label}"), |t| t.contains(&focused(label, "")));
        type_text(&screen, &mut send, value, |so_far| focused(label, so_far));
    }

    // Enter: the dialog with every limit; the dwell waited out after it is drawn.
    press(&screen, &mut send, b"\r", "opened the grant dialog", |t| {
        t.contains("Grant automation?") && t.contains("type the corridor's name, kraken/main: _")
    });
    let s = screen.text();
    for line in ["max notional per order  450", "orders per day          4", "6 hours after it is made"] {
        assert!(s.contains(line), "{line}:\n{s}");
    }
    std::thread::sleep(DWELL + Duration::from_millis(150));

    // A wrong name: refused in the dialog, which stays open; nothing is written.
    let prompt = |so_far: &str| format!("type the corridor's name, kraken/main: {so_far}_");
    type_text(&screen, &mut send, "kraken/other", prompt);
    press(&screen, &mut send, b"\r", "refused the wrong name", |t| {
        t.contains("no grant: type the corridor's name")
    });
    assert!(grants(&r).is_empty(), "a wrong name writes no grant");
    assert!(no_grant_file(&r), "no grant file");

    // Backspace takes it back; the corridor's name typed, Enter: granted.
    for n in (0.."kraken/other".len()).rev() {
        let left = &"kraken/other"[..n];
        press(&screen, &mut send, &[0x7f], &format!("erased to '{left}'"), |t| t.contains(&prompt(left)));
    }
    type_text(&screen, &mut send, "kraken/main", prompt);
    press(&screen, &mut send, b"\r", "granted", |t| t.contains("automation granted on kraken/main"));
    send(b"q");
    assert!(wait_exit(&mut child).success());

    // As a script reads it: one live grant, for the candidate, with the limits typed.
    let listed = grants(&r);
    assert_eq!(listed.len(), 1, "{listed:#?}");
    let v = &listed[0];
    assert_eq!(v["state"], "live", "{v:#}");
    let g = &v["grant"];
    assert_eq!(
        (&g["corridor"], g["candidate"].as_str()),
        (&serde_json::json!({ "venue": "kraken", "account": "main" }), Some(candidate.as_str())),
        "{v:#}"
    );
    let l = &g["limits"];
    assert_eq!(
        (
            l["symbols"].clone(),
            l["order_types"].clone(),
            l["max_order_notional"].as_str(),
            l["max_orders_per_day"].as_u64(),
            l["daily_loss_limit"].as_str(),
            l["max_drawdown"].as_str(),
        ),
        (
            serde_json::json!(["XBTUSD"]),
            serde_json::json!(["market"]),
            Some("450"),
            Some(4),
            Some("90"),
            Some("120")
        ),
        "{v:#}"
    );
    let hours = (g["expires_ms"].as_i64().unwrap() - g["created_ms"].as_i64().unwrap()) / 3_600_000;
    assert_eq!(hours, 6, "{v:#}");
    // Signed by the console's operator, whose key the workspace now trusts: the audit verifies.
    let (code, out) = cli(&r.ws, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
}

fn no_grant_file(r: &Rig) -> bool {
    std::fs::read_dir(r.ws.path().join("automation/grants")).map_or(true, |mut d| d.next().is_none())
}
