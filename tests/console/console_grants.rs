//! Grants of automation in the console, driven through messages: `A` on the Corridors tab opens
//! the grant form prefilled from the corridor (the candidate promoted there, its allowlist);
//! Enter opens the typed-confirmation dialog with every limit, the expiry and the engine's
//! problems. Only the corridor's name typed key by key after the dwell, then Enter, makes a
//! grant: a wrong name, a paste, keys inside the dwell and limits beyond the policy make none
//! and write nothing. The grant made is live, signed and journaled; the status bar shows it on
//! every tab, and revoking it from the Corridors tab (a reason, then y) takes it away.

use std::path::PathBuf;

use crossterm::event::KeyCode;
use quantlab::engine::automation::GrantState;
use quantlab::engine::execution::model::Event;
use quantlab::engine::execution::{journal, paths, CorridorId};
use quantlab::engine::promotion::Stage;
use quantlab::tui::app::Confirm;
use quantlab::tui::panes::order_confirm::DWELL;
use quantlab::tui::screens::corridors::CorridorsScreen;

use crate::common::console::{snapshot, Harness};
use crate::common::promotion::{promote_to, write_relaxed_gates};
use crate::promotion::Rig;

/// A rig whose candidate a sweep made, promoted to paper (what the fake venue's sessions need),
/// on a policy that allows grants of up to 8 hours on the fake corridor (the last
/// `[[corridor]]`); the console on the Corridors tab (the seventh), signing with the rig's
/// in-memory operator key.
fn open() -> (Rig, Harness) {
    let rig = Rig::new();
    rig.sweep();
    write_relaxed_gates(rig.ws.path());
    let policy = rig.ws.path().join("execution_policy.toml");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, format!("{text}\n[corridor.automation]\nmax_grant_hours = 8\n")).unwrap();
    promote_to(&rig.engine, &rig.candidate().id, Some(&Rig::fake()), Stage::Paper);
    let mut h = Harness::new(&rig.ws);
    h.engine = rig.engine.clone();
    h.key(KeyCode::Char('7'));
    assert_eq!(h.app.tab_title(), "Corridors");
    assert_eq!(h.tab::<CorridorsScreen>().selected(), Some(&Rig::fake()));
    (rig, h)
}

/// `A`, then the limits typed into the form's blank fields (Tab goes to the next one).
fn fill_form(h: &mut Harness, notional: &str) {
    h.key(KeyCode::Char('A'));
    assert!(h.tab::<CorridorsScreen>().grant_form.is_some(), "{:?}", h.app.message);
    for _ in 0..3 {
        h.key(KeyCode::Tab);
    }
    for value in [notional, "3", "100", "200", "8"] {
        h.text(value);
        h.key(KeyCode::Tab);
    }
}

/// Enter on the form: the dialog opens and is drawn (its dwell starts with that frame).
fn open_dialog(h: &mut Harness) {
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, Some(Confirm::Grant), "{:?}", h.app.message);
    h.screen(120, 40);
}

fn typed(h: &Harness) -> String {
    h.app.grant.as_ref().expect("the dialog is open").typed().to_string()
}

fn erase(h: &mut Harness) {
    for _ in 0..typed(h).len() {
        h.key(KeyCode::Backspace);
    }
}

/// What a grant writes: its file, and the fake corridor's journal (its length and whether it
/// holds a grant's entry).
fn written(rig: &Rig) -> (Vec<PathBuf>, usize, bool) {
    let dir = rig.ws.path().join("automation");
    let files = walk(&dir);
    let j = paths::journal(rig.engine.workspace(), &Rig::fake());
    let entries = if j.exists() { journal::read(&j).unwrap() } else { Vec::new() };
    let grant =
        entries.iter().any(|e| matches!(e.event, Event::GrantMade { .. } | Event::GrantRevoked { .. }));
    (files, entries.len(), grant)
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else { return Vec::new() };
    read.flatten().flat_map(|e| if e.path().is_dir() { walk(&e.path()) } else { vec![e.path()] }).collect()
}

