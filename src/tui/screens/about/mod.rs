//! The About tab: which QuantLab this is and what it reads: the version, the workspace, the
//! keymap file (and whether it was found, or the built-in keys are in use), and whether the
//! engine's venue runtime runs (it starts on the first venue call).

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{Cx, DrawCx, Screen, Shared, Shown};
use crate::engine::runtime::{THREAD_NAME, WORKER_THREADS};
use crate::tui::jobs::{Cmd, JobKey, Loaded};
use crate::tui::keymap::{Action, Context};
use crate::tui::theme::Theme;

#[derive(Default)]
pub struct AboutScreen {
    /// Whether the venue runtime runs, as last read.
    venue_runtime: Option<bool>,
}

impl AboutScreen {
    fn venue_runtime(&self) -> String {
        match self.venue_runtime {
            None => "-".into(),
            Some(true) => format!("running ({WORKER_THREADS} {THREAD_NAME} workers)"),
            Some(false) => "not started (it starts on the first venue call)".into(),
        }
    }
}

/// The keymap line: the file and whether it was there.
fn keymap(shared: &Shared) -> String {
    match &shared.keymap_file {
        Some((path, true)) => format!("{path} (found)"),
        Some((path, false)) => format!("{path} (not found: the built-in keys are in use)"),
        None => "none (the built-in keys are in use)".into(),
    }
}

fn row(label: &str, value: String, t: &Theme) -> Line<'static> {
    Line::from(vec![Span::styled(format!(" {label:<11}"), t.dim), Span::styled(value, t.base)])
}

impl Screen for AboutScreen {
    fn title(&self) -> &'static str {
        "About"
    }

    /// The tiniest title, so ten tabs fit on 70 columns.
    fn tiny(&self) -> &'static str {
        "Abt"
    }

    /// Only the keys that work everywhere.
    fn context(&self) -> Context {
        Context::Global
    }

    fn startup(&self) -> Vec<Cmd> {
        vec![Cmd::ReadVenueRuntime]
    }

    fn on_action(&mut self, _: Option<Action>, _: &KeyEvent, _: &mut Cx) {}

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, _: &mut Cx) -> bool {
        match r.take() {
            Some(Loaded::VenueRuntime(running)) => {
                let changed = self.venue_runtime != Some(running);
                self.venue_runtime = Some(running);
                changed
            }
            other => {
                *r = other;
                false
            }
        }
    }

    fn on_show(&mut self, cx: &mut Cx) {
        cx.start(Cmd::ReadVenueRuntime);
    }

    /// Read again while shown: a venue call from any tab starts the runtime.
    fn on_tick(&mut self, shown: Shown, cx: &mut Cx) {
        if shown == Shown::Yes {
            cx.poll(Cmd::ReadVenueRuntime);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let t = cx.theme;
        let block = Block::bordered().title(Line::styled(" About ", t.title)).border_style(t.border);
        let lines = vec![
            Line::styled(" QuantLab: research, paper trading and supervised live execution", t.header),
            Line::raw(""),
            row("version", env!("CARGO_PKG_VERSION").to_string(), t),
            row("workspace", cx.shared.workspace.clone(), t),
            row("keymap", keymap(cx.shared), t),
            row("venues", self.venue_runtime(), t),
        ];
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::jobs::Jobs;
    use crate::tui::keymap::Keymap;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    fn drawn(screen: &AboutScreen, shared: &Shared) -> String {
        let (theme, keymap, jobs) = (Theme::builtin("default").unwrap(), Keymap::defaults(), Jobs::default());
        let cx = DrawCx { theme: &theme, keymap: &keymap, shared, jobs: &jobs, now_ms: 0 };
        let mut term = Terminal::new(TestBackend::new(100, 8)).unwrap();
        term.draw(|f| screen.draw(f, f.area(), &cx)).unwrap();
        let buf = term.backend().buffer().clone();
        (0..8).map(|y| (0..100).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect()
    }

    #[test]
    fn says_the_version_the_workspace_and_the_keymap_file() {
        let mut shared = Shared { workspace: "/srv/ws".into(), ..Shared::default() };
        shared.keymap_file = Some(("/srv/ws/keymap.toml".into(), true));
        let mut screen = AboutScreen::default();
        let s = drawn(&screen, &shared);
        assert!(s.contains(env!("CARGO_PKG_VERSION")) && s.contains("/srv/ws"), "{s}");
        assert!(s.contains("/srv/ws/keymap.toml (found)"), "{s}");
        shared.keymap_file = Some(("/srv/ws/keymap.toml".into(), false));
        assert!(drawn(&screen, &shared).contains("keymap.toml (not found: the built-in keys are in use)"));
        screen.venue_runtime = Some(false);
        assert!(
            drawn(&screen, &shared).contains("venues     not started (it starts on the first venue call)")
        );
        screen.venue_runtime = Some(true);
        assert!(drawn(&screen, &shared).contains("venues     running (2 quantlab-venue workers)"));
    }

    #[test]
    fn keeps_the_venue_runtime_read_and_passes_on_the_rest() {
        let (shared, jobs) = (Shared::default(), Jobs::default());
        let mut cx = Cx::new(&shared, &jobs, 20, 0, true);
        let mut screen = AboutScreen::default();
        let mut r = Some(Loaded::VenueRuntime(true));
        assert!(screen.on_result(&JobKey::VenueRuntime, &mut r, &mut cx) && r.is_none());
        assert!(!screen.on_result(&JobKey::VenueRuntime, &mut Some(Loaded::VenueRuntime(true)), &mut cx));
        let mut other = Some(Loaded::Killed);
        assert!(!screen.on_result(&JobKey::Kill, &mut other, &mut cx) && other.is_some());
    }
}
