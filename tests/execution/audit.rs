//! Signed approvals and `quantlab audit verify`: approvals are signed with the operator's key
//! and verify; a forged approval inside a consistently rewritten journal (a valid hash chain
//! and head record) is caught by its signature, at audit and at submit; a key the workspace
//! does not trust is flagged; a broken chain is named; the key is created once; no secret key
//! material reaches the journal, the output or an error.

use super::execution_boundary::rig;
use crate::common;
use crate::common::rewrite;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::Ws;
use quantlab::engine::execution::audit_report::{AuditReport, ProblemKind};
use quantlab::engine::execution::intent::intent_digest;
use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::journal::{self, Journal};
use quantlab::engine::execution::model::{Approval, Event};
use quantlab::engine::execution::policy::EXAMPLE;
use quantlab::engine::execution::{operators, paths, Corridor, CorridorId, OperatorKey, Venue};
use quantlab::engine::secrets::{CredentialKey, CredentialStore, MemoryStore};
use quantlab::engine::venues::fake::FakeVenue;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::{Engine, ErrorKind};

struct Rig {
    ws: Ws,
    store: Arc<MemoryStore>,
    venue: Arc<FakeVenue>,
    id: CorridorId,
}

impl Rig {
    fn new() -> Rig {
        let ws = Ws::new();
        std::fs::write(ws.path().join("execution_policy.toml"), EXAMPLE).unwrap();
        Rig {
            ws,
            store: Arc::new(MemoryStore::default()),
            venue: Arc::new(FakeVenue::new()),
            id: CorridorId::new(Venue::Fake, "main").unwrap(),
        }
    }

    fn workspace(&self) -> Workspace {
        Workspace::at(self.ws.path())
    }

    /// The engine, with this rig's in-memory credential store (its fake venue is the
    /// workspace's persistent one, not `self.venue`).
    fn engine(&self) -> Engine {
        Engine::with_credentials(self.workspace(), self.store.clone())
    }

    /// A corridor on `self.venue`, as a fresh process would open it.
    fn open(&self) -> Corridor {
        Corridor::open(&self.workspace(), &self.id, self.venue.clone()).unwrap()
    }

    fn key(&self) -> OperatorKey {
        OperatorKey::load_or_create_as(self.store.as_ref(), &self.workspace(), "alice").unwrap()
    }

    fn journal(&self) -> PathBuf {
        paths::journal(&self.workspace(), &self.id)
    }

    /// The stored secret half of `operator`'s key, hex, as the keyring would hold it.
    fn secret(&self, operator: &str) -> String {
        self.store
            .get(&CredentialKey::operator(operator))
            .unwrap()
            .expect("a stored key")
            .expose()
            .to_string()
    }

    fn audit(&self) -> AuditReport {
        self.engine().execution().audit_verify(None, None).unwrap()
    }
}

use rewrite::rewrite;
use rig::{d, spec};

/// Make the intent bigger and its approval's digest match it: a larger order that looks
/// approved to everything but the signature.
fn forge_bigger_order(path: &Path) {
    let mut digest = None;
    rewrite(path, |e| match &mut e.event {
        Event::IntentCreated { intent } => {
            intent.quantity = d("0.01");
            digest = Some(intent_digest(intent));
        }
        Event::Approved { approval } => approval.intent_digest = digest.clone().unwrap(),
        _ => {}
    });
}

