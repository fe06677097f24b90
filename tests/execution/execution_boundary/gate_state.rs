//! The live gate told truthfully: approvals are refused at the key (nothing journaled) on a
//! halted, kill-switched or unarmed live corridor and for an expired intent; the corridor lists
//! and preflight say the real arm state; a promotion report opens the gate only when signed by
//! a trusted operator key and unchanged since.

use std::sync::Arc;

use quantlab::engine::execution::arm_state::ArmState;
use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::policy::EXAMPLE;
use quantlab::engine::execution::promote::{self, PromotionReport, PROMOTION_SCHEMA};
use quantlab::engine::execution::{
    global_halt, paths, Confirmation, Corridor, CorridorId, OperatorKey, Venue,
};
use quantlab::engine::gate::GateOutcome;
use quantlab::engine::secrets::MemoryStore;
use quantlab::engine::venues::fake::FakeVenue;
use quantlab::engine::workspace::{write_json, Workspace};
use quantlab::engine::{Engine, ErrorKind};

use super::rig::*;

/// A workspace with one live corridor, `kraken/main`, answered by the fake venue posing as
/// Kraken (no money moves); micro-live limits, or `full` ones that need the promotion gate.
struct Live {
    _dir: tempfile::TempDir,
    ws: Workspace,
    venue: Arc<FakeVenue>,
    id: CorridorId,
}

impl Live {
    fn new(full: bool) -> Live {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        trust(&ws);
        let mut policy = EXAMPLE.replace("venue = \"fake\"", "venue = \"kraken\"");
        if full {
            policy = policy.replace("stage = \"micro\"", "stage = \"full\"");
        }
        std::fs::write(dir.path().join("execution_policy.toml"), policy).unwrap();
        Live {
            _dir: dir,
            ws,
            venue: Arc::new(FakeVenue::posing_as(Venue::Kraken)),
            id: CorridorId::new(Venue::Kraken, "main").unwrap(),
        }
    }

    fn open(&self) -> Corridor {
        Corridor::open(&self.ws, &self.id, self.venue.clone()).unwrap()
    }
}

fn kraken() -> IntentSpec {
    IntentSpec { venue: Venue::Kraken, ..spec() }
}

/// The operator's keypress on `intent_id` through the console's order dialog, opened on the
/// corridor as it is now; a refusal by the dialog comes back as the refusal it shows.
fn keypress(c: &mut Corridor, intent_id: &str) -> quantlab::engine::Result<()> {
    match crate::common::keypress::press(c, intent_id, c.arm_state()) {
        GateOutcome::Confirmed(witness) => c.approve(Confirmation::keypress(*witness), key()).map(|_| ()),
        GateOutcome::Refused(why) => Err(quantlab::engine::Error::new(ErrorKind::Refused, why)),
        other => panic!("the dialog did neither confirm nor refuse: {other:?}"),
    }
}

fn approvals(c: &Corridor) -> usize {
    c.entries().iter().filter(|e| serde_json::to_value(&e.event).unwrap()["kind"] == "approved").count()
}

fn refused(r: quantlab::engine::Result<()>, want: &str) -> String {
    let e = r.expect_err("refused");
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    assert!(e.message.contains(want), "expected {want:?} in: {}", e.message);
    e.message
}

/// Attack: approve while the corridor is halted (its own kill switch, or the all-corridor
/// one), so a signed `approved` entry sits in the journal for later. Refused at the key, the
/// journal gains nothing, and the refusal names the rule.
#[tokio::test]
async fn approving_on_a_halted_or_kill_switched_corridor_journals_nothing() {
    let r = Rig::new();
    let mut c = r.open();
    c.kill("drill").await.unwrap();
    let i2 = c.create_intent(spec()).unwrap();
    let before = c.entries().len();
    refused(c.rehearse(&i2.id, key()).map(|_| ()), "corridor_armed");
    refused(keypress(&mut c, &i2.id), "halted");
    assert_eq!((c.entries().len(), approvals(&c)), (before, 0), "nothing journaled");

    // The all-corridor kill switch, on a corridor that was never halted itself.
    let r = Rig::new();
    let mut c = r.open();
    let i = c.create_intent(spec()).unwrap();
    global_halt::set(&r.ws, "operator pressed K").unwrap();
    let before = c.entries().len();
    refused(c.rehearse(&i.id, key()).map(|_| ()), "kill switch (all corridors)");
    assert_eq!((c.entries().len(), approvals(&c)), (before, 0));
    // The control: lifted, the same approval goes through (so the refusal above was the halt).
    global_halt::clear(&r.ws).unwrap();
    c.rehearse(&i.id, key()).unwrap();
    assert_eq!(approvals(&c), 1);
}

