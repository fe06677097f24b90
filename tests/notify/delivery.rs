//! Escalation after N minutes unacknowledged, a receiver that fails then recovers (retried,
//! delivered once), channels that never recover (given up, alerted, no loop), the heartbeat and
//! the daily summary on schedule, and no secret in any file written.

use std::path::Path;

use quantlab::engine::alerts::{self, codes};

use super::{
    config, config_top, HttpReceiver, Setup, SmtpSink, HOOK_TOKEN, MIN, NOON, NTFY_TOKEN, SMTP_PASSWORD,
    TG_TOKEN,
};

#[test]
fn a_critical_alert_unacknowledged_escalates_along_the_chain_until_acknowledged() {
    let http = HttpReceiver::start();
    let smtp = SmtpSink::start();
    let rules = r#"
[[route]]
min_severity = "critical"
channels = ["tg"]

[escalation]
after_minutes = 15
chain = ["tg", "phone", "mail"]
"#;
    let mut s = Setup::new(&config(&http, &smtp, rules));
    s.d.tick(NOON).unwrap();
    let kill = s.raise(codes::KILL_SWITCH, "kraken:main", "operator kill switch");
    s.d.tick(NOON + 1000).unwrap();
    assert_eq!(http.requests().len(), 1, "to tg only");
    s.d.tick(NOON + 14 * MIN).unwrap();
    assert!(http.at("/desk").is_empty(), "not before 15 minutes");
    // tg already has it: the next channel of the chain is the phone.
    s.d.tick(NOON + 15 * MIN + 1000).unwrap();
    let phone = http.at("/desk");
    assert_eq!(phone.len(), 1);
    assert!(phone[0].header("title").unwrap().starts_with("ESCALATED [CRIT] KILL_SWITCH"), "{:?}", phone[0]);
    assert!(phone[0].body.contains("unacknowledged for 15 min") && phone[0].body.contains(&kill));
    assert!(smtp.mails().is_empty());
    s.d.tick(NOON + 30 * MIN + 1000).unwrap();
    assert_eq!(smtp.mails().len(), 1, "then email");
    assert!(smtp.mails()[0].data.contains("ESCALATED"));
    let log = s.log();
    assert_eq!(log.iter().filter(|r| r["kind"] == "escalation").count(), 2);
    assert!(log.iter().filter(|r| r["kind"] == "escalation").all(|r| r["alert_id"] == kill.as_str()));

    // Acknowledged before its time: no escalation.
    let mismatch = s.raise(codes::RECONCILIATION_MISMATCH, "kraken:main", "positions differ");
    s.d.tick(NOON + 40 * MIN).unwrap();
    assert_eq!(http.requests().len(), 3);
    alerts::ack(&s.ws, Some(&mismatch)).unwrap();
    s.d.tick(NOON + 56 * MIN).unwrap();
    s.d.tick(NOON + 90 * MIN).unwrap();
    assert_eq!(http.requests().len(), 3, "acknowledged: no escalation");
    assert_eq!(smtp.mails().len(), 1);
}

#[test]
fn a_receiver_that_fails_then_recovers_gets_the_alert_once_and_the_failure_is_an_alert_elsewhere() {
    let http = HttpReceiver::start();
    let down = HttpReceiver::start();
    let smtp = SmtpSink::start();
    let rules = r#"
[[route]]
min_severity = "warning"
channels = ["hook", "tg"]

[delivery]
backoff_initial_seconds = 5
"#;
    // The hook on a receiver of its own, which answers 500 twice, then recovers.
    let text = config(&http, &smtp, rules)
        .replace(&format!("url = \"{}/hook\"", http.base), &format!("url = \"{}/hook\"", down.base));
    let mut s = Setup::new(&text);
    s.d.tick(NOON).unwrap();
    down.fail_next(2);
    s.raise(codes::ORDER_REJECTED, "kraken:main", "int_1: insufficient funds");
    let r = s.d.tick(NOON + 1000).unwrap();
    assert_eq!((r.delivered, r.failed_attempts), (1, 1), "tg took it, the hook did not: {r:?}");
    s.d.tick(NOON + 2000).unwrap();
    assert_eq!(down.arrived(), 1, "not again before its backoff");
    s.d.tick(NOON + 6000).unwrap();
    assert_eq!(down.arrived(), 2, "the second attempt after 5 s");
    s.d.tick(NOON + 15_000).unwrap();
    assert_eq!(down.arrived(), 2, "the third waits 10 s more");
    s.d.tick(NOON + 16_000).unwrap();
    let got = down.at("/hook");
    assert_eq!(got.len(), 1, "delivered once");
    assert_eq!(got[0].json()["alert"]["code"], "ORDER_REJECTED");
    let hook: Vec<(String, u64)> = s
        .log()
        .iter()
        .filter(|r| r["channel"] == "hook")
        .map(|r| (r["status"].as_str().unwrap().to_string(), r["attempt"].as_u64().unwrap()))
        .collect();
    let want = [("retrying", 1), ("retrying", 2), ("delivered", 3)].map(|(s, n)| (s.to_string(), n));
    assert_eq!(hook, want);
    let retry = s.log().into_iter().find(|r| r["status"] == "retrying").unwrap();
    assert!(retry["error"].as_str().unwrap().contains("HTTP 500"), "{retry}");
    assert_eq!(retry["next_attempt_at"], "2026-03-02T12:00:06Z");
    // The failure became an alert of its own, once, sent to tg and never to the hook.
    let failed: Vec<_> = s.alerts().into_iter().filter(|a| a.alert.code == "NOTIFY_FAILED").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].alert.source, "notify:hook");
    let tg: Vec<String> = http
        .at(&format!("/bot{TG_TOKEN}/sendMessage"))
        .iter()
        .map(|r| r.json()["text"].as_str().unwrap().lines().next().unwrap().to_string())
        .collect();
    assert_eq!(tg, ["[WARN] ORDER_REJECTED kraken:main", "[WARN] NOTIFY_FAILED notify:hook"]);
    // Recovered: the next alert goes at once, and no new failure alert.
    s.raise(codes::ORDER_REJECTED, "kraken:desk", "int_2");
    s.d.tick(NOON + 20_000).unwrap();
    assert_eq!(down.at("/hook").len(), 2);
    assert_eq!(s.alerts().iter().filter(|a| a.alert.code.starts_with("NOTIFY_")).count(), 1);
}

