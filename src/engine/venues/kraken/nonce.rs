//! A per-API-key nonce that only goes up.
//!
//! Kraken rejects a nonce not greater than the last one it saw for the key, so two requests in
//! one millisecond must still differ: `next = max(now_ms, last + 1)`. After a restart the clock
//! alone is not enough (the last nonce may be ahead of it), so the caller persists [`last`]
//! and seeds a new source from it.
//!
//! [`last`]: NonceSource::last

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Strictly increasing, thread-safe nonce source (one per API key).
#[derive(Debug)]
pub struct NonceSource {
    last: AtomicU64,
    clock: fn() -> u64,
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

impl Default for NonceSource {
    fn default() -> Self {
        Self::new()
    }
}

impl NonceSource {
    /// A source with no history: its first nonce is the current time in ms.
    pub fn new() -> Self {
        Self::seed(0)
    }

    /// A source that continues after a persisted nonce: every nonce it gives is `> last`.
    pub fn seed(last: u64) -> Self {
        Self::with_clock(last, unix_ms)
    }

    /// As [`seed`](Self::seed) with another millisecond clock (tests, simulators).
    pub fn with_clock(last: u64, clock: fn() -> u64) -> Self {
        Self { last: AtomicU64::new(last), clock }
    }

    /// The next nonce: `max(now_ms, last + 1)`, never repeated even across threads.
    pub fn next(&self) -> u64 {
        let now = (self.clock)();
        let prev = self
            .last
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| {
                Some(now.max(last.checked_add(1).expect("nonce space exhausted")))
            })
            .expect("the update closure always returns Some");
        now.max(prev + 1)
    }

    /// The last nonce given out (or seeded): what the caller persists.
    pub fn last(&self) -> u64 {
        self.last.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn frozen() -> u64 {
        1_700_000_000_000
    }

    #[test]
    fn same_millisecond_still_increases() {
        let n = NonceSource::with_clock(0, frozen);
        assert_eq!(n.next(), frozen());
        assert_eq!(n.next(), frozen() + 1);
        assert_eq!(n.next(), frozen() + 2);
        assert_eq!(n.last(), frozen() + 2);
    }

    #[test]
    fn seed_ahead_of_clock_wins() {
        let n = NonceSource::with_clock(frozen() + 500, frozen);
        assert_eq!(n.next(), frozen() + 501);
        let real = NonceSource::seed(u64::MAX / 2);
        assert_eq!(real.next(), u64::MAX / 2 + 1);
    }

    #[test]
    fn clock_ahead_of_seed_wins() {
        let n = NonceSource::with_clock(5, frozen);
        assert_eq!(n.next(), frozen());
        assert!(NonceSource::new().next() >= 1_600_000_000_000);
    }

    #[test]
    fn strictly_increasing_across_threads() {
        const THREADS: usize = 8;
        const PER: usize = 5_000;
        for clock in [frozen as fn() -> u64, unix_ms] {
            let src = Arc::new(NonceSource::with_clock(0, clock));
            let handles: Vec<_> = (0..THREADS)
                .map(|_| {
                    let src = Arc::clone(&src);
                    std::thread::spawn(move || {
                        let mut mine = Vec::with_capacity(PER);
                        for _ in 0..PER {
                            mine.push(src.next());
                        }
                        // Each thread sees its own nonces strictly increasing...
                        assert!(mine.windows(2).all(|w| w[0] < w[1]));
                        mine
                    })
                })
                .collect();
            let mut all: Vec<u64> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
            all.sort_unstable();
            all.dedup();
            // ...and no nonce was handed out twice.
            assert_eq!(all.len(), THREADS * PER);
            assert_eq!(src.last(), *all.last().unwrap());
        }
    }
}
