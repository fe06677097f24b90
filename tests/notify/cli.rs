//! `quantlab notify test|log|status|summary|secret` through the binary: exit codes, JSON, the
//! channel named in every failure, and a Telegram token kept in the OS keyring (inside
//! `keyctl session -`) that no output, log or file of the workspace ever shows.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::{self, Ws};

use super::delivery::assert_no_secret_under;
use super::{valid_delivery, HttpReceiver, TG_TOKEN};

#[test]
fn notify_test_exits_0_on_delivery_and_names_the_channel_otherwise() {
    let http = HttpReceiver::start();
    let ws = Ws::new();
    // No notify.toml: not found, saying so.
    let (code, v) = ws.json(&["notify", "test", "hook"]);
    assert_eq!(code, 5, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("notify.toml does not exist"), "{v}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let toml = format!(
        "schema_version = 1\n\n[channels.hook]\nkind = \"webhook\"\nurl = \"{}/in\"\n\n[channels.gone]\nkind = \"webhook\"\nurl = \"http://{closed}/in\"\n",
        http.base
    );
    std::fs::write(ws.path().join("notify.toml"), &toml).unwrap();
    let (code, v) = ws.json(&["notify", "test", "hook"]);
    assert_eq!(code, 0, "{v}");
    valid_delivery(&v["result"]);
    assert_eq!(v["result"]["status"], "delivered");
    assert_eq!(http.at("/in")[0].json()["kind"], "test");
    let (code, v) = ws.json(&["notify", "test", "gone"]);
    assert_eq!(code, 1, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.starts_with("channel 'gone' (webhook): delivery failed:"), "{msg}");
    let (code, v) = ws.json(&["notify", "test", "nope"]);
    assert_eq!(code, 5, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("its channels are gone, hook"), "{v}");
    // The log has both attempts, newest first, each a valid record.
    let (code, v) = ws.json(&["notify", "log"]);
    assert_eq!(code, 0, "{v}");
    let rows = v["result"]["deliveries"].as_array().unwrap();
    rows.iter().for_each(valid_delivery);
    let got: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["channel"].as_str().unwrap(), r["status"].as_str().unwrap())).collect();
    assert_eq!(got, [("gone", "failed"), ("hook", "delivered")]);
    let (_, v) = ws.json(&["notify", "log", "--channel", "hook"]);
    assert_eq!(v["result"]["count"], 1);
    // A value that cannot work: exit 2, the key named as the field.
    std::fs::write(
        ws.path().join("notify.toml"),
        toml.replace(&format!("http://{closed}"), "http://example.com"),
    )
    .unwrap();
    let (code, v) = ws.json(&["notify", "status"]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(v["error"]["field"], "channels.gone.url", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("line 9"), "{v}");
}

