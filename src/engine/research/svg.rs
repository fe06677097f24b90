//! Inline SVG chart primitives for the HTML tearsheets (`tearsheet`): calendar dates from epoch
//! milliseconds, nice axis ticks, min/max downsampling, line/area charts and a heatmap.
//!
//! Pure functions, std only. Each chart is an `<svg class="chart" data-chart="NAME">` element meant to sit
//! inside an HTML5 document, so it carries no xmlns and contains no URL of any kind. Coordinates are
//! written with at most one decimal. Styling comes from the classes defined in the tearsheet's CSS.

use std::fmt::Write as _;

pub use super::chart_scale::*;

/// One series: values per bar and the CSS class of its stroke.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub ys: &'a [f64],
    pub class: &'a str,
}

#[derive(Debug, Clone, Copy)]
pub struct LineChart<'a> {
    /// `data-chart` name.
    pub name: &'a str,
    pub aria_label: &'a str,
    pub width: f64,
    pub height: f64,
    /// Bars on the x axis; lines longer than this are cut.
    pub n: usize,
    /// Bar timestamps, UTC epoch ms. If shorter than `n` or descending, the x axis shows bar numbers.
    pub ts: &'a [i64],
    /// Drawn in order (later on top).
    pub lines: &'a [Line<'a>],
    pub y_format: YFormat,
    /// Fill the area between each line and zero (drawdown); the y domain then includes 0.
    pub area: bool,
    /// A dashed reference level (e.g. the starting equity).
    pub baseline: Option<f64>,
}

struct XAxis<'a> {
    ts: Option<&'a [i64]>,
    d0: f64,
    d1: f64,
}

impl<'a> XAxis<'a> {
    fn new(ts: &'a [i64], n: usize) -> Self {
        if n > 0 && ts.len() >= n && ts[n - 1] >= ts[0] {
            return XAxis { ts: Some(&ts[..n]), d0: ts[0] as f64, d1: ts[n - 1] as f64 };
        }
        XAxis { ts: None, d0: 0.0, d1: n.saturating_sub(1) as f64 }
    }

    fn value(&self, i: usize) -> f64 {
        self.ts.map_or(i as f64, |ts| ts[i] as f64)
    }

    fn px(&self, v: f64, left: f64, width: f64) -> f64 {
        if self.d1 > self.d0 {
            left + (v - self.d0) / (self.d1 - self.d0) * width
        } else {
            left + width / 2.0
        }
    }

    fn ticks(&self, has_points: bool) -> Vec<(f64, String)> {
        match self.ts {
            Some(_) if self.d1 > self.d0 => time_ticks(self.d0, self.d1),
            Some(ts) => vec![(self.d0, date_string(ts[0]))],
            None if !has_points => Vec::new(),
            None if self.d1 <= self.d0 => vec![(self.d0, "bar 0".to_string())],
            None => nice_ticks(self.d0, self.d1, 6)
                .values
                .into_iter()
                .filter(|v| *v >= self.d0 && *v <= self.d1)
                .map(|v| (v, group_thousands(&format!("{v:.0}"))))
                .collect(),
        }
    }
}

/// First multiple of `step` (1, 2, 5 x 10^k) making `span / step` at most `max`.
fn step_for(span: f64, steps: &[i64], max: f64) -> i64 {
    if let Some(s) = steps.iter().find(|&&s| span / s as f64 <= max) {
        return *s;
    }
    let mut s: i64 = steps.last().copied().unwrap_or(1).max(1);
    while span / s as f64 > max && s < i64::MAX / 10 {
        s *= 10;
    }
    s
}

