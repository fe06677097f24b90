//! One paper session: its summary and health, the equity chart, and its orders and fills,
//! newest first.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::load::PaperDetailView;
use crate::tui::screens::paper::draw::{age, signed, status_mark};
use crate::tui::theme::Theme;
use crate::tui::widgets::line_chart;

pub(super) fn draw(f: &mut Frame, area: Rect, d: &PaperDetailView, t: &Theme) {
    let v = &d.detail.view;
    let s = &v.session;
    let title = format!(" {} · {} · {} ", s.id, s.config.strategy, s.symbol);
    let outer = Block::bordered().title(Line::styled(title, t.title)).border_style(t.border_focus);
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(inner);
    let [summary, chart] = Layout::horizontal([Constraint::Length(40), Constraint::Min(20)]).areas(top);

    let (mark, mark_style) = status_mark(s.status, t);
    let h = v.health.as_ref();
    let params: Vec<String> = s.config.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let rows = vec![
        ("status", mark, mark_style),
        ("reason", s.reason.clone().unwrap_or_else(|| "-".into()), t.base),
        ("feed", s.config.feed.clone(), t.base),
        ("params", if params.is_empty() { "-".into() } else { params.join(" ") }, t.base),
        ("equity", format!("{:.2}", s.equity), t.base),
        ("PnL", signed(v.pnl), if v.pnl < 0.0 { t.negative } else { t.positive }),
        ("position", format!("{}", s.position), t.base),
        ("trades", s.trades.to_string(), t.base),
        ("bars", s.bars_processed.to_string(), t.base),
        ("last bar", s.last_bar_time.clone().unwrap_or_else(|| "-".into()), t.base),
        ("last bar age", if s.status.is_live() { age(v.last_bar_age_ms) } else { "-".into() }, t.base),
        ("feed lag", h.map_or("-".into(), |h| age(Some(h.lag_ms))), t.base),
        ("heartbeat", h.map_or("-".into(), |h| h.heartbeat.clone()), t.dim),
        ("started", s.started_at.clone().unwrap_or_else(|| "-".into()), t.dim),
        ("ended", s.ended_at.clone().unwrap_or_else(|| "-".into()), t.dim),
    ];
    let rows = rows
        .into_iter()
        .map(|(k, v, st)| Row::new(vec![Cell::from(k).style(t.dim), Cell::from(v).style(st)]));
    f.render_widget(
        Table::new(rows, [Constraint::Length(13), Constraint::Min(10)])
            .block(Block::bordered().title(Line::styled(" session ", t.dim)).border_style(t.border)),
        summary,
    );

    let chart_block = Block::bordered().title(Line::styled(" equity ", t.dim)).border_style(t.border);
    if d.equity.is_empty() {
        f.render_widget(Paragraph::new(" no bars yet").style(t.dim).block(chart_block), chart);
    } else {
        let money = |x: f64| format!("{x:.0}");
        let lines = [line_chart::Line { name: "equity".into(), points: &d.equity, style: t.chart_line }];
        line_chart::draw(f, chart, chart_block, &lines, &money, t.dim);
    }

    let [orders, fills] = Layout::horizontal([Constraint::Percentage(45), Constraint::Min(30)]).areas(bottom);
    let fit = |r: Rect| r.height.saturating_sub(3) as usize;
    let short = |x: &str| x.get(..16).unwrap_or(x).replace('T', " ");
    let head = |cols: &[&'static str]| {
        Row::new(cols.iter().map(|c| Cell::from(*c))).style(t.header.add_modifier(Modifier::BOLD))
    };
    let order_rows = d.detail.orders.iter().rev().skip(d.scroll.index).take(fit(orders)).map(|o| {
        Row::new(vec![
            Cell::from(short(&o.ts)),
            Cell::from(format!("{:+} → {:+}", o.from, o.to)),
            Cell::from(o.fill.clone()),
        ])
    });
    let title = format!(" orders · {} (↑/↓ scroll) ", d.detail.orders.len());
    f.render_widget(
        Table::new(order_rows, [Constraint::Length(16), Constraint::Length(9), Constraint::Min(8)])
            .header(head(&["bar time", "target", "fill"]))
            .block(Block::bordered().title(Line::styled(title, t.dim)).border_style(t.border)),
        orders,
    );
    let fill_rows = d.detail.fills.iter().rev().skip(d.scroll.index).take(fit(fills)).map(|x| {
        let side = if x.side == "buy" { t.positive } else { t.negative };
        Row::new(vec![
            Cell::from(short(&x.time)),
            Cell::from(x.side.clone()).style(side),
            Cell::from(x.kind.clone()),
            Cell::from(format!("{:.6}", x.qty)),
            Cell::from(format!("{:.2}", x.price)),
            Cell::from(format!("{:.2}", x.fee)),
        ])
    });
    let title = format!(" fills · {} ", d.detail.fills.len());
    let widths = [
        Constraint::Length(16),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(12),
        Constraint::Length(10),
        Constraint::Min(6),
    ];
    f.render_widget(
        Table::new(fill_rows, widths)
            .header(head(&["time", "side", "kind", "qty", "price", "fee"]))
            .block(Block::bordered().title(Line::styled(title, t.dim)).border_style(t.border)),
        fills,
    );
}
