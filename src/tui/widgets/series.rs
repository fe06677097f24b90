//! Chart data: a series of (time, value) points, reduced off the UI thread to what a terminal
//! can show, by the engine's one downsampler (the HTML report and `runs equity` keep the same
//! points).

/// Points for a chart: (epoch ms as f64, value).
pub type Series = Vec<(f64, f64)>;

/// Points per chart: plenty for a 200-column terminal.
pub const CHART_POINTS: usize = 600;

/// About `max` points of a long series: each bucket's low and high, the ends kept.
pub fn downsample(ts: &[i64], ys: &[f64], max: usize) -> Series {
    crate::engine::read::points(ts, ys, max).into_iter().map(|(t, y)| (t as f64, y)).collect()
}
