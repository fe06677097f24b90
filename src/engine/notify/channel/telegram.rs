//! The Telegram Bot API's sendMessage. The bot token is part of the URL's path, so the URL is
//! never logged or put in an error (`http_error` drops it; the caller redacts the rest).

use serde_json::json;

use super::http_error;
use crate::engine::notify::message::Message;
use crate::engine::secrets::Secret;

pub async fn send(
    http: &reqwest::Client,
    api_base: &str,
    chat_id: &str,
    token: &Secret,
    msg: &Message,
) -> Result<(), String> {
    // Telegram caps a message at 4096 characters.
    let text: String = msg.text().chars().take(4000).collect();
    let body = json!({ "chat_id": chat_id, "text": text, "disable_web_page_preview": true });
    let resp = http
        .post(format!("{api_base}/bot{}/sendMessage", token.expose()))
        .json(&body)
        .send()
        .await
        .map_err(http_error)?;
    let status = resp.status();
    let reply: serde_json::Value = resp.json().await.unwrap_or(serde_json::Value::Null);
    if status.is_success() && reply["ok"] == true {
        return Ok(());
    }
    let why = reply["description"].as_str().unwrap_or("no description");
    Err(format!("HTTP {status}: Telegram said: {why}"))
}
