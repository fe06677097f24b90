//! The one downsampler behind every chart: the console's braille charts, the tearsheet's SVG
//! and `quantlab runs equity` all keep the same points of a long series.

/// Indices of the points to draw, in order, finite values only: at most about `max_points`
/// (+2). The series is cut into buckets of consecutive bars and each bucket keeps its minimum
/// and its maximum, so spikes (and the global min and max) survive; the first and last finite
/// points are always kept.
pub fn downsample(ys: &[f64], max_points: usize) -> Vec<usize> {
    let n = ys.len();
    if n <= max_points.max(2) {
        return (0..n).filter(|&i| ys[i].is_finite()).collect();
    }
    let buckets = (max_points / 2).max(1);
    let mut out = Vec::with_capacity(buckets * 2 + 2);
    if let Some(first) = ys.iter().position(|v| v.is_finite()) {
        out.push(first);
    }
    for b in 0..buckets {
        let (s, e) = (b * n / buckets, (b + 1) * n / buckets);
        let (mut lo, mut hi): (Option<usize>, Option<usize>) = (None, None);
        for (i, &v) in ys.iter().enumerate().take(e).skip(s) {
            if !v.is_finite() {
                continue;
            }
            if lo.is_none_or(|j| v < ys[j]) {
                lo = Some(i);
            }
            if hi.is_none_or(|j| v > ys[j]) {
                hi = Some(i);
            }
        }
        if let (Some(a), Some(b)) = (lo, hi) {
            out.push(a.min(b));
            out.push(a.max(b));
        }
    }
    if let Some(last) = ys.iter().rposition(|v| v.is_finite()) {
        out.push(last);
    }
    out.dedup();
    out
}

/// The kept points of `ys` over bar times `ts` (epoch ms), as (time, value) pairs.
pub fn points(ts: &[i64], ys: &[f64], max_points: usize) -> Vec<(i64, f64)> {
    let n = ts.len().min(ys.len());
    downsample(&ys[..n], max_points).into_iter().map(|i| (ts[i], ys[i])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spikes_and_ends_survive_and_times_stay_in_order() {
        let ts: Vec<i64> = (0..10_000).collect();
        let mut ys: Vec<f64> = (0..10_000).map(|i| (i as f64 * 0.01).sin()).collect();
        ys[5_000] = 9.0;
        ys[7_000] = -9.0;
        let d = points(&ts, &ys, 200);
        assert!(d.len() <= 202, "{}", d.len());
        assert!(d.iter().any(|p| p.1 == 9.0) && d.iter().any(|p| p.1 == -9.0));
        assert_eq!((d[0].0, d[d.len() - 1].0), (0, 9_999));
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn short_series_are_kept_whole_but_for_gaps() {
        assert_eq!(points(&[1, 2, 3], &[1.0, f64::NAN, 3.0], 600), vec![(1, 1.0), (3, 3.0)]);
        assert!(points(&[], &[], 600).is_empty());
    }
}