/// The venue's round trip (`venue connected (N ms)`) varies from run to run: written as
/// `<MS>`, the row kept its width so the border after it stays put.
fn steady(screen: &str) -> String {
    let mark = "venue connected (";
    let line = |l: &str| -> String {
        let Some(at) = l.find(mark).map(|i| i + mark.len()) else { return l.to_string() };
        let rest = &l[at..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let after = &rest[digits..];
        let blanks = after.strip_prefix(" ms)").map_or(0, |a| a.chars().take_while(|c| *c == ' ').count());
        let room = digits + blanks;
        let tail = &after[(" ms)".len() + blanks).min(after.len())..];
        format!("{}<MS> ms){}{tail}", &l[..at], " ".repeat(room.saturating_sub(4)))
    };
    screen.lines().map(line).collect::<Vec<_>>().join("\n") + "\n"
}

fn fake() -> CorridorId {
    Rig::fake()
}

#[test]
fn the_form_is_prefilled_from_the_corridor_and_the_dialog_shows_every_limit() {
    let (rig, mut h) = open();
    h.key(KeyCode::Char('A'));
    let form = h.tab::<CorridorsScreen>().grant_form.as_ref().expect("the form is open");
    assert_eq!(form.form.get("candidate"), rig.candidate().id, "the one candidate promoted on fake/main");
    assert_eq!((form.form.get("symbols"), form.form.get("order_types")), ("BTC/USD,ETH/USD", "market"));
    let s = h.screen(120, 40);
    assert!(
        s.contains("Grant automation on fake/main") && s.contains("8 hours; symbols BTC/USD,ETH/USD"),
        "{s}"
    );
    snapshot("grant_form_120x40", &steady(&s));
    snapshot("grant_form_80x24", &steady(&h.screen(80, 24)));
    // A limit that is not a number is refused in the form, naming it; no dialog.
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, None);
    assert!(h.screen(120, 40).contains("no grant: orders per day: a whole number is needed"));
    h.key(KeyCode::Esc);
    assert!(h.tab::<CorridorsScreen>().grant_form.is_none());

    fill_form(&mut h, "500");
    open_dialog(&mut h);
    let s = h.screen(120, 40);
    for line in [
        "max notional per order  500",
        "orders per day          3",
        "8 hours after it is made",
        "type the corridor's name, fake/main",
    ] {
        assert!(s.contains(line), "{line}:\n{s}");
    }
    assert!(
        s.contains("Enter confirm  Backspace erase  Esc/^c cancel"),
        "the dialog's own keys, not y/n:\n{s}"
    );
    snapshot("grant_dialog_120x40", &steady(&s));
    snapshot("grant_dialog_80x24", &steady(&h.screen(80, 24)));
}

