//! Notifications against receivers these tests start on 127.0.0.1: an HTTP receiver standing in
//! for the webhook, ntfy and the Telegram Bot API, and an SMTP sink. The dispatcher runs in
//! process with an injected clock (routing, dedup, rate limits, quiet hours, escalation,
//! retries), in its background thread (off the trading path), and through the binary
//! (`notify test`, `log`, `status`, `run`).

mod cli;
mod delivery;
mod offpath;
mod routing;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use quantlab::engine::notify::dispatch::Dispatcher;
use quantlab::engine::secrets::{CredentialKey, CredentialStore, MemoryStore, Secret};
use quantlab::engine::workspace::Workspace;
use serde_json::Value;

/// One request the HTTP receiver took.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Request>>,
    /// Answer 500 to this many requests first.
    fail_next: AtomicUsize,
    /// Wait this long before answering.
    delay_ms: AtomicU64,
    /// Requests that arrived (answered or not yet).
    arrived: AtomicUsize,
}

/// An HTTP receiver on 127.0.0.1: answers 200 (`{"ok":true}`, what Telegram says) to any path,
/// records what it got, and can fail or be slow on demand.
pub struct HttpReceiver {
    pub base: String,
    shared: Arc<Shared>,
}

impl HttpReceiver {
    pub fn start() -> HttpReceiver {
        let shared = Arc::new(Shared::default());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let s = shared.clone();
        std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let app = axum::Router::new().fallback(
                    move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                        let s = s.clone();
                        async move {
                            s.arrived.fetch_add(1, Ordering::SeqCst);
                            let delay = s.delay_ms.load(Ordering::SeqCst);
                            if delay > 0 {
                                tokio::time::sleep(Duration::from_millis(delay)).await;
                            }
                            let failing = s
                                .fail_next
                                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                                .is_ok();
                            if failing {
                                return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "down".to_string());
                            }
                            s.requests.lock().unwrap().push(Request {
                                path: uri.path().to_string(),
                                headers: headers
                                    .iter()
                                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                                    .collect(),
                                body: String::from_utf8_lossy(&body).into_owned(),
                            });
                            (axum::http::StatusCode::OK, r#"{"ok":true,"result":{}}"#.to_string())
                        }
                    },
                );
                let l = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(l, app).await.unwrap();
            });
        });
        HttpReceiver { base, shared }
    }

    /// The requests answered 200, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Those whose path is `path`.
    pub fn at(&self, path: &str) -> Vec<Request> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }

    pub fn fail_next(&self, n: usize) {
        self.shared.fail_next.store(n, Ordering::SeqCst);
    }

    pub fn delay(&self, d: Duration) {
        self.shared.delay_ms.store(d.as_millis() as u64, Ordering::SeqCst);
    }

    pub fn arrived(&self) -> usize {
        self.shared.arrived.load(Ordering::SeqCst)
    }
}

