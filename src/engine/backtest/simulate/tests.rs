//! Hand-worked checks of fills, fees, slippage and sizing.

use super::*;
use crate::engine::backtest::config::{BacktestConfig, FillMode, Sizing};
use crate::engine::data::Bars;

/// Four hourly bars; opens 100, 110, 120, 90 and closes 105, 115, 125, 95.
fn bars() -> Bars {
    let mut b = Bars::default();
    for (i, (o, c)) in [(100.0, 105.0), (110.0, 115.0), (120.0, 125.0), (90.0, 95.0)].into_iter().enumerate()
    {
        b.push(i as i64 * 3_600_000, o, o.max(c) + 1.0, o.min(c) - 1.0, c, 1.0);
    }
    b
}

fn cfg() -> BacktestConfig {
    BacktestConfig { cash: 1000.0, ..BacktestConfig::default() }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn next_open_fills_on_the_following_bar() {
    // Long decided on bar 0's close, flat on bar 1's: buy at open[1]=110, sell at open[2]=120.
    let r = simulate(&bars(), &[1, 0, 0, 0], &cfg());
    assert_eq!(r.trades.len(), 1);
    let t = &r.trades[0];
    assert_eq!((t.entry_bar, t.exit_bar), (1, 2));
    assert_eq!((t.entry_price, t.exit_price), (110.0, 120.0));
    // qty = 1000/110; pnl = 10 * 1000/110 = 90.909...
    assert!(close(t.qty, 1000.0 / 110.0));
    assert!(close(t.pnl, 10.0 * 1000.0 / 110.0));
    assert!(!t.open);
    // Bar 0 flat; bar 1 holds qty marked at close 115.
    assert!(close(r.equity[0], 1000.0));
    assert!(close(r.equity[1], 1000.0 / 110.0 * 115.0));
    assert!(close(r.equity[3], 1000.0 + 10.0 * 1000.0 / 110.0));
}

#[test]
fn close_fills_on_the_deciding_bar() {
    // Long decided and filled at close[0]=105, flat at close[1]=115.
    let mut c = cfg();
    c.fill = FillMode::Close;
    let r = simulate(&bars(), &[1, 0, 0, 0], &c);
    let t = &r.trades[0];
    assert_eq!((t.entry_bar, t.exit_bar), (0, 1));
    assert_eq!((t.entry_price, t.exit_price), (105.0, 115.0));
    assert!(close(t.pnl, 10.0 * 1000.0 / 105.0));
}

#[test]
fn fees_and_slippage_are_charged_separately() {
    // 10 bps fee, 50 bps slippage. Buy fill 110*1.005 = 110.55, sell fill 120*0.995 = 119.4.
    let mut c = cfg();
    c.fee_bps = 10.0;
    c.slippage_bps = 50.0;
    let r = simulate(&bars(), &[1, 0, 0, 0], &c);
    let t = &r.trades[0];
    assert!(close(t.entry_price, 110.55));
    assert!(close(t.exit_price, 119.4));
    // qty so that notional + fee = cash: 1000 / (110.55 * 1.001)
    let qty = 1000.0 / (110.55 * 1.001);
    assert!(close(t.qty, qty));
    let fees = qty * 110.55 * 0.001 + qty * 119.4 * 0.001;
    assert!(close(t.fees, fees));
    assert!(close(t.pnl, (119.4 - 110.55) * qty - fees));
    // Cash after the round trip: everything spent returned with the net pnl.
    assert!(close(r.equity[3], 1000.0 + t.pnl));
    assert!(close(r.total_fees, fees));
}

#[test]
fn whole_units_round_down_after_fees() {
    // 1000 / (110 * 1.001) = 9.08... -> 9 units.
    let mut c = cfg();
    c.fee_bps = 10.0;
    c.whole_units = true;
    let r = simulate(&bars(), &[1, 0, 0, 0], &c);
    assert_eq!(r.trades[0].qty, 9.0);
    let fees = 9.0 * 110.0 * 0.001 + 9.0 * 120.0 * 0.001;
    assert!(close(r.trades[0].pnl, 90.0 - fees));
}

#[test]
fn too_small_for_one_unit_never_trades() {
    let mut c = cfg();
    c.cash = 50.0;
    c.whole_units = true;
    let r = simulate(&bars(), &[1, 1, 1, 1], &c);
    assert!(r.trades.is_empty());
    assert!(r.equity.iter().all(|&e| e == 50.0));
}

#[test]
fn fixed_quantity_sizing() {
    let mut c = cfg();
    c.sizing = Sizing::Qty(2.0);
    let r = simulate(&bars(), &[1, 0, 0, 0], &c);
    assert_eq!(r.trades[0].qty, 2.0);
    assert!(close(r.trades[0].pnl, 20.0));
    // More than the cash can pay for: refused, not financed.
    c.sizing = Sizing::Qty(100.0);
    assert!(simulate(&bars(), &[1, 0, 0, 0], &c).trades.is_empty());
}

#[test]
fn half_fraction_spends_half_the_cash_fees_included() {
    // --sizing fraction:0.5, 10 bps fee, cash 1000; long on bar 0's close, flat on bar 1's,
    // long again on bar 2's. Fills at the next opens: buy 110, sell 120, buy 90.
    let mut c = cfg();
    c.fee_bps = 10.0;
    c.sizing = Sizing::parse("fraction:0.5").unwrap();
    // Entry 1: qty * 110 * (1 + 0.001) = 0.5 * 1000 -> qty = 500 / 110.11 = 4.5409...,
    // notional 499.5005, fee 0.4995; notional + fee is exactly the 500 spent.
    let q1 = 500.0 / (110.0 * 1.001);
    let mut st = Stepper::new(&c);
    st.on_bar(&bars(), 0, 1, false);
    assert!(close(st.book.cash, 1000.0), "nothing fills on the deciding bar");
    let (equity, units) = st.on_bar(&bars(), 1, 0, false);
    assert!(close(units, q1));
    assert!(close(st.book.cash, 500.0));
    assert!(close(st.book.total_fees, q1 * 110.0 * 0.001));
    // Marked at close 115: the unspent half plus the position.
    assert!(close(equity, 500.0 + q1 * 115.0));

    let r = simulate(&bars(), &[1, 0, 1, 0], &c);
    let t = &r.trades[0];
    assert!(close(t.qty, q1));
    // Exit at 120: cash = 500 + q1 * 120 * (1 - 0.001) = 1044.3647...
    let cash2 = 500.0 + q1 * 120.0 * 0.999;
    let fees1 = q1 * 110.0 * 0.001 + q1 * 120.0 * 0.001;
    assert!(close(t.fees, fees1));
    assert!(close(t.pnl, q1 * 10.0 - fees1));
    assert!(close(r.equity[2], cash2));
    // Entry 2 is half of the equity then (cash2), not of the starting cash:
    // qty = 0.5 * 1044.3647 / (90 * 1.001) = 5.7962...
    let q2 = 0.5 * cash2 / (90.0 * 1.001);
    let t2 = &r.trades[1];
    assert!(close(t2.qty, q2));
    assert!(t2.open);
    assert!(close(r.equity[3], cash2 / 2.0 + q2 * 95.0));
    assert!(close(r.total_fees, fees1 + q2 * 90.0 * 0.001));
}

#[test]
fn long_only_ignores_short_targets_and_shorts_when_allowed() {
    let r = simulate(&bars(), &[-1, -1, -1, -1], &cfg());
    assert!(r.trades.is_empty());
    let mut c = cfg();
    c.allow_short = true;
    // Short at open[1]=110, still open at the end, marked to close[3]=95.
    let r = simulate(&bars(), &[-1, -1, -1, -1], &c);
    let t = &r.trades[0];
    assert_eq!(t.side, Side::Short);
    assert!(t.open);
    assert!(close(t.pnl, 15.0 * 1000.0 / 110.0));
    assert!(r.position[3] < 0.0);
    assert!(close(r.equity[3], 1000.0 + 15.0 * 1000.0 / 110.0));
}

#[test]
fn reversal_closes_then_opens() {
    let mut c = cfg();
    c.allow_short = true;
    let r = simulate(&bars(), &[1, -1, -1, -1], &c);
    assert_eq!(r.trades.len(), 2);
    assert_eq!(r.trades[0].side, Side::Long);
    assert_eq!(r.trades[1].side, Side::Short);
    assert_eq!(r.trades[1].entry_bar, 2);
}

#[test]
fn open_trade_is_reported_or_closed_at_end() {
    let r = simulate(&bars(), &[1, 1, 1, 1], &cfg());
    assert!(r.trades[0].open);
    assert_eq!(r.trades[0].exit_price, 95.0);
    let mut c = cfg();
    c.close_at_end = true;
    c.fee_bps = 10.0;
    let r = simulate(&bars(), &[1, 1, 1, 1], &c);
    let t = &r.trades[0];
    assert!(!t.open);
    assert_eq!((t.exit_bar, t.exit_price), (3, 95.0));
    assert!(r.position[3] == 0.0);
    assert!(close(r.equity[3], 1000.0 + t.pnl));
}

#[test]
fn exposure_tracks_the_position() {
    let r = simulate(&bars(), &[1, 0, 0, 0], &cfg());
    let e = r.exposure(&bars().close);
    assert_eq!(e[0], 0.0);
    assert!(close(e[1], 1.0));
    assert_eq!(e[2], 0.0);
}

/// The sweep path (metrics gathered bar by bar, no series stored) and the single-run path
/// (series stored, then measured) must agree to the last bit, for every setting that changes
/// the loop, on a random walk with many trades and drawdowns: for the targets of every
/// built-in strategy, on the generic path and on the fused one.
#[test]
fn sweep_metrics_equal_run_metrics_bit_for_bit() {
    use crate::engine::backtest::fused;
    use crate::engine::backtest::metrics::check::{bits, of_run};
    use std::collections::BTreeMap;
    let mut b = Bars::default();
    let mut x: u64 = 7;
    let mut p = 100.0;
    for i in 0..5_000 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let step = ((x >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 2.0;
        let o = p;
        p = (p + step).max(1.0);
        b.push(i * 60_000, o, o.max(p) + 0.5, o.min(p) - 0.5, p, 1.0);
    }
    let strategies: [(&str, &[(&str, &str)]); 7] = [
        ("sma_cross", &[("fast", "5"), ("slow", "40")]),
        ("ema_cross", &[("fast", "5"), ("slow", "40")]),
        ("macd_cross", &[("fast", "8"), ("slow", "21"), ("signal", "5")]),
        ("rsi_reversion", &[("period", "10"), ("lower", "35"), ("upper", "65")]),
        ("bollinger_reversion", &[("period", "20"), ("k", "1.5")]),
        ("donchian_breakout", &[("period", "15")]),
        ("buy_and_hold", &[]),
    ];
    for (name, pairs) in strategies {
        let given: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (strat, params) = crate::engine::strategy::build(name, &given).unwrap();
        let spec = fused::Spec::of(name, &params).unwrap();
        let targets = strat.targets(&b);
        for fill in [FillMode::NextOpen, FillMode::Close] {
            for allow_short in [true, false] {
                for close_at_end in [true, false] {
                    let c = BacktestConfig {
                        fill,
                        allow_short,
                        close_at_end,
                        fee_bps: 10.0,
                        slippage_bps: 3.0,
                        ..cfg()
                    };
                    let r = simulate(&b, &targets, &c);
                    let stored = of_run(&b, &r, 525_600.0);
                    let what = format!("{name} {fill:?} short={allow_short} close_at_end={close_at_end}");
                    let streamed = simulate_metrics(&b, &targets, &c, 525_600.0);
                    assert_eq!(bits(&stored), bits(&streamed), "{what}: generic");
                    let fused = fused::simulate_metrics(&b, &spec, &c, 525_600.0);
                    assert_eq!(bits(&stored), bits(&fused), "{what}: fused");
                    if name != "buy_and_hold" {
                        assert!(stored.trade_count > 20 && stored.max_drawdown > 0.0, "{what}");
                    }
                }
            }
        }
    }
}
