//! The jobs in flight: at most one per [`JobKey`] (single-flight). A second request for a key
//! already running is never started beside it: a poll is dropped (the running one will answer
//! it), anything else is held and started once the running one is done, because what it asks
//! may postdate what the running one read (a reload after a write).

use std::time::Instant;

use super::{Cmd, JobKey};

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
}

impl Jobs {
    /// `cmd`, if it may start now: it is then in flight until [`Jobs::finish`].
    pub fn request(&mut self, cmd: Cmd, poll: bool) -> Option<Cmd> {
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
        self.flights.push(Flight { key, started: Instant::now(), next: None });
        Some(cmd)
    }

    /// `key` is done: the request held for it meanwhile, if any, to start now (in flight again).
    pub fn finish(&mut self, key: &JobKey) -> Option<Cmd> {
        let i = self.flights.iter().position(|f| f.key == *key)?;
        let next = self.flights[i].next.take();
        match next {
            Some(_) => self.flights[i].started = Instant::now(),
            None => {
                self.flights.remove(i);
            }
        }
        next
    }

    pub fn running(&self, key: &JobKey) -> bool {
        self.flights.iter().any(|f| f.key == *key)
    }

    /// Labels of the announced jobs in flight, oldest first (the status bar shows them).
    pub fn labels(&self) -> Vec<String> {
        self.flights.iter().filter_map(|f| f.key.label()).collect()
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
