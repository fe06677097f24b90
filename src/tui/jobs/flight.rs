//! The jobs in flight: at most one per [`JobKey`] (single-flight). A second request for a key
//! already running is never started beside it: a poll is dropped (the running one will answer
//! it), anything else is held and started once the running one is done, because what it asks
//! may postdate what the running one read (a reload after a write).

use std::sync::Arc;
use std::time::Instant;

use super::{Cmd, JobKey};
use crate::engine::research::{Eta, ProgressTracker, ProgressView};

#[derive(Debug, Default)]
pub struct Jobs {
    /// Oldest first.
    flights: Vec<Flight>,
}

#[derive(Debug)]
struct Flight {
    key: JobKey,
    started: Instant,
    /// Asked for again while running (the newest request): started when this one is done.
    next: Option<Cmd>,
    /// Where the job reports how far it has got, if it does (a signal's research).
    tracker: Option<Arc<ProgressTracker>>,
    /// What the tracker said at the last [`Jobs::read_progress`]: drawing reads this, never
    /// the tracker (which moves without a message) or the clock.
    shown: Option<Progress>,
}

/// A running job's progress as of the last read: the stage and the time it has left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub view: ProgressView,
    pub eta: Eta,
}

impl Jobs {
    /// `cmd`, if it may start now: it is then in flight until [`Jobs::finish`].
    pub fn request(&mut self, cmd: Cmd, poll: bool) -> Option<Cmd> {
        self.request_at(cmd, poll, Instant::now())
    }

    /// [`Jobs::request`] at `now` on the console's clock (its age is measured from it).
    pub fn request_at(&mut self, cmd: Cmd, poll: bool, now: Instant) -> Option<Cmd> {
        let key = cmd.key();
        if !key.tracked() {
            return Some(cmd);
        }
        if let Some(f) = self.flights.iter_mut().find(|f| f.key == key) {
            if !poll {
                f.next = Some(match f.next.take() {
                    Some(held) => held.then(cmd),
                    None => cmd,
                });
            }
            return None;
        }
        self.flights.push(Flight { key, started: now, next: None, tracker: cmd.tracker(), shown: None });
        Some(cmd)
    }

    /// `key` is done: the request held for it meanwhile, if any, to start now (in flight again).
    pub fn finish(&mut self, key: &JobKey) -> Option<Cmd> {
        self.finish_at(key, Instant::now())
    }

    /// [`Jobs::finish`] at `now` on the console's clock.
    pub fn finish_at(&mut self, key: &JobKey, now: Instant) -> Option<Cmd> {
        let i = self.flights.iter().position(|f| f.key == *key)?;
        let next = self.flights[i].next.take();
        match &next {
            Some(cmd) => {
                let f = &mut self.flights[i];
                (f.started, f.tracker, f.shown) = (now, cmd.tracker(), None);
            }
            None => {
                self.flights.remove(i);
            }
        }
        next
    }

    /// Read every tracker as of `now`; returns whether anything shown changed.
    pub fn read_progress(&mut self, now: Instant) -> bool {
        let mut changed = false;
        for f in &mut self.flights {
            let shown = f.tracker.as_ref().and_then(|t| t.view()).map(|view| {
                let eta = view.eta(now);
                Progress { view, eta }
            });
            changed |= shown != f.shown;
            f.shown = shown;
        }
        changed
    }

    /// How far the job `key` has got, as last read; None when it reports nothing (yet).
    pub fn progress(&self, key: &JobKey) -> Option<&Progress> {
        self.flights.iter().find(|f| f.key == *key).and_then(|f| f.shown.as_ref())
    }

    /// The keys in flight, oldest first.
    pub fn keys(&self) -> impl Iterator<Item = &JobKey> {
        self.flights.iter().map(|f| &f.key)
    }

    pub fn running(&self, key: &JobKey) -> bool {
        self.flights.iter().any(|f| f.key == *key)
    }

    /// Labels of the announced jobs in flight, oldest first (the status bar shows them).
    pub fn labels(&self) -> Vec<String> {
        self.flights.iter().filter_map(|f| f.key.label()).collect()
    }

    /// The oldest announced job in flight: its key, label and progress as last read.
    pub fn first_announced(&self) -> Option<(&JobKey, String, Option<&Progress>)> {
        self.flights.iter().find_map(|f| f.key.label().map(|l| (&f.key, l, f.shown.as_ref())))
    }

