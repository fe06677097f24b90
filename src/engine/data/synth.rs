//! Deterministic synthetic OHLCV (a seeded random walk) for benchmarks and scale tests.

use super::bars::Bars;

/// SplitMix64: tiny, seedable, and the same sequence on every platform.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// Standard normal by Box-Muller.
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit(), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// `n` bars `tf_ms` apart from `start_ms`, a geometric random walk from 100 with per-bar
/// volatility `vol`. Every bar satisfies the OHLC invariants.
pub fn random_walk(n: usize, start_ms: i64, tf_ms: i64, vol: f64, seed: u64) -> Bars {
    let mut rng = SplitMix(seed);
    let mut bars = Bars::with_capacity(n);
    let mut price = 100.0f64;
    for i in 0..n {
        let open = price;
        let close = open * (vol * rng.normal()).exp();
        let high = open.max(close) * (1.0 + vol * 0.5 * rng.unit());
        let low = open.min(close) * (1.0 - vol * 0.5 * rng.unit());
        let volume = 1.0 + 99.0 * rng.unit();
        bars.push(start_ms + i as i64 * tf_ms, open, high, low, close, volume);
        price = close;
    }
    bars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_valid() {
        let a = random_walk(1000, 0, 3_600_000, 0.01, 7);
        assert_eq!(a, random_walk(1000, 0, 3_600_000, 0.01, 7));
        assert_ne!(a.close, random_walk(1000, 0, 3_600_000, 0.01, 8).close);
        a.validate("synth", &|i| i + 1).unwrap();
    }
}
