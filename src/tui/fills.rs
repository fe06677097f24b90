//! The account streams of armed live corridors: the engine follows each corridor's own order
//! and fill pushes (`engine.venues().follow_account`) and this posts each to the UI as it
//! arrives, so a fill reaches the status bar within a frame of the venue's push instead of
//! waiting for the next poll.

use std::sync::mpsc::Sender;

use super::app::Msg;
use crate::engine::execution::CorridorId;
use crate::engine::handles::StreamEnd;
use crate::engine::Engine;

/// Follow until the console goes away (the send fails) or the stream ends.
pub(super) fn watch(id: CorridorId, engine: Engine, tx: Sender<Msg>) {
    let (events, ended, corridor) = (tx.clone(), tx, id.clone());
    engine.venues().follow_account(
        id.clone(),
        move |event| {
            let msg = Msg::Venue { corridor: corridor.clone(), event, received: std::time::Instant::now() };
            events.send(msg).is_ok()
        },
        move |how| {
            if let StreamEnd::Ended(why) = how {
                let _ = ended.send(Msg::StreamEnded(id, why));
            }
        },
    );
}