    /// Announced work is in progress (quitting asks first).
    pub fn busy(&self) -> bool {
        self.flights.iter().any(|f| f.key.label().is_some())
    }

    /// When the oldest announced job in flight started.
    pub fn busy_since(&self) -> Option<Instant> {
        self.flights.iter().filter(|f| f.key.label().is_some()).map(|f| f.started).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_job_per_key_a_poll_is_dropped_and_a_request_is_held() {
        let mut j = Jobs::default();
        assert!(j.request(Cmd::LoadAlerts, true).is_some());
        assert!(j.request(Cmd::LoadAlerts, true).is_none(), "a tick finds it running");
        assert!(j.finish(&JobKey::Alerts).is_none(), "and nothing waits");
        assert!(!j.running(&JobKey::Alerts));
        assert!(j.request(Cmd::LoadAlerts, false).is_some());
        assert!(j.request(Cmd::LoadAlerts, false).is_none(), "not started beside it");
        assert!(j.request(Cmd::LoadAlerts, true).is_none());
        assert_eq!(j.finish(&JobKey::Alerts).map(|c| c.key()), Some(JobKey::Alerts), "it runs after");
        assert!(j.running(&JobKey::Alerts), "and is in flight");
        assert!(j.finish(&JobKey::Alerts).is_none());
        assert!(!j.busy() && j.labels().is_empty());
        assert!(j.request(Cmd::Kill, false).is_some());
        assert!(j.request(Cmd::Kill, false).is_none(), "a second kill waits for the first");
        assert_eq!(j.labels(), ["kill switch: halting and cancelling"]);
        assert!(j.busy() && j.busy_since().is_some());
        assert!(j.finish(&JobKey::Kill).is_some(), "then halts again");
        assert!(j.finish(&JobKey::Kill).is_none());
        assert!(!j.busy());
    }

    #[test]
    fn a_jobs_progress_is_read_on_the_consoles_clock_and_a_held_request_brings_its_own() {
        let research =
            |t: &Arc<ProgressTracker>| Cmd::ResearchSignal { id: "s".into(), progress: Arc::clone(t) };
        let key = JobKey::Research("s".into());
        let (first, second) = (Arc::new(ProgressTracker::new()), Arc::new(ProgressTracker::new()));
        let t0 = Instant::now();
        let mut j = Jobs::default();
        assert!(j.request_at(research(&first), false, t0).is_some());
        assert!(!j.read_progress(t0) && j.progress(&key).is_none(), "nothing reported yet");
        first.begin_at("sweep", t0);
        first.report(1, 4);
        assert!(j.read_progress(t0 + std::time::Duration::from_secs(3)));
        let p = j.progress(&key).unwrap();
        assert_eq!((p.view.done, p.eta), (1, Eta::Left(std::time::Duration::from_secs(9))));
        assert!(!j.read_progress(t0 + std::time::Duration::from_secs(3)), "nothing new draws nothing");
        assert_eq!(
            j.first_announced().map(|(_, l, p)| (l, p.is_some())),
            Some(("researching signal s".into(), true))
        );
        assert!(j.request_at(research(&second), false, t0).is_none(), "held behind the running one");
        assert!(j.finish_at(&key, t0).is_some());
        assert!(j.progress(&key).is_none(), "the held one starts with its own tracker, unread");
        second.report(0, 2);
        j.read_progress(t0);
        assert_eq!(j.progress(&key).unwrap().view.total, Some(2));
    }

    #[test]
    fn corridor_polls_held_behind_a_running_one_add_up() {
        use crate::engine::execution::{CorridorId, Venue};
        use crate::engine::CorridorPoll;
        let id = |a: &str| CorridorId { venue: Venue::Fake, account: a.into() };
        let poll = |keep_alive: Vec<CorridorId>, detail: Option<CorridorId>| {
            Cmd::PollCorridors(CorridorPoll { keep_alive, detail })
        };
        let mut j = Jobs::default();
        assert!(j.request(poll(vec![], None), true).is_some());
        assert!(j.request(poll(vec![id("a")], Some(id("a"))), false).is_none(), "a renewal waits");
        assert!(j.request(poll(vec![], Some(id("b"))), false).is_none(), "so does a reload");
        match j.finish(&JobKey::CorridorPoll) {
            Some(Cmd::PollCorridors(p)) => {
                assert_eq!(p.keep_alive, [id("a")], "the renewal is kept");
                assert_eq!(p.detail, Some(id("b")), "the newest detail wins");
            }
            other => panic!("{other:?}"),
        }
    }
}
