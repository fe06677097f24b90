//! `draw(frame, state)`: a pure function of the state. Header, tabs, the screen in front, the
//! persistent status bar and a footer generated from the keymap, on every screen.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs};
use ratatui::Frame;

use super::app::{App, Confirm};
use super::keymap::Keymap;
use super::screens::{DrawCx, Screen};
use super::theme::Theme;
use super::widgets::status_bar;
use super::{panes, screens};

pub struct Ctx<'a> {
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
}

/// Draw the whole screen. `app.page` is written back by the caller from [`body_rows`].
pub fn draw(f: &mut Frame, app: &App, cx: &Ctx) {
    let area = f.area();
    f.render_widget(Paragraph::new("").style(cx.theme.base), area);
    let [header, tabs, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(f, header, app, cx.theme);
    draw_tabs(f, tabs, app, cx.theme);
    let dcx = DrawCx {
        theme: cx.theme,
        keymap: cx.keymap,
        shared: &app.shared,
        jobs: &app.jobs,
        now_ms: app.now_ms,
    };
    if let Some(s) = app.screen(app.focused()) {
        s.draw(f, body, &dcx);
    }
    status_bar::draw(f, status, app, cx.theme);
    draw_footer(f, footer, app, cx);
    if app.help {
        screens::help::draw(f, area, &app.help_scroll, &dcx);
    }
    match (app.confirm, &app.order) {
        (Some(Confirm::SendOrder), Some(d)) => {
            panes::order_confirm::draw(f, area, d, app.now_ms, cx.keymap, cx.theme)
        }
        (Some(Confirm::Promote), _) if app.promotion.is_some() => {
            if let Some(g) = &app.promotion {
                panes::promotion_confirm::draw(f, area, g, app.promotion_refused.as_deref(), cx.theme)
            }
        }
        (Some(Confirm::Grant), _) if app.grant.is_some() => {
            if let Some(g) = &app.grant {
                screens::corridors::grant::dialog::draw(
                    f,
                    area,
                    g,
                    app.grant_refused.as_deref(),
                    app.now_ms,
                    cx.theme,
                )
            }
        }
        (Some(c), _) => panes::confirm::draw(f, area, c, app.question.subject.as_deref(), cx.theme),
        _ => {}
    }
}

/// Table rows that fit on a screen of `height` lines (for paging).
pub fn body_rows(height: u16) -> usize {
    // header, tabs, status, footer, plus the table's border and header row.
    height.saturating_sub(4 + 3) as usize
}

fn draw_header(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let left = Line::from(vec![
        Span::styled(" QuantLab ", t.title),
        Span::styled("│ ", t.dim),
        Span::styled("workspace ", t.dim),
        Span::styled(app.shared.workspace.clone(), t.base),
        Span::styled(" │ ", t.dim),
        Span::styled("mode ", t.dim),
        Span::styled(mode(app), t.accent),
    ]);
    let right = Line::from(Span::styled(format!("{} UTC ", app.clock), t.base)).right_aligned();
    f.render_widget(Paragraph::new(left).style(t.header), area);
    f.render_widget(Paragraph::new(right).style(t.header), area);
}

/// The furthest stage in use right now: research, or what a tab says (paper while sessions
/// are live).
fn mode(app: &App) -> String {
    app.tabs.iter().find_map(|t| t.mode()).unwrap_or_else(|| "research".into())
}

fn draw_tabs(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let title = |i: usize, s: &dyn Screen, size: Size| match size {
        Size::Full => format!("{} {}{}", i + 1, s.title(), s.badge(&app.shared)),
        Size::Short => format!("{} {}{}", i + 1, s.short(), s.badge_short(&app.shared)),
        Size::Tiny => format!("{} {}{}", i + 1, s.tiny(), s.badge_short(&app.shared)),
    };
    let titles = |size: Size| -> Vec<String> {
        app.tabs.iter().enumerate().map(|(i, s)| title(i, s.as_ref(), size)).collect()
    };
    // Every tab must stay visible: on a narrow terminal short titles with only the alert count,
    // on a narrower one without the spaces around the dividers, and then the shortest titles.
    let fits = |titles: &[String], pad: usize| {
        titles.iter().map(|s| s.chars().count() + 2 * pad + 1).sum::<usize>() <= area.width as usize
    };
    let (full, short) = (titles(Size::Full), titles(Size::Short));
    let (shown, pad) = match () {
        _ if fits(&full, 1) => (full, " "),
        _ if fits(&short, 1) => (short, " "),
        _ if fits(&short, 0) => (short, ""),
        _ => (titles(Size::Tiny), ""),
    };
    let tabs = Tabs::new(shown.into_iter().map(Line::from))
        .select(app.tab)
        .padding(pad, pad)
        .style(t.tab)
        .highlight_style(t.tab_active)
        .divider("│");
    f.render_widget(tabs, area);
}

/// How long the tab titles are.
#[derive(Clone, Copy)]
enum Size {
    Full,
    Short,
    Tiny,
}

/// The footer while a typed-confirmation dialog is open.
const TYPED_KEYS: [(&str, &str); 3] = [("Enter", "confirm"), ("Backspace", "erase"), ("Esc/^c", "cancel")];

fn draw_footer(f: &mut Frame, area: Rect, app: &App, cx: &Ctx) {
    let mut spans = Vec::new();
    let mut width = 0usize;
    let mut entries = match app.confirm {
        // The typed-confirmation dialogs take every key themselves, not through the keymap
        // (`panes::promotion_confirm::promotion_action`): their keys, not the question's y/n.
        Some(Confirm::Promote | Confirm::Grant) => {
            TYPED_KEYS.iter().map(|&(k, d)| (k.to_string(), d)).collect()
        }
        _ => cx.keymap.footer(app.context()),
    };
    // Help first: whatever else is cut on a narrow terminal, the way to the full list is not.
    if let Some(i) = entries.iter().position(|(_, d)| *d == "help" || d.starts_with("help")) {
        let help = entries.remove(i);
        entries.insert(0, help);
    }
    for (keys, desc) in entries {
        let w = keys.chars().count() + desc.chars().count() + 3;
        if width + w > area.width as usize {
            break;
        }
        width += w;
        spans.push(Span::styled(format!(" {keys}"), cx.theme.footer_key));
        spans.push(Span::styled(format!(" {desc} "), cx.theme.footer_desc));
    }
    f.render_widget(Paragraph::new(Line::from(spans)).style(Style::default()), area);
}
