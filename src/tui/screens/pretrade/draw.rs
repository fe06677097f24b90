//! The Pre-trade tab: the plan form, the sizing and policy checks it gives (recomputed as you
//! type), a price ladder, and the saved plans.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::PretradeScreen;
use crate::engine::pretrade::{EntryKind, Plan};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::Look;
use crate::tui::widgets::ladder::{self, Level};

pub(super) fn draw(f: &mut Frame, area: Rect, s: &PretradeScreen, t: &Theme) {
    let saved_h = if area.height >= 30 { 7 } else { 4 };
    let [top, saved] = Layout::vertical([Constraint::Min(10), Constraint::Length(saved_h)]).areas(area);
    // The ladder needs room; on a narrow terminal the numbers come first.
    let ladder_w = if top.width >= 110 { 28 } else { 0 };
    let [form, results, ladder_area] =
        Layout::horizontal([Constraint::Length(38), Constraint::Min(30), Constraint::Length(ladder_w)])
            .areas(top);
    draw_form(f, form, s, t);
    draw_results(f, results, s, t);
    if ladder_w > 0 {
        draw_ladder(f, ladder_area, s, t);
    }
    draw_saved(f, saved, s, t);
}

fn draw_form(f: &mut Frame, area: Rect, s: &PretradeScreen, t: &Theme) {
    let title = if s.editing { " Plan (editing: Esc done) " } else { " Plan (e edit) " };
    let block = Block::bordered().title(Line::styled(title, t.title)).border_style(if s.editing {
        t.border_focus
    } else {
        t.border
    });
    let inner = block.inner(area);
    f.render_widget(block, area);
    let rows = inner.height as usize;
    let first = if s.editing { s.form.focus.top(rows) } else { 0 };
    let look = Look { marker: "▶", label_width: 17 };
    let lines = s.form.lines(s.editing, first, rows, look, &|_| None, t);
    f.render_widget(Paragraph::new(lines), inner);
}

fn kv<'a>(k: &str, v: String, t: &Theme) -> Line<'a> {
    Line::from(vec![Span::styled(format!("{k:<24}"), t.dim), Span::styled(v, t.base)])
}

