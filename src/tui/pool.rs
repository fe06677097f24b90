//! Where the console's jobs run: long-lived workers fed by queues, one queue per [`Lane`] so a
//! slow kind of work never holds up another (a backtest never delays a list read, a hung venue
//! never delays the kill switch). Every worker shares the console's engine, so venue calls and
//! streams share its one venue runtime, and posts every result back as a [`Msg::Done`]. An armed live corridor's account stream is the one long-lived job with a
//! thread of its own ([`super::fills`]).

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

use super::app::Msg;
use super::jobs::{execute_caught, Cmd, Lane};
use crate::engine::Engine;

/// Workers per lane. Reads are many and short; research is CPU-heavy (its sweeps fan out on
/// rayon already); venue calls wait on the network. Kill and order lanes have one worker each,
/// and single-flight keeps a second kill from queueing beside the first.
const WORKERS: [(Lane, usize); 5] =
    [(Lane::Reads, 3), (Lane::Research, 2), (Lane::Venue, 2), (Lane::Orders, 1), (Lane::Kill, 1)];

pub(super) struct Pool {
    queues: Vec<(Lane, Sender<Cmd>)>,
    engine: Engine,
    tx: Sender<Msg>,
}

impl Pool {
    pub(super) fn new(engine: &Engine, tx: Sender<Msg>) -> Pool {
        let queues = WORKERS.iter().map(|&(lane, n)| (lane, queue(lane, n, engine, &tx))).collect();
        Pool { queues, engine: engine.clone(), tx }
    }

    /// Start `cmd` on its lane; its result comes back as a [`Msg::Done`].
    pub(super) fn submit(&self, cmd: Cmd) {
        let lane = cmd.key().lane();
        if let (Lane::Stream, Cmd::WatchFills(id)) = (lane, &cmd) {
            return super::fills::watch(id.clone(), self.engine.clone(), self.tx.clone());
        }
        match self.queues.iter().find(|(l, _)| *l == lane) {
            // The workers live as long as the pool; a send fails only while the console exits.
            Some((_, q)) => {
                let _ = q.send(cmd);
            }
            None => tracing::error!("no workers for the {lane:?} lane: {cmd:?} dropped"),
        }
    }
}

/// `n` workers sharing one queue.
fn queue(lane: Lane, n: usize, engine: &Engine, tx: &Sender<Msg>) -> Sender<Cmd> {
    let (send, recv) = mpsc::channel::<Cmd>();
    let recv = Arc::new(Mutex::new(recv));
    for i in 0..n {
        let (recv, engine, tx) = (Arc::clone(&recv), engine.clone(), tx.clone());
        let name = format!("console-{lane:?}-{i}").to_lowercase();
        if let Err(e) = std::thread::Builder::new().name(name).spawn(move || work(&recv, &engine, &tx)) {
            tracing::error!("cannot start console worker {lane:?}-{i}: {e}");
        }
    }
    send
}

fn work(recv: &Mutex<Receiver<Cmd>>, engine: &Engine, tx: &Sender<Msg>) {
    loop {
        // The lock is held while waiting for the next job, never while running one.
        let next = match recv.lock() {
            Ok(r) => r.recv(),
            Err(_) => return,
        };
        let Ok(cmd) = next else { return };
        if tx.send(Msg::Done(execute_caught(engine, cmd))).is_err() {
            return;
        }
    }
}
