//! The account streams of armed live corridors: a long-lived worker per corridor subscribes
//! the venue's own order and fill pushes (Kraken executions and balances, Hyperliquid
//! orderUpdates and userFills) and posts each to the UI as it arrives, so a fill reaches the
//! status bar within a frame of the venue's push instead of waiting for the next poll.

use std::sync::mpsc::Sender;

use super::app::Msg;
use crate::engine::execution::CorridorId;
use crate::engine::venues::connect::{self, Live};
use crate::engine::workspace::Workspace;
use crate::engine::Engine;

/// Run until the console goes away (the send fails) or the stream ends.
pub(super) fn watch(id: CorridorId, ws: Workspace, tx: Sender<Msg>) {
    std::thread::spawn(move || {
        let engine = Engine::open(ws.clone());
        let opened = connect::open(&ws, &id, engine.credentials());
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
        let (Ok((live, _, _)), Ok(rt)) = (opened, rt) else {
            let _ = tx.send(Msg::StreamEnded(id, "cannot open the venue's account stream".into()));
            return;
        };
        rt.block_on(async {
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
    });
}
