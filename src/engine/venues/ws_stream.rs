//! A market-data websocket that stays up: connect, subscribe, parse each message into events,
//! and on any disconnect reconnect with backoff and subscribe again. The time without data is
//! a gap, reported through the notifier (an alert), never papered over.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// Told about disconnects and gaps (the adapter raises an alert with it).
pub type Notifier = Arc<dyn Fn(&str) + Send + Sync>;

/// Backoff between reconnects: 250 ms doubling to 8 s.
pub fn reconnect_delay(attempt: u32) -> Duration {
    Duration::from_millis((250u64 << attempt.min(5)).min(8_000))
}

/// Parses one text frame into zero or more events.
pub type Parser<T> = Box<dyn Fn(&Value) -> Vec<T> + Send>;

/// Makes the subscribe messages for each (re)connect: a fresh token where the venue needs one.
pub type Subscriber = Box<dyn FnMut() -> BoxFuture<'static, Result<Vec<Value>, String>> + Send>;

/// Run a stream until the receiver is dropped. `subscribe` is sent on every (re)connect.
pub fn spawn<T: Send + 'static>(
    url: String,
    subscribe: Vec<Value>,
    parse: Parser<T>,
    notify: Option<Notifier>,
) -> mpsc::Receiver<T> {
    let subscriber: Subscriber = Box::new(move || {
        let s = subscribe.clone();
        Box::pin(async move { Ok(s) })
    });
    spawn_with(url, subscriber, parse, notify)
}

/// A venue's refusal of a subscription: Kraken `success: false`, Hyperliquid `channel: error`.
fn refusal(v: &Value) -> Option<String> {
    if v.get("success").and_then(Value::as_bool) == Some(false) {
        return Some(
            v.get("error")
                .map_or_else(|| v.to_string(), |e| e.as_str().map_or(e.to_string(), str::to_string)),
        );
    }
    (v.get("channel").and_then(Value::as_str) == Some("error"))
        .then(|| v.get("data").map_or(v.to_string(), |d| d.to_string()))
}

/// [`spawn`] with subscribe messages made anew on every connect.
pub fn spawn_with<T: Send + 'static>(
    url: String,
    mut subscribe: Subscriber,
    parse: Parser<T>,
    notify: Option<Notifier>,
) -> mpsc::Receiver<T> {
    let (tx, rx) = mpsc::channel(1024);
    tokio::spawn(async move {
        let mut attempt: u32 = 0;
        let mut down_since: Option<std::time::Instant> = None;
        loop {
            if tx.is_closed() {
                return;
            }
            match tokio_tungstenite::connect_async(url.as_str()).await {
                Ok((mut socket, _)) => {
                    let mut ok = true;
                    match subscribe().await {
                        Ok(messages) => {
                            for m in &messages {
                                ok &= socket.send(Message::Text(m.to_string().into())).await.is_ok();
                            }
                        }
                        Err(e) => {
                            ok = false;
                            if let Some(n) = &notify {
                                n(&format!("{url}: cannot subscribe: {e}"));
                            }
                        }
                    }
                    if let (true, Some(since), Some(n)) = (ok, down_since.take(), &notify) {
                        n(&format!(
                            "{url}: reconnected and resubscribed after a gap of {} ms",
                            since.elapsed().as_millis()
                        ));
                    }
                    // A failed subscribe counts as a disconnect: reconnect and try again, backing
                    // off as from a failed connect (not from zero, which reconnects in a burst).
                    if ok {
                        attempt = 0;
                        loop {
                            let frame = tokio::select! {
                                f = socket.next() => f,
                                _ = tx.closed() => return,
                            };
                            match frame {
                                Some(Ok(Message::Text(t))) => {
                                    let Ok(v) = serde_json::from_str::<Value>(&t) else { continue };
                                    if let (Some(why), Some(n)) = (refusal(&v), &notify) {
                                        n(&format!("{url}: subscription refused: {why}"));
                                    }
                                    for e in parse(&v) {
                                        if tx.send(e).await.is_err() {
                                            return;
                                        }
                                    }
                                }
                                Some(Ok(Message::Ping(p))) => {
                                    let _ = socket.send(Message::Pong(p)).await;
                                }
                                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                                Some(Ok(_)) => {}
                            }
                        }
                    }
                    down_since.get_or_insert_with(std::time::Instant::now);
                    if let Some(n) = &notify {
                        n(&format!("{url}: websocket disconnected; reconnecting"));
                    }
                }
                Err(e) => {
                    down_since.get_or_insert_with(std::time::Instant::now);
                    if attempt == 0 {
                        if let Some(n) = &notify {
                            n(&format!("{url}: cannot connect: {e}"));
                        }
                    }
                }
            }
            tokio::time::sleep(reconnect_delay(attempt)).await;
            attempt = attempt.saturating_add(1);
        }
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_venues_refusals_are_recognised() {
        let k =
            json!({"method": "subscribe", "success": false, "error": "Currency pair not supported DOGE/USD"});
        assert_eq!(refusal(&k).as_deref(), Some("Currency pair not supported DOGE/USD"));
        let h = json!({"channel": "error", "data": "Invalid subscription {\"type\":\"l2Book\"}"});
        assert!(refusal(&h).unwrap().contains("Invalid subscription"));
        assert_eq!(refusal(&json!({"channel": "ticker", "data": []})), None);
        assert_eq!(refusal(&json!({"method": "subscribe", "success": true})), None);
    }
}
