//! One signal: the sender's document, the triage (decision, reason, plan, notes) and the
//! latest verdict, then that verdict's research row by row: sweeps with their best run,
//! the walk-forward, each check of the goal, and each symbol's outcome.

use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::load::SignalDetailView;
use crate::tui::jobs::{JobKey, Jobs};
use crate::tui::screens::signals::draw::{decision_mark, priority_mark, verdict_mark};
use crate::tui::screens::signals::state::age;
use crate::tui::theme::Theme;
use crate::tui::widgets::progress;

const KEY: usize = 10;

/// `key value`, the value word-wrapped to `width` under itself so the keys stay a column.
fn kv(k: &str, v: &str, style: Style, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let room = width.saturating_sub(KEY).max(8);
    let mut rows: Vec<String> = vec![String::new()];
    for word in v.split_whitespace() {
        let last = rows.last_mut().expect("one row");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > room {
            rows.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| {
            let key = if i == 0 { format!("{k:<KEY$}") } else { " ".repeat(KEY) };
            Line::from(vec![Span::styled(key, t.dim), Span::styled(r, style)])
        })
        .collect()
}

pub(super) fn draw(f: &mut Frame, area: ratatui::layout::Rect, d: &SignalDetailView, jobs: &Jobs, t: &Theme) {
    let rec = &d.record;
    let s = &rec.signal.signal;
    let a = &rec.triage.assessment;
    let title =
        format!(" {} · {} · {} · from {} ", s.signal_id, s.hypothesis_type.name(), s.bias.name(), s.source);
    let outer = Block::bordered().title(Line::styled(title, t.title)).border_style(t.border_focus);
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    // Each panel's text width inside its border.
    let w = (inner.width / 2).saturating_sub(2) as usize;

    let (pm, ps) = priority_mark(s.priority, t);
    let expires = format!("{} (expires {})", s.horizon, a.expires_at.as_deref().unwrap_or("-"));
    let created = format!("{} ({} ago)", s.created_at, age(&s.created_at, d.read_at_ms));
    let signal: Vec<Line> = [
        ("priority", pm.as_str(), ps),
        ("summary", s.signal_summary.as_str(), t.base),
        ("universe", &*s.affected_universe.join(", "), t.base),
        ("horizon", expires.as_str(), t.base),
        ("goal", s.validation_goal.as_str(), t.base),
        ("invalid", s.invalidation_condition.as_str(), t.base),
        ("created", created.as_str(), t.dim),
        ("received", rec.signal.received_at.as_str(), t.dim),
    ]
    .into_iter()
    .flat_map(|(k, v, st)| kv(k, v, st, w, t))
    .collect();

    let (dm, ds) = decision_mark(a.decision, t);
    let researching = jobs.running(&JobKey::Research(s.signal_id.clone()));
    let (vm, vs) = verdict_mark(rec.verdict.as_ref().map(|v| v.verdict), researching, t);
    let mut triage = kv("decision", &dm, ds, w, t);
    triage.extend(kv("reason", &a.reason, t.base, w, t));
    for p in &a.strategies {
        let plan = format!("{} {} ({} combos, {})", p.strategy, p.grid.join(" "), p.combinations, p.from);
        triage.extend(kv("plan", &plan, t.base, w, t));
    }
    for n in &a.notes {
        triage.extend(kv("note", n, t.dim, w, t));
    }
    match &rec.verdict {
        Some(v) => {
            triage.extend(kv("verdict", &format!("{vm} · {}", v.verdict_id), vs, w, t));
            triage.extend(kv("why", &v.reason, t.base, w, t));
        }
        None => triage.extend(kv("verdict", &vm, vs, w, t)),
    }
    // Research running now: how far it has got (the Signals tab and the status bar draw the bar).
    if let Some(p) = jobs.progress(&JobKey::Research(s.signal_id.clone())) {
        let count =
            p.view.total.map_or_else(|| format!("{}/?", p.view.done), |n| format!("{}/{n}", p.view.done));
        let line = format!("{} {count} · {} · {}", p.view.what, progress::percent(p).trim_start(), p.eta);
        triage.extend(kv("progress", &line, t.accent, w, t));
    }

    // The panels take what their text needs; the research table keeps at least half.
    let want = signal.len().max(triage.len()) as u16 + 2;
    let top_h = want.min(inner.height / 2).max(3);
    let [top, bottom] = Layout::vertical([Constraint::Length(top_h), Constraint::Min(3)]).areas(inner);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let panel =
        |title: &'static str| Block::bordered().title(Line::styled(title, t.dim)).border_style(t.border);
    f.render_widget(Paragraph::new(signal).block(panel(" signal ")), left);
    f.render_widget(Paragraph::new(triage).block(panel(" triage · verdict ")), right);

    let block = |title: String| Block::bordered().title(Line::styled(title, t.dim)).border_style(t.border);
    if d.research.is_empty() {
        let msg = if researching {
            " research in progress…"
        } else {
            " no research yet: r researches it in the background (sweeps, a walk-forward, a verdict)"
        };
        f.render_widget(Paragraph::new(msg).style(t.dim).block(block(" research ".into())), bottom);
        return;
    }
    let fit = bottom.height.saturating_sub(3) as usize;
    let rows = d.research.iter().skip(d.scroll.index).take(fit).map(|r| {
        let style = match r.passed {
            Some(true) => t.ok,
            Some(false) => t.negative,
            None => t.base,
        };
        let what = match (r.job, r.passed) {
            ("goal" | "invalidation" | "outcome", Some(true)) => format!("✔ {}", r.what),
            ("goal" | "invalidation" | "outcome", Some(false)) => format!("✖ {}", r.what),
            ("goal" | "invalidation" | "outcome", None) => format!("? {}", r.what),
            _ => r.what.clone(),
        };
        Row::new(vec![
            Cell::from(r.symbol.clone()),
            Cell::from(r.job),
            Cell::from(what).style(style),
            Cell::from(r.id.clone()),
            Cell::from(r.result.clone()),
        ])
    });
    let header =
        Row::new(["symbol", "job", "what", "id", "result"]).style(t.header.add_modifier(Modifier::BOLD));
    let widths = [
        Constraint::Length(8),
        Constraint::Length(12),
        Constraint::Length(20),
        Constraint::Length(31),
        Constraint::Min(20),
    ];
    let title = format!(" research · {} rows (↑/↓ scroll) ", d.research.len());
    f.render_widget(Table::new(rows, widths).header(header).block(block(title)), bottom);
}
