//! One incident: what opened it and what became of it, the triggers, the timeline row by row
//! (`!` a trigger, `*` the operator's doing) and, per corridor, the venue's state before the
//! trigger and at the timeline's end as its journal recorded it (unknown where it recorded
//! nothing, never zero or flat).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::words::{place, status, time, word};
use super::{closable, IncidentScreen};
use crate::engine::incidents::{VenueState, VenueView};
use crate::tui::theme::Theme;

/// A venue state in a line: positions, open orders, in flight, halt, reconciliation.
fn state(s: &VenueState) -> String {
    let positions = match &s.positions {
        None => "unknown (no baseline journaled)".to_string(),
        Some(p) if p.is_empty() => "none".to_string(),
        Some(p) => p.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", "),
    };
    let reconciliation = match &s.reconciliation {
        None => "none journaled (unknown)".to_string(),
        Some(r) if r.clean => format!("{} clean", r.id),
        Some(r) => format!("{} MISMATCH: {}", r.id, r.mismatches.join("; ")),
    };
    format!(
        "positions {positions} · open orders {} · in flight {} · halt {} · reconciliation {reconciliation}",
        s.open_orders.len(),
        s.in_flight.len(),
        s.halt.as_deref().unwrap_or("none"),
    )
}

fn venue<'a>(v: &VenueView, t: &Theme) -> Vec<Line<'a>> {
    let at = |s: &VenueState| s.journal_seq.map_or("empty journal".to_string(), |q| format!("seq {q}"));
    vec![
        Line::styled(format!(" {} as journaled", v.corridor), t.header),
        Line::from(vec![
            Span::styled(format!("  before ({:>8}) ", at(&v.before)), t.dim),
            Span::styled(state(&v.before), t.base),
        ]),
        Line::from(vec![
            Span::styled(format!("  after  ({:>8}) ", at(&v.after)), t.dim),
            Span::styled(state(&v.after), t.base),
        ]),
    ]
}

pub(super) fn draw(f: &mut Frame, area: Rect, s: &IncidentScreen, t: &Theme) {
    let i = &s.incident;
    let (mark, mark_style) = status(i, t);
    let title = format!(" Incident {} · {} ", i.id, word(&i.kind));
    let outer = Block::bordered().title(Line::styled(title, t.title)).border_style(t.border_focus);
    let inner = outer.inner(area);
    f.render_widget(outer, area);

    let mut head = vec![
        Line::from(vec![
            Span::styled(format!(" {mark}  "), mark_style),
            Span::styled(i.summary.clone(), t.header),
        ]),
        Line::raw(format!(" opened {} · where {}", time(&i.opened_at), place(i))),
    ];
    match (&i.closed, &i.resolved) {
        (Some(c), _) => {
            let journaled: Vec<String> =
                c.journaled.iter().map(|j| format!("{} seq {}", j.corridor, j.journal_seq)).collect();
            let journaled =
                if journaled.is_empty() { "the workspace's record".into() } else { journaled.join(", ") };
            head.push(Line::styled(
                format!(" closed {} by {} (journaled: {journaled}): {}", time(&c.time), c.operator, c.note),
                t.ok,
            ));
        }
        (None, Some(r)) => head.push(Line::styled(
            format!(
                " resolved {} ({}), still open until an operator closes it with a note",
                time(&r.time),
                word(&r.kind)
            ),
            t.warning,
        )),
        (None, None) => head
            .push(Line::styled(" open: nothing has resolved it yet, and no operator closed it", t.critical)),
    }
    for tr in &i.triggers {
        let place = tr.corridor.as_ref().map_or("-".to_string(), |c| c.to_string());
        let what = tr.code.clone().unwrap_or_else(|| word(&tr.kind));
        head.push(Line::raw(format!(" trigger {} {place} {what}: {}", time(&tr.time), tr.message)));
    }
    let tl = &i.timeline;
    head.push(Line::styled(
        format!(
            " the operator saw {} alert(s) and did {} thing(s) in it; timeline {} .. {} ({})",
            tl.operator.saw.len(),
            tl.operator.did.len(),
            time(&tl.from),
            time(&tl.to),
            word(&tl.until)
        ),
        t.dim,
    ));
    if let Some(why) = &s.refused {
        head.push(Line::styled(format!(" not closed: {why}"), t.critical));
    }
    if closable(i) && s.note.is_none() {
        head.push(Line::styled(" c  close it with a note (journaled)", t.accent));
    }
    let venues: Vec<Line> = tl.venue.iter().flat_map(|v| venue(v, t)).collect();
    let w = inner.width.max(1) as usize;
    let rows = |ls: &[Line]| ls.iter().map(|l| l.width().max(1).div_ceil(w)).sum::<usize>() as u16;
    let [top, mid, bottom] = Layout::vertical([
        Constraint::Length(rows(&head)),
        Constraint::Min(4),
        Constraint::Length(if venues.is_empty() { 1 } else { rows(&venues) }),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(head).style(t.base).wrap(Wrap { trim: false }), top);

    let header =
        Row::new(["time", "where", "", "kind", "what happened"]).style(t.header.add_modifier(Modifier::BOLD));
    let fit = mid.height.saturating_sub(2) as usize;
    let first = s.scroll.index.min(tl.entries.len().saturating_sub(fit));
    let body = tl.entries.iter().skip(first).take(fit).map(|r| {
        let (m, style) = match (r.trigger, r.operator) {
            (true, _) => ("!", t.critical),
            (false, true) => ("*", t.accent),
            (false, false) => (" ", t.base),
        };
        Row::new(vec![
            Cell::from(time(&r.time)),
            Cell::from(r.corridor.as_ref().map_or("-".to_string(), |c| c.to_string())),
            Cell::from(m).style(style),
            Cell::from(r.kind.clone()),
            Cell::from(r.description.clone()),
        ])
        .style(if r.trigger { t.critical } else { t.base })
    });
    let widths = [
        Constraint::Length(19),
        Constraint::Length(14),
        Constraint::Length(1),
        Constraint::Length(20),
        Constraint::Min(20),
    ];
    let block = Block::default()
        .borders(ratatui::widgets::Borders::TOP)
        .title(Line::styled(
            format!(" timeline · {} rows · ! trigger · * the operator's doing ", tl.entries.len()),
            t.title,
        ))
        .border_style(t.border);
    f.render_widget(Table::new(body, widths).header(header).block(block), mid);
    let venues = if venues.is_empty() {
        vec![Line::styled(" no venue: an incident of no corridor", t.dim)]
    } else {
        venues
    };
    f.render_widget(Paragraph::new(venues).style(t.base).wrap(Wrap { trim: false }), bottom);
}
