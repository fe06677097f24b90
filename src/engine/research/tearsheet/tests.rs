//! Tests of the HTML tearsheets.

use super::*;

const HOUR: i64 = 3_600_000;

fn ms(y: i64, m: u32, d: u32) -> i64 {
    svg::days_from_civil(y, m, d) * 86_400_000
}

fn kvs(pairs: &[(&str, &str)]) -> Vec<Kv> {
    pairs.iter().map(|(l, v)| Kv { label: l.to_string(), value: v.to_string() }).collect()
}

fn run_sheet<'a>(
    ts: &'a [i64],
    eq: &'a [f64],
    dd: &'a [f64],
    kv: &'a [Kv],
    trades: &'a [TradeRow],
) -> RunSheet<'a> {
    RunSheet {
        title: "Run <script>alert('x')</script> & co",
        subtitle: "sma_cross fast=20 slow=100 on BTCUSD 1h",
        headline: kv,
        metrics: kv,
        config: kv,
        ts,
        equity: eq,
        drawdown: dd,
        benchmark: Some(eq),
        trade_header: &[],
        trades,
    }
}

fn sweep_sheet<'a>(xs: &'a [f64], ys: &'a [f64], cells: &'a [Vec<Option<f64>>]) -> SweepSheet<'a> {
    SweepSheet {
        title: "Sweep <b>",
        subtitle: "",
        objective: "sharpe",
        headline: &[],
        config: &[],
        x_name: "fast",
        x_values: xs,
        y_name: "slow",
        y_values: ys,
        cells,
        ranking_header: &[],
        ranking: &[],
    }
}

fn series(n: usize) -> (Vec<i64>, Vec<f64>, Vec<f64>) {
    let t0 = ms(2015, 1, 1);
    let ts: Vec<i64> = (0..n as i64).map(|i| t0 + i * HOUR).collect();
    let eq: Vec<f64> =
        (0..n).map(|i| 10_000.0 * (1.0 + 0.3 * (i as f64 * 1e-4).sin()) + i as f64 * 0.01).collect();
    let mut peak = f64::MIN;
    let dd = eq.iter().map(|&e| {
        peak = peak.max(e);
        e / peak - 1.0
    });
    (ts, eq.clone(), dd.collect())
}

