//! The Corridors tab: every corridor with its state (a symbol and a word), and the selected
//! one's venue connection, balances, positions, open orders, recent fills, its grants of
//! automation, and the intents waiting for approval, each with its preflight verdict and why it
//! cannot be approved yet.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::CorridorsScreen;
use crate::engine::execution::ArmState;
use crate::engine::time::fmt_ms;
use crate::engine::CorridorDetail;
use crate::tui::jobs::JobKey;
use crate::tui::screens::DrawCx;
use crate::tui::theme::Theme;

pub(super) fn state_mark(s: ArmState, t: &Theme) -> (String, Style) {
    let (sym, style) = match s {
        ArmState::Disarmed => ("○", t.dim),
        ArmState::Reconciling => ("◌", t.warning),
        ArmState::Armed => ("●", t.positive),
        ArmState::Halted => ("■", t.critical),
    };
    (format!("{sym} {}", s.name().to_uppercase()), style)
}

pub(super) fn draw(f: &mut Frame, area: Rect, c: &CorridorsScreen, cx: &DrawCx) {
    let (jobs, t) = (cx.jobs, cx.theme);
    let [left, right] = Layout::horizontal([Constraint::Length(34), Constraint::Min(20)]).areas(area);
    let mut lines = Vec::new();
    for (i, (s, st)) in c.list.iter().enumerate() {
        let arming = jobs.running(&JobKey::Arm(s.corridor.clone()));
        let (mark, style) = state_mark(if arming { ArmState::Reconciling } else { *st }, t);
        let row = format!("{:<18} {}", s.corridor.to_string(), mark);
        let style = if c.sel.is(i) { t.selected } else { style };
        lines.push(Line::styled(row, style));
        if s.awaiting_approval > 0 {
            lines.push(Line::styled(format!("  ⧗ {} awaiting approval", s.awaiting_approval), t.warning));
        }
    }
    if c.list.is_empty() {
        lines.push(Line::styled("no corridors: write a policy", t.dim));
        lines.push(Line::styled("(quantlab policy init)", t.dim));
    }
    let block = Block::bordered().title(" Corridors (h/l) ").border_style(t.border);
    f.render_widget(Paragraph::new(lines).style(t.base).block(block), left);
    match &c.detail {
        Some(d) => {
            let mut grants = super::grant::list::lines(c.grants.as_ref(), &d.corridor, cx.now_ms, t);
            if let Some((refused, text)) = &c.grant_outcome {
                grants.push(Line::styled(format!("  {text}"), if *refused { t.critical } else { t.ok }));
            }
            draw_detail(f, right, d, c.intent_sel.index, grants, t)
        }
        None => {
            let block = Block::bordered().border_style(t.border);
            let text = if c.list.is_empty() { "" } else { "reading the corridor…" };
            f.render_widget(Paragraph::new(text).style(t.dim).block(block), right);
        }
    }
}

