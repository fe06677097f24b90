//! Secrets never leak. Known credentials go where an operator puts them: a Kraken API key and
//! secret and a Hyperliquid agent key into the OS keyring (the kernel keyutils store, so every
//! QuantLab process here runs inside `keyctl session -`), and another Kraken credential into
//! the loopback simulator's environment variable. Then doctor, order preview, corridor arm and
//! status, intent new, submit --dry-run, alerts and the console's Corridors tab run against a
//! real `quantlab sim` at `-vv`, and stdout, stderr, the console's screen and every file of
//! the workspace (its logs and alerts.jsonl included) are searched for each secret: raw, hex
//! (any case, with or without 0x) and base64 (standard and URL-safe, at any byte alignment).

#![cfg(unix)]

use crate::common;
use crate::common::pty;
use crate::common::sim_process;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use common::Ws;
use quantlab::engine::venues::evm::signer::EvmSigner;
use serde_json::Value;
use sim_process::SimProcess;

const LOOPBACK: &str = quantlab::engine::secrets::LOOPBACK_ENV;
/// The Kraken account in the keyring: its API key, and its secret before base64.
const KEYRING_API_KEY: &str = "qlcanary-keyring-api-key";
const KEYRING_SECRET: &[u8] = b"qlcanary kraken secret, kept in the keyring: never print, log or store it";
/// The Hyperliquid agent key in the keyring (a valid secp256k1 scalar; never a real key).
const HL_KEY: &str = "0x5ec2e7c0ffee5ec2e7c0ffee5ec2e7c0ffee5ec2e7c0ffee5ec2e7c0ffeeab12";
const HL_ACCOUNT: &str = "0x00000000000000000000000000000000000000a1";
/// The Kraken account whose credential is only in the environment (loopback simulator only).
const ENV_API_KEY: &str = "qlcanary-environment-api-key";
const ENV_SECRET: &[u8] = b"qlcanary kraken secret from the environment, for the loopback simulator only";

fn b64(raw: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(raw)
}

fn keyring_credential() -> String {
    format!("{KEYRING_API_KEY}:{}", b64(KEYRING_SECRET))
}

fn env_credential() -> String {
    format!("{ENV_API_KEY}:{}", b64(ENV_SECRET))
}

/// What must never be seen, each with the forms it could take.
struct Needles(Vec<(String, Vec<u8>, bool)>);

impl Needles {
    fn new() -> Needles {
        let hl = hex::decode(&HL_KEY[2..]).unwrap();
        let mut n = Needles(Vec::new());
        for (name, raw) in [
            ("keyring Kraken secret", KEYRING_SECRET.to_vec()),
            ("keyring Kraken secret (base64 text)", b64(KEYRING_SECRET).into_bytes()),
            ("keyring Kraken credential", keyring_credential().into_bytes()),
            ("keyring Kraken API key", KEYRING_API_KEY.as_bytes().to_vec()),
            ("Hyperliquid agent key", hl),
            ("Hyperliquid agent key (hex text)", HL_KEY.as_bytes()[2..].to_vec()),
            ("Hyperliquid agent key (0x text)", HL_KEY.as_bytes().to_vec()),
            ("environment Kraken secret", ENV_SECRET.to_vec()),
            ("environment Kraken secret (base64 text)", b64(ENV_SECRET).into_bytes()),
            ("environment Kraken credential", env_credential().into_bytes()),
            ("environment Kraken API key", ENV_API_KEY.as_bytes().to_vec()),
        ] {
            n.add(name, &raw);
        }
        n
    }

    /// `raw` itself; its hex (matched in any case, so with or without 0x, upper or lower);
    /// its base64, standard and URL-safe, at each of the three alignments it can have inside
    /// a longer encoded blob (the inner characters, which depend on the secret alone).
    fn add(&mut self, name: &str, raw: &[u8]) {
        self.0.push((format!("{name} (raw)"), raw.to_vec(), false));
        self.0.push((format!("{name} (hex)"), hex::encode(raw).into_bytes(), true));
        for shift in 0..3 {
            let mut shifted = vec![0u8; shift];
            shifted.extend_from_slice(raw);
            for (alphabet, enc) in [
                ("base64", STANDARD_NO_PAD.encode(&shifted)),
                ("base64url", URL_SAFE_NO_PAD.encode(&shifted)),
            ] {
                let inner = enc.as_bytes()[4..enc.len() - 4].to_vec();
                self.0.push((format!("{name} ({alphabet}, offset {shift})"), inner, false));
            }
        }
    }

