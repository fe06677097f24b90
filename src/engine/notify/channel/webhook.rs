//! A JSON webhook: one POST per message (docs/notifications.md shows the body).

use serde_json::json;

use super::{check_status, http_error};
use crate::engine::notify::message::Message;
use crate::engine::secrets::Secret;

pub async fn send(http: &reqwest::Client, url: &str, bearer: Option<&Secret>, msg: &Message) -> Result<(), String> {
    let body = json!({
        "schema": "quantlab.notification",
        "schema_version": 1,
        "kind": msg.kind,
        "severity": msg.severity,
        "title": msg.title,
        "text": msg.body,
        "alert": msg.alert,
    });
    let mut req = http.post(url).json(&body);
    if let Some(s) = bearer {
        req = req.bearer_auth(s.expose());
    }
    check_status(req.send().await.map_err(http_error)?).await
}
