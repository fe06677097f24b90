//! `quantlab doctor` and `quantlab order preview` through the real binary against a real
//! `quantlab sim` process, on Kraken and Hyperliquid: doctor passing, and failing for its own
//! reasons (credential missing, malformed or refused; a drifted venue clock; nothing listening);
//! the exact signed request a preview prints (secrets redacted, nothing placed, journaled as a
//! dry run), attached exits, Kraken's validate-only order, and bad input.

#![cfg(unix)]

use crate::common;
use crate::common::sim_process;

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use common::Ws;
use hmac::{Hmac, Mac};
use quantlab::engine::venues::evm::signer::EvmSigner;
use serde_json::{json, Value};
use sha2::{Digest, Sha256, Sha512};
use sim_process::SimProcess;

const LOOPBACK: &str = "QUANTLAB_LOOPBACK_CREDENTIAL";
const KRAKEN_KEY: &str = "venue-cli-key";
/// Base64 of a throwaway string; never a real key.
const KRAKEN_SECRET: &str = "dmVudWUtY2xpLXRlc3Qtc2VjcmV0LW5ldmVyLWEtcmVhbC1rZXk=";
/// The Hyperliquid agent (API wallet) key of tests/common/sim.rs; its address is derived.
const HL_AGENT_KEY: &str = "0x0123456789012345678901234567890123456789012345678901234567890123";
/// A key the simulator knows nothing about.
const HL_STRANGER_KEY: &str = "0x4567456745674567456745674567456745674567456745674567456745674567";
const HL_ACCOUNT: &str = "0x00000000000000000000000000000000000000a1";
const VENUES: [&str; 2] = ["kraken", "hyperliquid"];

fn credential(venue: &str) -> String {
    if venue == "kraken" {
        format!("{KRAKEN_KEY}:{KRAKEN_SECRET}")
    } else {
        HL_AGENT_KEY.to_string()
    }
}

fn agent_address() -> String {
    EvmSigner::from_hex(HL_AGENT_KEY).unwrap().address().to_lower_hex()
}

fn start_sim() -> SimProcess {
    SimProcess::start(&format!(
        "[market]\nseed = 11\ntick_ms = 100\n[[kraken.accounts]]\n\
         api_key = \"{KRAKEN_KEY}\"\napi_secret = \"{KRAKEN_SECRET}\"\nbalances = {{ ZUSD = \"100000\" }}\n\
         [[hyperliquid.accounts]]\naddress = \"{HL_ACCOUNT}\"\nagents = [\"{}\"]\nusdc = \"100000\"\n",
        agent_address()
    ))
}

