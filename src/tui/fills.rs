//! The account streams of armed live corridors: a long-lived task per corridor, on the engine's
//! venue runtime, subscribes the venue's own order and fill pushes (Kraken executions and
//! balances, Hyperliquid orderUpdates and userFills) and posts each to the UI as it arrives, so
//! a fill reaches the status bar within a frame of the venue's push instead of waiting for the
//! next poll.

use std::sync::mpsc::Sender;

use super::app::Msg;
use crate::engine::execution::CorridorId;
use crate::engine::venues::connect::{self, Live};
use crate::engine::Engine;

/// Run until the console goes away (the send fails) or the stream ends.
pub(super) fn watch(id: CorridorId, engine: Engine, tx: Sender<Msg>) {
    // Opening reads the credential store, which may block: not on a runtime worker.
    std::thread::spawn(move || {
        let Ok((live, _, _)) = connect::open(engine.workspace(), &id, engine.credentials()) else {
            let _ = tx.send(Msg::StreamEnded(id, "cannot open the venue's account stream".into()));
            return;
        };
        let ended = tx.clone();
        let stream_id = id.clone();
        let task = engine.spawn(async move {
            let id = stream_id;
            let stream = match &live {
                Live::Kraken(a) => a.user_stream().await,
                Live::Hyperliquid(a) => a.user_stream().await,
            };
            let mut rx = match stream {
                Ok(rx) => rx,
                Err(e) => {
                    let _ = tx.send(Msg::StreamEnded(id.clone(), e.to_string()));
                    return;
                }
            };
            while let Some(event) = rx.recv().await {
                let msg = Msg::Venue { corridor: id.clone(), event, received: std::time::Instant::now() };
                if tx.send(msg).is_err() {
                    return;
                }
            }
            let _ = tx.send(Msg::StreamEnded(id.clone(), "the account stream closed".into()));
        });
        if let Err(e) = task {
            let _ = ended.send(Msg::StreamEnded(id, e.message));
        }
    });
}
