//! Metrics checked against values worked by hand on tiny curves.

use super::*;
use crate::engine::backtest::trade::Side;

const DAY: i64 = 86_400_000;
/// A quarter of a 365.25-day year, so 5 bars spaced by it span exactly one year.
const QUARTER: i64 = 7_889_400_000;

fn close_to(actual: Option<f64>, expected: f64) {
    let a = actual.expect("value should be defined");
    assert!((a - expected).abs() < 1e-9, "expected {expected}, got {a}");
}

fn approx(actual: f64, expected: f64) {
    close_to(Some(actual), expected);
}

fn days(n: usize) -> Vec<i64> {
    (0..n as i64).map(|i| i * DAY).collect()
}

/// Metrics of an equity curve alone: flat exposure, flat close, no trades.
fn curve(ts: &[i64], equity: &[f64], initial_cash: f64, ppy: f64) -> Metrics {
    let zeros = vec![0.0; equity.len()];
    let ones = vec![1.0; equity.len()];
    compute(&MetricsInput {
        ts,
        equity,
        exposure: &zeros,
        close: &ones,
        trades: &[],
        initial_cash,
        periods_per_year: ppy,
    })
}

fn trade(pnl: f64, ret: f64, fees: f64, open: bool) -> Trade {
    Trade {
        side: Side::Long,
        entry_bar: 0,
        entry_ts: 0,
        entry_price: 100.0,
        exit_bar: 1,
        exit_ts: DAY,
        exit_price: 100.0 + pnl,
        qty: 1.0,
        fees,
        pnl,
        ret,
        open,
    }
}

/// Returns +10%, -10%, +5%, +10%, -5% on quarterly bars spanning exactly one year.
fn five_bar_quarters() -> Metrics {
    let ts: Vec<i64> = (0..5).map(|i| i * QUARTER).collect();
    // 100 * 1.1 = 110, * 0.9 = 99, * 1.05 = 103.95, * 1.1 = 114.345, * 0.95 = 108.62775
    let equity = [110.0, 99.0, 103.95, 114.345, 108.627_75];
    curve(&ts, &equity, 100.0, 4.0)
}

#[test]
fn returns_and_growth() {
    let m = five_bar_quarters();
    assert_eq!(m.bars, 5);
    assert_eq!((m.start_ts, m.end_ts), (0, 4 * QUARTER));
    approx(m.final_equity, 108.627_75);
    approx(m.total_return, 0.086_277_5);
    // One year exactly, so CAGR equals the total return.
    close_to(m.cagr, 0.086_277_5);
}

#[test]
fn volatility_sharpe_sortino_by_hand() {
    let m = five_bar_quarters();
    // r = [0.10, -0.10, 0.05, 0.10, -0.05], mean = 0.10 / 5 = 0.02
    // deviations 0.08, -0.12, 0.03, 0.08, -0.07; squares sum to
    // 0.0064 + 0.0144 + 0.0009 + 0.0064 + 0.0049 = 0.033; variance (ddof 1) = 0.033 / 4
    // = 0.00825; ppy = 4, so the annualizing factor is sqrt(4) = 2.
    let std = 0.00825_f64.sqrt(); // 0.0908295...
    close_to(m.volatility_ann, std * 2.0); // 0.181659...
    close_to(m.sharpe, 0.02 / std * 2.0); // 0.440386...

    // Downside: min(r, 0)^2 = 0, 0.01, 0, 0, 0.0025 -> mean over all 5 = 0.0025,
    // sqrt = 0.05; Sortino = 0.02 / 0.05 * 2 = 0.8.
    close_to(m.sortino, 0.8);
}

#[test]
fn drawdown_recovered_then_open_at_end() {
    let m = five_bar_quarters();
    // Peak 110 (bar 0) -> trough 99 (bar 1): 11 / 110 = 0.10. Later 114.345 -> 108.62775
    // is only 5%.
    approx(m.max_drawdown, 0.10);
    // Underwater from bar 0 until bar 3 regains 110: 3 bars = 3 quarters = 273.9375 days.
    // The unrecovered spell from bar 3 to the last bar is 1 bar.
    assert_eq!(m.max_drawdown_duration_bars, 3);
    approx(m.max_drawdown_duration_days, 3.0 * 91.3125);
    // Calmar = CAGR / max drawdown = 0.0862775 / 0.1.
    close_to(m.calmar, 0.862_775);
}

#[test]
fn drawdown_never_recovered() {
    // Peak 100 at bar 0, then never back: spell runs to the last bar (4 bars, 4 days).
    let m = curve(&days(5), &[100.0, 90.0, 95.0, 80.0, 85.0], 100.0, 365.0);
    approx(m.max_drawdown, 0.20); // 100 -> 80
    assert_eq!(m.max_drawdown_duration_bars, 4);
    approx(m.max_drawdown_duration_days, 4.0);
}

