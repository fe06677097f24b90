use super::*;

const GOOD: &str = r#"
schema_version = 1
utc_offset = "+01:00"

[channels.hook]
kind = "webhook"
url = "https://hooks.example.com/q"
auth = "bearer"

[channels.phone]
kind = "ntfy"
topic = "desk-alerts"
max_per_hour = 20

[channels.tg]
kind = "telegram"
chat_id = -100123

[channels.mail]
kind = "email"
host = "smtp.example.com"
username = "ops@example.com"
from = "QuantLab <ops@example.com>"
to = ["desk@example.com"]

[[route]]
min_severity = "critical"
channels = ["tg", "phone"]

[[route]]
codes = ["ORDER_REJECTED", "LIVE_*"]
except_codes = ["LIVE_INTENT_CREATED"]
channels = ["hook"]

[quiet_hours]
start = "22:00"
end = "07:00"
channels = ["phone"]

[escalation]
after_minutes = 15
chain = ["phone", "mail"]

[heartbeat]
every_minutes = 60
channels = ["hook"]

[daily_summary]
at = "18:00"
channels = ["mail"]
"#;

fn field(text: &str) -> (Option<usize>, String, String) {
    let e = parse(text, Path::new("notify.toml")).unwrap_err();
    match e.domain::<NotifyError>() {
        Some(NotifyError::Field { line, key, problem, .. }) => (*line, key.clone(), problem.clone()),
        _ => panic!("not a field error: {e:?}"),
    }
}

#[test]
fn a_file_with_every_kind_of_channel_parses() {
    let c = parse(GOOD, Path::new("notify.toml")).unwrap();
    assert_eq!(c.utc_offset_minutes, 60);
    assert_eq!(c.channels.len(), 4);
    assert_eq!(
        c.channel("phone").unwrap().target,
        Target::Ntfy { server: "https://ntfy.sh".into(), topic: "desk-alerts".into(), bearer: false }
    );
    assert_eq!(
        c.channel("tg").unwrap().target,
        Target::Telegram { api_base: "https://api.telegram.org".into(), chat_id: "-100123".into() }
    );
    let Target::Email { port, tls, .. } = &c.channel("mail").unwrap().target else { panic!() };
    assert_eq!((*port, *tls), (587, SmtpTls::Starttls));
    assert_eq!(c.quiet.as_ref().unwrap().start, 22 * 60);
    assert_eq!(c.dedup_minutes, 10);
    assert_eq!(c.delivery, Delivery::default());
    assert!(c.channel("tg").unwrap().target.needs_secret());
}

#[test]
fn a_value_that_parses_but_cannot_work_names_its_line_and_key() {
    let (line, key, _) = field(&GOOD.replace("chat_id = -100123\n", ""));
    assert_eq!(key, "channels.tg.chat_id");
    assert_eq!(line, Some(15), "the table's header line when the key is missing");
    let (line, key, p) = field(&GOOD.replace("channels = [\"hook\"]\n\n[quiet", "channels = [\"hoook\"]\n\n[quiet"));
    assert_eq!((line, key.as_str()), (Some(33), "route[2].channels"));
    assert!(p.contains("'hoook'") && p.contains("hook, mail, phone, tg"), "{p}");
    let (line, key, _) = field(&GOOD.replace("start = \"22:00\"", "start = \"25:00\""));
    assert_eq!((line, key.as_str()), (Some(36), "quiet_hours.start"));
    let (_, key, p) = field(&GOOD.replace("https://hooks.example.com/q", "http://hooks.example.com/q"));
    assert_eq!(key, "channels.hook.url");
    assert!(p.contains("https"), "{p}");
    let (_, key, _) = field(&GOOD.replace("topic = \"desk-alerts\"", "topic = \"desk alerts\""));
    assert_eq!(key, "channels.phone.topic");
    let (_, key, _) = field(&GOOD.replace("kind = \"telegram\"", "kind = \"telegram\"\nurl = \"https://x\""));
    assert_eq!(key, "channels.tg.url", "a key of another kind is refused");
    let (_, key, _) = field(&GOOD.replace("after_minutes = 15", "after_minutes = 0"));
    assert_eq!(key, "escalation.after_minutes");
    let (_, key, _) = field(&GOOD.replace("\"LIVE_*\"", "\"live_*\""));
    assert_eq!(key, "route[2].codes");
    let (_, key, _) = field(&GOOD.replace("utc_offset = \"+01:00\"", "utc_offset = \"CET\""));
    assert_eq!(key, "utc_offset");
    let (_, key, _) = field(&GOOD.replace("host = \"smtp.example.com\"", "host = \"smtp.example.com\"\ntls = \"none\""));
    assert_eq!(key, "channels.mail.tls", "no password in clear off this machine");
    let (_, key, _) = field(&GOOD.replace("to = [\"desk@example.com\"]", "to = [\"not an address\"]"));
    assert_eq!(key, "channels.mail.to");
    let (_, key, _) = field(&GOOD.replace("max_per_hour = 20", "max_per_hour = 0"));
    assert_eq!(key, "channels.phone.max_per_hour");
    let (_, key, _) = field(&format!("{GOOD}\n[delivery]\nmax_attempts = 0\n"));
    assert_eq!(key, "delivery.max_attempts");
}

#[test]
fn the_example_in_the_docs_parses() {
    let doc = include_str!("../../../../docs/notifications.md");
    let block = doc.split("```toml").nth(1).and_then(|b| b.split("```").next()).unwrap();
    let c = parse(block, Path::new("notify.toml")).unwrap();
    assert_eq!(c.channels.len(), 4);
    assert_eq!(c.routes.len(), 2);
    assert_eq!(c.escalation.unwrap().chain, ["tg", "phone", "mail"]);
}

#[test]
fn syntax_and_types_are_tomls_with_the_line_and_key() {
    let e = parse(&GOOD.replace("every_minutes = 60", "every_minutes = \"60\""), Path::new("notify.toml"))
        .unwrap_err();
    let t = e.domain::<crate::engine::config::TomlError>().expect("a TomlError");
    assert_eq!(t.key.as_deref(), Some("heartbeat.every_minutes"));
    let e = parse(&GOOD.replace("[heartbeat]", "[heartbeat]\npassword = \"x\""), Path::new("notify.toml"))
        .unwrap_err();
    assert!(e.domain::<crate::engine::config::TomlError>().is_some(), "an unknown key is refused: {e}");
}
