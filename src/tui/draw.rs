//! `draw(frame, state)`: a pure function of the state. Header, tabs, the active pane, the
//! persistent status bar and a footer generated from the keymap, on every screen.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs};
use ratatui::Frame;

use super::app::{App, Tab, View};
use super::keymap::Keymap;
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
    match (&app.view, app.tab) {
        (View::Detail(d), _) => screens::run_detail::draw::draw(f, body, d, cx.theme),
        (View::Compare(c), _) => screens::compare::draw::draw(f, body, c, cx.theme),
        (View::Form(form), _) => screens::new_run::draw::draw(f, body, form, cx.theme),
        (View::Sweep(s), _) => screens::sweep::draw::draw(f, body, s, cx.theme),
        (View::Paper(d), _) => screens::paper_session::draw::draw(f, body, d, cx.theme),
        (View::Signal(d), _) => screens::signal_detail::draw::draw(f, body, d, &app.jobs, cx.theme),
        (View::Table, Tab::Runs) => screens::runs::draw::draw(f, body, app, cx.theme),
        (View::Table, Tab::Sweeps) => screens::sweeps::draw::draw(f, body, app, cx.theme),
        (View::Table, Tab::Alerts) => screens::alerts::draw::draw(f, body, app, cx.theme),
        (View::Table, Tab::Pretrade) => screens::pretrade::draw::draw(f, body, &app.pretrade, cx.theme),
        (View::Table, Tab::Paper) => screens::paper::draw::draw(f, body, &app.paper, cx.theme),
        (View::Table, Tab::Signals) => {
            screens::signals::draw::draw(f, body, &app.signals, &app.jobs, cx.theme)
        }
        (View::Table, Tab::Corridors) => {
            screens::corridors::draw::draw(f, body, &app.corridors, &app.jobs, cx.theme)
        }
    }
    status_bar::draw(f, status, app, cx.theme);
    draw_footer(f, footer, app, cx);
    if app.help {
        screens::help::draw(f, area, app, cx);
    }
    match (app.confirm, &app.corridors.order) {
        (Some(super::app::Confirm::SendOrder), Some(d)) => {
            panes::order_confirm::draw(f, area, d, app.now_ms, cx.keymap, cx.theme)
        }
        (Some(c), _) => panes::confirm::draw(f, area, c, app.paper.stop_target.as_deref(), cx.theme),
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
        Span::styled(app.workspace.clone(), t.base),
        Span::styled(" │ ", t.dim),
        Span::styled("mode ", t.dim),
        Span::styled(mode(app), t.accent),
    ]);
    let right = Line::from(Span::styled(format!("{} UTC ", app.clock), t.base)).right_aligned();
    f.render_widget(Paragraph::new(left).style(t.header), area);
    f.render_widget(Paragraph::new(right).style(t.header), area);
}

/// The furthest stage in use right now: research, or paper while sessions are live. (Live
/// corridors join with the corridors tab.)
fn mode(app: &App) -> String {
    match app.paper.totals.live {
        0 => "research".into(),
        n => format!("paper ({n} live)"),
    }
}

fn draw_tabs(f: &mut Frame, area: Rect, app: &App, t: &Theme) {
    let full: Vec<String> = Tab::ALL
        .iter()
        .enumerate()
        .map(|(i, tab)| {
            let extra = match tab {
                Tab::Alerts => {
                    let open = app.alerts.iter().filter(|a| a.acknowledged_at.is_none()).count();
                    if open > 0 {
                        format!(" ({open})")
                    } else {
                        String::new()
                    }
                }
                Tab::Runs if app.runs_loaded => format!(" ({})", app.runs.all.len()),
                Tab::Sweeps if !app.sweeps.is_empty() => format!(" ({})", app.sweeps.len()),
                Tab::Pretrade if !app.pretrade.plans.is_empty() => format!(" ({})", app.pretrade.plans.len()),
                Tab::Paper if app.paper.totals.live > 0 => format!(" ({} live)", app.paper.totals.live),
                Tab::Paper if !app.paper.sessions.is_empty() => format!(" ({})", app.paper.sessions.len()),
                Tab::Signals if !app.signals.rows.is_empty() => format!(" ({})", app.signals.rows.len()),
                Tab::Corridors if !app.corridors.armed().is_empty() => {
                    format!(" ({} armed)", app.corridors.armed().len())
                }
                _ => String::new(),
            };
            format!("{} {}{extra}", i + 1, tab.title())
        })
        .collect();
    // Every tab must stay visible: on a narrow terminal, short titles and only the alert count.
    let width: usize = full.iter().map(|s| s.chars().count() + 3).sum();
    let titles: Vec<Line> = if width <= area.width as usize {
        full.into_iter().map(Line::from).collect()
    } else {
        Tab::ALL
            .iter()
            .enumerate()
            .map(|(i, tab)| {
                let open = app.alerts.iter().filter(|a| a.acknowledged_at.is_none()).count();
                let extra =
                    if *tab == Tab::Alerts && open > 0 { format!(" ({open})") } else { String::new() };
                Line::from(format!("{} {}{extra}", i + 1, tab.short()))
            })
            .collect()
    };
    let sel = Tab::ALL.iter().position(|x| *x == app.tab).unwrap_or(0);
    let tabs = Tabs::new(titles).select(sel).style(t.tab).highlight_style(t.tab_active).divider("│");
    f.render_widget(tabs, area);
}

fn draw_footer(f: &mut Frame, area: Rect, app: &App, cx: &Ctx) {
    let mut spans = Vec::new();
    let mut width = 0usize;
    let mut entries = cx.keymap.footer(app.context());
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