#[test]
fn drawdown_from_initial_cash() {
    // The initial cash is the first peak, one bar before bar 0. The first bar loses 10%;
    // bar 2 is back at 100: a spell from bar -1 to bar 2 = 3 bars = 3 days.
    let m = curve(&days(4), &[90.0, 95.0, 100.0, 101.0], 100.0, 365.0);
    approx(m.max_drawdown, 0.10);
    assert_eq!(m.max_drawdown_duration_bars, 3);
    approx(m.max_drawdown_duration_days, 3.0);
}

#[test]
fn rising_curve_has_no_drawdown() {
    let m = curve(&days(3), &[101.0, 102.0, 103.0], 100.0, 365.0);
    approx(m.max_drawdown, 0.0);
    assert_eq!(m.max_drawdown_duration_bars, 0);
    approx(m.max_drawdown_duration_days, 0.0);
    // No negative return: downside deviation 0, so Sortino and Calmar are undefined.
    assert_eq!(m.sortino, None);
    assert_eq!(m.calmar, None);
}

#[test]
fn flat_curve_gives_none_for_ratios() {
    let m = curve(&days(5), &[100.0; 5], 100.0, 365.0);
    approx(m.total_return, 0.0);
    close_to(m.cagr, 0.0);
    close_to(m.volatility_ann, 0.0);
    assert_eq!(m.sharpe, None);
    assert_eq!(m.sortino, None);
    assert_eq!(m.calmar, None);
    assert_eq!(m.win_rate, None);
    assert_eq!(m.profit_factor, None);
    assert_eq!(m.expectancy, None);
    assert_eq!(m.avg_trade_return, None);
    assert_eq!(m.best_trade_return, None);
    assert_eq!(m.worst_trade_return, None);
}

#[test]
fn constant_growth_rate_is_not_an_infinite_sharpe() {
    // Every return is 1% up to rounding noise: zero volatility, Sharpe undefined.
    let equity: Vec<f64> = (1..=50).map(|i| 100.0 * 1.01_f64.powi(i)).collect();
    let m = curve(&days(50), &equity, 100.0, 365.0);
    assert_eq!(m.sharpe, None);
    assert!(m.volatility_ann.unwrap() < 1e-9);
}

#[test]
fn single_bar_has_no_time_and_no_volatility() {
    let m = curve(&[5 * DAY], &[95.0], 100.0, 365.0);
    approx(m.total_return, -0.05);
    assert_eq!(m.cagr, None); // zero years
    assert_eq!(m.volatility_ann, None); // one return, ddof 1
    assert_eq!(m.sharpe, None);
    // One return of -5%: downside deviation 0.05, Sortino = -0.05 / 0.05 * sqrt(365).
    close_to(m.sortino, -(365.0_f64.sqrt()));
    // Spell from the virtual bar before the only bar: 1 bar; no spacing known, 0 days.
    assert_eq!(m.max_drawdown_duration_bars, 1);
    approx(m.max_drawdown_duration_days, 0.0);
}

#[test]
fn ruined_account() {
    let m = curve(&days(3), &[50.0, 0.0, 0.0], 100.0, 365.0);
    approx(m.total_return, -1.0);
    approx(m.max_drawdown, 1.0);
    // Final equity 0: no growth rate.
    assert_eq!(m.cagr, None);
    // Returns after equity hits 0 are undefined, so nothing built on them is.
    assert_eq!(m.volatility_ann, None);
    assert_eq!(m.sharpe, None);
    assert_eq!(m.sortino, None);
}

#[test]
fn bad_periods_per_year_makes_annualized_values_none() {
    let m = curve(&days(3), &[101.0, 99.0, 102.0], 100.0, 0.0);
    assert_eq!(m.volatility_ann, None);
    assert_eq!(m.sharpe, None);
    assert_eq!(m.sortino, None);
}

