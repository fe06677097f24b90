//! The About tab: which QuantLab this is and what it reads: the version, the workspace, and the
//! keymap file (and whether it was found, or the built-in keys are in use).

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{Cx, DrawCx, Screen, Shared};
use crate::tui::keymap::{Action, Context};
use crate::tui::theme::Theme;

#[derive(Default)]
pub struct AboutScreen;

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

    /// Only the keys that work everywhere.
    fn context(&self) -> Context {
        Context::Global
    }

    fn on_action(&mut self, _: Option<Action>, _: &KeyEvent, _: &mut Cx) {}

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let t = cx.theme;
        let block = Block::bordered().title(Line::styled(" About ", t.title)).border_style(t.border);
        let lines = vec![
            Line::styled(" QuantLab: research, paper trading and supervised live execution", t.header),
            Line::raw(""),
            row("version", env!("CARGO_PKG_VERSION").to_string(), t),
            row("workspace", cx.shared.workspace.clone(), t),
            row("keymap", keymap(cx.shared), t),
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

    fn drawn(shared: &Shared) -> String {
        let (theme, keymap, jobs) = (Theme::builtin("default").unwrap(), Keymap::defaults(), Jobs::default());
        let cx = DrawCx { theme: &theme, keymap: &keymap, shared, jobs: &jobs };
        let mut term = Terminal::new(TestBackend::new(100, 8)).unwrap();
        term.draw(|f| AboutScreen.draw(f, f.area(), &cx)).unwrap();
        let buf = term.backend().buffer().clone();
        (0..8).map(|y| (0..100).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect()
    }

    #[test]
    fn says_the_version_the_workspace_and_the_keymap_file() {
        let mut shared = Shared { workspace: "/srv/ws".into(), ..Shared::default() };
        shared.keymap_file = Some(("/srv/ws/keymap.toml".into(), true));
        let s = drawn(&shared);
        assert!(s.contains(env!("CARGO_PKG_VERSION")) && s.contains("/srv/ws"), "{s}");
        assert!(s.contains("/srv/ws/keymap.toml (found)"), "{s}");
        shared.keymap_file = Some(("/srv/ws/keymap.toml".into(), false));
        assert!(drawn(&shared).contains("keymap.toml (not found: the built-in keys are in use)"));
    }
}