/// Labelled calendar ticks within `t0..=t1` (epoch ms, `t1 > t0`): years, months, days or hours by span.
pub fn time_ticks(t0: f64, t1: f64) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    let span_days = (t1 - t0) / MS_PER_DAY;
    let (y0, m0, _) = civil_from_ms(t0 as i64);
    let (y1, m1, _) = civil_from_ms(t1 as i64);
    let mut push = |t: f64, label: String| {
        if t >= t0 && t <= t1 {
            out.push((t, label));
        }
    };
    if span_days > 1500.0 {
        let step = step_for((y1 - y0) as f64, &[1, 2, 5, 10, 20, 50, 100], 9.0);
        let mut y = y0.div_euclid(step) * step;
        while y <= y1 {
            push(days_from_civil(y, 1, 1) as f64 * MS_PER_DAY, y.to_string());
            y += step;
        }
    } else if span_days > 75.0 {
        let months = (y1 - y0) * 12 + i64::from(m1) - i64::from(m0);
        let step = step_for(months as f64, &[1, 2, 3, 6, 12], 9.0);
        let mut first = true;
        for k in 0..=months {
            let idx = (y0 * 12 + i64::from(m0) - 1) + k;
            let (y, m) = (idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32);
            let t = days_from_civil(y, m, 1) as f64 * MS_PER_DAY;
            if (i64::from(m) - 1) % step != 0 || t < t0 {
                continue;
            }
            let name = MONTHS[m as usize - 1];
            push(t, if m == 1 || first { format!("{name} {y}") } else { name.to_string() });
            first = false;
        }
    } else if span_days > 2.5 {
        let (d0, d1) = ((t0 / MS_PER_DAY).ceil() as i64, (t1 / MS_PER_DAY).floor() as i64);
        let step = step_for((d1 - d0) as f64, &[1, 2, 7, 14], 9.0);
        for d in d0..=d1 {
            if d.rem_euclid(step) == 0 {
                let (_, m, day) = civil_from_days(d);
                push(d as f64 * MS_PER_DAY, format!("{} {day}", MONTHS[m as usize - 1]));
            }
        }
    } else {
        let (h0, h1) = ((t0 / MS_PER_HOUR).ceil() as i64, (t1 / MS_PER_HOUR).floor() as i64);
        let step = step_for((h1 - h0) as f64, &[1, 2, 3, 6, 12], 9.0);
        for h in h0..=h1 {
            if h.rem_euclid(step) == 0 {
                let hour = h.rem_euclid(24);
                let label = if hour == 0 {
                    let (_, m, day) = civil_from_days(h.div_euclid(24));
                    format!("{} {day}", MONTHS[m as usize - 1])
                } else {
                    format!("{hour:02}:00")
                };
                push(h as f64 * MS_PER_HOUR, label);
            }
        }
    }
    out
}

fn y_label(v: f64, ticks: &Ticks, fmt: YFormat) -> String {
    match fmt {
        YFormat::Percent => {
            let p = v * 100.0;
            let d = decimals_for(ticks.step * 100.0);
            format!("{:.*}%", d, if p.abs() < 1e-12 { 0.0 } else { p })
        }
        YFormat::Number => {
            let big = ticks.lo.abs().max(ticks.hi.abs());
            let (div, suffix) = match big {
                b if b >= 1e9 => (1e9, "B"),
                b if b >= 1e6 => (1e6, "M"),
                _ => (1.0, ""),
            };
            let x = v / div;
            if x.abs() < ticks.step / div * 1e-6 {
                return "0".to_string();
            }
            let d = decimals_for(ticks.step / div);
            let s = format!("{:.*}", d, if x.abs() < 1e-12 { 0.0 } else { x });
            format!("{}{suffix}", if suffix.is_empty() { group_thousands(&s) } else { s })
        }
    }
}