#[test]
fn the_summary_prints_unknown_as_unknown_and_nothing_as_none() {
    let ws = Ws::new();
    let (code, v) = ws.json(&["notify", "summary"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["schema"], "quantlab.notify_summary");
    assert_eq!(v["result"]["live_sessions"], serde_json::json!([]));
    assert_eq!(v["result"]["incidents_open"], 0);
    assert!(v["result"]["live_pnl_today"].is_string(), "no session: the sum of none is known: {v}");
}

/// `quantlab -vv --workspace WS --json ARGS` inside a fresh session keyring, with `stdin`.
fn ql(ws: &Ws, args: &[&str], stdin: Option<&str>) -> (i32, serde_json::Value, String) {
    let mut child = common::keyctl()
        .args(["session", "-"])
        .arg(env!("CARGO_BIN_EXE_quantlab"))
        .args(["-vv", "--workspace"])
        .arg(ws.path())
        .arg("--json")
        .args(args)
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
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    for s in [&stdout, &stderr] {
        assert!(
            !s.contains(TG_TOKEN) && !s.contains("TEST-bot-token"),
            "the token in the output of {args:?}"
        );
    }
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (out.status.code().unwrap_or(-1), v, stderr)
}

#[test]
fn a_telegram_token_in_the_keyring_is_used_and_never_shown() {
    let http = HttpReceiver::start();
    let ws = Ws::new();
    // A channel name of this run's own: the keyring is shared by every test and run.
    let run = format!("{}-{}", std::process::id(), quantlab::engine::time::now_ms() % 1_000_000);
    let (ch, down) = (format!("tg-{run}"), format!("down-{run}"));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    std::fs::write(
        ws.path().join("notify.toml"),
        format!(
            "schema_version = 1\n\n[channels.{ch}]\nkind = \"telegram\"\napi_base = \"{}\"\nchat_id = 7\n\n[channels.{down}]\nkind = \"telegram\"\napi_base = \"http://{closed}\"\nchat_id = 7\n",
            http.base
        ),
    )
    .unwrap();
    struct Cleanup<'a>(&'a Ws, String);
    impl Drop for Cleanup<'_> {
        fn drop(&mut self) {
            let _ = Command::new("keyctl")
                .args(["session", "-", env!("CARGO_BIN_EXE_quantlab"), "--workspace"])
                .arg(self.0.path())
                .args(["notify", "secret", "delete", &self.1])
                .output();
        }
    }
    let _cleanup = Cleanup(&ws, ch.clone());
    let (code, v, _) = ql(&ws, &["notify", "status"], None);
    assert_eq!(code, 0, "{v}");
    let c = v["result"]["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == ch.as_str())
        .unwrap()
        .clone();
    assert_eq!((c["needs_secret"].as_bool(), c["secret_present"].as_bool()), (Some(true), Some(false)));
    let (code, v, _) = ql(&ws, &["notify", "test", &ch], None);
    assert_eq!(code, 1, "no token stored yet: {v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains(&format!("quantlab notify secret set {ch}")),
        "{v}"
    );
    let (code, v, _) = ql(&ws, &["notify", "secret", "set", &ch], Some(&format!("{TG_TOKEN}\n")));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["result"]["name"], format!("notify/{ch}"));
    let (code, v, _) = ql(&ws, &["notify", "test", &ch], None);
    assert_eq!(code, 0, "{v}");
    let got = http.at(&format!("/bot{TG_TOKEN}/sendMessage"));
    assert_eq!(got.len(), 1, "sent with the token from the keyring");
    assert_eq!(got[0].json()["chat_id"], "7");
    // The Telegram API refusing, and a server that is not there: errors name the channel only.
    http.fail_next(1);
    let (code, v, _) = ql(&ws, &["notify", "test", &ch], None);
    assert_eq!(code, 1, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("HTTP 500"), "{v}");
    let (code, v, _) = ql(&ws, &["notify", "secret", "set", &down], Some(&format!("{TG_TOKEN}\n")));
    assert_eq!(code, 0, "{v}");
    let _cleanup_down = Cleanup(&ws, down.clone());
    let (code, v, _) = ql(&ws, &["notify", "test", &down], None);
    assert_eq!(code, 1, "{v}");
    let want = format!("channel '{down}' (telegram): delivery failed");
    assert!(v["error"]["message"].as_str().unwrap().starts_with(&want), "{v}");
    let (_, v, _) = ql(&ws, &["secrets", "list"], None);
    let names: Vec<&str> =
        v["result"]["credentials"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(names.contains(&format!("notify/{ch}").as_str()), "{names:?}");
    assert_no_secret_under(ws.path());
}

#[cfg(unix)]
#[test]
fn notify_run_delivers_from_its_own_process_until_sigterm() {
    let http = HttpReceiver::start();
    let ws = Ws::new();
    let toml = format!(
        "schema_version = 1\n\n[channels.hook]\nkind = \"webhook\"\nurl = \"{}/in\"\n\n[[route]]\nchannels = [\"hook\"]\n",
        http.base
    );
    std::fs::write(ws.path().join("notify.toml"), toml).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_quantlab"))
        .arg("--workspace")
        .arg(ws.path())
        .args(["--json", "notify", "run"])
        .env_remove("QUANTLAB_WORKSPACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let workspace = quantlab::engine::workspace::Workspace::at(ws.path());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !ws.path().join("notify/state.json").exists() {
        assert!(std::time::Instant::now() < deadline, "notify run never made its first pass");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (_, v) = ws.json(&["notify", "status"]);
    assert_eq!(v["result"]["dispatcher"]["by"], "daemon", "{v}");
    quantlab::engine::alerts::raise(&workspace, quantlab::engine::alerts::codes::KILL_SWITCH, "all", "halt")
        .unwrap();
    while http.at("/in").is_empty() {
        assert!(std::time::Instant::now() < deadline, "never delivered");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(http.at("/in")[0].json()["alert"]["code"], "KILL_SWITCH");
    // SIGTERM: it stops after its pass, exit 0.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["result"]["stopped"], true);
    let (_, v) = ws.json(&["notify", "status"]);
    assert!(v["result"]["dispatcher"].is_null(), "nothing delivers after it stopped: {v}");
}
