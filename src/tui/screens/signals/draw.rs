//! The signals: priority, decision and verdict (each a symbol and a word), hypothesis,
//! universe and age; the selected signal's reason below.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::state::age;
use super::SignalsScreen;
use crate::engine::signals::{Decision, Priority, SignalRow, VerdictKind};
use crate::tui::jobs::{JobKey, Jobs};
use crate::tui::theme::Theme;
use crate::tui::widgets::fit::{fit, width};
use crate::tui::widgets::progress;

pub(crate) fn priority_mark(p: Priority, t: &Theme) -> (String, Style) {
    match p {
        Priority::High => ("▲ high".into(), t.warning),
        Priority::Normal => ("· normal".into(), t.base),
        Priority::Low => ("▽ low".into(), t.dim),
    }
}

pub(crate) fn decision_mark(d: Decision, t: &Theme) -> (String, Style) {
    match d {
        Decision::Test => ("▶ test".into(), t.positive),
        Decision::NeedsData => ("◌ needs data".into(), t.warning),
        Decision::Ignore => ("– ignore".into(), t.dim),
    }
}

/// The verdict, or that research is running now, or that there is none yet.
pub(crate) fn verdict_mark(v: Option<VerdictKind>, researching: bool, t: &Theme) -> (String, Style) {
    match (researching, v) {
        (true, _) => ("◐ researching".into(), t.accent),
        (_, Some(VerdictKind::Supported)) => ("✔ supported".into(), t.ok),
        (_, Some(VerdictKind::NotSupported)) => ("✖ not supported".into(), t.negative),
        (_, Some(VerdictKind::Inconclusive)) => ("? inconclusive".into(), t.warning),
        (_, None) => ("-".into(), t.dim),
    }
}

#[derive(Clone, Copy)]
enum Col {
    Signal,
    Priority,
    Hypothesis,
    Universe,
    Decision,
    Verdict,
    Source,
    Horizon,
    Age,
}

impl Col {
    fn title(self) -> &'static str {
        match self {
            Col::Signal => "signal",
            Col::Priority => "priority",
            Col::Hypothesis => "hypothesis",
            Col::Universe => "universe",
            Col::Decision => "decision",
            Col::Verdict => "verdict",
            Col::Source => "source",
            Col::Horizon => "horizon",
            Col::Age => "age",
        }
    }

    fn width(self) -> Constraint {
        match self {
            Col::Signal => Constraint::Min(20),
            Col::Priority => Constraint::Length(8),
            Col::Hypothesis => Constraint::Length(14),
            Col::Universe => Constraint::Length(14),
            Col::Decision => Constraint::Length(12),
            Col::Verdict => Constraint::Length(15),
            Col::Source => Constraint::Length(14),
            Col::Horizon => Constraint::Length(7),
            Col::Age => Constraint::Length(4),
        }
    }

    fn cell(self, r: &SignalRow, now: i64, researching: bool, t: &Theme) -> Cell<'static> {
        let marked = |(s, st): (String, Style)| Cell::from(s).style(st);
        match self {
            Col::Signal => Cell::from(r.signal_id.clone()),
            Col::Priority => marked(priority_mark(r.priority, t)),
            Col::Hypothesis => Cell::from(r.hypothesis_type.name()),
            Col::Universe => Cell::from(r.affected_universe.join(",")),
            Col::Decision => marked(decision_mark(r.decision, t)),
            Col::Verdict => marked(verdict_mark(r.verdict, researching, t)),
            Col::Source => Cell::from(r.source.clone()),
            Col::Horizon => Cell::from(r.horizon.clone()),
            Col::Age => Cell::from(age(&r.created_at, now)),
        }
    }
}

pub(crate) fn draw(f: &mut Frame, area: Rect, s: &SignalsScreen, jobs: &Jobs, t: &Theme) {
    let count = |d: Decision| s.rows.iter().filter(|r| r.decision == d).count();
    let title = format!(
        " Signals · {} · test {} · needs data {} · ignore {} ",
        s.rows.len(),
        count(Decision::Test),
        count(Decision::NeedsData),
        count(Decision::Ignore)
    );
    let block = Block::bordered().title(Line::styled(title, t.title)).border_style(t.border_focus);
    if s.rows.is_empty() {
        let msg = if s.loaded {
            " no signals yet: take some in with `quantlab signals intake FILE` (docs/signals.md)"
        } else {
            " reading signals…"
        };
        f.render_widget(Paragraph::new(msg).style(t.dim).block(block), area);
        return;
    }
    let [table, reason] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    use Col as C;
    // Narrow terminals keep what an operator triages by: the id, priority, decision, verdict.
    let cols: &[Col] = match area.width {
        140.. => &[
            C::Signal,
            C::Priority,
            C::Hypothesis,
            C::Universe,
            C::Decision,
            C::Verdict,
            C::Source,
            C::Horizon,
            C::Age,
        ],
        120..=139 => {
            &[C::Signal, C::Priority, C::Hypothesis, C::Universe, C::Decision, C::Verdict, C::Horizon, C::Age]
        }
        100..=119 => &[C::Signal, C::Priority, C::Universe, C::Decision, C::Verdict, C::Age],
        _ => &[C::Signal, C::Priority, C::Decision, C::Verdict, C::Age],
    };
    let header = Row::new(cols.iter().map(|c| c.title())).style(t.header.add_modifier(Modifier::BOLD));
    let rows_fit = table.height.saturating_sub(3) as usize;
    let first = s.sel.top(rows_fit);
    let rows = s.rows.iter().enumerate().skip(first).take(rows_fit).map(|(i, r)| {
        let researching = jobs.running(&JobKey::Research(r.signal_id.clone()));
        Row::new(cols.iter().map(|c| c.cell(r, s.read_at_ms, researching, t))).style(if s.sel.is(i) {
            t.selected
        } else {
            t.base
        })
    });
    let widths: Vec<Constraint> = cols.iter().map(|c| c.width()).collect();
    f.render_widget(Table::new(rows, widths).header(header).block(block), table);
    let Some(r) = s.selected() else { return };
    // While the selected signal is researched, the line says how far: the stage, its count, the
    // bar, the percentage and the time left.
    if let Some(p) = jobs.progress(&JobKey::Research(r.signal_id.clone())) {
        let count = match p.view.total {
            Some(n) => format!("{}/{n}", p.view.done),
            None => format!("{}/?", p.view.done),
        };
        let bar = 24.min(reason.width / 3);
        let line_w = progress::cells(p, bar);
        let room = (reason.width.saturating_sub(line_w) as usize).saturating_sub(4 + width(&count));
        let text = format!(" ◐ {} {count} ", fit(&p.view.what, room));
        let [left, right, _] = Layout::horizontal([
            Constraint::Length(width(&text) as u16),
            Constraint::Length(line_w),
            Constraint::Min(0),
        ])
        .areas(reason);
        f.render_widget(Paragraph::new(Span::styled(text, t.accent)), left);
        progress::draw(f, right, p, t);
        return;
    }
    let line = Line::from(vec![Span::styled(" reason ", t.dim), Span::styled(r.reason.clone(), t.base)]);
    f.render_widget(Paragraph::new(line), reason);
}
