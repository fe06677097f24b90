//! The loopback gate: the environment's credential (QUANTLAB_LOOPBACK_CREDENTIAL) and operator
//! key (QUANTLAB_LOOPBACK_OPERATOR_KEY) stand in for the keyring only on a corridor whose every
//! URL reaches this machine. Each test tries a bypass and asserts it is refused:
//! - hostile `venues.toml` URLs (user info, IPv4-mapped and unspecified addresses, numeric
//!   spellings, backslashes, a hostile websocket URL behind a loopback REST one) with the
//!   environment credential set: refused, exit 3, naming venues.toml and the field;
//! - the environment operator key asked to sign for a corridor that is not loopback: refused;
//! - an approval signed by the environment key, journaled while the corridor was loopback,
//!   submitted after `venues.toml` points elsewhere: refused at submit, flagged by
//!   `quantlab audit verify` (exit 3);
//! - `quantlab sim --listen` on every interface, `[::]`, a LAN address or an IPv4-mapped
//!   address: refused before anything is bound.
//!
//! Hostile URLs name documentation addresses (203.0.113.0/24, 2001:db8::/32) and no host name,
//! so even a regression sends no DNS query; requests, if any, could only go nowhere.

#![cfg(unix)]

use crate::common;
use crate::common::keypress;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Ws;
use quantlab::engine::execution::approval_sign::LOOPBACK_OPERATOR_ENV;
use quantlab::engine::execution::arm_state::ArmState;
use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::operators::{self, Origin};
use quantlab::engine::execution::policy::EXAMPLE;
use quantlab::engine::execution::{Corridor, CorridorId, OperatorKey, Venue};
use quantlab::engine::secrets::{CredentialKey, CredentialStore, Secret, LOOPBACK_ENV};
use quantlab::engine::venues::connect::corridor_loopback;
use quantlab::engine::venues::factory::VenueAdapters;
use quantlab::engine::venues::fake::FakeVenue;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::{Error, ErrorKind};
use serde_json::Value;

const KRAKEN_CREDENTIAL: &str = "gate-key:Z2F0ZS10ZXN0LXNlY3JldC1uZXZlci1hLXJlYWwta2V5";
const HL_CREDENTIAL: &str = "0x0123456789012345678901234567890123456789012345678901234567890123";
const HL_ACCOUNT: &str = "0x00000000000000000000000000000000000000a1";
/// The environment operator key's seed (hex); never a keyring key.
const OPERATOR_SEED: &str = "5151515151515151515151515151515151515151515151515151515151515151";

/// `[table] ... field = value` lines for one hostile case: (field named in the refusal, the
/// lines of the account's table). Short timeouts: should the gate ever let one through, the
/// attempt to reach a documentation address ends quickly.
fn hostile_entries() -> Vec<(&'static str, String)> {
    let base = |url: &str| format!("base_url = {url:?}\ntimeout_ms = 300\n");
    let ws = |field: &str, url: &str| {
        format!("base_url = \"http://127.0.0.1:9\"\n{field} = {url:?}\ntimeout_ms = 300\n")
    };
    vec![
        ("base_url", base("https://localhost:x@203.0.113.5")),
        ("base_url", base("http://127.0.0.1@203.0.113.5:8790")),
        ("base_url", base("http://127.0.0.1:8790@203.0.113.5")),
        ("base_url", base("http://[::ffff:203.0.113.5]:8790")),
        ("base_url", base("http://[::ffff:127.0.0.1]:8790")),
        ("base_url", base("http://[::]:8790")),
        ("base_url", base("http://[2001:db8::1]:8790")),
        ("base_url", base("http://0.0.0.0:8790")),
        ("base_url", base("http://203.0.113.5:8790")),
        ("base_url", base("http://3405803781:8790")),
        ("base_url", base("http://2130706433:8790")),
        ("base_url", base("http://0x7f.0.0.1:8790")),
        ("base_url", base("http://0313.0.0161.5:8790")),
        ("base_url", base("http://127.1:8790")),
        ("base_url", base("http://127.0.0.1\\@203.0.113.5:8790")),
        ("base_url", base("http://%31%32%37.0.0.1:8790")),
        ("base_url", base("http:127.0.0.1:8790")),
        ("ws_url", ws("ws_url", "ws://203.0.113.5:8790/kraken/v2")),
        ("ws_auth_url", ws("ws_auth_url", "wss://localhost:x@203.0.113.5/v2")),
    ]
}

