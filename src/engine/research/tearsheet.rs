//! Self-contained HTML tearsheets for a run and for a parameter sweep.
//!
//! Pure functions, std only. The page carries its CSS inline and its charts as inline SVG (see `svg`);
//! it loads no script, font, image or URL, and the text `http` never appears unless the caller's own text
//! has it (and even then `://` is written with a character reference). The one inline script is a render
//! self-check: after load it sets `<body data-rendered="equity:812x240:1204;...">` with, for each
//! `svg.chart`, its name, its rendered size and how many path/rect/polyline/circle elements it holds. The
//! page reads the same without it.

use std::fmt::Write as _;

use super::svg::{self, Heatmap, Line, LineChart, YFormat};

/// Trades rendered at most on a run page.
pub const MAX_TRADES: usize = 500;
/// Ranking rows rendered at most on a sweep page.
pub const MAX_RANKING: usize = 200;

/// One labelled, pre-formatted value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kv {
    pub label: String,
    pub value: String,
}

/// One table row of pre-formatted cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TradeRow {
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct RunSheet<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    /// 4-8 big numbers shown as cards at the top.
    pub headline: &'a [Kv],
    pub metrics: &'a [Kv],
    pub config: &'a [Kv],
    /// Bar timestamps, UTC epoch ms, ascending.
    pub ts: &'a [i64],
    pub equity: &'a [f64],
    /// Per bar, fractions <= 0.
    pub drawdown: &'a [f64],
    /// Buy-and-hold equity per bar, drawn as a thin grey line.
    pub benchmark: Option<&'a [f64]>,
    pub trade_header: &'a [String],
    /// The first [`MAX_TRADES`] are rendered.
    pub trades: &'a [TradeRow],
}

#[derive(Debug, Clone, Copy)]
pub struct SweepSheet<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub objective: &'a str,
    pub headline: &'a [Kv],
    pub config: &'a [Kv],
    pub x_name: &'a str,
    pub x_values: &'a [f64],
    pub y_name: &'a str,
    pub y_values: &'a [f64],
    /// `cells[row][col]`, rows along `y_values`, columns along `x_values`; `None` = no value.
    pub cells: &'a [Vec<Option<f64>>],
    pub ranking_header: &'a [String],
    /// Already sorted; the first [`MAX_RANKING`] are rendered.
    pub ranking: &'a [TradeRow],
}

/// HTML escaping of `& < > " '`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Caller text for the page: escaped, and `://` written as `:&#47;&#47;` so that no URL appears literally.
fn text(s: &str) -> String {
    escape(s).replace("://", ":&#47;&#47;")
}

/// Per calendar month (UTC) of the bars: `(year, returns Jan..Dec, year return)`, years in bar order. A
/// month's return is its last equity over the last equity before it (the first bar's equity for the first
/// month) minus 1; a year's likewise. Months without bars are `None`; non-finite equity is skipped, and a
/// zero base gives `None`.
pub fn monthly_returns(ts: &[i64], equity: &[f64]) -> Vec<(i32, [Option<f64>; 12], Option<f64>)> {
    let ret = |end: f64, base: f64| (base != 0.0).then(|| end / base - 1.0).filter(|r| r.is_finite());
    // (year, month, last finite equity) of each calendar month with bars, in bar order.
    let mut months: Vec<(i64, u32, f64)> = Vec::new();
    let mut first = None;
    for (&t, &e) in ts.iter().zip(equity).filter(|(_, e)| e.is_finite()) {
        first.get_or_insert(e);
        let (y, m, _) = svg::civil_from_ms(t);
        match months.last_mut() {
            Some(last) if (last.0, last.1) == (y, m) => last.2 = e,
            _ => months.push((y, m, e)),
        }
    }
    let mut out = Vec::new();
    let Some(first) = first else { return out };
    let (mut month_base, mut year_base) = (first, first);
    for (i, &(y, m, e)) in months.iter().enumerate() {
        if i == 0 || months[i - 1].0 != y {
            out.push((y as i32, [None; 12], None));
        }
        let Some(row) = out.last_mut() else { break };
        row.1[m as usize - 1] = ret(e, month_base);
        month_base = e;
        if months.get(i + 1).is_none_or(|next| next.0 != y) {
            row.2 = ret(e, year_base);
            year_base = e;
        }
    }
    out
}

