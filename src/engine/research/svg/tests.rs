//! Tests of the chart primitives.

use super::*;

#[test]
fn dates_round_trip_and_known_values() {
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    assert_eq!(civil_from_days(-1), (1969, 12, 31));
    assert_eq!(civil_from_ms(1_709_164_800_000), (2024, 2, 29));
    assert_eq!(date_string(1_735_689_599_999), "2024-12-31");
    for d in (-800_000..800_000).step_by(97) {
        let (y, m, dd) = civil_from_days(d);
        assert_eq!(days_from_civil(y, m, dd), d);
    }
    let _ = civil_from_ms(i64::MIN);
    let _ = civil_from_ms(i64::MAX);
}

#[test]
fn downsampling_keeps_global_min_and_max() {
    let mut ys: Vec<f64> = (0..1_000_000).map(|i| 100.0 + (i as f64 * 0.001).sin()).collect();
    ys[123_457] = 250.0;
    ys[777_777] = -40.0;
    ys[5] = f64::NAN;
    let k = downsample(&ys, MAX_POINTS);
    assert!(k.len() <= MAX_POINTS + 2, "{}", k.len());
    assert!(k.contains(&123_457) && k.contains(&777_777));
    assert!(k.windows(2).all(|w| w[0] < w[1]));
    assert_eq!((k[0], *k.last().unwrap()), (0, 999_999));
    assert!(k.iter().all(|&i| ys[i].is_finite()));
    assert_eq!(downsample(&[1.0, f64::NAN, 3.0], 10), vec![0, 2]);
    assert!(downsample(&[], 10).is_empty());
    assert!(downsample(&[f64::NAN; 5000], 10).is_empty());
}

#[test]
fn ticks_are_round_and_cover_the_range() {
    let t = nice_ticks(9_730.0, 14_210.0, 5);
    assert_eq!(t.step, 1000.0);
    assert_eq!((t.lo, t.hi), (9_000.0, 15_000.0));
    let flat = nice_ticks(100.0, 100.0, 5);
    assert!(flat.hi > flat.lo && flat.lo <= 100.0 && flat.hi >= 100.0);
    let z = nice_ticks(0.0, 0.0, 5);
    assert!(z.hi > z.lo);
    assert!(nice_ticks(f64::NAN, 1.0, 5).hi > nice_ticks(f64::NAN, 1.0, 5).lo);
    assert_eq!(decimals_for(2.5), 1);
    assert_eq!(decimals_for(0.05), 2);
    assert_eq!(group_thousands("-1234567.25"), "-1,234,567.25");
    assert_eq!(group_thousands("999"), "999");
}

#[test]
fn time_ticks_pick_years_months_days_hours() {
    let day = 86_400_000.0;
    let t0 = days_from_civil(2019, 6, 1) as f64 * day;
    let years = time_ticks(t0, days_from_civil(2025, 3, 1) as f64 * day);
    assert_eq!(years.first().map(|t| t.1.as_str()), Some("2020"));
    assert!(years.len() >= 4 && years.len() <= 10);
    let months = time_ticks(t0, days_from_civil(2020, 2, 1) as f64 * day);
    assert!(months.iter().any(|t| t.1 == "Jan 2020"));
    let days = time_ticks(t0, t0 + 10.0 * day);
    assert!(days.len() >= 3 && days.len() <= 11);
    let hours = time_ticks(t0, t0 + 0.5 * day);
    assert!(!hours.is_empty());
}

#[test]
fn numbers_are_compact() {
    assert_eq!(num(12.0), "12");
    assert_eq!(num(12.345), "12.3");
    assert_eq!(num(-0.01), "0");
    assert_eq!(num(f64::NAN), "0");
    assert_eq!(diverging(0.0), "#f2f1ec");
    assert_eq!(diverging(-1.0), "#c44e42");
    assert_eq!(diverging(f64::NAN), "#f2f1ec");
}
