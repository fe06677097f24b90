//! The console's screens, one folder each. A screen owns its state, names its keymap context,
//! handles the actions and job results that reach it, and draws itself; [`App`](super::app::App)
//! holds the tabs (registered in [`tabs`]) and at most one view opened over the tab in front (a
//! run's detail, a form...), and routes keys, results, ticks and drawing to them.
//!
//! Adding a tab: a folder with a type implementing [`Screen`], its module declared beside the
//! other tabs' and one line in [`tabs`].

use std::any::Any;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::jobs::Loaded;
use super::jobs::{Cmd, JobKey};
use super::keymap::{Action, Context};
use crate::engine::execution::CorridorId;
use crate::engine::venues::VenueEvent;

mod cx;
pub use cx::{Cx, DrawCx, Shared, Shown};
pub(crate) use cx::{Effects, Question};

// The tabs, each registered in `tabs()` below.
pub mod about;
pub mod alerts;
pub mod corridors;
pub mod live;
pub mod paper;
pub mod pretrade;
pub mod promotion;
pub mod runs;
pub mod signals;
pub mod sweeps;

// Views opened over a tab, and the help overlay.
pub mod compare;
pub mod help;
pub mod incident;
pub mod new_run;
pub mod paper_session;
pub mod run_detail;
pub mod signal_detail;
pub mod sweep;

/// The tabs, in order: the one place a tab is registered.
pub fn tabs() -> Vec<Box<dyn Screen>> {
    vec![
        Box::new(runs::RunsScreen::default()),
        Box::new(sweeps::SweepsScreen::default()),
        Box::new(alerts::AlertsScreen::default()),
        Box::new(pretrade::PretradeScreen::new()),
        Box::new(paper::PaperScreen::default()),
        Box::new(signals::SignalsScreen::default()),
        Box::new(corridors::CorridorsScreen::default()),
        Box::new(live::LiveScreen::default()),
        Box::new(promotion::PromotionScreen::default()),
        Box::new(about::AboutScreen::default()),
    ]
}

/// One screen of the console: a tab, or a view opened over one.
pub trait Screen: Any {
    /// The tab's title (a view's: what it shows).
    fn title(&self) -> &'static str;
    /// The title on a terminal too narrow for every full one.
    fn short(&self) -> &'static str {
        self.title()
    }
    /// The title when even the short ones do not fit (ten tabs on 70 columns).
    fn tiny(&self) -> &'static str {
        self.short()
    }
    /// Beside the title in the tab bar, e.g. ` (3)`.
    fn badge(&self, _shared: &Shared) -> String {
        String::new()
    }
    /// Beside the short title: only what must never be missed.
    fn badge_short(&self, _shared: &Shared) -> String {
        String::new()
    }
    /// The stage this screen puts the console in, for the header (e.g. `paper (2 live)`).
    fn mode(&self) -> Option<String> {
        None
    }
    /// What it reads when the console starts, and again on Refresh.
    fn startup(&self) -> Vec<Cmd> {
        Vec::new()
    }
    /// Where its keys are looked up in the keymap.
    fn context(&self) -> Context;
    /// A key for this screen: the keymap's action, and the key itself for the text-capturing
    /// contexts, which also take keys the keymap leaves unbound. Global actions never get here.
    fn on_action(&mut self, action: Option<Action>, ev: &KeyEvent, cx: &mut Cx);
    /// A finished job's result, offered to the open view first and then to every tab in order;
    /// the screen that keeps it takes it out of `r` (one may look without taking). Returns
    /// whether what it draws changed.
    fn on_result(&mut self, _key: &JobKey, _r: &mut Option<Loaded>, _cx: &mut Cx) -> bool {
        false
    }
    /// The tab was brought to the front.
    fn on_show(&mut self, _cx: &mut Cx) {}
    /// The periodic tick: poll what other processes change (with [`Cx::poll`]).
    fn on_tick(&mut self, _shown: Shown, _cx: &mut Cx) {}
    /// A push from an armed corridor's account stream.
    fn on_venue(
        &mut self,
        _corridor: &CorridorId,
        _event: &VenueEvent,
        _at: std::time::Instant,
        _cx: &mut Cx,
    ) {
    }
    /// An account stream ended.
    fn on_stream_ended(&mut self, _corridor: &CorridorId) {}
    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx);
}