    /// The first secret form found in `hay`: its name and where it starts.
    fn find(&self, hay: &[u8]) -> Option<(&str, usize)> {
        let lower = hay.to_ascii_lowercase();
        self.0.iter().find_map(|(name, needle, any_case)| {
            let h = if *any_case { &lower } else { hay };
            h.windows(needle.len()).position(|w| w == needle.as_slice()).map(|at| (name.as_str(), at))
        })
    }
}

/// Everything a run printed or drew, by where it came from.
#[derive(Default)]
struct Seen(Vec<(String, Vec<u8>)>);

impl Seen {
    fn add(&mut self, what: impl Into<String>, bytes: &[u8]) {
        self.0.push((what.into(), bytes.to_vec()));
    }
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
}

struct Rig {
    ws: Ws,
    sim: SimProcess,
    /// Unique per run: the keyring is the user's, shared with every other test on the machine.
    account: String,
    env_account: String,
    seen: Seen,
}

impl Rig {
    fn new() -> Rig {
        let agent = EvmSigner::from_hex(HL_KEY).unwrap().address().to_lower_hex();
        let sim = SimProcess::start(&format!(
            "[market]\nseed = 5\ntick_ms = 100\n\
             [[kraken.accounts]]\napi_key = \"{KEYRING_API_KEY}\"\napi_secret = \"{}\"\n\
             balances = {{ ZUSD = \"100000\" }}\n\
             [[kraken.accounts]]\napi_key = \"{ENV_API_KEY}\"\napi_secret = \"{}\"\n\
             balances = {{ ZUSD = \"100000\" }}\n\
             [[hyperliquid.accounts]]\naddress = \"{HL_ACCOUNT}\"\nagents = [\"{agent}\"]\nusdc = \"100000\"\n",
            b64(KEYRING_SECRET),
            b64(ENV_SECRET),
        ));
        let ws = Ws::new();
        let pid = std::process::id();
        let (account, env_account) = (format!("leak{pid}"), format!("leakenv{pid}"));
        let url = &sim.url;
        let mut venues = String::new();
        for a in [&account, &env_account] {
            venues += &format!("[kraken.{a}]\nbase_url = \"{url}\"\n");
            venues += &format!("[hyperliquid.{a}]\nbase_url = \"{url}\"\naccount = \"{HL_ACCOUNT}\"\n");
        }
        std::fs::write(ws.path().join("venues.toml"), venues).unwrap();
        std::fs::write(ws.path().join(quantlab::engine::execution::policy::POLICY_FILE), policy(&account))
            .unwrap();
        Rig { ws, sim, account, env_account, seen: Seen::default() }
    }

    /// `quantlab -vv --workspace WS --json ARGS` inside a fresh session keyring, with the
    /// loopback credential in its environment; what it printed is kept for the search.
    fn ql(&mut self, args: &[&str], stdin: Option<&str>) -> Out {
        let mut child = common::keyctl()
            .args(["session", "-"])
            .arg(env!("CARGO_BIN_EXE_quantlab"))
            .args(["-vv", "--workspace"])
            .arg(self.ws.path())
            .arg("--json")
            .args(args)
            .env(LOOPBACK, env_credential())
            .env("QUANTLAB_OPERATOR", &self.account)
            .env_remove("QUANTLAB_WORKSPACE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).unwrap();
        }
        drop(input);
        let out = child.wait_with_output().unwrap();
        let label = args.join(" ");
        self.seen.add(format!("stdout of {label}"), &out.stdout);
        self.seen.add(format!("stderr of {label}"), &out.stderr);
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        Out { code: out.status.code().unwrap_or(-1), stdout: text(&out.stdout), stderr: text(&out.stderr) }
    }

