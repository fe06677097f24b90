//! Chart data: a series of (time, value) points, reduced off the UI thread to what a terminal
//! can show.

/// Points for a chart: (epoch ms as f64, value).
pub type Series = Vec<(f64, f64)>;

/// Points per chart: plenty for a 200-column terminal.
pub const CHART_POINTS: usize = 600;

/// Reduce a long series to about `max` points, keeping each bucket's min and max so spikes
/// and drawdown troughs survive.
pub fn downsample(ts: &[i64], ys: &[f64], max: usize) -> Series {
    let n = ts.len().min(ys.len());
    if n <= max || max < 4 {
        return (0..n).map(|i| (ts[i] as f64, ys[i])).collect();
    }
    let buckets = max / 2;
    let mut out = Vec::with_capacity(max + 2);
    for b in 0..buckets {
        let (lo, hi) = (b * n / buckets, ((b + 1) * n / buckets).max(b * n / buckets + 1));
        let (mut imin, mut imax) = (lo, lo);
        for i in lo..hi {
            if ys[i] < ys[imin] {
                imin = i;
            }
            if ys[i] > ys[imax] {
                imax = i;
            }
        }
        let (a, c) = if imin <= imax { (imin, imax) } else { (imax, imin) };
        out.push((ts[a] as f64, ys[a]));
        if c != a {
            out.push((ts[c] as f64, ys[c]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsample_keeps_extremes() {
        let ts: Vec<i64> = (0..10_000).collect();
        let mut ys: Vec<f64> = (0..10_000).map(|i| (i as f64 * 0.01).sin()).collect();
        ys[5_000] = 9.0;
        ys[7_000] = -9.0;
        let d = downsample(&ts, &ys, 200);
        assert!(d.len() <= 202);
        assert!(d.iter().any(|p| p.1 == 9.0) && d.iter().any(|p| p.1 == -9.0));
        assert!(d.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