/// One mail the SMTP sink took: the login it was given, the envelope and the data.
#[derive(Debug, Clone)]
pub struct Mail {
    pub login: Option<(String, String)>,
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

/// A tiny SMTP server on 127.0.0.1 speaking what a client needs: EHLO (with AUTH PLAIN and
/// LOGIN), AUTH, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

fn b64(s: &str) -> String {
    use base64::Engine;
    String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(s.trim()).unwrap_or_default())
        .into_owned()
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let m = mails.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(stream) = conn else { continue };
                let m = m.clone();
                std::thread::spawn(move || {
                    let mut out = stream.try_clone().unwrap();
                    let mut lines = BufReader::new(stream);
                    let mut read = || {
                        let mut l = String::new();
                        match lines.read_line(&mut l) {
                            Ok(0) | Err(_) => None,
                            Ok(_) => Some(l.trim_end_matches(['\r', '\n']).to_string()),
                        }
                    };
                    let _ = out.write_all(b"220 sink ESMTP\r\n");
                    let mut mail =
                        Mail { login: None, from: String::new(), to: Vec::new(), data: String::new() };
                    while let Some(line) = read() {
                        let upper = line.to_ascii_uppercase();
                        let reply: String = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                            "250-sink\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n".into()
                        } else if upper.starts_with("AUTH PLAIN") {
                            let arg = line[10..].trim().to_string();
                            let arg = if arg.is_empty() {
                                let _ = out.write_all(b"334 \r\n");
                                read().unwrap_or_default()
                            } else {
                                arg
                            };
                            let parts: Vec<String> = b64(&arg).split('\0').map(str::to_string).collect();
                            mail.login = Some((
                                parts.get(1).cloned().unwrap_or_default(),
                                parts.get(2).cloned().unwrap_or_default(),
                            ));
                            "235 2.7.0 ok\r\n".into()
                        } else if upper.starts_with("AUTH LOGIN") {
                            let _ = out.write_all(b"334 VXNlcm5hbWU6\r\n");
                            let user = b64(&read().unwrap_or_default());
                            let _ = out.write_all(b"334 UGFzc3dvcmQ6\r\n");
                            let pass = b64(&read().unwrap_or_default());
                            mail.login = Some((user, pass));
                            "235 2.7.0 ok\r\n".into()
                        } else if upper.starts_with("MAIL FROM:") {
                            mail.from = line[10..].trim().to_string();
                            "250 ok\r\n".into()
                        } else if upper.starts_with("RCPT TO:") {
                            mail.to.push(line[8..].trim().to_string());
                            "250 ok\r\n".into()
                        } else if upper == "DATA" {
                            let _ = out.write_all(b"354 go ahead\r\n");
                            let mut data = String::new();
                            while let Some(l) = read() {
                                if l == "." {
                                    break;
                                }
                                data.push_str(&l);
                                data.push('\n');
                            }
                            mail.data = data;
                            m.lock().unwrap().push(mail.clone());
                            mail.from.clear();
                            mail.to.clear();
                            "250 queued\r\n".into()
                        } else if upper == "QUIT" {
                            let _ = out.write_all(b"221 bye\r\n");
                            break;
                        } else {
                            "250 ok\r\n".into()
                        };
                        if out.write_all(reply.as_bytes()).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        SmtpSink { port, mails }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

/// The secrets the tests store: none of them may appear in any file the workspace holds.
pub const TG_TOKEN: &str = "123456:TEST-bot-token-zz9";
pub const SMTP_PASSWORD: &str = "smtp-pa55word-zz9";
pub const HOOK_TOKEN: &str = "hook-bearer-zz9";
pub const NTFY_TOKEN: &str = "ntfy-bearer-zz9";

/// A workspace, its in-memory credential store with every channel's secret, and a dispatcher.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub ws: Workspace,
    pub store: Arc<MemoryStore>,
    pub d: Dispatcher,
}

impl Setup {
    pub fn new(toml: &str) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        std::fs::write(dir.path().join("notify.toml"), toml).unwrap();
        let store = Arc::new(MemoryStore::default());
        for (ch, s) in
            [("tg", TG_TOKEN), ("mail", SMTP_PASSWORD), ("hook", HOOK_TOKEN), ("phone", NTFY_TOKEN)]
        {
            store.set(&CredentialKey::notify(ch), &Secret::new(s)).unwrap();
        }
        let d = Dispatcher::new(ws.clone(), store.clone(), "test").unwrap();
        Setup { dir, ws, store, d }
    }

    pub fn raise(&self, code: (&str, quantlab::engine::alerts::Severity), source: &str, msg: &str) -> String {
        quantlab::engine::alerts::raise(&self.ws, code, source, msg).unwrap().id
    }

    /// Every line of the delivery log, each checked against its schema.
    pub fn log(&self) -> Vec<Value> {
        let p = self.dir.path().join("notify/deliveries.jsonl");
        let text = std::fs::read_to_string(p).unwrap_or_default();
        let rows: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        rows.iter().for_each(valid_delivery);
        rows
    }

    /// The alerts raised, oldest first.
    pub fn alerts(&self) -> Vec<quantlab::engine::alerts::AlertView> {
        let mut v = quantlab::engine::alerts::list(&self.ws).unwrap();
        v.reverse();
        v
    }
}

/// `doc` is a `quantlab.notify_delivery` as docs/contracts/notify_delivery.schema.json says.
pub fn valid_delivery(doc: &Value) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/contracts/notify_delivery.schema.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

/// notify.toml with the four channels on the receivers, and `rest` appended.
pub fn config(http: &HttpReceiver, smtp: &SmtpSink, rest: &str) -> String {
    config_top(http, smtp, "", rest)
}

/// The same with top-level keys `top` (before the first table).
pub fn config_top(http: &HttpReceiver, smtp: &SmtpSink, top: &str, rest: &str) -> String {
    format!(
        r#"schema_version = 1
{top}
[channels.hook]
kind = "webhook"
url = "{base}/hook"
auth = "bearer"

[channels.phone]
kind = "ntfy"
server = "{base}"
topic = "desk"
auth = "bearer"

[channels.tg]
kind = "telegram"
api_base = "{base}"
chat_id = 42

[channels.mail]
kind = "email"
host = "127.0.0.1"
port = {port}
tls = "none"
username = "ops@example.com"
from = "QuantLab <ops@example.com>"
to = ["desk@example.com"]

{rest}
"#,
        base = http.base,
        port = smtp.port
    )
}

/// 2026-03-02 12:00:00 UTC, a Monday.
pub const NOON: i64 = 1_772_452_800_000;
pub const MIN: i64 = 60_000;