/// A workspace whose `venues.toml` points `account` on both venues at `base_url`.
fn workspace(base_url: &str, account: &str) -> Ws {
    let ws = Ws::new();
    let text = format!(
        "[kraken.{account}]\nbase_url = \"{base_url}\"\n\
         [hyperliquid.{account}]\nbase_url = \"{base_url}\"\naccount = \"{HL_ACCOUNT}\"\n"
    );
    std::fs::write(ws.path().join("venues.toml"), text).unwrap();
    ws
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    fn both(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// The binary on the workspace `dir`, with no credential in its environment.
fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quantlab"));
    c.arg("--workspace").arg(dir).env_remove("QUANTLAB_WORKSPACE").env_remove(LOOPBACK);
    c
}

/// The binary on `dir`; `cred` is the loopback credential (None: the variable is removed).
fn run(dir: &Path, json: bool, cred: Option<&str>, args: &[&str]) -> Out {
    let mut c = bin(dir);
    if json {
        c.arg("--json");
    }
    if let Some(cred) = cred {
        c.env(LOOPBACK, cred);
    }
    let out = c.args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Out { code: out.status.code().unwrap_or(-1), stdout: text(&out.stdout), stderr: text(&out.stderr) }
}

fn doctor(ws: &Ws, venue: &str, account: &str, json: bool, cred: Option<&str>) -> Out {
    run(ws.path(), json, cred, &["doctor", "--venue", venue, "--account", account])
}

/// `--json order preview --venue V --account main ARGS` with the venue's loopback credential.
fn preview(ws: &Ws, venue: &str, args: &[&str]) -> Out {
    let head = ["order", "preview", "--venue", venue, "--account", "main"];
    run(ws.path(), true, Some(&credential(venue)), &with(&head, args))
}

/// The journal's events with `dry_run` copied in; empty when there is no journal yet.
fn journal(ws: &Ws, venue: &str) -> Vec<Value> {
    let o = run(ws.path(), true, None, &["journal", "show", "--venue", venue, "--account", "main"]);
    if o.code == 5 {
        return Vec::new();
    }
    assert_eq!(o.code, 0, "journal show {venue}: {}", o.stdout);
    let entries = o.json()["result"]["entries"].as_array().unwrap().clone();
    entries.into_iter().map(|e| json!({ "dry_run": e["dry_run"], "event": e["event"] })).collect()
}

fn of_kind(events: &[Value], kind: &str) -> Vec<Value> {
    events.iter().filter(|e| e["event"]["kind"] == kind).map(|e| e["event"].clone()).collect()
}

/// No credential (nor the Hyperliquid key's bare hex) in `text`.
fn assert_no_secret(case: &str, text: &str) {
    for s in [KRAKEN_KEY, KRAKEN_SECRET, HL_AGENT_KEY, &HL_AGENT_KEY[2..]] {
        assert!(!text.contains(s), "[{case}] a secret ({s}) is in the output:\n{text}");
    }
}

/// Every file the CLI wrote in the workspace (journal, logs, alerts, nonces), as text.
fn workspace_text(dir: &Path) -> String {
    let mut out = String::new();
    for p in std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()) {
        if p.is_dir() {
            out.push_str(&workspace_text(&p));
        } else {
            out.push_str(&String::from_utf8_lossy(&std::fs::read(&p).unwrap()));
        }
    }
    out
}

#[derive(Debug, serde::Deserialize)]
struct Check {
    name: String,
    verdict: String,
    detail: String,
}

fn checks(case: &str, v: &Value) -> Vec<Check> {
    serde_json::from_value(v["result"]["checks"].clone()).unwrap_or_else(|e| panic!("[{case}] {e}: {v}"))
}

fn pick<'a>(case: &str, list: &'a [Check], name: &str) -> &'a Check {
    list.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("[{case}] no '{name}' check: {list:?}"))
}