const CSS: &str = "*{box-sizing:border-box}\
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\
body{margin:0;background:#f4f4f1;color:#1f2429;font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\
\"Helvetica Neue\",Arial,sans-serif;font-variant-numeric:tabular-nums}\
.page{max-width:1120px;margin:0 auto;padding:28px 28px 40px}\
header{border-bottom:2px solid #1f2429;padding-bottom:12px;margin-bottom:20px}\
.kicker{font-size:11px;letter-spacing:.14em;text-transform:uppercase;color:#6b7079}\
h1{font-size:24px;line-height:1.25;margin:4px 0 4px;font-weight:650;overflow-wrap:anywhere}\
.sub{margin:0;color:#3d444c;font-size:15px}.meta{margin:4px 0 0;color:#6b7079;font-size:12.5px}\
h2{break-after:avoid;font-size:12px;letter-spacing:.1em;text-transform:uppercase;color:#3d444c;margin:0 0 10px;font-weight:650}\
section{background:#fff;border:1px solid #e2e2dc;border-radius:6px;padding:14px 18px 16px;margin:0 0 16px}\
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;margin:0 0 16px}\
.card{background:#fff;border:1px solid #e2e2dc;border-radius:6px;padding:11px 14px}\
.card .l{font-size:11px;letter-spacing:.06em;text-transform:uppercase;color:#6b7079}\
.card .v{font-size:21px;font-weight:600;margin-top:2px;overflow-wrap:anywhere}.card .v.s{font-size:16px}.card .v.neg{color:#a83a2f}\
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px;margin:0 0 16px}.cols section{margin:0}\
@media screen and (max-width:820px){.cols{grid-template-columns:1fr}}\
table{border-collapse:collapse;width:100%;font-size:12.5px}\
th,td{padding:4px 8px;border-bottom:1px solid #ecece7;text-align:left;white-space:nowrap}\
th{font-weight:600;color:#4a5058;background:#f6f6f3;border-bottom-color:#d9d9d3}\
.n{text-align:right}tbody tr:hover td{background:#f8f8f5}\
.kv td{white-space:normal}.kv td:first-child{color:#4a5058;padding-right:16px}\
.kv td:last-child{text-align:right;font-weight:500;overflow-wrap:anywhere}\
.mr th,.mr td{text-align:right;padding:4px 6px}\
.mr th:first-child,.mr td:first-child{text-align:left;font-weight:600}\
.mr .y{font-weight:600;border-left:2px solid #fff}\
.wrap{overflow-x:auto}\
@media screen{.tall{max-height:620px;overflow:auto}.tall thead th{position:sticky;top:0}}\
.note{color:#6b7079;font-size:12px;margin:8px 0 0}.empty{color:#8a8f96;font-style:italic;margin:0}\
.legend{display:flex;gap:18px;font-size:12px;color:#4a5058;margin:-2px 0 4px}\
.legend i{display:inline-block;width:18px;border-top:2px solid #1f4e79;vertical-align:middle;\
margin-right:6px}\
.legend i.b{border-top:1px solid #8f959c}\
svg.chart{display:block;width:100%;height:auto;font-size:11px}\
svg text{fill:#6b7079}.yl{text-anchor:end;dominant-baseline:middle}.xl{text-anchor:middle}\
.xs{text-anchor:start}.xe{text-anchor:end}\
.an{text-anchor:middle;font-weight:600;font-size:12px}svg text.an{fill:#3d444c}\
.ll{dominant-baseline:middle}\
.plot{fill:#fcfcfa}.gl{stroke:#ebebe6;fill:none}.ax{stroke:#a4a9af;fill:none}\
.base{stroke:#a4a9af;stroke-dasharray:4 3;fill:none}\
.eq{fill:none;stroke:#1f4e79;stroke-width:1.6;stroke-linejoin:round}circle.eq{fill:#1f4e79}\
.bm{fill:none;stroke:#8f959c;stroke-width:1;stroke-linejoin:round}circle.bm{fill:#8f959c}\
.dd{fill:none;stroke:#a83a2f;stroke-width:1.1;stroke-linejoin:round}circle.dd{fill:#a83a2f}\
.dda{fill:#c8553d;fill-opacity:.2}\
.hc rect{stroke:#fff;stroke-width:1}.hc0 rect{shape-rendering:crispEdges}\
.best{fill:none;stroke:#1f2429;stroke-width:2}.lg{stroke:#d9d9d3}\
svg text.hv{fill:#1f2429;text-anchor:middle;dominant-baseline:central}svg text.hv.w{fill:#fff}\
footer{color:#9a9fa5;font-size:11px;text-align:center;margin-top:20px}\
@page{margin:12mm}\
@media print{body{background:#fff;font-size:12px}.page{max-width:none;padding:0}\
section,.card{border-color:#d5d5cf}section.chart-s,.cards,.cols section{break-inside:avoid}\
thead{display:table-header-group}tr{break-inside:avoid}.wrap{overflow:visible}\
.mr th,.mr td{padding:3px 4px;font-size:10.5px}.cols{gap:10px}th,td{padding:3px 6px}}";