#[test]
fn channels_that_never_recover_are_given_up_and_their_alerts_do_not_feed_themselves() {
    let http = HttpReceiver::start();
    let smtp = SmtpSink::start();
    let rules = r#"
[[route]]
min_severity = "warning"
channels = ["hook", "phone"]

[delivery]
max_attempts = 3
backoff_initial_seconds = 1
backoff_max_seconds = 2
"#;
    let mut s = Setup::new(&config(&http, &smtp, rules));
    s.d.tick(NOON).unwrap();
    http.fail_next(usize::MAX / 2);
    s.raise(codes::ORDER_REJECTED, "kraken:main", "rejected");
    for i in 1..200 {
        s.d.tick(NOON + i * 3000).unwrap();
    }
    let codes_raised: Vec<String> = s.alerts().into_iter().map(|a| a.alert.code).collect();
    let count = |c: &str| codes_raised.iter().filter(|x| *x == c).count();
    assert_eq!(count("NOTIFY_FAILED"), 2, "one per channel as it began failing: {codes_raised:?}");
    assert_eq!(
        count("NOTIFY_UNDELIVERED"),
        2,
        "the rejected alert given up on each channel: {codes_raised:?}"
    );
    assert_eq!(codes_raised.len(), 5, "and nothing more, however long it runs: {codes_raised:?}");
    let log = s.log();
    let given_up: Vec<_> = log.iter().filter(|r| r["status"] == "failed").collect();
    assert!(given_up.iter().all(|r| r["attempt"] == 3));
    assert!(log.iter().all(|r| r["status"] != "delivered"));
    assert!(http.requests().is_empty());
    // Nothing left waiting.
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.dir.path().join("notify/state.json")).unwrap()).unwrap();
    assert_eq!(state["queue"].as_array().unwrap().len(), 0, "{state:#}");
}

#[test]
fn the_heartbeat_and_the_daily_summary_go_on_schedule() {
    let http = HttpReceiver::start();
    let smtp = SmtpSink::start();
    let rules = r#"
[heartbeat]
every_minutes = 60
channels = ["hook"]

[daily_summary]
at = "18:00"
channels = ["mail"]
"#;
    let mut s = Setup::new(&config_top(&http, &smtp, "utc_offset = \"+02:00\"\n", rules));
    // 15:00 UTC is 17:00 local: the heartbeat goes at once, the summary not yet.
    let t0 = NOON + 3 * 60 * MIN;
    s.d.tick(t0).unwrap();
    let hooks = http.at("/hook");
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].json()["kind"], "heartbeat");
    assert!(hooks[0].json()["text"].as_str().unwrap().contains("test on "), "{}", hooks[0].body);
    s.d.tick(t0 + 59 * MIN).unwrap();
    assert!(smtp.mails().is_empty());
    assert_eq!(http.at("/hook").len(), 1, "not before the hour");
    s.raise(codes::ORDER_FILLED, "kraken:main", "int_1 filled");
    s.raise(codes::ORDER_REJECTED, "kraken:main", "int_2 rejected");
    // 16:00 UTC is 18:00 local: the summary, and the next heartbeat.
    s.d.tick(t0 + 60 * MIN).unwrap();
    assert_eq!(http.at("/hook").len(), 2);
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    let m = &mails[0].data;
    assert!(m.contains("QuantLab daily summary 2026-03-02"), "{m}");
    assert!(m.contains("Live sessions:") && m.contains("none"), "{m}");
    s.d.tick(t0 + 3 * 60 * MIN).unwrap();
    assert_eq!(smtp.mails().len(), 1, "once a day");
    s.d.tick(t0 + 25 * 60 * MIN).unwrap();
    assert_eq!(smtp.mails().len(), 2, "and the next day");
}

/// Every file under `dir`, with its bytes.
fn files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
}