#[test]
fn doctor_passes_every_check_on_both_venues_in_json_and_in_text() {
    let sim = start_sim();
    let ws = workspace(&sim.url, "main");
    for venue in VENUES {
        let case = format!("{venue} doctor --json");
        let o = doctor(&ws, venue, "main", true, Some(&credential(venue)));
        assert_eq!(o.code, 0, "[{case}] {}", o.stdout);
        assert_no_secret(&case, &o.both());
        let v = o.json();
        assert_eq!(v["result"]["ok"], true, "[{case}] {v}");
        assert_eq!(v["result"]["base_url"], sim.url, "[{case}]");
        let list = checks(&case, &v);
        let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
        let proof: &[&str] = if venue == "kraken" { &["signed request"] } else { &["account", "agent"] };
        let want =
            [&["credentials", "reachable", "venue status", "clock skew"][..], proof, &["instrument rules"]];
        assert_eq!(names, want.concat(), "[{case}] one entry per check");
        // The loopback credential always warns that it came from the environment.
        assert_eq!(list[0].verdict, "warn", "[{case}] {:?}", list[0]);
        assert!(list[0].detail.contains(LOOPBACK), "[{case}] {:?}", list[0]);
        assert!(list[1..].iter().all(|c| c.verdict == "pass"), "[{case}] {list:?}");
        assert!(pick(&case, &list, "reachable").detail.contains(&sim.url), "[{case}] {list:?}");
        assert_eq!(pick(&case, &list, "venue status").detail, "online", "[{case}]");
        if venue == "hyperliquid" {
            let agent = pick(&case, &list, "agent").detail.to_lowercase();
            assert!(agent.contains(&agent_address()), "[{case}] the key's own address: {agent}");
            assert!(
                agent.ends_with("; actions signed for testnet"),
                "[{case}] the loopback default network: {agent}"
            );
        }

        let case = format!("{venue} doctor (text)");
        let o = doctor(&ws, venue, "main", false, Some(&credential(venue)));
        assert_eq!(o.code, 0, "[{case}] {}", o.both());
        assert_no_secret(&case, &o.both());
        let lines: Vec<&str> = o.stdout.lines().collect();
        assert_eq!(lines.len(), names.len() + 1, "[{case}] a line per check, then 'ready':\n{}", o.stdout);
        for (line, name) in lines.iter().zip(&names) {
            let word = if *name == "credentials" { "WARN" } else { "PASS" };
            assert!(line.starts_with(&format!("{word}  {name} ")), "[{case}] '{line}' is not {word} {name}");
        }
        assert_eq!(lines.last(), Some(&"ready"), "[{case}]");
    }
    // Kraken's signed balance read reached the venue with the key and was accepted.
    let signed: Vec<Value> = sim.log().into_iter().filter(|e| e["caller"] == KRAKEN_KEY).collect();
    assert!(!signed.is_empty() && signed.iter().all(|e| e["accepted"] == true), "[kraken signed] {signed:?}");
    assert!(sim.orders().is_empty(), "doctor places nothing: {:?}", sim.orders());
    assert_no_secret("workspace after doctor", &workspace_text(ws.path()));
}

#[test]
fn doctor_fails_on_a_missing_a_malformed_or_a_refused_credential_without_echoing_it() {
    let sim = start_sim();
    // An account no keyring on this machine holds, so the keyring never supplies a credential.
    let account = format!("venuecli-cred-{}", std::process::id());
    let ws = workspace(&sim.url, &account);
    for venue in VENUES {
        let fix = format!("quantlab secrets set {venue} --account {account}");
        for json in [true, false] {
            let case = format!("{venue} doctor, no credential, json={json}");
            let o = doctor(&ws, venue, &account, json, None);
            assert_eq!(o.code, 2, "[{case}] {}", o.both());
            assert!(o.both().contains(&fix), "[{case}] the message names the fix: {}", o.both());
            assert_no_secret(&case, &o.both());
        }

        // A credential of the wrong shape: the credentials check fails (exit 2), nothing else
        // runs, and the value is not echoed.
        let case = format!("{venue} doctor, malformed credential");
        let bad = "malformed-5ecr3t-value";
        let o = doctor(&ws, venue, &account, true, Some(bad));
        assert_eq!(o.code, 2, "[{case}] {}", o.stdout);
        let list = checks(&case, &o.json());
        assert_eq!(list.len(), 1, "[{case}] nothing runs without a credential: {list:?}");
        assert_eq!((list[0].name.as_str(), list[0].verdict.as_str()), ("credentials", "fail"), "[{case}]");
        assert!(!o.both().contains(bad), "[{case}] the value is echoed: {}", o.both());

        // A well-formed key the venue does not know: the check that proves the key fails.
        let case = format!("{venue} doctor, unknown key");
        let (cred, proof) = if venue == "kraken" {
            (format!("stranger-key:{KRAKEN_SECRET}"), "signed request")
        } else {
            (HL_STRANGER_KEY.to_string(), "agent")
        };
        let o = doctor(&ws, venue, &account, true, Some(&cred));
        assert_eq!(o.code, 4, "[{case}] {}", o.stdout);
        let list = checks(&case, &o.json());
        let c = pick(&case, &list, proof);
        assert_eq!(c.verdict, "fail", "[{case}] {c:?}");
        let why = if venue == "kraken" { "EAPI:Invalid key" } else { "is not an approved agent" };
        assert!(c.detail.contains(why), "[{case}] {c:?}");
        assert!(!o.both().contains(&cred[2..]), "[{case}] the key is echoed: {}", o.both());
    }
}

