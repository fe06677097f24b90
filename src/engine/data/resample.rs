//! OHLCV aggregation to a coarser timeframe (polars group-by over time buckets).

use polars::prelude::*;

use super::bars::Bars;
use crate::engine::error::Result;
use crate::engine::time::MS_PER_DAY;

/// Bucket start for `ts`. Buckets of whole weeks start on Monday 00:00 UTC (the epoch was a
/// Thursday); everything else is aligned to the epoch, so 4h buckets start at 00, 04, 08...
pub fn bucket_start(ts: i64, to_ms: i64) -> i64 {
    let offset = if to_ms % (7 * MS_PER_DAY) == 0 { 4 * MS_PER_DAY } else { 0 };
    (ts - offset).div_euclid(to_ms) * to_ms + offset
}

/// open = first open, high = max, low = min, close = last close, volume = sum. A bucket is
/// labelled by its start. Partial buckets at either end are kept: they hold real trading.
pub fn resample(bars: &Bars, to_ms: i64) -> Result<Bars> {
    let buckets: Vec<i64> = bars.ts.iter().map(|&t| bucket_start(t, to_ms)).collect();
    let df = DataFrame::new_infer_height(vec![
        Column::new("bucket".into(), buckets),
        Column::new("open".into(), &bars.open),
        Column::new("high".into(), &bars.high),
        Column::new("low".into(), &bars.low),
        Column::new("close".into(), &bars.close),
        Column::new("volume".into(), &bars.volume),
    ])?;
    let out = df
        .lazy()
        .group_by_stable([col("bucket")])
        .agg([
            col("open").first(),
            col("high").max(),
            col("low").min(),
            col("close").last(),
            col("volume").sum(),
        ])
        .sort(["bucket"], SortMultipleOptions::default())
        .collect()?;
    let f = |name: &str| -> Result<Vec<f64>> { Ok(out.column(name)?.f64()?.into_no_null_iter().collect()) };
    Ok(Bars {
        ts: out.column("bucket")?.i64()?.into_no_null_iter().collect(),
        open: f("open")?,
        high: f("high")?,
        low: f("low")?,
        close: f("close")?,
        volume: f("volume")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hourly_to_four_hours() {
        let h = 3_600_000;
        let mut b = Bars::default();
        // 02:00..07:00: buckets 00:00 (02, 03) and 04:00 (04..07).
        for (i, t) in (2..8).enumerate() {
            let x = 10.0 + i as f64;
            b.push(t * h, x, x + 1.0, x - 1.0, x + 0.5, 1.0);
        }
        let r = resample(&b, 4 * h).unwrap();
        assert_eq!(r.ts, vec![0, 4 * h]);
        assert_eq!(r.open, vec![10.0, 12.0]);
        assert_eq!(r.high, vec![12.0, 16.0]);
        assert_eq!(r.low, vec![9.0, 11.0]);
        assert_eq!(r.close, vec![11.5, 15.5]);
        assert_eq!(r.volume, vec![2.0, 4.0]);
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2017-07-05 (a Wednesday) belongs to the week starting Monday 2017-07-03.
        let wed = 1_499_212_800_000;
        let mon = 1_499_040_000_000;
        assert_eq!(bucket_start(wed, 7 * MS_PER_DAY), mon);
    }
}
