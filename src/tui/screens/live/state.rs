//! The Live tab's state: the live strategy sessions as last read, newest first (as the Paper
//! tab lists its sessions), and the selection.

use crate::engine::live::{LiveSession, Portfolio};
use crate::tui::widgets::list_cursor::ListCursor;

#[derive(Debug, Default)]
pub struct LiveScreen {
    /// Newest first.
    pub sessions: Vec<LiveSession>,
    pub sel: ListCursor,
    pub loaded: bool,
    /// A session to select once the list is reloaded (the one just paused, resumed, stopped).
    pub pending_select: Option<String>,
    /// The portfolio as last read, or why it could not be; `None` before the first read.
    pub portfolio: Option<Result<Portfolio, String>>,
}

impl LiveScreen {
    /// The sessions as the engine lists them (oldest first); returns whether anything shown
    /// changed.
    pub fn loaded(&mut self, mut sessions: Vec<LiveSession>, portfolio: Result<Portfolio, String>) -> bool {
        sessions.reverse();
        // The portfolio's read time changes on every read; what it says is what counts.
        let said = |p: &Result<Portfolio, String>| p.clone().map(|p| Portfolio { time: String::new(), ..p });
        let changed = !self.loaded
            || sessions != self.sessions
            || self.portfolio.as_ref().map(said) != Some(said(&portfolio));
        self.portfolio = Some(portfolio);
        let keep = self.selected_id().map(String::from);
        self.sessions = sessions;
        self.loaded = true;
        // The list grows at the top: follow the session, not the row.
        let want = self.pending_select.take().or(keep);
        let found = want.and_then(|id| self.sessions.iter().position(|s| s.id == id));
        self.sel.follow(found, self.sessions.len());
        changed
    }

    pub fn selected(&self) -> Option<&LiveSession> {
        self.sel.get(&self.sessions)
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.selected().map(|s| s.id.as_str())
    }

    /// Sessions whose runner may still change them (created, running, paused, stopping).
    pub fn live(&self) -> usize {
        self.sessions.iter().filter(|s| s.status.is_live()).count()
    }

    /// Sessions with an intent waiting for the operator's keypress or the venue.
    pub fn waiting(&self) -> usize {
        self.sessions.iter().filter(|s| s.pending_intent.is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::{CorridorId, Venue};
    use crate::engine::live::{LiveConfig, LiveSizing};

    fn session(id: &str) -> LiveSession {
        let config = LiveConfig {
            strategy: "sma_cross".into(),
            params: Default::default(),
            feed: "replay:BTC/USD:1h".into(),
            corridor: CorridorId::new(Venue::Fake, "main").unwrap(),
            symbol: "BTC/USD".into(),
            sizing: LiveSizing::Notional { notional: 500.into() },
            intent_ttl_ms: 30_000,
            allow_short: false,
            fee_bps: 0.0,
            slippage_bps: 0.0,
        };
        LiveSession::new(id.into(), config, 0.into())
    }

    #[test]
    fn newest_first_and_the_selection_follows_its_session() {
        let (a, b, c) = (session("a"), session("b"), session("c"));
        let mut l = LiveScreen::default();
        assert!(l.loaded(vec![a.clone(), b.clone()], Err("no policy".into())), "the first read is news");
        let ids = |l: &LiveScreen| l.sessions.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&l), ["b", "a"], "newest first");
        l.sel.index = 1;
        assert!(
            !l.loaded(vec![a.clone(), b.clone()], Err("no policy".into())),
            "the same list draws nothing"
        );
        assert!(l.loaded(vec![a, b, c], Err("no policy".into())));
        assert_eq!(l.selected_id(), Some("a"), "the session, not the row");
        assert_eq!((l.live(), l.waiting()), (3, 0));
    }
}