/// A missing credential is a failed `credentials` check (exit 2: the setup to fix, with the
/// command that fixes it), not an aborted doctor; a key the venue refuses is the venue's
/// answer (exit 4).
#[test]
fn doctor_reports_a_missing_credential_as_a_failed_check_and_a_refused_key_as_the_venue_s() {
    let sim = start_sim();
    let account = format!("venuecli-credcheck-{}", std::process::id());
    let ws = workspace(&sim.url, &account);
    for venue in VENUES {
        let case = format!("{venue} doctor, no credential, as a check");
        let o = doctor(&ws, venue, &account, true, None);
        assert_eq!(o.code, 2, "[{case}] {}", o.stdout);
        let list = checks(&case, &o.json());
        let c = pick(&case, &list, "credentials");
        assert!(c.verdict == "fail" && c.detail.contains("quantlab secrets set"), "[{case}] {c:?}");
        let case = format!("{venue} doctor, refused key");
        let cred =
            if venue == "kraken" { format!("stranger:{KRAKEN_SECRET}") } else { HL_STRANGER_KEY.into() };
        let o = doctor(&ws, venue, &account, true, Some(&cred));
        assert_eq!(o.code, 4, "[{case}] {}", o.stdout);
    }
}

#[test]
fn doctor_fails_the_clock_check_when_the_venue_clock_is_two_minutes_ahead() {
    let sim = start_sim();
    let ws = workspace(&sim.url, "main");
    sim.fault("clock-offset", &["120000"]);
    for venue in VENUES {
        let case = format!("{venue} doctor, clock +120 s");
        let o = doctor(&ws, venue, "main", true, Some(&credential(venue)));
        assert_eq!(o.code, 4, "[{case}] {}", o.stdout);
        let v = o.json();
        assert_eq!(v["result"]["ok"], false, "[{case}]");
        let list = checks(&case, &v);
        let clock = pick(&case, &list, "clock skew");
        assert_eq!(clock.verdict, "fail", "[{case}] {clock:?}");
        let ms: i64 = clock.detail.split_whitespace().nth(2).and_then(|s| s.parse().ok()).unwrap_or(0);
        assert!((118_000..=122_000).contains(&ms), "[{case}] skew {ms} from '{}'", clock.detail);
        let others: Vec<&Check> =
            list.iter().filter(|c| c.verdict == "fail" && c.name != "clock skew").collect();
        assert!(others.is_empty(), "[{case}] only the clock is wrong: {others:?}");
        let o = doctor(&ws, venue, "main", false, Some(&credential(venue)));
        assert!(o.stdout.lines().any(|l| l.starts_with("FAIL  clock skew")), "[{case} text] {}", o.stdout);
        assert!(o.stdout.ends_with("not ready\n"), "[{case} text] {}", o.stdout);
    }
    // The offset, and nothing else, made it fail.
    sim.fault("clear", &[]);
    for venue in VENUES {
        let o = doctor(&ws, venue, "main", true, Some(&credential(venue)));
        assert_eq!(o.code, 0, "[{venue} doctor, clock cleared] {}", o.stdout);
    }
}

#[test]
fn doctor_fails_reachability_when_nothing_listens() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let ws = workspace(&url, "main");
    for venue in VENUES {
        let case = format!("{venue} doctor, closed port");
        let o = doctor(&ws, venue, "main", true, Some(&credential(venue)));
        assert_eq!(o.code, 4, "[{case}] {}", o.stdout);
        assert_no_secret(&case, &o.both());
        let list = checks(&case, &o.json());
        let reach = pick(&case, &list, "reachable");
        assert_eq!(reach.verdict, "fail", "[{case}] {reach:?}");
        assert!(reach.detail.contains(&url), "[{case}] names the URL: {reach:?}");
        assert!(!list.iter().any(|c| c.name == "clock skew"), "[{case}] stops there: {list:?}");
    }
}

fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    [base, more].concat()
}

mod pretrade;
mod preview;