    /// The same, which must exit 0; its JSON result.
    fn ok(&mut self, args: &[&str]) -> Value {
        let o = self.ql(args, None);
        assert_eq!(o.code, 0, "{}: {}\n{}", args.join(" "), o.stdout, tail(&o.stderr));
        o.json()["result"].clone()
    }
}

/// The example policy with a corridor for the account on each venue (Kraken XBTUSD,
/// Hyperliquid BTC).
fn policy(account: &str) -> String {
    use quantlab::engine::execution::policy::EXAMPLE;
    let corridor = &EXAMPLE[EXAMPLE.find("[[corridor]]").unwrap()..];
    let mut text = EXAMPLE[..EXAMPLE.find("[[corridor]]").unwrap()].to_string();
    for (venue, symbol) in [("kraken", "XBTUSD"), ("hyperliquid", "BTC")] {
        text += &corridor
            .replacen("venue = \"fake\"", &format!("venue = \"{venue}\""), 1)
            .replacen("account = \"main\"", &format!("account = \"{account}\""), 1)
            .replacen("symbols = [\"BTC/USD\", \"ETH/USD\"]", &format!("symbols = [\"{symbol}\"]"), 1);
        text += "\n";
    }
    text
}

fn tail(s: &str) -> &str {
    &s[s.len().saturating_sub(2000)..]
}

/// The keyring entries this run made are deleted however it ends.
struct Cleanup<'a>(&'a Path, &'a str);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for venue in ["kraken", "hyperliquid"] {
            let _ = Command::new("keyctl")
                .args(["session", "-", env!("CARGO_BIN_EXE_quantlab"), "--workspace"])
                .arg(self.0)
                .args(["secrets", "delete", venue, "--account", self.1])
                .output();
        }
    }
}

/// Every file under `dir`, with its bytes (logs, locks and hidden files too).
fn files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap_or_default()));
        }
    }
}

/// Poll the console's screen until `ok` holds (20 s at most); the screen then.
fn wait_until(screen: &pty::Screen, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let t = screen.text();
        if ok(&t) {
            return t;
        }
        assert!(std::time::Instant::now() < deadline, "waited 20 s for {what}; screen:\n{t}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// `bytes` without terminal escape sequences (colours in -vv logs, the console's drawing),
/// which could otherwise split a secret in two.
fn strip_ansi(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            i += 2;
            while i < bytes.len() && !(0x40..=0x7e).contains(&bytes[i]) {
                i += 1;
            }
        } else {
            out.push(bytes[i]);
        }
        i += 1;
    }
    out
}

fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    let checks = v["checks"].as_array().unwrap_or_else(|| panic!("no checks: {v}"));
    checks.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no '{name}' check: {v}"))
}

#[test]
fn the_needles_find_every_form_of_a_secret() {
    let n = Needles::new();
    let hl_upper = format!("sig key 0X{}", HL_KEY[2..].to_uppercase());
    let hl_b64 = format!("k={}", b64(&hex::decode(&HL_KEY[2..]).unwrap()));
    let basic = format!("Authorization: Basic {}", b64(format!("user:{}", keyring_credential()).as_bytes()));
    let hex_env = format!("secret={}", hex::encode(ENV_SECRET));
    let url_safe = URL_SAFE_NO_PAD.encode([b"xy".as_slice(), KEYRING_SECRET].concat());
    for hay in [hl_upper, HL_KEY[2..].to_string(), hl_b64, basic, hex_env, url_safe, b64(KEYRING_SECRET)] {
        assert!(n.find(hay.as_bytes()).is_some(), "missed: {hay}");
    }
    let mut raw = b"bin\x00".to_vec();
    raw.extend(hex::decode(&HL_KEY[2..]).unwrap());
    assert_eq!(n.find(&raw), Some(("Hyperliquid agent key (raw)", 4)));
    assert_eq!(n.find(b"qlcanary is only a prefix; 0x5ec2e7c0ffee is only a start"), None);
}

