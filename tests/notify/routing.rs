//! Routing by severity and code to each kind of channel, dedup of repeats, per-channel rate
//! limits and quiet hours, on the dispatcher with an injected clock.

use quantlab::engine::alerts::codes;

use super::{
    config, config_top, HttpReceiver, Setup, SmtpSink, HOOK_TOKEN, MIN, NOON, NTFY_TOKEN, SMTP_PASSWORD,
    TG_TOKEN,
};

fn statuses(s: &Setup, channel: &str) -> Vec<String> {
    s.log()
        .iter()
        .filter(|r| r["channel"] == channel)
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn alerts_go_where_their_severity_and_code_route_them_on_every_kind_of_channel() {
    let http = HttpReceiver::start();
    let smtp = SmtpSink::start();
    let rules = r#"
[[route]]
min_severity = "critical"
channels = ["tg", "mail"]

[[route]]
codes = ["ORDER_REJECTED", "LIVE_*"]
except_codes = ["LIVE_INTENT_CREATED"]
channels = ["hook", "phone"]
"#;
    let mut s = Setup::new(&config(&http, &smtp, rules));
    assert!(!s.d.tick(NOON).unwrap().idle);
    s.raise(codes::KILL_SWITCH, "kraken:main", "operator kill switch");
    s.raise(codes::ORDER_REJECTED, "kraken:main", "int_1: insufficient funds");
    s.raise(codes::LIVE_INTENT_CREATED, "live:a", "waits for the key");
    s.raise(codes::ORDER_FILLED, "kraken:main", "int_2 filled");
    s.raise(codes::LIVE_DRIFT, "live:a", "drifted 3%");
    let r = s.d.tick(NOON + 1000).unwrap();
    assert_eq!((r.alerts_read, r.queued, r.delivered, r.failed_attempts), (5, 8, 8, 0), "{r:?}");

    // Telegram: the Bot API's sendMessage with the token in the path, the chat id in the body.
    let tg = http.at(&format!("/bot{TG_TOKEN}/sendMessage"));
    assert_eq!(tg.len(), 2, "{:?}", http.requests());
    assert_eq!(tg[0].json()["chat_id"], "42");
    assert!(tg[0].json()["text"].as_str().unwrap().starts_with("[CRIT] KILL_SWITCH kraken:main"));
    assert!(tg[1].json()["text"].as_str().unwrap().contains("LIVE_DRIFT"));
    // Email: logged in with the password from the store, to the configured address.
    let mails = smtp.mails();
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[0].login, Some(("ops@example.com".to_string(), SMTP_PASSWORD.to_string())));
    assert_eq!(mails[0].to, ["<desk@example.com>"]);
    assert!(mails[0].data.contains("Subject: [CRIT] KILL_SWITCH kraken:main"), "{}", mails[0].data);
    // The webhook: JSON with the alert, the bearer token from the store.
    let hook = http.at("/hook");
    assert_eq!(hook.len(), 2);
    assert_eq!(hook[0].header("authorization"), Some(format!("Bearer {HOOK_TOKEN}").as_str()));
    assert_eq!(hook[0].json()["alert"]["code"], "ORDER_REJECTED");
    assert_eq!(hook[0].json()["severity"], "warning");
    assert_eq!(hook[1].json()["alert"]["code"], "LIVE_DRIFT");
    // ntfy: the topic's path, priority by severity, the title in a header.
    let phone = http.at("/desk");
    assert_eq!(phone.len(), 2);
    assert_eq!(phone[0].header("priority"), Some("4"));
    assert_eq!(phone[1].header("priority"), Some("5"));
    assert_eq!(phone[1].header("title"), Some("[CRIT] LIVE_DRIFT live:a"));
    assert_eq!(phone[0].header("authorization"), Some(format!("Bearer {NTFY_TOKEN}").as_str()));
    assert!(phone[0].body.contains("insufficient funds"));
    let log = s.log();
    assert_eq!(log.len(), 8);
    assert!(log.iter().all(|r| r["status"] == "delivered" && r["attempt"] == 1 && r["by"] == "test"));
    // Nothing more on the next pass: each alert is routed once.
    assert_eq!(s.d.tick(NOON + 2000).unwrap().queued, 0);
    assert_eq!(http.requests().len(), 6);
}

