//! A time-series line chart with date labels, over pre-downsampled points.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType};
use ratatui::Frame;

use crate::engine::time::fmt_ms;

pub struct Line<'a> {
    pub name: String,
    pub points: &'a [(f64, f64)],
    pub style: Style,
}

fn date(ms: f64) -> String {
    fmt_ms(ms as i64).chars().take(10).collect()
}

fn bounds(lines: &[Line], pick: impl Fn(&(f64, f64)) -> f64) -> [f64; 2] {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in lines.iter().flat_map(|l| l.points.iter()) {
        let v = pick(p);
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() {
        return [0.0, 1.0];
    }
    if hi - lo < 1e-12 {
        return [lo - 1.0, hi + 1.0];
    }
    [lo, hi]
}

/// `fmt` formats y labels (e.g. money or percent).
pub fn draw(
    f: &mut Frame,
    area: Rect,
    block: Block,
    lines: &[Line],
    fmt: &dyn Fn(f64) -> String,
    axis: Style,
) {
    let x = bounds(lines, |p| p.0);
    let y = bounds(lines, |p| p.1);
    let datasets: Vec<Dataset> = lines
        .iter()
        .map(|l| {
            Dataset::default()
                .name(l.name.clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(l.style)
                .data(l.points)
        })
        .collect();
    let chart = Chart::new(datasets)
        .block(block)
        .x_axis(
            Axis::default().style(axis).bounds(x).labels(vec![Span::raw(date(x[0])), Span::raw(date(x[1]))]),
        )
        .y_axis(
            Axis::default().style(axis).bounds(y).labels(vec![Span::raw(fmt(y[0])), Span::raw(fmt(y[1]))]),
        )
        .hidden_legend_constraints((
            ratatui::layout::Constraint::Ratio(1, 2),
            ratatui::layout::Constraint::Ratio(1, 2),
        ));
    f.render_widget(chart, area);
}