#[test]
fn only_the_corridor_typed_after_the_dwell_and_enter_grant() {
    let (rig, mut h) = open();
    let before = written(&rig);
    assert!(!before.2 && before.0.is_empty(), "{before:?}");
    fill_form(&mut h, "500");
    open_dialog(&mut h);
    // Inside the dwell: nothing is typed, Enter does nothing.
    h.text("fake/main");
    h.key(KeyCode::Enter);
    assert_eq!(typed(&h), "", "keys inside the dwell are ignored");
    assert_eq!(h.app.confirm, Some(Confirm::Grant));
    h.advance(DWELL);
    // Another corridor's name: refused, the dialog stays open, nothing written.
    h.text("fake/other");
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, Some(Confirm::Grant));
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(is_err && msg.contains("type the corridor's name, fake/main"), "{msg}");
    assert!(h.screen(120, 40).contains("no grant: type the corridor's name"));
    assert_eq!(written(&rig), before);
    // A paste of the right name: text, never keys.
    erase(&mut h);
    h.paste("fake/main\n");
    assert_eq!(typed(&h), "", "a paste types nothing");
    h.key(KeyCode::Enter);
    assert_eq!(written(&rig), before, "nor confirms");
    // Esc closes it, nothing granted; the form stays to correct.
    h.key(KeyCode::Esc);
    assert_eq!((h.app.confirm, h.app.grant.is_none()), (None, true));
    assert!(h.tab::<CorridorsScreen>().grant_form.is_some());
    assert_eq!(written(&rig), before);

    // The name typed after the dwell, Enter: granted, signed, journaled, live.
    open_dialog(&mut h);
    h.advance(DWELL);
    h.text("fake/main");
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, None);
    let grants = rig.engine.automation().grants().unwrap();
    assert_eq!(grants.len(), 1, "{:?}", h.app.message);
    let v = &grants[0];
    assert_eq!(
        (&v.state, &v.grant.corridor, &v.grant.candidate),
        (&GrantState::Live, &fake(), &rig.candidate().id)
    );
    assert_eq!(v.grant.signature_holds(), Ok(()));
    assert_eq!(
        (v.grant.limits.max_orders_per_day, v.grant.expires_ms - v.grant.created_ms),
        (3, 8 * 3_600_000)
    );
    let (files, _, journaled) = written(&rig);
    assert_eq!((files.len(), journaled), (1, true));
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(!is_err && msg.contains(&format!("automation granted on fake/main: {}", v.grant.id)), "{msg}");
    assert!(h.tab::<CorridorsScreen>().grant_form.is_none(), "the form closes once granted");
    // The Corridors tab lists it live, with today's orders against its budget.
    let s = h.screen(120, 40);
    assert!(
        s.contains("automation (1 live)") && s.contains("● LIVE") && s.contains("orders today 0/3"),
        "{s}"
    );

    // The status bar shows it on another tab: where, today's orders left, time to expiry.
    h.key(KeyCode::Char('1'));
    h.app.now_ms = v.grant.expires_ms - (72 * 60_000);
    let s = h.screen(120, 40);
    assert!(s.contains("AUTO fake/main 3/3 left, 1h12m"), "{s}");
    snapshot("grant_status_bar_120x40", &s);
    h.key(KeyCode::Char('7'));
    h.app.now_ms = v.grant.expires_ms - (72 * 60_000);
    snapshot("grant_corridors_120x40", &steady(&h.screen(120, 40)));

    // Revoked from the Corridors tab: a reason (refused empty), then y.
    h.key(KeyCode::Char('x'));
    assert!(h.tab::<CorridorsScreen>().revoke_form.is_some(), "{:?}", h.app.message);
    h.key(KeyCode::Enter);
    assert!(h.screen(120, 40).contains("not revoked: a reason is needed"));
    assert_eq!(h.app.confirm, None);
    h.text("end of the test");
    h.app.now_ms = v.grant.expires_ms - (72 * 60_000);
    snapshot("grant_revoke_form_120x40", &steady(&h.screen(120, 40)));
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, Some(Confirm::RevokeGrant));
    assert!(h.screen(120, 40).contains("Revoke grant grant_"));
    h.key(KeyCode::Char('y'));
    let v = rig.engine.automation().grant(&v.grant.id).unwrap();
    let GrantState::Revoked { reason, recorded, .. } = &v.state else { panic!("{v:?}") };
    assert!(*recorded && reason.contains("end of the test"), "{reason}");
    let s = h.screen(120, 40);
    assert!(!s.contains("AUTO "), "the segment is gone:\n{s}");
    assert!(s.contains("○ revoked") && s.contains("automation (0 live)"), "{s}");
    h.key(KeyCode::Char('1'));
    assert!(!h.screen(120, 40).contains("AUTO "));
}

#[test]
fn limits_beyond_the_policy_refuse_even_the_right_name() {
    let (rig, mut h) = open();
    let before = written(&rig);
    // The example's micro stage allows 600 per order.
    fill_form(&mut h, "5000");
    open_dialog(&mut h);
    let s = h.screen(120, 40);
    assert!(s.contains("✖") && s.contains("max_order_notional") && s.contains("cannot be granted"), "{s}");
    h.advance(DWELL);
    h.text("fake/main");
    h.key(KeyCode::Enter);
    assert_eq!(h.app.confirm, Some(Confirm::Grant));
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(is_err && msg.contains("max_order_notional"), "{msg}");
    assert_eq!(written(&rig), before, "nothing written");
    assert!(rig.engine.automation().grants().unwrap().is_empty());
}

/// No live grant: `x` says so and opens nothing.
#[test]
fn revoke_without_a_live_grant_opens_nothing() {
    let (_rig, mut h) = open();
    h.key(KeyCode::Char('x'));
    assert!(h.tab::<CorridorsScreen>().revoke_form.is_none());
    let (is_err, msg) = h.app.message.clone().expect("said");
    assert!(is_err && msg.contains("no live grant on fake/main"), "{msg}");
}