struct Out {
    code: i32,
    /// stdout: the JSON document.
    json: String,
    /// stdout and stderr.
    text: String,
}

/// The binary on `dir` with `env` set (the loopback variables are removed unless given).
fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Out {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quantlab"));
    c.arg("--workspace").arg(dir).arg("--json").args(args);
    c.env_remove("QUANTLAB_WORKSPACE").env_remove(LOOPBACK_ENV).env_remove(LOOPBACK_OPERATOR_ENV);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    let json = String::from_utf8_lossy(&out.stdout).into_owned();
    let text = format!("{json}{}", String::from_utf8_lossy(&out.stderr));
    Out { code: out.status.code().unwrap_or(-1), json, text }
}

fn error_message(case: &str, o: &Out) -> String {
    let v: Value =
        serde_json::from_str(&o.json).unwrap_or_else(|e| panic!("[{case}] not JSON ({e}): {}", o.text));
    v["error"]["message"].as_str().unwrap_or_else(|| panic!("[{case}] no error: {v}")).to_string()
}

#[test]
fn hostile_venue_urls_never_get_the_environment_credential() {
    let cases = hostile_entries();
    assert!(cases.len() >= 12, "at least 12 hostile URLs");
    for (venue, credential, extra) in [
        ("kraken", KRAKEN_CREDENTIAL, String::new()),
        ("hyperliquid", HL_CREDENTIAL, format!("account = \"{HL_ACCOUNT}\"\n")),
    ] {
        for (field, entry) in &cases {
            let case = format!("{venue}: {}", entry.lines().find(|l| l.contains(field)).unwrap());
            let ws = Ws::new();
            std::fs::write(ws.path().join("venues.toml"), format!("[{venue}.main]\n{entry}{extra}")).unwrap();
            let env = [(LOOPBACK_ENV, credential)];
            let o = run(ws.path(), &env, &["corridor", "arm", "--venue", venue, "--account", "main"]);
            assert_eq!(o.code, 3, "[{case}] refused by the safety gate: {}", o.text);
            let msg = error_message(&case, &o);
            let named = format!("venues.toml: [{venue}.main] {field} is not loopback");
            assert!(msg.contains(&named), "[{case}] names venues.toml and the field: {msg}");
            assert!(msg.contains(LOOPBACK_ENV), "[{case}] names the refused variable: {msg}");
            assert!(msg.contains(&format!("quantlab secrets set {venue} --account main")), "[{case}] {msg}");
            for secret in [credential, "localhost:x"] {
                assert!(!o.text.contains(secret), "[{case}] {secret} is in the output: {}", o.text);
            }
            assert!(!o.text.contains(&credential[credential.len() - 12..]), "[{case}] {}", o.text);
        }
    }
}