/// (line, approval) of every approval in the journal.
fn approvals(path: &Path) -> Vec<(usize, Approval)> {
    journal::read(path)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.event {
            Event::Approved { approval } => Some((e.seq as usize, approval)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_rewrite_helper_writes_exactly_what_quantlab_writes() {
    let r = Rig::new();
    let e = r.engine();
    let i = e.execution().intent_new(spec()).unwrap();
    e.execution().submit(&i.id, false).unwrap();
    let before = std::fs::read(r.journal()).unwrap();
    rewrite(&r.journal(), |_| {});
    assert_eq!(std::fs::read(r.journal()).unwrap(), before);
    assert!(journal::verify(&r.journal()).unwrap().ok);
}

#[test]
fn an_approval_is_signed_with_the_operator_key_and_verifies() {
    let r = Rig::new();
    let e = r.engine();
    let i = e.execution().intent_new(spec()).unwrap();
    assert_eq!(e.execution().submit(&i.id, false).unwrap().status, "open");
    let key = e.execution().operator_key().unwrap();
    let all = approvals(&r.journal());
    let (_, a) = &all[0];
    assert_eq!(a.operator.as_deref(), Some(key.operator()));
    assert_eq!(a.public_key.as_deref(), Some(key.public_key().as_str()));
    assert_eq!(a.signature.as_ref().map(String::len), Some(128));

    let report = r.audit();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.trusted_keys, 1);
    let c = &report.corridors[0];
    assert!(c.chain_ok && c.first_problem.is_none());
    assert_eq!((c.approvals, c.signed, c.unsigned_tolerated), (1, 1, 0));
}

#[test]
fn a_forged_approval_in_a_consistent_journal_is_named_by_audit_verify() {
    let flip_signature = |p: &Path| {
        rewrite(p, |e| {
            if let Event::Approved { approval } = &mut e.event {
                let s = approval.signature.as_mut().unwrap();
                let last = if s.ends_with('0') { "1" } else { "0" };
                s.replace_range(s.len() - 1.., last);
            }
        })
    };
    for forge in [flip_signature as fn(&Path), forge_bigger_order] {
        let r = Rig::new();
        let e = r.engine();
        let i = e.execution().intent_new(spec()).unwrap();
        e.execution().submit(&i.id, false).unwrap();
        let (line, _) = approvals(&r.journal())[0].clone();
        forge(&r.journal());
        assert!(journal::verify(&r.journal()).unwrap().ok, "the chain and head were recomputed");

        let report = e.execution().audit_verify(Some(Venue::Fake), Some("main")).unwrap();
        assert!(!report.ok);
        let c = &report.corridors[0];
        assert!(c.chain_ok);
        let p = c.first_problem.as_ref().unwrap();
        assert_eq!(p.kind, ProblemKind::SignatureInvalid, "{p:?}");
        assert_eq!((p.line, p.seq, p.intent_id.as_deref()), (line, Some(line as u64), Some(i.id.as_str())));
        assert!(p.why.contains("does not match the approval record"), "{}", p.why);
        assert_eq!(c.journal, r.journal().display().to_string());
        let alerts = quantlab::engine::alerts::list(&r.workspace()).unwrap();
        assert!(alerts
            .iter()
            .any(|a| a.alert.code == "JOURNAL_TAMPERED" && a.alert.message.contains("signature")));
    }
}

#[tokio::test]
async fn submit_refuses_an_approval_whose_signature_was_forged() {
    let r = Rig::new();
    let key = r.key();
    let mut c = r.open();
    let i = c.create_intent(spec()).unwrap();
    c.rehearse(&i.id, &key).unwrap();
    drop(c);
    forge_bigger_order(&r.journal());

    // The journal verifies, so the corridor opens; the intent looks approved as changed.
    let mut c = r.open();
    assert_eq!(c.state().intents[&i.id].intent.quantity, d("0.01"));
    let e = c.submit(&i.id, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    assert!(e.message.contains("signature does not verify"), "{}", e.message);
    assert!(!e.message.contains(&r.secret("alice")));
    assert_eq!(r.venue.with(|s| s.submits_received), 0, "nothing reached the venue");
    assert!(
        !c.entries().iter().any(|e| matches!(e.event, Event::SubmitStarted { .. })),
        "nothing journaled as sent"
    );
    assert!(c.entries().iter().any(|e| matches!(e.event, Event::SubmitRefused { .. })));
}

#[tokio::test]
async fn an_approval_signed_by_a_key_the_workspace_does_not_trust_is_flagged_and_never_sent() {
    let r = Rig::new();
    // A real key, trusted by another workspace only.
    let elsewhere = tempfile::tempdir().unwrap();
    let foreign =
        OperatorKey::load_or_create_as(&MemoryStore::default(), &Workspace::at(elsewhere.path()), "alice")
            .unwrap();
    let mut c = r.open();
    let i = c.create_intent(spec()).unwrap();
    c.rehearse(&i.id, &foreign).unwrap();
    let e = c.submit(&i.id, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    assert!(e.message.contains("does not trust"), "{}", e.message);
    assert!(r.venue.orders().is_empty());
    drop(c);

    let report = r.audit();
    assert!(!report.ok);
    let p = report.corridors[0].first_problem.clone().unwrap();
    assert_eq!(p.kind, ProblemKind::UnknownKey);
    assert_eq!(p.intent_id.as_deref(), Some(i.id.as_str()));
    assert!(p.why.contains(&foreign.public_key()) && p.why.contains("operators.json"), "{}", p.why);

    // The bad approval halted the corridor (issue 21, item 8): even the operator's own key,
    // trusted here, sends nothing while it is in the journal.
    let mut c = r.open();
    assert!(c.halted().unwrap().contains("unknown key"), "{:?}", c.halted());
    // Refused at the key (a halted corridor approves nothing), and at submit.
    let e = c.rehearse(&i.id, &r.key()).unwrap_err();
    assert!(e.kind == ErrorKind::Refused && e.message.contains("halted"), "{}", e.message);
    let e = c.submit(&i.id, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    assert!(r.venue.orders().is_empty());
    let e = c.rearm().await.unwrap_err();
    assert!(e.message.contains("fails its audit") && e.message.contains("quantlab kill"), "{}", e.message);
    drop(c);
    // The operator's way out: the kill switch keeps the journal aside, a fresh segment starts,
    // and a clean reconciliation rearms it.
    // (The engine runs its own runtime: off this one. Its fake venue is the workspace's.)
    std::thread::scope(|s| {
        s.spawn(|| {
            r.engine().execution().kill(Some(Venue::Fake), Some("main"), "unknown key").unwrap();
            assert!(r.audit().ok);
            r.engine().execution().rearm(Some(Venue::Fake), Some("main")).unwrap();
        });
    });
    let mut c = r.open();
    let j = c.create_intent(spec()).unwrap();
    c.rehearse(&j.id, &r.key()).unwrap();
    c.submit(&j.id, false).await.unwrap();
    assert_eq!(r.venue.orders().len(), 1);
}

#[test]
fn a_broken_chain_is_named_with_its_line() {
    let r = Rig::new();
    let e = r.engine();
    let i = e.execution().intent_new(spec()).unwrap();
    e.execution().submit(&i.id, false).unwrap();
    let text = std::fs::read_to_string(r.journal()).unwrap();
    let line = text.lines().position(|l| l.contains("\"kind\":\"submit_started\"")).unwrap() + 1;
    let edited: String = text
        .lines()
        .enumerate()
        .map(|(n, l)| if n + 1 == line { l.replace("49900", "39900") } else { l.to_string() } + "\n")
        .collect();
    std::fs::write(r.journal(), edited).unwrap();

    let report = r.audit();
    assert!(!report.ok);
    let c = &report.corridors[0];
    assert!(!c.chain_ok);
    let p = c.first_problem.as_ref().unwrap();
    assert_eq!((p.kind, p.line), (ProblemKind::ChainBroken, line), "{p:?}");
    assert!(p.why.contains("does not match its hash"), "{}", p.why);
    // The approval before the break was still checked, and holds.
    assert_eq!((c.approvals, c.signed), (1, 1));

    // Whole lines cut off the end: the head record names the missing sequence.
    std::fs::write(r.journal(), text.lines().take(line - 1).map(|l| format!("{l}\n")).collect::<String>())
        .unwrap();
    let p = r.audit().corridors[0].first_problem.clone().unwrap();
    assert_eq!((p.kind, p.line), (ProblemKind::ChainBroken, line), "{p:?}");
    assert!(p.why.contains("missing"), "{}", p.why);
}

#[test]
fn the_operator_key_is_created_once_and_reused() {
    let r = Rig::new();
    let e = r.engine();
    let k1 = e.execution().operator_key().unwrap();
    for _ in 0..2 {
        let i = e.execution().intent_new(spec()).unwrap();
        e.execution().submit(&i.id, false).unwrap();
    }
    // Another process on the same keyring and workspace.
    let k2 = r.engine().execution().operator_key().unwrap();
    assert_eq!(k1.public_key(), k2.public_key());
    let keys: Vec<String> = approvals(&r.journal()).into_iter().filter_map(|(_, a)| a.public_key).collect();
    assert_eq!(keys, vec![k1.public_key(), k1.public_key()]);
    let trusted = operators::load(&r.workspace()).unwrap();
    assert_eq!(trusted.operators.len(), 1);
    assert_eq!(trusted.operators[0].origin, operators::Origin::Created);
    // Listed by name among the secrets, never by value.
    let names = e.venues().secrets().unwrap();
    let own = format!("operator/{}", k1.operator());
    let listed = names.iter().find(|n| n.name == own).unwrap();
    assert_eq!(
        (listed.present, listed.operator.as_deref(), listed.venue),
        (Some(true), Some(k1.operator()), None)
    );
}

/// Issue 21, item 10. Bypass: a keyring that keeps nothing between processes (headless
/// keyutils without a persistent keyring) made every submit attempt, refused ones too, create a
/// new operator key and trust it (11 keys after 3 approvals). Now the second process finds the
/// workspace already trusting a key the keyring does not hold: no key is made, the approval is
/// journaled unsigned (fake venue only) and the trust list keeps one key. A replacement is made
/// only on purpose (`secrets new-operator-key`).
#[test]
fn a_keyring_that_keeps_nothing_never_grows_the_trust_list() {
    let r = Rig::new();
    // Each engine is a new process with an empty keyring.
    let process = || Engine::with_credentials(r.workspace(), Arc::new(MemoryStore::default()));
    let mut outcomes = Vec::new();
    for _ in 0..3 {
        let i = process().execution().intent_new(spec()).unwrap();
        outcomes.push(process().execution().submit(&i.id, false).unwrap());
        let again = process().execution().submit(&i.id, false).unwrap_err();
        assert_eq!(again.kind, ErrorKind::BadInput, "{}", again.message);
    }
    let trusted = operators::load(&r.workspace()).unwrap();
    assert_eq!(trusted.operators.len(), 1, "one key: {:?}", trusted.operators);
    let signed: Vec<bool> = approvals(&r.journal()).iter().map(|(_, a)| a.signature.is_some()).collect();
    assert_eq!(signed, vec![true, false, false]);
    for o in &outcomes[1..] {
        assert!(o.message.contains("approval unsigned"), "{}", o.message);
    }
    // A live corridor gets no key either: the store error says what happened.
    let e = OperatorKey::load_or_create(&MemoryStore::default(), &r.workspace()).unwrap_err();
    assert!(e.message.contains("did not keep it") && e.message.contains("new-operator-key"), "{}", e.message);
    assert_eq!(operators::load(&r.workspace()).unwrap().operators.len(), 1);

    // On purpose, a new key is made and trusted beside the old one; not while one is kept.
    let store = Arc::new(MemoryStore::default());
    let e = Engine::with_credentials(r.workspace(), store.clone());
    let k = e.execution().operator_key_replace().unwrap();
    assert_eq!(operators::load(&r.workspace()).unwrap().operators.len(), 2);
    assert_eq!(e.execution().operator_key().unwrap().public_key(), k.public_key());
    assert_eq!(e.execution().operator_key_replace().unwrap_err().kind, ErrorKind::BadInput);
    assert_eq!(operators::load(&r.workspace()).unwrap().operators.len(), 2);
}

#[tokio::test]
async fn unsigned_approvals_are_tolerated_on_the_fake_venue_only() {
    let r = Rig::new();
    let mut c = r.open();
    let i = c.create_intent(spec()).unwrap();
    c.rehearse_unsigned(&i.id).unwrap();
    c.submit(&i.id, false).await.unwrap();
    drop(c);
    let line = std::fs::read_to_string(r.journal()).unwrap();
    let approved = line.lines().find(|l| l.contains("\"kind\":\"approved\"")).unwrap();
    assert!(!approved.contains("signature"), "an unsigned approval is written as before signing: {approved}");
    let report = r.audit();
    assert!(report.ok, "{report:?}");
    assert_eq!((report.corridors[0].signed, report.corridors[0].unsigned_tolerated), (0, 1));

    // A live corridor never journals one, and audit fails one found there.
    let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
    let ws = r.workspace();
    let mut c = Corridor::open(&ws, &kraken, Arc::new(FakeVenue::posing_as(Venue::Kraken))).unwrap();
    let i = c.create_intent(IntentSpec { venue: Venue::Kraken, ..spec() }).unwrap();
    assert_eq!(c.rehearse_unsigned(&i.id).unwrap_err().kind, ErrorKind::Refused);
    drop(c);
    let mut j = Journal::open(&paths::journal(&ws, &kraken)).unwrap();
    let unsigned = Approval {
        intent_id: i.id.clone(),
        by: "console keypress (alice)".into(),
        approved_ms: i.created_ms,
        expires_ms: i.created_ms + 30_000,
        intent_digest: intent_digest(&i),
        operator: None,
        public_key: None,
        signature: None,
        automation: None,
    };
    let seq = j.append(Event::Approved { approval: unsigned }, false).unwrap().seq;
    drop(j);
    let report = r.engine().execution().audit_verify(Some(Venue::Kraken), Some("main")).unwrap();
    let p = report.corridors[0].first_problem.clone().unwrap();
    assert_eq!((p.kind, p.seq, p.intent_id), (ProblemKind::Unsigned, Some(seq), Some(i.id.clone())));
}

/// `quantlab audit verify` from the binary: exit 0 and one line per corridor when all holds,
/// exit 3 naming the first bad entry when not; no secret key material anywhere.
#[test]
fn the_cli_names_the_first_bad_entry_and_leaks_no_key() {
    let r = Rig::new();
    let e = r.engine();
    let i = e.execution().intent_new(spec()).unwrap();
    e.execution().submit(&i.id, false).unwrap();
    let key = e.execution().operator_key().unwrap();
    let secret = r.secret(key.operator());
    let text = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("quantlab")
            .unwrap()
            .arg("--workspace")
            .arg(r.ws.path())
            .args(args)
            .env_remove("QUANTLAB_WORKSPACE")
            .output()
            .unwrap();
        let all = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        (out.status.code().unwrap_or(-1), all)
    };

    let (code, v) = r.ws.json(&["audit", "verify"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["corridors"][0]["signed"], 1);
    let (code, ok_text) = text(&["audit", "verify"]);
    assert_eq!(code, 0);
    assert!(ok_text.contains("fake/main: ok") && ok_text.contains("1 signed"), "{ok_text}");

    let line = approvals(&r.journal())[0].0;
    forge_bigger_order(&r.journal());
    assert_eq!(r.ws.json(&["journal", "verify"]).0, 0, "the chain alone does not see it");
    let (code, v) = r.ws.json(&["audit", "verify", "--venue", "fake", "--account", "main"]);
    assert_eq!(code, 3, "{v}");
    let p = &v["result"]["corridors"][0]["first_problem"];
    assert_eq!(p["kind"], "signature_invalid");
    assert_eq!(p["line"], line);
    assert_eq!(p["intent_id"], i.id.as_str());
    let (code, bad_text) = text(&["audit", "verify"]);
    assert_eq!(code, 3);
    let expected = format!("line {line} (seq {line}), intent {}: signature invalid", i.id);
    assert!(bad_text.contains("FAILED") && bad_text.contains(&expected), "{bad_text}");

    // Nothing printed or written holds the secret key.
    let mut seen = format!("{ok_text}{bad_text}{v}{key:?}");
    for args in [vec!["journal", "show", "--venue", "fake", "--account", "main"], vec!["intent", "list"]] {
        seen += &text(&args).1;
    }
    assert!(!seen.contains(&secret), "the secret key reached the output");
    for (name, bytes) in r.ws.snapshot() {
        assert!(!String::from_utf8_lossy(&bytes).contains(&secret), "the secret key reached {name}");
    }
}

/// A credential store that keeps nothing, as a keyring without a session keyring.
struct NoKeyring;

impl CredentialStore for NoKeyring {
    fn name(&self) -> &'static str {
        "the OS keyring"
    }
    fn set(
        &self,
        key: &CredentialKey,
        _: &quantlab::engine::secrets::Secret,
    ) -> quantlab::engine::Result<()> {
        Err(quantlab::engine::Error::runtime(format!(
            "the OS keyring could not store {}: No matching entry found in secure storage",
            key.name()
        )))
    }
    fn get(&self, _: &CredentialKey) -> quantlab::engine::Result<Option<quantlab::engine::secrets::Secret>> {
        Ok(None)
    }
    fn delete(&self, _: &CredentialKey) -> quantlab::engine::Result<bool> {
        Ok(false)
    }
}

/// Where no keyring works: the operator key cannot be had, and the error says how to fix the
/// keyring; a fake-venue rehearsal still goes, unsigned and saying so, and audit reports it.
#[test]
fn without_a_keyring_the_error_says_how_to_fix_it_and_rehearsals_go_unsigned() {
    let r = Rig::new();
    let e = Engine::with_credentials(r.workspace(), Arc::new(NoKeyring));
    let err = e.execution().operator_key().unwrap_err();
    assert!(err.message.contains(quantlab::engine::secrets::KEYRING_HELP), "{}", err.message);
    assert!(err.message.contains("keyctl session"), "{}", err.message);
    let i = e.execution().intent_new(spec()).unwrap();
    let out = e.execution().submit(&i.id, false).unwrap();
    assert_eq!(out.status, "open");
    assert!(out.message.contains("approval unsigned"), "{}", out.message);
    assert!(approvals(&r.journal())[0].1.signature.is_none());
    assert!(operators::load(&r.workspace()).unwrap().operators.is_empty(), "no key, nothing trusted");
    let report = r.audit();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.corridors[0].unsigned_tolerated, 1);
}

/// Signed and unsigned approvals match the journal entry schema; a half-signed one does not.
#[test]
fn approvals_match_the_journal_entry_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/contracts/journal_entry.schema.json");
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let mut lines = Vec::new();
    for store in [Arc::new(MemoryStore::default()) as Arc<dyn CredentialStore>, Arc::new(NoKeyring)] {
        let r = Rig::new();
        let e = Engine::with_credentials(r.workspace(), store);
        let i = e.execution().intent_new(spec()).unwrap();
        e.execution().submit(&i.id, false).unwrap();
        let text = std::fs::read_to_string(r.journal()).unwrap();
        lines.push(text.lines().find(|l| l.contains("\"kind\":\"approved\"")).unwrap().to_string());
        for l in text.lines() {
            let doc: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v.is_valid(&doc), "{l}");
        }
    }
    assert!(lines[0].contains("\"signature\"") && !lines[1].contains("\"signature\""));
    let mut half: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    half["event"]["approval"].as_object_mut().unwrap().remove("signature");
    assert!(!v.is_valid(&half), "operator and public key without a signature");
}