#[test]
fn trade_statistics_on_three_closed_trades() {
    let trades = [
        trade(30.0, 0.30, 1.0, false),
        trade(-10.0, -0.10, 1.0, false),
        trade(5.0, 0.05, 1.0, false),
        // Open: counted for fees and open_trades only.
        trade(-50.0, -0.50, 0.5, true),
    ];
    let ts = days(5);
    let equity = [100.0, 110.0, 105.0, 120.0, 125.0];
    let m = compute(&MetricsInput {
        ts: &ts,
        equity: &equity,
        exposure: &[0.0, 0.5, 1.0, 0.0, 0.2],
        close: &[10.0, 11.0, 9.0, 12.0, 12.5],
        trades: &trades,
        initial_cash: 100.0,
        periods_per_year: 365.0,
    });
    assert_eq!((m.trade_count, m.open_trades), (3, 1));
    close_to(m.win_rate, 2.0 / 3.0);
    // Gross profit 30 + 5 = 35, gross loss 10.
    close_to(m.profit_factor, 3.5);
    // (30 - 10 + 5) / 3
    close_to(m.expectancy, 25.0 / 3.0);
    // (0.30 - 0.10 + 0.05) / 3
    close_to(m.avg_trade_return, 0.25 / 3.0);
    close_to(m.best_trade_return, 0.30);
    close_to(m.worst_trade_return, -0.10);
    approx(m.total_fees, 3.5);
    // 3 of 5 bars with a position; close 10 -> 12.5.
    approx(m.exposure, 0.6);
    approx(m.buy_and_hold_return, 0.25);
}

#[test]
fn no_losing_trade_means_no_profit_factor() {
    let trades = [trade(10.0, 0.1, 0.0, false), trade(0.0, 0.0, 0.0, false)];
    let m = compute(&MetricsInput {
        ts: &days(2),
        equity: &[105.0, 110.0],
        exposure: &[1.0, 0.0],
        close: &[1.0, 1.0],
        trades: &trades,
        initial_cash: 100.0,
        periods_per_year: 365.0,
    });
    assert_eq!(m.profit_factor, None);
    // A zero-pnl trade is not a win.
    close_to(m.win_rate, 0.5);
}

#[test]
fn empty_input_is_zeros_and_none() {
    let m = compute(&MetricsInput {
        ts: &[],
        equity: &[],
        exposure: &[],
        close: &[],
        trades: &[],
        initial_cash: 1000.0,
        periods_per_year: 252.0,
    });
    assert_eq!(m.bars, 0);
    assert_eq!((m.start_ts, m.end_ts), (0, 0));
    approx(m.final_equity, 1000.0);
    approx(m.total_return, 0.0);
    approx(m.max_drawdown, 0.0);
    approx(m.exposure, 0.0);
    approx(m.buy_and_hold_return, 0.0);
    for name in
        ["cagr", "volatility_ann", "sharpe", "sortino", "calmar", "win_rate", "profit_factor", "expectancy"]
    {
        assert_eq!(m.get(name), None, "{name}");
    }
}

#[test]
fn get_and_names_match_the_json() {
    let m = five_bar_quarters();
    let json = serde_json::to_value(&m).unwrap();
    let obj = json.as_object().unwrap();
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut sorted_keys = keys.clone();
    sorted_keys.sort_unstable();
    let mut names = METRIC_NAMES.to_vec();
    names.sort_unstable();
    assert_eq!(sorted_keys, names);
    for &name in METRIC_NAMES {
        assert_eq!(m.get(name), obj[name].as_f64(), "{name}");
    }
    assert_eq!(m.get("no_such_metric"), None);
}

#[test]
fn none_serializes_as_null_and_round_trips() {
    let m = curve(&days(3), &[100.0; 3], 100.0, 365.0);
    let text = serde_json::to_string(&m).unwrap();
    assert!(text.contains("\"sharpe\":null"));
    let back: Metrics = serde_json::from_str(&text).unwrap();
    assert_eq!(back, m);
}

#[test]
fn periods_per_year_by_calendar() {
    let hour = 3_600_000;
    approx(periods_per_year(DAY, true), 365.0);
    approx(periods_per_year(DAY, false), 252.0);
    approx(periods_per_year(hour, true), 8760.0);
    approx(periods_per_year(hour, false), 6048.0);
    approx(periods_per_year(4 * hour, true), 6.0 * 365.0);
    // Longer than a day: 365.25 days / timeframe, calendar ignored.
    approx(periods_per_year(7 * DAY, true), 365.25 / 7.0);
    approx(periods_per_year(7 * DAY, false), 365.25 / 7.0);
    approx(periods_per_year(0, true), 0.0);
}