/// The same gate lets the simulator's own kinds of address through: the refusal above comes
/// from the URL, not from the variable. Nothing listens on port 9 of loopback; doctor reports
/// the credential taken from the environment (a warning), then an unreachable venue.
#[test]
fn loopback_urls_still_take_the_environment_credential() {
    for url in ["http://127.0.0.1:9", "http://[::1]:9", "http://localhost:9", "http://127.3.2.1:9"] {
        let ws = Ws::new();
        let entry = format!("[kraken.main]\nbase_url = {url:?}\ntimeout_ms = 300\n");
        std::fs::write(ws.path().join("venues.toml"), entry).unwrap();
        let o = run(
            ws.path(),
            &[(LOOPBACK_ENV, KRAKEN_CREDENTIAL)],
            &["doctor", "--venue", "kraken", "--account", "main"],
        );
        let v: Value = serde_json::from_str(&o.json).unwrap();
        let first = &v["result"]["checks"][0];
        assert_eq!(
            (first["name"].as_str(), first["verdict"].as_str()),
            (Some("credentials"), Some("warn")),
            "[{url}] {v}"
        );
        assert!(first["detail"].as_str().unwrap().contains(LOOPBACK_ENV), "[{url}] {v}");
        assert!(!o.text.contains(KRAKEN_CREDENTIAL), "[{url}] {}", o.text);
    }
}

/// A credential store where no keyring works (a headless box without a session keyring).
struct NoKeyring;

impl CredentialStore for NoKeyring {
    fn name(&self) -> &'static str {
        "no keyring"
    }
    fn set(&self, key: &CredentialKey, _: &Secret) -> quantlab::engine::Result<()> {
        Err(Error::runtime(format!("no keyring can store {}", key.name())))
    }
    fn get(&self, key: &CredentialKey) -> quantlab::engine::Result<Option<Secret>> {
        Err(Error::runtime(format!("no keyring can read {}", key.name())))
    }
    fn delete(&self, _: &CredentialKey) -> quantlab::engine::Result<bool> {
        Ok(false)
    }
}

fn kraken_spec() -> IntentSpec {
    common::intents::limit_buy(Venue::Kraken, "BTC/USD")
}

const LOOPBACK_VENUES: &str = "[kraken.main]\nbase_url = \"http://127.0.0.1:8790\"\n";
const HOSTILE_VENUES: &str = "[kraken.main]\nbase_url = \"https://localhost:x@203.0.113.5\"\n";

/// `quantlab audit verify` on `ws`: (exit code, the report).
fn audit(ws: &Ws) -> (i32, Value) {
    let o = run(ws.path(), &[], &["audit", "verify"]);
    let v: Value =
        serde_json::from_str(&o.json).unwrap_or_else(|e| panic!("audit verify: not JSON ({e}): {}", o.text));
    (o.code, v)
}