/// Each secret with the forms it could be written in.
pub fn needles() -> Vec<(String, String)> {
    let mut n = Vec::new();
    for s in [TG_TOKEN, SMTP_PASSWORD, HOOK_TOKEN, NTFY_TOKEN] {
        use base64::Engine;
        n.push((s.to_string(), s.to_string()));
        n.push((format!("{s} (url-encoded)"), url::form_urlencoded::byte_serialize(s.as_bytes()).collect()));
        n.push((format!("{s} (base64)"), base64::engine::general_purpose::STANDARD.encode(s)));
        // The part after the bot id: a token cut at its colon is still the secret.
        if let Some((_, rest)) = s.split_once(':') {
            n.push((format!("{s} (after the colon)"), rest.to_string()));
        }
    }
    n
}

/// No file under `dir` holds any form of any secret.
pub fn assert_no_secret_under(dir: &Path) {
    let mut all = Vec::new();
    files(dir, &mut all);
    assert!(!all.is_empty());
    for (name, needle) in needles() {
        for (path, bytes) in &all {
            let hay = String::from_utf8_lossy(bytes);
            assert!(!hay.contains(&needle), "{name} found in {path}");
        }
    }
}

#[test]
fn no_secret_is_written_anywhere_whatever_the_channels_do() {
    let http = HttpReceiver::start();
    let smtp = SmtpSink::start();
    // A port nothing listens on: connection refused (the URL, with the token in it, must not
    // be in the error).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let rules = format!(
        r#"
[channels.tg_down]
kind = "telegram"
api_base = "http://{closed}"
chat_id = "@desk"

[[route]]
channels = ["hook", "phone", "tg", "mail", "tg_down"]

[escalation]
after_minutes = 1
chain = ["tg", "phone"]

[heartbeat]
every_minutes = 1
channels = ["tg_down", "hook"]

[delivery]
max_attempts = 2
backoff_initial_seconds = 1
"#
    );
    let mut s = Setup::new(&config(&http, &smtp, &rules));
    use quantlab::engine::secrets::{CredentialKey, CredentialStore, Secret};
    s.store.set(&CredentialKey::notify("tg_down"), &Secret::new(TG_TOKEN)).unwrap();
    s.d.tick(NOON).unwrap();
    s.raise(codes::KILL_SWITCH, "kraken:main", "operator kill switch");
    s.raise(codes::ORDER_REJECTED, "kraken:main", "rejected");
    http.fail_next(3);
    for i in 1..20 {
        s.d.tick(NOON + i * 20_000).unwrap();
    }
    let log = s.log();
    assert!(
        log.iter().any(|r| r["channel"] == "tg_down" && r["status"] == "failed"),
        "the closed port failed"
    );
    assert!(log.iter().any(|r| r["channel"] == "tg" && r["status"] == "delivered"));
    assert!(log
        .iter()
        .any(|r| r["status"] == "retrying" && r["error"].as_str().unwrap().contains("HTTP 500")));
    let refused = log.iter().find(|r| r["channel"] == "tg_down").unwrap();
    assert!(!refused["error"].as_str().unwrap().contains("/bot"), "no URL in the error: {refused}");
    // `notify test` on the failing channel: its error names the channel, not the token.
    let e = s.d.send_now("tg_down", &test_message(), NOON + 500_000).unwrap_err();
    assert!(e.message.contains("channel 'tg_down' (telegram)"), "{}", e.message);
    for (name, needle) in needles() {
        assert!(!e.message.contains(&needle), "{name} in {}", e.message);
    }
    assert_no_secret_under(s.dir.path());
}

fn test_message() -> quantlab::engine::notify::message::Message {
    quantlab::engine::notify::message::Message {
        kind: quantlab::engine::notify::MessageKind::Test,
        severity: quantlab::engine::alerts::Severity::Info,
        title: "test".into(),
        body: "test".into(),
        alert: None,
    }
}

#[test]
fn an_invalid_file_sends_nothing_and_says_so_once() {
    let http = HttpReceiver::start();
    let smtp = SmtpSink::start();
    let good = config(&http, &smtp, "[[route]]\nchannels = [\"hook\"]\n");
    let mut s = Setup::new(&good.replace("channels = [\"hook\"]", "channels = [\"hoook\"]"));
    for i in 0..3 {
        let e = s.d.tick(NOON + i * 1000).unwrap_err();
        let Some(quantlab::engine::notify::NotifyError::Field { key, .. }) = e.domain() else {
            panic!("{e:?}")
        };
        assert_eq!(key, "route[1].channels");
    }
    let raised: Vec<_> = s.alerts().into_iter().filter(|a| a.alert.code == "NOTIFY_CONFIG").collect();
    assert_eq!(raised.len(), 1);
    assert!(raised[0].alert.message.contains("'hoook'"));
    // Fixed: the pass works, and the alert about the file goes out like any other.
    std::fs::write(s.dir.path().join("notify.toml"), &good).unwrap();
    s.d.tick(NOON + 5000).unwrap();
    s.raise(codes::ORDER_REJECTED, "kraken:main", "rejected");
    s.d.tick(NOON + 6000).unwrap();
    assert_eq!(http.at("/hook").len(), 1);
}