fn draw_results(f: &mut Frame, area: Rect, s: &PretradeScreen, t: &Theme) {
    let block = Block::bordered().title(Line::styled(" Sizing and policy ", t.title)).border_style(t.border);
    let inner = block.inner(area);
    f.render_widget(block, area);
    // Where the rules, equity and exposure came from, or which the venue could not tell.
    let venue_line = s.venue.summary().map(|(text, ok)| {
        if ok {
            Line::styled(format!("◆ {text}"), t.dim)
        } else {
            Line::styled(format!("▲ {text}"), t.warning)
        }
    });
    let p = match &s.result {
        Ok(p) => p,
        Err(e) => {
            let mut lines =
                vec![Line::styled("cannot size this plan", t.negative), Line::styled(e.clone(), t.negative)];
            lines.extend(venue_line);
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
            return;
        }
    };
    let z = &p.sizing;
    let mut lines = vec![Line::from(vec![
        Span::styled(
            if p.valid() { " VALID " } else { " REJECTED " },
            if p.valid() { t.ok } else { t.critical },
        ),
        Span::styled(
            format!(
                "  {} {} {} {}",
                p.input.side.name(),
                z.size,
                p.input.symbol,
                match p.input.entry_kind {
                    EntryKind::Limit => format!("limit {}", p.input.entry),
                    EntryKind::Market => format!("market ~{}", p.input.entry),
                }
            ),
            t.base,
        ),
    ])];
    lines.push(kv("notional", z.notional.to_string(), t));
    lines.push(kv("leverage needed", z.leverage_needed.to_string(), t));
    lines.push(kv("loss at stop (fees in)", format!("{} ({}%)", z.loss_at_stop, z.loss_at_stop_pct), t));
    lines.push(kv("reward/risk", z.reward_risk.map_or("-".into(), |x| x.to_string()), t));
    if let Some(l) = z.liquidation_price {
        lines.push(kv("liquidation (est.)", l.to_string(), t));
    }
    lines.push(kv("exposure after", format!("{}% of equity", z.exposure_after_pct), t));
    for (i, x) in z.targets.iter().enumerate() {
        lines.push(Line::from(vec![
            Span::styled(format!("T{} {:<10}", i + 1, x.price), t.positive),
            Span::styled(format!("{} units  PnL {}  {}R", x.quantity, x.pnl, x.r_multiple), t.base),
        ]));
    }
    // Failed rules come right under the verdict, so a short terminal still says why.
    let check = |c: &crate::engine::execution::Check| {
        Line::from(vec![
            Span::styled(if c.passed { " ok  " } else { " FAIL" }, if c.passed { t.ok } else { t.critical }),
            Span::styled(format!(" {:<19}", c.rule), t.dim),
            Span::styled(format!("{} ", c.actual), if c.passed { t.base } else { t.negative }),
            Span::styled(format!("({})", c.limit), t.dim),
        ])
    };
    let failed: Vec<Line> = p.checks.iter().filter(|c| !c.passed).map(check).collect();
    lines.splice(1..1, failed);
    lines.extend(p.checks.iter().filter(|c| c.passed).map(check));
    for w in &p.warnings {
        lines.push(Line::styled(format!("▲ {w}"), t.warning));
    }
    if let Some(e) = &s.policy_error {
        lines.push(Line::styled(format!("▲ policy unreadable: {e}"), t.warning));
    }
    lines.extend(venue_line);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn levels(p: &Plan, t: &Theme) -> Vec<Level> {
    let num = |d: rust_decimal::Decimal| d.to_string().parse::<f64>().unwrap_or(0.0);
    let mut out = vec![
        Level { tag: "E", price: p.input.entry.to_string(), value: num(p.input.entry), style: t.accent },
        Level { tag: "S", price: p.input.stop.to_string(), value: num(p.input.stop), style: t.negative },
    ];
    for (i, x) in p.sizing.targets.iter().enumerate() {
        out.push(Level {
            tag: ["T1", "T2", "T3"][i.min(2)],
            price: x.price.to_string(),
            value: num(x.price),
            style: t.positive,
        });
    }
    if let Some(l) = p.sizing.liquidation_price {
        out.push(Level { tag: "L", price: l.to_string(), value: num(l), style: t.critical });
    }
    out
}

fn draw_ladder(f: &mut Frame, area: Rect, s: &PretradeScreen, t: &Theme) {
    let block = Block::bordered().title(Line::styled(" Ladder ", t.title)).border_style(t.border);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if let Ok(p) = &s.result {
        ladder::draw(f, inner, &levels(p, t), t.dim);
    }
}

fn draw_saved(f: &mut Frame, area: Rect, s: &PretradeScreen, t: &Theme) {
    let block = Block::bordered()
        .title(Line::styled(
            format!(" Saved plans ({}) · s save · Enter reopen · i draft intent ", s.plans.len()),
            t.title,
        ))
        .border_style(t.border);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if s.plans.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled("no saved plans yet: s saves the plan on screen", t.dim)),
            inner,
        );
        return;
    }
    let rows = inner.height as usize;
    let first = s.sel.top(rows);
    let lines: Vec<Line> = s
        .plans
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, p)| {
            let style = if s.sel.is(i) { t.selected } else { t.base };
            Line::styled(
                format!(
                    "{}  {:<8} {} {} {} @ {} stop {}  size {}",
                    p.id,
                    p.verdict,
                    p.input.venue,
                    p.input.side.name(),
                    p.input.symbol,
                    p.input.entry,
                    p.input.stop,
                    p.sizing.size
                ),
                style,
            )
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