/// An SVG line chart (with an optional area to zero) over bar time; see [`LineChart`].
pub fn line_chart(c: &LineChart) -> String {
    let (w, h) = (c.width, c.height);
    let (left, right, top, bottom) = (66.0, 14.0, 10.0, 24.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let x = XAxis::new(c.ts, c.n);
    let kept: Vec<Vec<usize>> =
        c.lines.iter().map(|l| downsample(&l.ys[..l.ys.len().min(c.n)], MAX_POINTS)).collect();

    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (l, k) in c.lines.iter().zip(&kept) {
        for &i in k {
            lo = lo.min(l.ys[i]);
            hi = hi.max(l.ys[i]);
        }
    }
    let empty = lo > hi;
    if empty {
        (lo, hi) = if c.area { (-0.1, 0.0) } else { (0.0, 1.0) };
    }
    if c.area {
        (lo, hi) = (lo.min(0.0), hi.max(0.0));
        if lo == hi {
            lo = -0.01;
        }
    }
    let ticks = nice_ticks(lo, hi, ((ph / 34.0) as usize).clamp(3, 7));
    let py = |v: f64| top + ph - (v - ticks.lo) / (ticks.hi - ticks.lo) * ph;
    let px = |i: usize| x.px(x.value(i), left, pw);

    let mut o = String::with_capacity(16 * 1024);
    let _ = write!(
        o,
        "<svg class=\"chart\" data-chart=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" \
         role=\"img\" \
         aria-label=\"{}\">",
        c.name,
        num(w),
        num(h),
        num(w),
        num(h),
        c.aria_label
    );
    let _ = write!(
        o,
        "<rect class=\"plot\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
        num(left),
        num(top),
        num(pw),
        num(ph)
    );

    // Grid, axis labels.
    let xt = x.ticks(!empty);
    let mut grid = String::new();
    for &v in &ticks.values {
        let _ = write!(grid, "M{} {}H{}", num(left), num(py(v)), num(left + pw));
    }
    for (t, _) in &xt {
        let _ = write!(grid, "M{} {}V{}", num(x.px(*t, left, pw)), num(top), num(top + ph));
    }
    if !grid.is_empty() {
        let _ = write!(o, "<path class=\"gl\" d=\"{grid}\"/>");
    }
    for &v in &ticks.values {
        let _ = write!(
            o,
            "<text class=\"yl\" x=\"{}\" y=\"{}\">{}</text>",
            num(left - 8.0),
            num(py(v)),
            y_label(v, &ticks, c.y_format)
        );
    }
    for (t, label) in &xt {
        let xp = x.px(*t, left, pw);
        let class = if xp - left < 24.0 {
            "xs"
        } else if left + pw - xp < 24.0 {
            "xe"
        } else {
            "xl"
        };
        let _ = write!(
            o,
            "<text class=\"{class}\" x=\"{}\" y=\"{}\">{label}</text>",
            num(xp),
            num(top + ph + 16.0)
        );
    }
    let zero_y = py(if c.area { 0.0 } else { ticks.lo });
    let _ = write!(o, "<path class=\"ax\" d=\"M{} {}H{}\"/>", num(left), num(zero_y), num(left + pw));
    if let Some(b) = c.baseline.filter(|b| !empty && *b > ticks.lo && *b < ticks.hi) {
        let _ = write!(o, "<path class=\"base\" d=\"M{} {}H{}\"/>", num(left), num(py(b)), num(left + pw));
    }

    // Series.
    for (l, k) in c.lines.iter().zip(&kept) {
        if k.len() == 1 {
            let _ = write!(
                o,
                "<circle class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"3\"/>",
                l.class,
                num(px(k[0])),
                num(py(l.ys[k[0]]))
            );
            continue;
        }
        if k.is_empty() {
            continue;
        }
        let mut pts = String::with_capacity(k.len() * 12);
        for &i in k {
            if !pts.is_empty() {
                pts.push(' ');
            }
            push_num(&mut pts, px(i));
            pts.push(',');
            push_num(&mut pts, py(l.ys[i]));
        }
        if c.area {
            let (x0, x1) = (num(px(k[0])), num(px(k[k.len() - 1])));
            let z = num(py(0.0));
            let _ = write!(
                o,
                "<path class=\"{}a\" d=\"M{x0} {z}L{}L{x1} {z}Z\"/>",
                l.class,
                pts.replace(' ', "L").replace(',', " ")
            );
        }
        let _ = write!(o, "<polyline class=\"{}\" points=\"{pts}\"/>", l.class);
    }
    if empty {
        let _ = write!(
            o,
            "<text class=\"xl\" x=\"{}\" y=\"{}\">No data</text>",
            num(left + pw / 2.0),
            num(top + ph / 2.0)
        );
    }
    o.push_str("</svg>");
    o
}

// ----------------------------------------------------------------------------------------------------------
// Heatmap

/// A parameter grid: `cells[row][col]`, rows along `y_values` (first row at the bottom), columns along
/// `x_values`. Ragged or short `cells` are read as `None`. Text fields must already be HTML-escaped.
#[derive(Debug, Clone, Copy)]
pub struct Heatmap<'a> {
    pub x_name: &'a str,
    pub x_values: &'a [f64],
    pub y_name: &'a str,
    pub y_values: &'a [f64],
    pub cells: &'a [Vec<Option<f64>>],
    pub aria_label: &'a str,
}