/// The trade statistics as they were written over lists (filter, sum, fold), kept here as the
/// reference the one-trade-at-a-time tally must equal to the bit.
fn stats_by_lists(trades: &[Trade]) -> Vec<Option<u64>> {
    let closed: Vec<&Trade> = trades.iter().filter(|t| !t.open).collect();
    let pnl: Vec<f64> = closed.iter().map(|t| t.pnl).collect();
    let ret: Vec<f64> = closed.iter().map(|t| t.ret).collect();
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
    let gross_profit: f64 = pnl.iter().filter(|&&p| p > 0.0).sum();
    let gross_loss: f64 = -pnl.iter().filter(|&&p| p < 0.0).sum::<f64>();
    let any = !closed.is_empty();
    [
        Some(closed.len() as f64),
        Some((trades.len() - closed.len()) as f64),
        any.then(|| pnl.iter().filter(|&&p| p > 0.0).count() as f64 / pnl.len() as f64),
        (gross_loss > 0.0).then(|| finite(gross_profit / gross_loss)).flatten(),
        any.then(|| finite(mean(&pnl))).flatten(),
        any.then(|| finite(mean(&ret))).flatten(),
        finite(ret.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
        finite(ret.iter().copied().fold(f64::INFINITY, f64::min)),
        Some(finite_or_zero(trades.iter().map(|t| t.fees).sum())),
    ]
    .iter()
    .map(|v| v.map(f64::to_bits))
    .collect()
}

#[test]
fn trade_statistics_folded_one_at_a_time_equal_the_list_formulas() {
    let sets: Vec<Vec<Trade>> = vec![
        vec![],
        vec![trade(5.0, 0.05, 0.1, true)],
        // Only losers: the gross profit is an empty sum, whose sign a profit factor shows.
        vec![trade(-2.0, -0.02, 0.1, false), trade(-3.5, -0.035, 0.2, false)],
        vec![trade(0.0, 0.0, 0.0, false), trade(-0.0, -0.0, 0.0, false)],
        vec![
            trade(10.0, 0.1, 0.3, false),
            trade(-4.0, -0.04, 0.3, false),
            trade(0.0, 0.0, 0.3, false),
            trade(1e-9, 1e-11, 0.3, false),
            trade(7.25, 0.0725, 0.3, true),
        ],
        (0..500).map(|i| trade(((i * 37) % 23) as f64 - 11.3, ((i * 13) % 7) as f64 / 100.0 - 0.03, 0.01 * i as f64, i == 499)).collect(),
    ];
    let names =
        ["trade_count", "open_trades", "win_rate", "profit_factor", "expectancy", "avg_trade_return", "best_trade_return", "worst_trade_return", "total_fees"];
    for trades in &sets {
        let m = compute(&MetricsInput {
            ts: &[0, DAY],
            equity: &[100.0, 101.0],
            exposure: &[0.0, 1.0],
            close: &[1.0, 1.0],
            trades,
            initial_cash: 100.0,
            periods_per_year: 365.0,
        });
        let got: Vec<Option<u64>> = names.iter().map(|n| m.get(n).map(f64::to_bits)).collect();
        assert_eq!(got, stats_by_lists(trades), "{} trades", trades.len());
    }
}

/// Every metric of an accumulator, to the bit.
fn acc_bits(acc: Accumulator) -> Vec<Option<u64>> {
    let m = summarize(acc, acc.n, &[], &[], 525_600.0);
    METRIC_NAMES.iter().map(|n| m.get(n).map(f64::to_bits)).collect()
}

#[test]
fn runs_pushed_at_once_equal_bars_pushed_one_by_one() {
    let ts: Vec<i64> = (0..400).map(|i| i * 60_000).collect();
    // Histories before the run: at the peak, under water, ruined, a non-zero first return,
    // nothing yet.
    let histories: Vec<(f64, Vec<f64>)> = vec![
        (100.0, vec![100.0, 101.0, 103.0]),
        (100.0, vec![100.0, 104.0, 99.0, 98.5]),
        (100.0, vec![100.0, -5.0, 0.0]),
        (100.0, vec![102.0, 101.0]),
        (100.0, vec![]),
    ];
    for (initial, history) in &histories {
        for cash in [103.0, 98.5, 100.0, 120.0, 0.0] {
            for count in [0, 1, 2, 5, 50] {
                let start = {
                    let mut a = Accumulator::new(&ts, *initial);
                    for &e in history {
                        a.push(e, true);
                    }
                    a
                };
                let (mut one, mut run) = (start, start);
                for _ in 0..count {
                    one.push(cash, false);
                }
                run.push_flat(cash, count);
                assert_eq!(acc_bits(run), acc_bits(one), "flat {cash} x{count} after {history:?}");
                // Then held bars, and a last flat bar: the state after the run carries on alike.
                let close = [10.0, 10.5, 9.0, 12.0];
                for &c in &close {
                    one.push(cash + 2.0 * c, true);
                }
                run.push_held(cash, 2.0, &close);
                one.push(cash, false);
                run.push_flat(cash, 1);
                assert_eq!(acc_bits(run), acc_bits(one), "then held, after flat {cash} x{count} after {history:?}");
            }
        }
    }
}
