//! Fold layout: which bars each fold trains on and tests on.

use serde::{Deserialize, Serialize};

use crate::engine::error::Result;
use crate::engine::research::sweep::SweepError;

/// Half-open bar ranges `[start, end)` into the series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoldRange {
    pub train_start: usize,
    pub train_end: usize,
    pub test_start: usize,
    pub test_end: usize,
}

/// Rolling (or anchored) folds: train on `train` bars (anchored: on everything since bar 0),
/// test on the next `test` bars, advance by `step`. Only whole test windows are used.
pub fn layout(n: usize, train: usize, test: usize, step: usize, anchored: bool) -> Result<Vec<FoldRange>> {
    if train == 0 || test == 0 || step == 0 {
        return Err(SweepError::EmptyFold.into());
    }
    if train + test > n {
        return Err(SweepError::FoldsTooLong { train, test, bars: n }.into());
    }
    let mut out = Vec::new();
    let mut test_start = train;
    while test_start + test <= n {
        out.push(FoldRange {
            train_start: if anchored { 0 } else { test_start - train },
            train_end: test_start,
            test_start,
            test_end: test_start + test,
        });
        test_start += step;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_and_anchored() {
        let f = layout(10, 4, 2, 2, false).unwrap();
        assert_eq!(f.len(), 3);
        assert_eq!((f[0].train_start, f[0].train_end, f[0].test_start, f[0].test_end), (0, 4, 4, 6));
        assert_eq!((f[2].train_start, f[2].test_end), (4, 10));
        let a = layout(10, 4, 2, 2, true).unwrap();
        assert!(a.iter().all(|x| x.train_start == 0));
        for x in f.iter().chain(&a) {
            assert!(x.train_end <= x.test_start, "train overlaps test");
        }
        let e = layout(5, 4, 2, 2, false).unwrap_err();
        assert!(matches!(e.domain(), Some(SweepError::FoldsTooLong { train: 4, test: 2, bars: 5 })), "{e:?}");
    }
}