/// `grants`: the corridor's grants section, drawn above the intents awaiting approval.
fn draw_detail(f: &mut Frame, area: Rect, d: &CorridorDetail, sel: usize, grants: Vec<Line>, t: &Theme) {
    let (mark, mstyle) = state_mark(d.state, t);
    let mut head = vec![Span::styled(mark, mstyle)];
    if let Some(l) = &d.lease {
        if d.state == ArmState::Armed {
            head.push(Span::styled(format!("  dead-man until {}", &fmt_ms(l.expires_ms)[11..19]), t.dim));
        }
    }
    if let Some(h) = &d.halted {
        head.push(Span::styled(format!("  {h}"), t.critical));
    }
    let conn = if d.connection.ok {
        Span::styled(format!("venue connected ({} ms)", d.connection.latency_ms), t.ok)
    } else {
        Span::styled(format!("venue unreachable: {}", d.connection.message), t.critical)
    };
    let mut lines = vec![Line::from(head), Line::from(conn), Line::raw("")];
    // A read that failed is unknown, never "-", flat or (0).
    let unknown = |e: &Option<String>| {
        Span::styled(format!("unknown: {}", e.as_deref().unwrap_or("not read")), t.critical)
    };
    let money = d.balances.as_ref().map(|list| {
        let v: Vec<String> = list
            .iter()
            .map(|b| format!("{} {} (free {})", b.asset, b.total.round_dp(4), b.available.round_dp(4)))
            .collect();
        Span::raw(if v.is_empty() { "-".into() } else { v.join("  ") })
    });
    lines.push(Line::from(vec![
        Span::styled("balances  ", t.header),
        money.unwrap_or_else(|| unknown(&d.balances_error)),
    ]));
    let pos = d.positions.as_ref().map(|list| {
        let v: Vec<String> = list.iter().map(|p| format!("{} {}", p.symbol, p.quantity)).collect();
        Span::raw(if v.is_empty() { "flat".into() } else { v.join("  ") })
    });
    lines.push(Line::from(vec![
        Span::styled("positions ", t.header),
        pos.unwrap_or_else(|| unknown(&d.positions_error)),
    ]));
    match &d.open_orders {
        Some(list) => lines.push(Line::styled(format!("open orders ({})", list.len()), t.header)),
        None => lines
            .push(Line::from(vec![Span::styled("open orders ", t.header), unknown(&d.open_orders_error)])),
    }
    for o in d.open_orders.iter().flatten().take(5) {
        lines.push(Line::raw(format!(
            "  {} {} {} {} filled {}",
            o.venue_order_id,
            o.side.name(),
            o.quantity,
            o.symbol,
            o.filled_quantity
        )));
    }
    lines.push(Line::styled(format!("recent fills ({})", d.recent_fills.len()), t.header));
    for x in d.recent_fills.iter().take(5) {
        lines.push(Line::raw(format!(
            "  {} {} {} {} @ {}  {}",
            x.intent_id,
            x.side,
            x.filled,
            x.symbol,
            x.average_price.as_deref().unwrap_or("-"),
            x.status
        )));
    }
    lines.push(Line::raw(""));
    lines.extend(grants);
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("awaiting approval ({})  Enter reviews the selected one", d.pending.len()),
        t.header,
    ));
    for (i, p) in d.pending.iter().enumerate() {
        let i0 = p.intent();
        let price = i0.limit_price.map(|x| format!(" @ {x}")).unwrap_or_default();
        let (verdict, vstyle) = match p.blocked() {
            None => ("ready".to_string(), t.ok),
            Some(b) => (b.to_string(), t.warning),
        };
        let row = Line::from(vec![
            Span::styled(if i == sel { "▸ " } else { "  " }, t.accent),
            Span::styled(
                format!(
                    "{} {} {} {} {}{price}  ",
                    i0.id,
                    i0.side.name(),
                    i0.quantity,
                    i0.symbol,
                    i0.order_type.name()
                ),
                if i == sel { t.selected } else { t.base },
            ),
            Span::styled(verdict, vstyle),
        ]);
        lines.push(row);
        if i == sel {
            if let Some(o) = crate::engine::live::IntentOrigin::of(i0.note.as_deref()) {
                lines.push(Line::styled(format!("      {}", o.line()), t.accent));
            }
            if let Some(pf) = p.preflight() {
                for ch in pf.checks.iter().filter(|c| !c.passed).take(6) {
                    lines.push(Line::styled(
                        format!("      ✖ {}: {} (limit {})", ch.rule, ch.actual, ch.limit),
                        t.critical,
                    ));
                }
                let passed = pf.checks.iter().filter(|c| c.passed).count();
                lines.push(Line::styled(
                    format!("      ✔ {passed} of {} preflight rules pass", pf.checks.len()),
                    t.dim,
                ));
            }
        }
    }
    let title = format!(" {} ", d.corridor);
    let block = Block::bordered().title(title).border_style(t.border_focus);
    f.render_widget(Paragraph::new(lines).style(t.base).wrap(Wrap { trim: false }).block(block), area);
}