/// A parameter value for an axis label: integers plainly, others with up to 4 decimals.
pub fn fmt_param(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    format!("{}", (v * 1e4).round() / 1e4)
}

/// An objective value for a cell label or legend: about three significant digits.
pub fn fmt_value(v: f64) -> String {
    let a = v.abs();
    let d = match a {
        a if a >= 1000.0 => 0,
        a if a >= 100.0 => 1,
        a if a >= 1.0 => 2,
        _ => 3,
    };
    format!("{:.*}", d, if a < 1e-12 { 0.0 } else { v })
}

/// The heatmap SVG: red (lowest) through neutral to green (highest), hatched grey where there is no value,
/// value labels when the grid is at most 20x20, the best cell outlined, and a colour legend.
pub fn heatmap(hm: &Heatmap) -> String {
    let (cols, rows) = (hm.x_values.len(), hm.y_values.len());
    let value = |r: usize, c: usize| {
        hm.cells.get(r).and_then(|row| row.get(c)).copied().flatten().filter(|v| v.is_finite())
    };
    let w = 960.0;
    let (left, right, top, bottom) = (104.0, 132.0, 12.0, 50.0);
    let pw = w - left - right;
    let cw = pw / cols.max(1) as f64;
    let ch = ((cw * 0.62).clamp(18.0, 56.0) * rows.max(1) as f64).min(480.0) / rows.max(1) as f64;
    let ph = ch * rows.max(1) as f64;
    let legend_h = ph.clamp(80.0, 240.0);
    let h = top + (ph + bottom).max(legend_h + 40.0);

    let mut o = String::with_capacity(32 * 1024);
    let _ = write!(
        o,
        "<svg class=\"chart\" data-chart=\"heatmap\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" \
         role=\"img\" \
         aria-label=\"{}\">",
        num(w),
        num(h),
        num(w),
        num(h),
        hm.aria_label
    );
    let stops: String = [0.0, 0.25, 0.5, 0.75, 1.0]
        .iter()
        .map(|&s: &f64| format!("<stop offset=\"{s}\" stop-color=\"{}\"/>", diverging(s * 2.0 - 1.0)))
        .collect();
    let _ = write!(
        o,
        "<defs><pattern id=\"hm-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ecece9\"/><path d=\"M0 0V6\" \
         stroke=\"#cfcfca\" stroke-width=\"2\"/></pattern><linearGradient id=\"hm-grad\" x1=\"0\" y1=\"1\" \
         x2=\"0\" y2=\"0\">{stops}</linearGradient></defs>"
    );
    if cols == 0 || rows == 0 {
        let _ = write!(
            o,
            "<rect class=\"plot\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/><text class=\"xl\" x=\"{}\" \
             y=\"{}\">No parameter grid</text></svg>",
            num(left),
            num(top),
            num(pw),
            num(ph),
            num(left + pw / 2.0),
            num(top + ph / 2.0)
        );
        return o;
    }

    let (mut lo, mut hi, mut best, mut missing) = (f64::INFINITY, f64::NEG_INFINITY, None, false);
    for r in 0..rows {
        for c in 0..cols {
            match value(r, c) {
                Some(v) => {
                    lo = lo.min(v);
                    if v > hi {
                        hi = v;
                        best = Some((r, c));
                    }
                }
                None => missing = true,
            }
        }
    }
    let tone = |v: f64| if hi > lo { (v - lo) / (hi - lo) * 2.0 - 1.0 } else { 0.0 };
    let cell_x = |c: usize| left + c as f64 * cw;
    let cell_y = |r: usize| top + (rows - 1 - r) as f64 * ch;
    let labels = cols <= 20 && rows <= 20;
    let mut texts = String::new();
    let _ = write!(o, "<g class=\"{}\">", if cw >= 10.0 && ch >= 10.0 { "hc" } else { "hc0" });
    for r in 0..rows {
        for c in 0..cols {
            let (x, y) = (cell_x(c), cell_y(r));
            let v = value(r, c);
            let fill = v.map_or_else(|| "url(#hm-hatch)".to_string(), |v| diverging(tone(v)));
            let shown = v.map_or_else(|| "no value".to_string(), fmt_value);
            let _ = write!(
                o,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\">\
                 <title>{}={}, {}={}: {shown}</title></rect>",
                num(x),
                num(y),
                num(cw),
                num(ch),
                hm.x_name,
                fmt_param(hm.x_values[c]),
                hm.y_name,
                fmt_param(hm.y_values[r]),
            );
            if let (true, Some(v)) = (labels, v) {
                let class = if needs_light_text(tone(v)) { "hv w" } else { "hv" };
                let _ = write!(
                    texts,
                    "<text class=\"{class}\" x=\"{}\" y=\"{}\">{shown}</text>",
                    num(x + cw / 2.0),
                    num(y + ch / 2.0)
                );
            }
        }
    }
    o.push_str("</g>");
    if !texts.is_empty() {
        let fs = (ch * 0.42).min(cw / 4.6).min(12.0);
        let _ = write!(o, "<g style=\"font-size:{}px\">{texts}</g>", num(fs));
    }
    if let Some((r, c)) = best {
        let _ = write!(
            o,
            "<rect class=\"best\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            num(cell_x(c)),
            num(cell_y(r)),
            num(cw),
            num(ch)
        );
    }

    // Axes: values (thinned so labels do not collide) and parameter names.
    let kx = (46.0 / cw).ceil().max(1.0) as usize;
    for c in (0..cols).step_by(kx) {
        let _ = write!(
            o,
            "<text class=\"xl\" x=\"{}\" y=\"{}\">{}</text>",
            num(cell_x(c) + cw / 2.0),
            num(top + ph + 15.0),
            fmt_param(hm.x_values[c])
        );
    }
    let ky = (14.0 / ch).ceil().max(1.0) as usize;
    for r in (0..rows).step_by(ky) {
        let _ = write!(
            o,
            "<text class=\"yl\" x=\"{}\" y=\"{}\">{}</text>",
            num(left - 8.0),
            num(cell_y(r) + ch / 2.0),
            fmt_param(hm.y_values[r])
        );
    }
    let _ = write!(
        o,
        "<text class=\"an\" x=\"{}\" y=\"{}\">{}</text>",
        num(left + pw / 2.0),
        num(top + ph + 38.0),
        hm.x_name
    );
    let (yx, yy) = (num(18.0), num(top + ph / 2.0));
    let _ = write!(
        o,
        "<text class=\"an\" x=\"{yx}\" y=\"{yy}\" transform=\"rotate(-90 {yx} {yy})\">{}</text>",
        hm.y_name
    );

    // Legend.
    let lx = left + pw + 30.0;
    let _ = write!(
        o,
        "<rect class=\"lg\" x=\"{}\" y=\"{}\" width=\"14\" height=\"{}\" fill=\"url(#hm-grad)\"/>",
        num(lx),
        num(top),
        num(legend_h)
    );
    let tx = num(lx + 20.0);
    if hi >= lo {
        let mid = (lo + hi) / 2.0;
        for (v, y) in [(hi, top), (mid, top + legend_h / 2.0), (lo, top + legend_h)] {
            let _ = write!(o, "<text class=\"ll\" x=\"{tx}\" y=\"{}\">{}</text>", num(y), fmt_value(v));
        }
    } else {
        let _ =
            write!(o, "<text class=\"ll\" x=\"{tx}\" y=\"{}\">no values</text>", num(top + legend_h / 2.0));
    }
    if missing {
        let y = top + legend_h + 16.0;
        let _ = write!(
            o,
            "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"url(#hm-hatch)\"/>\
             <text class=\"ll\" x=\"{tx}\" y=\"{}\">no value</text>",
            num(lx),
            num(y),
            num(y + 7.0)
        );
    }
    o.push_str("</svg>");
    o
}

#[cfg(test)]
mod tests;
