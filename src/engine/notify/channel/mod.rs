//! Sending one message on one channel. Each kind speaks its own protocol (a file each); this
//! module gives them the channel's secret and makes sure no error they return carries it:
//! every reason is redacted here, and HTTP errors never include their URL (a Telegram token is
//! in the URL's path).

mod ntfy;
mod smtp;
mod telegram;
mod webhook;

use std::time::Duration;

use super::config::{Channel, Target};
use super::message::Message;
use crate::engine::secrets::Secret;

/// Deliver `msg` on `ch` within `timeout`; the error is redacted of `secret`.
pub async fn send(
    http: &reqwest::Client,
    ch: &Channel,
    secret: Option<&Secret>,
    msg: &Message,
    timeout: Duration,
) -> Result<(), String> {
    let sent = async {
        match &ch.target {
            Target::Webhook { url, bearer } => webhook::send(http, url, secret.filter(|_| *bearer), msg).await,
            Target::Ntfy { server, topic, bearer } => {
                ntfy::send(http, server, topic, secret.filter(|_| *bearer), msg).await
            }
            Target::Telegram { api_base, chat_id } => {
                let token = secret.ok_or_else(|| "no bot token".to_string())?;
                telegram::send(http, api_base, chat_id, token, msg).await
            }
            Target::Email { host, port, tls, username, from, to } => {
                let login = username.as_deref().zip(secret);
                smtp::send(host, *port, *tls, login, from, to, msg, timeout).await
            }
        }
    };
    let out = match tokio::time::timeout(timeout, sent).await {
        Ok(r) => r,
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
    };
    out.map_err(|e| redact(&e, secret))
}

/// `text` with every occurrence of the secret (and of its URL-encoded form) replaced by `***`.
pub fn redact(text: &str, secret: Option<&Secret>) -> String {
    let Some(s) = secret.map(Secret::expose).filter(|s| !s.is_empty()) else {
        return text.to_string();
    };
    let encoded: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
    text.replace(s, "***").replace(&encoded, "***")
}

/// An HTTP client error in words, without its URL, with what caused it.
fn http_error(e: reqwest::Error) -> String {
    let timeout = e.is_timeout();
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    if timeout {
        text.push_str(" (timed out)");
    }
    text
}

/// A reply other than 2xx, in words: the status and the start of its body.
async fn check_status(resp: reqwest::Response) -> Result<(), String> {
    let status = resp.status();
    if status.is_success() {
        return Ok(());
    }
    let body = resp.text().await.unwrap_or_default();
    let body: String = body.chars().take(200).collect();
    Err(format!("HTTP {status}{}", if body.is_empty() { String::new() } else { format!(": {}", body.trim()) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_covers_the_plain_and_the_encoded_secret() {
        let s = Secret::new("123:ABC/x+y");
        let text = "POST /bot123:ABC/x+y/sendMessage failed; bot123%3AABC%2Fx%2By";
        let r = redact(text, Some(&s));
        assert!(!r.contains("ABC"), "{r}");
        assert_eq!(redact("plain", None), "plain");
    }
}
