//! One run: metrics, equity and drawdown charts, the trade list, the config.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::load::RunDetail;
use crate::tui::panes::{num, pct};
use crate::tui::theme::Theme;
use crate::tui::widgets::line_chart;

pub(super) fn draw(f: &mut Frame, area: Rect, d: &RunDetail, t: &Theme) {
    let r = &d.report;
    let title = format!(" {} · {} · {} {} ", r.run_id, r.config.strategy, r.data.symbol, r.data.timeframe);
    let outer = Block::bordered().title(Line::styled(title, t.title)).border_style(t.border_focus);
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(inner);
    let [metrics, charts] = Layout::horizontal([Constraint::Length(34), Constraint::Min(20)]).areas(top);
    draw_metrics(f, metrics, d, t);
    if d.equity.is_empty() {
        let msg = Paragraph::new(" no equity curve: the run failed before it traded").style(t.dim);
        f.render_widget(msg.block(Block::bordered().border_style(t.border)), charts);
    } else {
        draw_charts(f, charts, d, t);
    }
    let [trades, config] = Layout::horizontal([Constraint::Min(40), Constraint::Length(44)]).areas(bottom);
    draw_trades(f, trades, d, t);
    let rows = d
        .config
        .iter()
        .map(|(k, v)| Row::new(vec![Cell::from(k.clone()).style(t.dim), Cell::from(v.clone())]));
    f.render_widget(
        Table::new(rows, [Constraint::Length(16), Constraint::Min(10)])
            .block(Block::bordered().title(Line::styled(" config ", t.dim)).border_style(t.border)),
        config,
    );
}

fn draw_charts(f: &mut Frame, charts: Rect, d: &RunDetail, t: &Theme) {
    let [eq, dd] = Layout::vertical([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(charts);
    let money = |v: f64| format!("{v:.0}");
    let percent = |v: f64| format!("{:.0}%", v * 100.0);
    line_chart::draw(
        f,
        eq,
        Block::bordered().title(Line::styled(" equity ", t.dim)).border_style(t.border),
        &[line_chart::Line { name: "equity".into(), points: &d.equity, style: t.chart_line }],
        &money,
        t.dim,
    );
    line_chart::draw(
        f,
        dd,
        Block::bordered().title(Line::styled(" drawdown ", t.dim)).border_style(t.border),
        &[line_chart::Line { name: "drawdown".into(), points: &d.drawdown, style: t.chart_drawdown }],
        &percent,
        t.dim,
    );
}

fn draw_metrics(f: &mut Frame, area: Rect, d: &RunDetail, t: &Theme) {
    let block = Block::bordered().title(Line::styled(" metrics ", t.dim)).border_style(t.border);
    let Some(m) = &d.report.metrics else {
        let msg = d.report.error.as_ref().map(|e| format!(" failed: {}", e.message)).unwrap_or_default();
        f.render_widget(Paragraph::new(msg).style(t.negative).block(block), area);
        return;
    };
    let signed = |v: f64| if v < 0.0 { t.negative } else { t.positive };
    let rows = vec![
        ("total return", pct(Some(m.total_return)), signed(m.total_return)),
        ("CAGR", pct(m.cagr), t.base),
        ("volatility", pct(m.volatility_ann), t.base),
        ("Sharpe", num(m.sharpe, 2), t.base),
        ("Sortino", num(m.sortino, 2), t.base),
        ("max drawdown", pct(Some(m.max_drawdown)), t.negative),
        ("max dd days", format!("{:.1}", m.max_drawdown_duration_days), t.base),
        ("Calmar", num(m.calmar, 2), t.base),
        ("trades", format!("{} (+{} open)", m.trade_count, m.open_trades), t.base),
        ("win rate", pct(m.win_rate), t.base),
        ("profit factor", num(m.profit_factor, 2), t.base),
        ("expectancy", num(m.expectancy, 2), t.base),
        ("best / worst", format!("{} / {}", pct(m.best_trade_return), pct(m.worst_trade_return)), t.base),
        ("exposure", pct(Some(m.exposure)), t.base),
        ("buy and hold", pct(Some(m.buy_and_hold_return)), t.dim),
        ("final equity", format!("{:.2}", m.final_equity), t.base),
    ];
    let rows =
        rows.into_iter().map(|(k, v, s)| Row::new(vec![Cell::from(k).style(t.dim), Cell::from(v).style(s)]));
    f.render_widget(Table::new(rows, [Constraint::Length(14), Constraint::Min(10)]).block(block), area);
}

fn draw_trades(f: &mut Frame, area: Rect, d: &RunDetail, t: &Theme) {
    let title = format!(" trades · {} (↑/↓ scroll) ", d.trades.len());
    let block = Block::bordered().title(Line::styled(title, t.dim)).border_style(t.border);
    // Columns worth a glance: side, entry time and price, exit time, pnl, return, status.
    let cols = [1usize, 2, 4, 5, 10, 11, 12];
    let header = Row::new(cols.iter().map(|&c| d.trade_header.get(c).cloned().unwrap_or_default()))
        .style(t.header.add_modifier(Modifier::BOLD));
    let fit = area.height.saturating_sub(3) as usize;
    let rows = d.trades.iter().skip(d.scroll.index).take(fit).map(|tr| {
        let cell = |c: usize| tr.get(c).cloned().unwrap_or_default();
        let pnl: f64 = cell(10).parse().unwrap_or(0.0);
        // 2017-07-18T23:00:00Z -> 17-07-18 23:00
        let short = |s: String| s.get(2..16).map(|x| x.replace('T', " ")).unwrap_or(s);
        Row::new(vec![
            Cell::from(cell(1)),
            Cell::from(short(cell(2))),
            Cell::from(num(cell(4).parse().ok(), 2)),
            Cell::from(short(cell(5))),
            Cell::from(num(Some(pnl), 2)).style(if pnl < 0.0 { t.negative } else { t.positive }),
            Cell::from(pct(cell(11).parse().ok())),
            Cell::from(cell(12)),
        ])
    });
    let widths = [
        Constraint::Length(5),
        Constraint::Length(14),
        Constraint::Length(9),
        Constraint::Length(14),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(6),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