const SCRIPT: &str = "<script>addEventListener('load',function(){var o='';\
document.querySelectorAll('svg.chart').forEach(function(s){var r=s.getBoundingClientRect();\
o+=s.getAttribute('data-chart')+':'+Math.round(r.width)+'x'+Math.round(r.height)+':'+\
s.querySelectorAll('path,rect,polyline,circle').length+';'});\
document.body.setAttribute('data-rendered',o)});</script>";

fn open_page(o: &mut String, kicker: &str, title: &str, subtitle: &str, meta: &str) {
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width,initial-scale=1\"><title>{t}</title><style>{CSS}</style></head><body>\
         <main class=\"page\"><header><div class=\"kicker\">{kicker}</div><h1>{t}</h1>",
        t = text(title)
    );
    if !subtitle.is_empty() {
        let _ = write!(o, "<p class=\"sub\">{}</p>", text(subtitle));
    }
    if !meta.is_empty() {
        let _ = write!(o, "<p class=\"meta\">{meta}</p>");
    }
    o.push_str("</header>");
}

fn close_page(o: &mut String) {
    let _ = write!(o, "<footer>QuantLab · self-contained report</footer></main>{SCRIPT}</body></html>");
}

fn cards(o: &mut String, kvs: &[Kv]) {
    if kvs.is_empty() {
        return;
    }
    o.push_str("<div class=\"cards\">");
    for kv in kvs {
        let neg = kv.value.trim_start().starts_with(['-', '−']);
        let long = kv.value.chars().count() > 11;
        let _ = write!(
            o,
            "<div class=\"card\"><div class=\"l\">{}</div><div class=\"v{}{}\">{}</div></div>",
            text(&kv.label),
            if neg { " neg" } else { "" },
            if long { " s" } else { "" },
            text(&kv.value)
        );
    }
    o.push_str("</div>");
}

fn kv_table(o: &mut String, heading: &str, kvs: &[Kv]) {
    let _ = write!(o, "<section><h2>{heading}</h2>");
    if kvs.is_empty() {
        o.push_str("<p class=\"empty\">None.</p></section>");
        return;
    }
    o.push_str("<table class=\"kv\"><tbody>");
    for kv in kvs {
        let _ = write!(o, "<tr><td>{}</td><td>{}</td></tr>", text(&kv.label), text(&kv.value));
    }
    o.push_str("</tbody></table></section>");
}