#[test]
fn escaping() {
    assert_eq!(escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    let (ts, eq, dd) = series(50);
    let html = run_html(&run_sheet(&ts, &eq, &dd, &[], &[]));
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("Run &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    assert!(sweep_html(&sweep_sheet(&[], &[], &[])).contains("Sweep &lt;b&gt;"));
    let url = kvs(&[("source", "https://example.org/x")]);
    let html = run_html(&RunSheet { config: &url, ..run_sheet(&ts, &eq, &dd, &[], &[]) });
    assert!(!html.contains("http://") && !html.contains("https://"));
}

#[test]
fn pages_have_named_charts_self_check_and_no_url() {
    let (ts, eq, dd) = series(3000);
    let kv = kvs(&[("CAGR", "12.3%"), ("Max drawdown", "-25.1%")]);
    let trades: Vec<TradeRow> =
        (0..1234).map(|i| TradeRow { cells: vec![i.to_string(), "buy".into()] }).collect();
    let html = run_html(&RunSheet {
        trade_header: &["#".into(), "side".into()],
        ..run_sheet(&ts, &eq, &dd, &kv, &trades)
    });
    assert!(!html.to_lowercase().contains("http"));
    assert!(!html.contains("xmlns"));
    assert!(html.contains("<svg class=\"chart\" data-chart=\"equity\""));
    assert!(html.contains("<svg class=\"chart\" data-chart=\"drawdown\""));
    assert!(html.contains("data-rendered") && html.ends_with("</html>"));
    assert!(html.contains("734 more not shown"));
    assert_eq!(html.matches("<tr><td class=\"n\">").count(), MAX_TRADES);
    assert!(html.contains("class=\"bm\""), "benchmark line");

    let cells: Vec<Vec<Option<f64>>> =
        (0..4).map(|r| (0..5).map(|c| (c != r).then_some(r as f64 - c as f64 * 0.5)).collect()).collect();
    let ranking: Vec<TradeRow> = (0..300).map(|i| TradeRow { cells: vec![i.to_string()] }).collect();
    let sw = sweep_html(&SweepSheet {
        ranking: &ranking,
        ..sweep_sheet(&[5.0, 10.0, 15.0, 20.0, 25.0], &[50.0, 100.0, 150.0, 200.0], &cells)
    });
    assert!(!sw.to_lowercase().contains("http"));
    assert!(sw.contains("<svg class=\"chart\" data-chart=\"heatmap\""));
    assert!(sw.contains("hm-hatch") && sw.contains("class=\"best\""));
    assert!(sw.contains("100 more not shown"));
    assert!(sw.matches("class=\"hv").count() >= 16, "value labels on a small grid");
}

#[test]
fn monthly_returns_across_a_year_boundary() {
    let ts = [
        ms(2023, 11, 15),
        ms(2023, 11, 30),
        ms(2023, 12, 10),
        ms(2023, 12, 31) + 23 * HOUR,
        ms(2024, 1, 1),
        ms(2024, 1, 15),
        ms(2024, 3, 1),
    ];
    let eq = [100.0, 110.0, 99.0, 121.0, f64::NAN, 133.1, 120.0];
    let r = monthly_returns(&ts, &eq);
    let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-12);
    assert_eq!(r.len(), 2);
    assert_eq!((r[0].0, r[1].0), (2023, 2024));
    assert!(r[0].1[..10].iter().all(Option::is_none));
    assert!(close(r[0].1[10], 0.10), "Nov: 110/100-1");
    assert!(close(r[0].1[11], 0.10), "Dec: 121/110-1");
    assert!(close(r[0].2, 0.21), "2023: 121/100-1");
    assert!(close(r[1].1[0], 0.10), "Jan: 133.1/121-1");
    assert!(r[1].1[1].is_none(), "no bars in Feb");
    assert!(close(r[1].1[2], 120.0 / 133.1 - 1.0), "Mar relative to the last equity before it");
    assert!(close(r[1].2, 120.0 / 121.0 - 1.0));
    assert!(monthly_returns(&[], &[]).is_empty());
    assert_eq!(
        monthly_returns(&ts[..1], &eq[..1]),
        vec![(
            2023,
            {
                let mut m = [None; 12];
                m[10] = Some(0.0);
                m
            },
            Some(0.0)
        )]
    );
    assert!(monthly_returns(&ts[..2], &[0.0, 5.0])[0].1[10].is_none(), "zero base");
}

#[test]
fn million_bars_render_small() {
    let (ts, eq, dd) = series(1_000_000);
    let html = run_html(&run_sheet(&ts, &eq, &dd, &[], &[]));
    assert!(html.len() < 300 * 1024, "{} bytes", html.len());
    assert!(html.contains("1,000,000 bars"));
}

#[test]
fn edge_cases_do_not_panic() {
    let (ts, eq, dd) = series(1);
    for (t, e, d) in [(&[][..], &[][..], &[][..]), (&ts[..], &eq[..], &dd[..])] {
        let html = run_html(&run_sheet(t, e, d, &[], &[]));
        assert!(html.contains("data-chart=\"equity\"") && html.contains("data-chart=\"drawdown\""));
    }
    let flat = [100.0; 10];
    let nan = [f64::NAN, 1.0, f64::NAN, f64::INFINITY, 2.0, f64::NAN, 3.0, 4.0, 5.0, 6.0];
    let ts10: Vec<i64> = (0..10).map(|i| i * HOUR).collect();
    let same_ts = [7_i64; 10];
    for (t, e) in [
        (&ts10[..], &flat[..]),
        (&ts10[..], &nan[..]),
        (&same_ts[..], &flat[..]),
        (&ts10[..3], &nan[..]),
        (&[][..], &flat[..]),
    ] {
        let html = run_html(&RunSheet { benchmark: Some(&nan[..4]), ..run_sheet(t, e, &nan, &[], &[]) });
        assert!(!html.contains("NaN") && !html.contains("inf"), "{html}");
    }
    let none = vec![vec![None; 3]; 2];
    assert!(sweep_html(&sweep_sheet(&[1.0, 2.0, 3.0], &[1.0, 2.0], &none)).contains("no values"));
    assert!(sweep_html(&sweep_sheet(&[1.0, 2.0, 3.0], &[1.0, 2.0], &[])).contains("data-chart=\"heatmap\""));
    assert!(sweep_html(&sweep_sheet(&[], &[], &[])).contains("No parameter grid"));
    let one = vec![vec![Some(f64::NAN), Some(1.5)]];
    assert!(sweep_html(&sweep_sheet(&[1.0, 2.0], &[7.0], &one)).contains("1.50"));
    let big: Vec<Vec<Option<f64>>> =
        (0..60).map(|r| (0..70).map(|c| Some((r * c) as f64)).collect()).collect();
    let xs: Vec<f64> = (0..70).map(f64::from).collect();
    let ys: Vec<f64> = (0..60).map(f64::from).collect();
    assert!(!sweep_html(&sweep_sheet(&xs, &ys, &big)).contains("class=\"hv"), "no labels above 20x20");
}