/// The operator-key variable's value is handed to the engine as the CLI would read it, so no
/// test sets it in this process (the others running beside it would see it).
#[tokio::test]
async fn an_environment_key_approval_is_refused_off_loopback_at_signing_submit_and_audit() {
    let ws = Ws::new();
    let w = Workspace::at(ws.path());
    let policy = EXAMPLE.replace("venue = \"fake\"", "venue = \"kraken\"");
    std::fs::write(ws.path().join("execution_policy.toml"), policy).unwrap();
    let venues = |text: &str| std::fs::write(ws.path().join("venues.toml"), text).unwrap();
    let id = CorridorId::new(Venue::Kraken, "main").unwrap();

    // Bypass 1: the environment key signing for a corridor that is not loopback.
    venues(HOSTILE_VENUES);
    let for_live = || {
        OperatorKey::for_live_as(&NoKeyring, &w, "e2e", Some(OPERATOR_SEED.into()), || {
            corridor_loopback(&w, &id)
        })
    };
    let e = for_live().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    assert!(e.message.contains(LOOPBACK_OPERATOR_ENV), "{}", e.message);
    assert!(e.message.contains("venues.toml: [kraken.main] base_url is not loopback"), "{}", e.message);
    assert!(!e.message.contains(OPERATOR_SEED) && !e.message.contains("localhost:x"), "{}", e.message);
    assert!(operators::load(&w).unwrap().operators.is_empty(), "nothing trusted");

    // On the simulator it signs, and the workspace records where the key came from.
    venues(LOOPBACK_VENUES);
    let (key, warning) = for_live().unwrap();
    assert!(warning.unwrap().contains(LOOPBACK_OPERATOR_ENV));
    let trusted = operators::load(&w).unwrap();
    assert_eq!(trusted.operators[0].origin, Origin::LoopbackEnvironment);
    assert!(trusted.is_from_environment(&key.public_key()));

    // Approved while the corridor was the simulator: the fake venue answers as Kraken.
    let venue = Arc::new(FakeVenue::posing_as(Venue::Kraken));
    let mut c = Corridor::open(&w, &id, venue.clone()).unwrap().with_venues(Arc::new(VenueAdapters));
    c.arm().await.unwrap();
    let approve = |c: &mut Corridor| {
        let i = c.create_intent(kraken_spec()).unwrap();
        c.approve(keypress::keypress(c, &i.id), &key).unwrap();
        i.id
    };
    let first = approve(&mut c);

    // Bypass 2: venues.toml now points the corridor at another host; the approval is submitted.
    venues(HOSTILE_VENUES);
    let e = c.submit(&first, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{}", e.message);
    assert!(e.message.contains(LOOPBACK_OPERATOR_ENV), "{}", e.message);
    assert!(e.message.contains("venues.toml: [kraken.main] base_url is not loopback"), "{}", e.message);
    assert!(venue.orders().is_empty(), "nothing reached the venue");

    // The same kind of approval on the simulator goes out: the refusal came from the URL.
    venues(LOOPBACK_VENUES);
    let second = approve(&mut c);
    c.submit(&second, false).await.unwrap();
    assert_eq!(venue.orders().len(), 1);
    let (code, v) = audit(&ws);
    assert_eq!(code, 0, "loopback: the environment key's approvals are in order: {v}");

    // Bypass 3: the journal of a corridor that is not loopback holds environment-key approvals.
    venues(HOSTILE_VENUES);
    let (code, v) = audit(&ws);
    assert_eq!(code, 3, "{v}");
    let c0 = &v["result"]["corridors"][0];
    assert_eq!(c0["ok"], false, "{v}");
    let problems = c0["problems"].as_array().unwrap();
    let flagged: Vec<&str> = problems
        .iter()
        .filter(|p| p["kind"] == "environment_key")
        .map(|p| p["intent_id"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, vec![first.as_str(), second.as_str()], "{v}");
    let why = problems[0]["why"].as_str().unwrap();
    assert!(why.contains("venues.toml: [kraken.main] base_url is not loopback"), "{why}");
    assert!(!v.to_string().contains(OPERATOR_SEED), "the seed is never shown");
}

/// This machine's address on its default route, else a documented private address. The UDP
/// `connect` only picks a route; it sends nothing.
fn lan_address() -> String {
    let sock = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    let ip = sock.connect("192.0.2.1:9").and_then(|_| sock.local_addr()).map(|a| a.ip());
    match ip {
        Ok(ip) if !ip.is_loopback() && !ip.is_unspecified() => ip.to_string(),
        _ => "10.0.0.1".into(),
    }
}

#[test]
fn the_simulator_refuses_to_listen_anywhere_but_loopback() {
    let ws = Ws::new();
    let cfg = ws.path().join("sim.toml");
    let state = ws.path().join("sim.state.json");
    std::fs::write(
        &cfg,
        format!("state = {:?}\n[market]\nseed = 11\ntick_ms = 100\n", state.display().to_string()),
    )
    .unwrap();
    // A port free a moment ago; nothing must be bound to it, on any address.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let lan = lan_address();
    let listens = [
        format!("0.0.0.0:{port}"),
        format!("[::]:{port}"),
        format!("{lan}:{port}"),
        format!("[::ffff:127.0.0.1]:{port}"),
    ];
    for listen in &listens {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quantlab"))
            .arg("--workspace")
            .arg(ws.path())
            .args(["--json", "sim", "--config", cfg.to_str().unwrap(), "--listen", listen])
            .env_remove("QUANTLAB_WORKSPACE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("[{listen}] the simulator is running: it was not refused");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(status.code(), Some(2), "[{listen}] {stdout}");
        assert!(!stdout.contains("listening"), "[{listen}] nothing was bound: {stdout}");
        let v: Value = serde_json::from_str(&stdout).unwrap();
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.starts_with("--listen "), "[{listen}] names the flag: {msg}");
        assert!(
            msg.contains("is not a loopback address") && msg.contains("loopback only"),
            "[{listen}] {msg}"
        );
        assert!(!state.exists(), "[{listen}] no state was written");
    }
}

/// A Kraken client pointed at `base` (REST and websockets), with a throwaway credential.
fn kraken_client_at(base: &str, dir: &Path) -> quantlab::engine::venues::kraken::adapter::KrakenAdapter {
    use quantlab::engine::venues::http::Http;
    use quantlab::engine::venues::kraken::adapter::KrakenAdapter;
    use quantlab::engine::venues::kraken::auth::KrakenSecret;
    use quantlab::engine::venues::kraken::client::KrakenClient;
    use quantlab::engine::venues::kraken::nonce_store::PersistedNonce;
    let secret = KRAKEN_CREDENTIAL.split_once(':').unwrap().1;
    let client = KrakenClient::new(
        base,
        Http::new(300).unwrap(),
        "gate-key".into(),
        KrakenSecret::from_base64(secret).unwrap(),
        PersistedNonce::open(&dir.join("kraken.nonce")).unwrap(),
    );
    let ws = format!("{}/ws", base.replace("http", "ws"));
    KrakenAdapter::new(client, &ws, &ws)
}

/// Bypass: a build with the test suite's `test-keys` feature makes keys in code; such a key
/// confirms in the dialog, and the confirmation is handed to an armed corridor whose venue
/// client reaches a real host. Refused at the approval, before anything is journaled; the
/// same synthetic key on a client of this machine's loopback approves, so the refusal came
/// from where the client connects.
#[tokio::test]
async fn a_synthetic_key_never_approves_an_order_for_a_venue_off_loopback() {
    let ws = Ws::new();
    let w = Workspace::at(ws.path());
    let policy = EXAMPLE.replace("venue = \"fake\"", "venue = \"kraken\"");
    std::fs::write(ws.path().join("execution_policy.toml"), policy).unwrap();
    let id = CorridorId::new(Venue::Kraken, "main").unwrap();
    let key =
        OperatorKey::load_or_create_as(&quantlab::engine::secrets::MemoryStore::default(), &w, "tester")
            .unwrap();
    // Armed (the lease is journaled) through an in-process venue answering as Kraken.
    Corridor::open(&w, &id, Arc::new(FakeVenue::posing_as(Venue::Kraken))).unwrap().arm().await.unwrap();
    for (base, off_loopback) in [
        ("http://203.0.113.5:8790", true),
        ("http://[::ffff:203.0.113.5]:8790", true),
        ("http://127.0.0.1:9", false),
    ] {
        let mut c = Corridor::open(&w, &id, Arc::new(kraken_client_at(base, ws.path()))).unwrap();
        assert_eq!(c.arm_state(), ArmState::Armed, "{base}");
        let i = c.create_intent(kraken_spec()).unwrap();
        let confirmation = keypress::keypress(&c, &i.id);
        assert!(confirmation.synthetic(), "the test build's key is marked synthetic");
        let r = c.approve(confirmation, &key);
        let status = c.state().intents[&i.id].status.name();
        if off_loopback {
            let e = r.unwrap_err();
            assert_eq!(e.kind, ErrorKind::Refused, "{base}: {}", e.message);
            assert!(e.message.contains("a synthetic key"), "{base}: {}", e.message);
            assert!(e.message.contains("base_url is not loopback"), "{base}: {}", e.message);
            assert_eq!(status, "pending", "{base}: nothing approved");
        } else {
            r.unwrap_or_else(|e| panic!("{base}: {}", e.message));
            assert_eq!(status, "approved", "{base}");
        }
    }
}
