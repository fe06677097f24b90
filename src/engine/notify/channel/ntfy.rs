//! ntfy: the body is the message, the title, priority and tags are headers.

use super::{check_status, http_error};
use crate::engine::alerts::Severity;
use crate::engine::notify::message::Message;
use crate::engine::secrets::Secret;

/// A header value ntfy takes: printable ASCII (other characters become '?').
fn header_text(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).take(250).collect()
}

pub async fn send(
    http: &reqwest::Client,
    server: &str,
    topic: &str,
    bearer: Option<&Secret>,
    msg: &Message,
) -> Result<(), String> {
    let (priority, tags) = match msg.severity {
        Severity::Critical => ("5", "rotating_light"),
        Severity::Warning => ("4", "warning"),
        Severity::Info => ("3", "information_source"),
    };
    let mut req = http
        .post(format!("{server}/{topic}"))
        .header("Title", header_text(&msg.title))
        .header("Priority", priority)
        .header("Tags", tags)
        .body(msg.body.clone());
    if let Some(s) = bearer {
        req = req.bearer_auth(s.expose());
    }
    check_status(req.send().await.map_err(http_error)?).await
}