/// Attack: approve an intent after its expiry, so the record exists even though submit would
/// refuse it. Refused at the key; nothing journaled.
#[tokio::test]
async fn approving_an_expired_intent_journals_nothing() {
    let r = Rig::new();
    let mut c = r.open();
    let i = c.create_intent(IntentSpec { ttl_ms: Some(1), ..spec() }).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let before = c.entries().len();
    refused(c.rehearse(&i.id, key()).map(|_| ()), "intent_not_expired");
    assert_eq!((c.entries().len(), approvals(&c)), (before, 0));
}

/// Attack: approve on a live corridor that is not armed (never armed, or its lease ran out),
/// to send later. Refused at the key with the real state; once armed the keypress approves.
#[tokio::test]
async fn approving_on_an_unarmed_live_corridor_journals_nothing() {
    let l = Live::new(false);
    let mut c = l.open();
    let i = c.create_intent(kraken()).unwrap();
    refused(keypress(&mut c, &i.id), "disarmed");
    assert_eq!(approvals(&c), 0);
    let armed = c.arm().await.unwrap();
    assert_eq!(armed.state, ArmState::Armed, "{:?}", armed.checks);
    // The dialog was drawn while armed; nobody renews the lease, and past its end the
    // corridor is not armed any more when the key lands: the engine refuses at the key.
    let stale = crate::common::keypress::keypress(&c, &i.id);
    c.advance_clock(61_000);
    assert_eq!(c.arm_status().label(), "lease expired");
    refused(c.approve(stale, key()).map(|_| ()), "lease expired");
    refused(keypress(&mut c, &i.id), "disarmed");
    assert_eq!(approvals(&c), 0);
    // Armed again, the same keypress approves: the refusals were the arm state.
    drop(c);
    let mut c = l.open();
    c.arm().await.unwrap();
    keypress(&mut c, &i.id).unwrap();
    assert_eq!(approvals(&c), 1);
    c.submit(&i.id, false).await.unwrap();
    assert_eq!(l.venue.orders().len(), 1);
}

/// `corridor_armed` checks the arm state, not just the absence of a halt: it fails on an
/// unarmed live corridor, names the state, and passes once armed; a dry run (nothing placed)
/// and the fake venue need no arming and say so instead of claiming "armed".
#[tokio::test]
async fn preflight_corridor_armed_fails_when_a_live_corridor_is_unarmed() {
    let l = Live::new(false);
    let mut c = l.open();
    let line = |pf: &quantlab::engine::execution::preflight::ExecutionPreflight| {
        pf.checks.iter().find(|c| c.rule == "corridor_armed").unwrap().clone()
    };
    let i = c.create_intent(kraken()).unwrap();
    let pf = c.preflight(&i.id).await.unwrap();
    let ch = line(&pf);
    assert!(!ch.passed && ch.actual == "disarmed" && ch.limit == "armed", "{ch:?}");
    assert_eq!(pf.failed().len(), 1, "only the arm state: {}", pf.reasons());
    // A dry run places nothing: the venue validates it on an unarmed corridor.
    let out = c.submit(&i.id, true).await.unwrap();
    assert_eq!(out.status, "valid", "{}", out.message);
    c.arm().await.unwrap();
    let ch = line(&c.preflight(&i.id).await.unwrap());
    assert!(ch.passed && ch.actual == "armed", "{ch:?}");
    c.advance_clock(61_000);
    let ch = line(&c.preflight(&i.id).await.unwrap());
    assert!(!ch.passed && ch.actual == "lease expired", "{ch:?}");

    let r = Rig::new();
    let mut c = r.open();
    let i = c.create_intent(spec()).unwrap();
    let ch = line(&c.preflight(&i.id).await.unwrap());
    assert!(ch.passed && ch.actual.contains("needs no arming") && ch.actual != "armed", "{ch:?}");
}