#[test]
fn secrets_never_leak() {
    let started = std::time::Instant::now();
    let mut r = Rig::new();
    let needles = Needles::new();
    let (a, e) = (r.account.clone(), r.env_account.clone());
    let ws_path = r.ws.path().to_path_buf();
    let _cleanup = Cleanup(&ws_path, &a);

    // Into the keyring, read from stdin as an operator would type them.
    for (venue, secret) in [("kraken", keyring_credential()), ("hyperliquid", HL_KEY.to_string())] {
        let o = r.ql(&["secrets", "set", venue, "--account", &a], Some(&format!("{secret}\n")));
        assert_eq!(o.code, 0, "the keyring inside `keyctl session` must keep {venue}/{a}: {}", o.stdout);
    }
    let listed = r.ok(&["secrets", "list"]);
    let present = listed["credentials"].as_array().unwrap().iter().filter(|c| c["present"] == true).count();
    assert_eq!(present, 2, "{listed}");
    let _ = r.ql(&["check"], None);

    // Doctor: the keyring's credentials pass (not the environment's, which warns), the
    // environment's Kraken one warns, and a Kraken credential offered as a Hyperliquid key fails.
    for venue in ["kraken", "hyperliquid"] {
        let v = r.ok(&["doctor", "--venue", venue, "--account", &a]);
        assert_eq!(check(&v, "credentials")["verdict"], "pass", "{venue}: from the keyring: {v}");
        assert_eq!(v["ok"], true, "{venue}: {v}");
    }
    let v = r.ok(&["doctor", "--venue", "kraken", "--account", &e]);
    assert_eq!(check(&v, "credentials")["verdict"], "warn", "from the environment: {v}");
    let o = r.ql(&["doctor", "--venue", "hyperliquid", "--account", &e], None);
    assert_ne!(o.code, 0, "a Kraken credential is no Hyperliquid key: {}", o.stdout);

    // Previews sign with each credential (and Kraken's validate-only order reaches the venue).
    let kraken_buy = ["--symbol", "XBTUSD", "--side", "buy", "--qty", "0.01", "--limit", "50000"];
    let hl_buy = ["--symbol", "BTC", "--side", "buy", "--qty", "0.01", "--limit", "60000"];
    for (venue, account, order, extra) in [
        ("kraken", &a, &kraken_buy, None),
        ("kraken", &a, &kraken_buy, Some("--validate")),
        ("hyperliquid", &a, &hl_buy, None),
        ("kraken", &e, &kraken_buy, None),
    ] {
        let mut args = vec!["order", "preview", "--venue", venue, "--account", account];
        args.extend(order.iter().copied().chain(extra));
        r.ok(&args);
    }

    // Arm both corridors, put an intent on each, have each venue validate it.
    for (venue, symbol) in [("kraken", "XBTUSD"), ("hyperliquid", "BTC")] {
        let v = r.ok(&["corridor", "arm", "--venue", venue, "--account", &a]);
        assert_eq!(v["state"], "armed", "{venue}: {v}");
        let v = r.ok(&[
            "intent",
            "new",
            "--venue",
            venue,
            "--account",
            &a,
            "--symbol",
            symbol,
            "--side",
            "buy",
            "--qty",
            "0.001",
            "--type",
            "market",
        ]);
        let id = v["id"].as_str().unwrap().to_string();
        r.ok(&["submit", &id, "--dry-run"]);
        r.ok(&["corridor", "status", "--venue", venue, "--account", &a]);
        r.ok(&["journal", "show", "--venue", venue, "--account", &a]);
        let _ = r.ql(&["promote", "check", "--venue", venue, "--account", &a], None);
    }
    let callers: Vec<Value> = r.sim.log().into_iter().map(|l| l["caller"].clone()).collect();
    for key in [KEYRING_API_KEY, ENV_API_KEY] {
        assert!(callers.iter().any(|c| c == key), "the simulator saw no request signed for {key}");
    }

    // The console's Corridors tab, in a session keyring too, at -vv.
    let cred = env_credential();
    let env = [(LOOPBACK, cred.as_str()), ("QUANTLAB_OPERATOR", a.as_str())];
    let (mut child, screen, mut keys, _fd, _master) =
        pty::spawn_console_in(&r.ws, &["keyctl", "session", "-"], &["-vv"], &env);
    screen.wait_for("7 Corr");
    keys.write_all(b"7").unwrap();
    // Each corridor's pane, loaded through its credential; the Kraken intent's confirm dialog
    // opened and closed with Esc (never the confirm key: nothing is sent).
    let pane = |venue: &str, account: &str| {
        let (header, want) = (format!("┌ {venue}/{account} "), ["venue connected", "balances"]);
        wait_until(&screen, &format!("{venue}/{account}'s pane"), |t| {
            t.contains(&header) && want.iter().all(|w| t.contains(w))
        })
    };
    let text = pane("kraken", &a);
    r.seen.add(format!("the console's kraken/{a} pane"), text.as_bytes());
    keys.write_all(b"\r").unwrap();
    let text = screen.wait_for("Send this order?");
    r.seen.add("the console's confirm dialog", text.as_bytes());
    // The dialog ignores every key in its first 250 ms (keys typed ahead never act on it).
    std::thread::sleep(std::time::Duration::from_millis(400));
    keys.write_all(b"\x1b").unwrap();
    wait_until(&screen, "the dialog to close", |t| !t.contains("Send this order?"));
    for (venue, account) in [("kraken", &e), ("hyperliquid", &a)] {
        keys.write_all(b"l").unwrap();
        let text = pane(venue, account);
        r.seen.add(format!("the console's {venue}/{account} pane"), text.as_bytes());
    }
    keys.write_all(b"q").unwrap();
    assert!(pty::wait_exit(&mut child).success());
    r.seen.add("the console's terminal output", &screen.bytes.lock().unwrap());

    // The kill switch cancels through each venue's adapter and raises alerts.
    for venue in ["kraken", "hyperliquid"] {
        r.ok(&["kill", "--venue", venue, "--account", &a, "--reason", "leak test"]);
    }
    let v = r.ok(&["alerts", "list", "--all"]);
    assert!(!v["alerts"].as_array().unwrap().is_empty(), "the kill switch raised alerts to search: {v}");
    drop(_cleanup);

    // The search: every output, every file of the workspace.
    let mut found = std::mem::take(&mut r.seen.0);
    let mut in_ws = Vec::new();
    files(r.ws.path(), &mut in_ws);
    let logs: Vec<_> = in_ws.iter().filter(|(p, b)| p.contains("/logs/") && !b.is_empty()).collect();
    assert!(!logs.is_empty(), "no log was written to search");
    assert!(in_ws.iter().any(|(p, b)| p.ends_with("alerts.jsonl") && !b.is_empty()), "no alerts.jsonl");
    assert!(
        found.iter().any(|(w, b)| w.starts_with("stderr") && String::from_utf8_lossy(b).contains("DEBUG")),
        "-vv printed no debug log to search"
    );
    found.extend(in_ws);
    for (what, bytes) in &found {
        for hay in [bytes.clone(), strip_ansi(bytes)] {
            if let Some((form, at)) = needles.find(&hay) {
                let around = String::from_utf8_lossy(&hay[at.saturating_sub(300)..(at + 300).min(hay.len())]);
                panic!("{form} reached {what}:\n...{around}...");
            }
        }
    }
    assert!(
        r.sim.placed_kraken_orders().is_empty(),
        "nothing was placed: {:?}",
        r.sim.placed_kraken_orders()
    );
    // The search has teeth: a secret planted deep in the workspace is found.
    let planted = r.ws.path().join("logs/deeper/planted.log");
    std::fs::create_dir_all(planted.parent().unwrap()).unwrap();
    std::fs::write(&planted, format!("key=0X{}\n", HL_KEY[2..].to_uppercase())).unwrap();
    let mut again = Vec::new();
    files(r.ws.path(), &mut again);
    assert!(again.iter().any(|(_, b)| needles.find(b).is_some()), "the search misses a planted secret");
    eprintln!("searched {} outputs and files in {:.1} s", found.len(), started.elapsed().as_secs_f64());
}
