//! The simulator's HTTP and websocket server: both venues on one loopback port, the market
//! ticking in the background, state saved as it changes, and a control path for faults.
//!
//! Paths: Kraken `/0/public/*`, `/0/private/*`, websocket `/kraken/v2`; Hyperliquid `/info`,
//! `/exchange`, websocket `/ws`; control `/_sim/fault` (POST), `/_sim/state` (GET).

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::faults::FaultChange;
use super::{hl_rest, kraken_rest, ws};
// The handle's home is app.rs; it stays reachable here, where the server's users look for it.
pub use super::app::App;
use super::error::SimError;
use crate::engine::error::{Error, Result};
use crate::engine::venues::endpoints::is_loopback_ip;

pub fn router(app: App) -> Router {
    Router::new()
        .route("/0/public/{method}", get(kraken_rest::public).post(kraken_rest::public))
        .route("/0/private/{method}", post(kraken_rest::private))
        .route("/kraken/v2", get(ws::kraken))
        .route("/info", post(hl_rest::info))
        .route("/exchange", post(hl_rest::exchange))
        .route("/ws", get(ws::hyperliquid))
        .route("/_sim/fault", post(fault))
        .route("/_sim/state", get(state))
        .layer(axum::middleware::from_fn_with_state(app.clone(), log_http_refusals))
        .layer(axum::middleware::map_response_with_state(app.clone(), date_header))
        .with_state(app)
}

/// A request refused before any venue logic ran (a body too large, 413; or one that does not
/// parse, 422) still gets its line in the request log, as every request accepted or refused does.
async fn log_http_refusals(
    axum::extract::State(app): axum::extract::State<App>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path().to_string();
    let reply = next.run(req).await;
    let status = reply.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE || status == StatusCode::UNPROCESSABLE_ENTITY {
        let venue = if path.starts_with("/0/") || path.starts_with("/kraken") {
            "kraken"
        } else if matches!(path.as_str(), "/info" | "/exchange" | "/ws") {
            "hyperliquid"
        } else {
            "sim"
        };
        let endpoint = path.rsplit('/').next().filter(|e| !e.is_empty()).unwrap_or("/");
        let error = format!("HTTP {status}");
        let mut sim = app.lock();
        let now = sim.now_ms();
        sim.record(super::reqlog::Entry {
            at_ms: now,
            venue,
            endpoint,
            caller: None,
            accepted: false,
            error: Some(&error),
            detail: None,
        });
    }
    reply
}

/// Every reply's `Date` is the simulator's clock, so the clock-offset fault shows there as a
/// venue's skewed clock would (Hyperliquid's server time is read from it); hyper would
/// otherwise stamp the machine's clock.
async fn date_header(axum::extract::State(app): axum::extract::State<App>, mut reply: Response) -> Response {
    let now = app.lock().now_ms();
    let text = chrono::DateTime::from_timestamp_millis(now)
        .map(|t| t.format("%a, %d %b %Y %H:%M:%S GMT").to_string());
    if let Some(v) = text.and_then(|t| axum::http::HeaderValue::from_str(&t).ok()) {
        reply.headers_mut().insert(axum::http::header::DATE, v);
    }
    reply
}

async fn fault(
    axum::extract::State(app): axum::extract::State<App>,
    Json(change): Json<FaultChange>,
) -> Response {
    let mut sim = app.lock();
    if sim.faults.apply(&change) {
        sim.ws_generation.send_modify(|g| *g += 1);
    }
    Json(json!({ "ok": true, "faults": sim.faults })).into_response()
}

/// Orders, fills and accounts as the simulator holds them (for tests and the operator).
async fn state(axum::extract::State(app): axum::extract::State<App>) -> Response {
    let sim = app.lock();
    Json(json!({ "exchange": sim.ex, "faults": sim.faults, "now_ms": sim.now_ms(),
                 "hyperliquid_network": sim.hl_network.name() }))
    .into_response()
}

/// Refuse anything but a loopback address: the simulator holds test credentials in the clear.
/// The rule is the one `venues.toml` endpoints meet ([`is_loopback_ip`]): 127.0.0.0/8 or ::1;
/// not 0.0.0.0 or :: (every interface), not a LAN address, not an IPv4-mapped address.
pub fn check_loopback(addr: &SocketAddr) -> Result<()> {
    if is_loopback_ip(addr.ip()) {
        Ok(())
    } else {
        Err(Error::from(SimError::NotLoopback { addr: *addr }).with_field("listen"))
    }
}

/// Serve until `shutdown` resolves; the market ticks and state is saved every tick it changed,
/// and once more on the way out.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let tick_ms = app.lock().tick_ms;
    let ticker = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(tick_ms));
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                let mut sim = app.lock();
                let now = sim.now_ms();
                sim.tick(now);
                if let Err(e) = sim.save() {
                    tracing::error!("simulator state not saved: {}", e.message);
                }
            }
        })
    };
    let result = axum::serve(listener, router(app.clone()))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| SimError::Serve(e).into());
    ticker.abort();
    app.lock().save()?;
    result
}