/// Whether a pre-formatted cell reads as a number (right-aligned): "-1,234.5", "12.3%", "+0.5", "$10".
fn numeric(s: &str) -> bool {
    let t = s.trim().trim_start_matches(['-', '+', '−', '$']);
    t.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && t.chars().all(|c| c.is_ascii_digit() || ".,%eE+-x ".contains(c))
}

/// A table of at most `max` rows, then a note of how many more were not shown.
fn rows_table(o: &mut String, heading: &str, noun: &str, header: &[String], rows: &[TradeRow], max: usize) {
    let _ = write!(o, "<section class=\"rows\"><h2>{heading}</h2>");
    if rows.is_empty() {
        let _ = write!(o, "<p class=\"empty\">No {noun}.</p></section>");
        return;
    }
    let shown = &rows[..rows.len().min(max)];
    let width = header.len().max(shown.iter().map(|r| r.cells.len()).max().unwrap_or(0));
    let num_col: Vec<bool> =
        (0..width).map(|c| shown.iter().find_map(|r| r.cells.get(c)).is_some_and(|s| numeric(s))).collect();
    let cls = |c: usize| if num_col[c] { " class=\"n\"" } else { "" };
    o.push_str("<div class=\"wrap tall\"><table><thead><tr>");
    for c in 0..width {
        let _ = write!(o, "<th{}>{}</th>", cls(c), header.get(c).map_or_else(String::new, |h| text(h)));
    }
    o.push_str("</tr></thead><tbody>");
    for r in shown {
        o.push_str("<tr>");
        for c in 0..width {
            let _ = write!(o, "<td{}>{}</td>", cls(c), r.cells.get(c).map_or_else(String::new, |s| text(s)));
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table></div>");
    if rows.len() > shown.len() {
        let _ = write!(
            o,
            "<p class=\"note\">Showing the first {} of {} {noun}; {} more not shown.</p>",
            shown.len(),
            rows.len(),
            rows.len() - shown.len()
        );
    } else {
        let _ = write!(o, "<p class=\"note\">{} {noun}.</p>", rows.len());
    }
    o.push_str("</section>");
}

fn pct(r: f64) -> String {
    let p = r * 100.0;
    format!("{:.1}%", if p.abs() < 0.05 { 0.0 } else { p })
}

fn monthly_table(o: &mut String, ts: &[i64], equity: &[f64]) {
    o.push_str("<section class=\"chart-s\"><h2>Monthly returns</h2>");
    let rows = monthly_returns(ts, equity);
    if rows.is_empty() {
        o.push_str("<p class=\"empty\">No data.</p></section>");
        return;
    }
    // Colour intensity by magnitude relative to the largest in the table, floored so that a table of tiny
    // returns stays pale.
    let scale = |vals: &mut dyn Iterator<Item = f64>, floor: f64| vals.fold(floor, |m, v| m.max(v.abs()));
    let m_scale = scale(&mut rows.iter().flat_map(|r| r.1.iter().flatten().copied()), 0.02);
    let y_scale = scale(&mut rows.iter().filter_map(|r| r.2), 0.05);
    let cell = |o: &mut String, v: Option<f64>, s: f64, class: &str| match v {
        Some(v) => {
            let _ = write!(
                o,
                "<td class=\"{class}\" style=\"background:{}\">{}</td>",
                svg::diverging(v / s * 0.7),
                pct(v)
            );
        }
        None => {
            let _ = write!(o, "<td class=\"{class}\"></td>");
        }
    };
    o.push_str("<div class=\"wrap\"><table class=\"mr\"><thead><tr><th></th>");
    for m in svg::MONTHS {
        let _ = write!(o, "<th>{m}</th>");
    }
    o.push_str("<th class=\"y\">Year</th></tr></thead><tbody>");
    for (year, months, total) in &rows {
        let _ = write!(o, "<tr><td>{year}</td>");
        for v in months {
            cell(o, *v, m_scale, "m");
        }
        cell(o, *total, y_scale, "y");
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table></div></section>");
}

/// The tearsheet of one run: headline cards, equity (and benchmark) and drawdown charts, monthly returns,
/// metrics, config and trades.
pub fn run_html(s: &RunSheet) -> String {
    let n = s.equity.len();
    let mut o = String::with_capacity(96 * 1024 + s.trades.len().min(MAX_TRADES) * 160);
    let mut meta = String::new();
    if n > 0 && s.ts.len() >= n {
        let bars = svg::group_thousands(&n.to_string());
        let (a, b) = (svg::date_string(s.ts[0]), svg::date_string(s.ts[n - 1]));
        let _ = write!(meta, "{a} to {b} (UTC) · {bars} bar{}", if n == 1 { "" } else { "s" });
    }
    open_page(&mut o, "Backtest tearsheet", s.title, s.subtitle, &meta);
    cards(&mut o, s.headline);

    o.push_str("<section class=\"chart-s\"><h2>Equity</h2>");
    let mut lines = Vec::with_capacity(2);
    if let Some(b) = s.benchmark {
        o.push_str(
            "<div class=\"legend\"><span><i></i>Strategy</span>\
             <span><i class=\"b\"></i>Buy &amp; hold</span></div>",
        );
        lines.push(Line { ys: b, class: "bm" });
    }
    lines.push(Line { ys: s.equity, class: "eq" });
    o.push_str(&svg::line_chart(&LineChart {
        name: "equity",
        aria_label: "Equity curve",
        width: 960.0,
        height: 300.0,
        n,
        ts: s.ts,
        lines: &lines,
        y_format: YFormat::Number,
        area: false,
        baseline: s.equity.iter().copied().find(|v| v.is_finite()),
    }));
    o.push_str("</section><section class=\"chart-s\"><h2>Drawdown</h2>");
    o.push_str(&svg::line_chart(&LineChart {
        name: "drawdown",
        aria_label: "Drawdown",
        width: 960.0,
        height: 150.0,
        n: s.drawdown.len(),
        ts: s.ts,
        lines: &[Line { ys: s.drawdown, class: "dd" }],
        y_format: YFormat::Percent,
        area: true,
        baseline: None,
    }));
    o.push_str("</section>");

    monthly_table(&mut o, s.ts, s.equity);
    o.push_str("<div class=\"cols\">");
    kv_table(&mut o, "Metrics", s.metrics);
    kv_table(&mut o, "Configuration", s.config);
    o.push_str("</div>");
    rows_table(&mut o, "Trades", "trades", s.trade_header, s.trades, MAX_TRADES);
    close_page(&mut o);
    o
}

/// The tearsheet of a parameter sweep: headline cards, objective heatmap, ranking and config.
pub fn sweep_html(s: &SweepSheet) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let meta =
        if s.objective.is_empty() { String::new() } else { format!("Objective: {}", text(s.objective)) };
    open_page(&mut o, "Parameter sweep", s.title, s.subtitle, &meta);
    cards(&mut o, s.headline);
    let (x_name, y_name, objective) = (text(s.x_name), text(s.y_name), text(s.objective));
    let heading =
        if objective.is_empty() { "Heatmap".to_string() } else { format!("Heatmap · {objective}") };
    let _ = write!(o, "<section class=\"chart-s\"><h2>{heading}</h2>");
    o.push_str(&svg::heatmap(&Heatmap {
        x_name: &x_name,
        x_values: s.x_values,
        y_name: &y_name,
        y_values: s.y_values,
        cells: s.cells,
        aria_label: &format!("{objective} by {x_name} and {y_name}"),
    }));
    o.push_str("</section>");
    rows_table(&mut o, "Ranking", "rows", s.ranking_header, s.ranking, MAX_RANKING);
    kv_table(&mut o, "Configuration", s.config);
    close_page(&mut o);
    o
}

#[cfg(test)]
mod tests;