/// `quantlab corridors` (and `corridor list`) said "armed" for every corridor not halted. Each
/// state is now the real one: disarmed, armed, lease expired, halted, in the text and the JSON.
#[tokio::test]
async fn the_corridor_lists_say_the_real_arm_state() {
    let l = Live::new(false);
    let engine = Engine::with_credentials(l.ws.clone(), Arc::new(MemoryStore::default()));
    let cli = |args: &[&str]| -> String {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_quantlab"))
            .arg("--workspace")
            .arg(l.ws.root())
            .args(args)
            .env_remove("QUANTLAB_WORKSPACE")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let row = |text: &str| text.lines().find(|l| l.starts_with("kraken/main")).unwrap_or("").to_string();
    let check = |want: &str, state: ArmState| {
        let s = engine
            .execution()
            .corridors()
            .unwrap()
            .into_iter()
            .find(|s| s.corridor.venue == Venue::Kraken)
            .unwrap();
        assert_eq!((s.arm.label(), s.arm.state), (want, state), "{s:?}");
        for args in [&["corridors"][..], &["corridor", "list"][..]] {
            let line = row(&cli(args));
            let shown = line.split_whitespace().skip(1).take(2).collect::<Vec<_>>().join(" ");
            assert!(shown.to_lowercase().starts_with(want), "{args:?}: want {want}: {line}");
        }
    };
    let mut c = l.open();
    c.create_intent(kraken()).unwrap();
    check("disarmed", ArmState::Disarmed);
    c.arm().await.unwrap();
    check("armed", ArmState::Armed);
    // The lease ran out (its supervisor died): the journal still says armed, the lists do not.
    let lease = l.ws.root().join("corridors/kraken/main/lease.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&lease).unwrap()).unwrap();
    v["expires_ms"] = serde_json::json!(1_000);
    std::fs::write(&lease, serde_json::to_vec(&v).unwrap()).unwrap();
    check("lease expired", ArmState::Disarmed);
    c.kill("drill").await.unwrap();
    check("halted", ArmState::Halted);
}

/// The checklist report as `promote check` would make it, passed, unsigned.
fn report(l: &Live, c: &Corridor, n: u32) -> PromotionReport {
    PromotionReport {
        schema: PROMOTION_SCHEMA.into(),
        schema_version: 1,
        id: format!("promo_20990101T0000{n:02}Z_0000000{n}"),
        corridor: l.id.clone(),
        created_at: "2099-01-01T00:00:00Z".into(),
        policy_fingerprint: c.policy_fingerprint(),
        passed: true,
        items: Vec::new(),
        operator: None,
        public_key: None,
        signature: None,
    }
}

fn write(l: &Live, r: &PromotionReport) -> std::path::PathBuf {
    let p = paths::promotions(&l.ws, &l.id).join(format!("{}.json", r.id));
    write_json(&p, r).unwrap();
    p
}

/// Attack: a report written by hand with `"passed": true`, a signed report edited after
/// signing, and a report signed by a key the workspace does not trust. None opens the gate:
/// arming is refused, and preflight (so every submit) refuses with the reason.
#[tokio::test]
async fn a_promotion_report_opens_the_gate_only_signed_by_a_trusted_key_and_unchanged() {
    let l = Live::new(true);
    let mut c = l.open();
    let i = c.create_intent(kraken()).unwrap();
    let promotion = |c: &Corridor| {
        let pf = c.evaluate(&c.state().intents[&i.id].intent, Err("not read"));
        pf.checks.into_iter().find(|c| c.rule == "promotion").unwrap()
    };

    // Hand-written: no signature. The message says to run the check again.
    let p = write(&l, &report(&l, &c, 1));
    let m = refused(c.arm().await.map(|_| ()), "is not signed");
    assert!(m.contains("quantlab promote check --venue kraken --account main` again"), "{m}");
    let line = promotion(&c);
    assert!(!line.passed && line.actual.contains("not signed"), "{line:?}");
    std::fs::remove_file(p).unwrap();

    // Signed by a key this workspace does not trust.
    let other = tempfile::tempdir().unwrap();
    let stranger =
        OperatorKey::load_or_create_as(&MemoryStore::default(), &Workspace::at(other.path()), "tester")
            .unwrap();
    let mut r = report(&l, &c, 2);
    promote::sign(&mut r, &stranger);
    let p = write(&l, &r);
    refused(c.arm().await.map(|_| ()), "does not trust");
    assert!(!promotion(&c).passed);
    std::fs::remove_file(p).unwrap();

    // Signed by the trusted key, then edited: a failed report made to read as passed.
    let mut r = report(&l, &c, 3);
    r.passed = false;
    promote::sign(&mut r, key());
    r.passed = true;
    let p = write(&l, &r);
    refused(c.arm().await.map(|_| ()), "does not verify");
    assert!(!promotion(&c).passed);
    std::fs::remove_file(p).unwrap();
    assert!(l.venue.orders().is_empty());
    assert_eq!(c.arm_status().state, ArmState::Disarmed);

    // The control: signed by the trusted key and unchanged, it opens the gate.
    let mut r = report(&l, &c, 4);
    promote::sign(&mut r, key());
    let p = write(&l, &r);
    let line = promotion(&c);
    assert!(line.passed && line.actual == format!("report {}", r.id), "{line:?}");
    assert_eq!(c.arm().await.unwrap().state, ArmState::Armed);
    keypress(&mut c, &i.id).unwrap();

    // Armed and approved, then the report is edited: the submit is refused at preflight.
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    v["created_at"] = serde_json::json!("2099-01-02T00:00:00Z");
    std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
    let e = c.submit(&i.id, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    assert!(e.message.contains("promotion") && e.message.contains("does not verify"), "{}", e.message);
    // A hand-written newer one beside it does not help either.
    write(&l, &report(&l, &c, 5));
    let e = c.submit(&i.id, false).await.unwrap_err();
    assert!(e.message.contains("promotion"), "{}", e.message);
    assert!(l.venue.orders().is_empty(), "nothing reached the venue");
}