#[test]
fn a_repeat_within_the_dedup_window_is_logged_not_sent() {
    let http = HttpReceiver::start();
    let smtp = SmtpSink::start();
    let rules =
        "[dedup]\nwindow_minutes = 10\n\n[[route]]\nmin_severity = \"warning\"\nchannels = [\"hook\"]\n";
    let mut s = Setup::new(&config(&http, &smtp, rules));
    s.d.tick(NOON).unwrap();
    for age in [3, 5, 7] {
        s.raise(codes::STALE_STREAM, "kraken:main", &format!("no tick for {age} s"));
    }
    s.raise(codes::STALE_STREAM, "kraken:desk", "no tick for 3 s");
    s.d.tick(NOON + MIN).unwrap();
    let hook = http.at("/hook");
    assert_eq!(hook.len(), 2, "one per source");
    // Repeats are logged as they are routed, deliveries as they are sent.
    assert_eq!(statuses(&s, "hook"), ["deduplicated", "deduplicated", "delivered", "delivered"]);
    let dups: Vec<_> = s.log().into_iter().filter(|r| r["status"] == "deduplicated").collect();
    assert!(dups.iter().all(|r| r["attempt"] == 0 && r["code"] == "STALE_STREAM"));
    // Ten minutes after the last one sent, the same code from the same source goes again.
    s.raise(codes::STALE_STREAM, "kraken:main", "no tick for 9 s");
    s.d.tick(NOON + 10 * MIN).unwrap();
    assert_eq!(http.at("/hook").len(), 2, "still within the window");
    s.raise(codes::STALE_STREAM, "kraken:main", "no tick for 11 s");
    s.d.tick(NOON + 12 * MIN).unwrap();
    assert_eq!(http.at("/hook").len(), 3);
}

#[test]
fn a_channel_over_its_rate_limit_holds_back_all_but_critical_and_says_so_later() {
    let http = HttpReceiver::start();
    let smtp = SmtpSink::start();
    let text = config(&http, &smtp, "[[route]]\nchannels = [\"hook\"]\n").replace(
        "auth = \"bearer\"\n\n[channels.phone]",
        "auth = \"bearer\"\nmax_per_hour = 2\n\n[channels.phone]",
    );
    let mut s = Setup::new(&text);
    s.d.tick(NOON).unwrap();
    for i in 0..4 {
        s.raise(codes::ORDER_REJECTED, &format!("kraken:acct{i}"), "rejected");
    }
    s.raise(codes::KILL_SWITCH, "all", "operator kill switch");
    s.d.tick(NOON + 1000).unwrap();
    let codes_sent: Vec<String> =
        http.at("/hook").iter().map(|r| r.json()["alert"]["code"].as_str().unwrap().to_string()).collect();
    assert_eq!(
        codes_sent,
        ["ORDER_REJECTED", "ORDER_REJECTED", "KILL_SWITCH"],
        "the critical one goes anyway"
    );
    assert_eq!(statuses(&s, "hook").iter().filter(|x| *x == "rate_limited").count(), 2);
    // The next message through says what was held back.
    let kill = &http.at("/hook")[2];
    assert!(kill.json()["text"].as_str().unwrap().contains("+2 alert(s) held back"), "{}", kill.body);
    // An hour later there is room again.
    s.raise(codes::ORDER_REJECTED, "kraken:acct9", "rejected");
    s.d.tick(NOON + 61 * MIN).unwrap();
    let hook = http.at("/hook");
    assert_eq!(hook.len(), 4);
    assert!(!hook[3].json()["text"].as_str().unwrap().contains("held back"), "told once");
}

#[test]
fn quiet_hours_keep_non_critical_alerts_off_the_channels_they_name_in_local_time() {
    let http = HttpReceiver::start();
    let smtp = SmtpSink::start();
    let rules = r#"
[[route]]
min_severity = "warning"
channels = ["phone", "hook"]

[quiet_hours]
start = "22:00"
end = "07:00"
channels = ["phone"]
"#;
    let text = config_top(&http, &smtp, "utc_offset = \"+02:00\"\n", rules);
    let mut s = Setup::new(&text);
    let night = NOON + 9 * 60 * MIN; // 21:00 UTC, 23:00 local
    s.d.tick(night).unwrap();
    s.raise(codes::ORDER_REJECTED, "kraken:main", "rejected at night");
    s.raise(codes::KILL_SWITCH, "kraken:main", "killed at night");
    s.d.tick(night + 1000).unwrap();
    let phone = http.at("/desk");
    assert_eq!(phone.len(), 1, "only the critical alert wakes the phone");
    assert_eq!(phone[0].header("priority"), Some("5"));
    assert_eq!(http.at("/hook").len(), 2, "the hook is not quiet");
    assert_eq!(statuses(&s, "phone"), ["quiet_hours", "delivered"]);
    let morning = NOON + (17 * 60 + 30) * MIN; // 05:30 UTC the next day, 07:30 local
    s.raise(codes::ORDER_REJECTED, "kraken:desk", "rejected in the morning");
    s.d.tick(morning).unwrap();
    assert_eq!(http.at("/desk").len(), 2);
}
