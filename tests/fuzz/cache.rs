//! The dataset cache (`engine::data::cache`, an Arrow IPC file of the bars): a cache file
//! changed anywhere is used with exactly the bars and fingerprint it was written with, or not
//! at all (the load goes back to the source). Never a panic, an abort, a hang, other bars or
//! another fingerprint.

use std::path::{Path, PathBuf};

use quantlab::engine::data::cache::{self, Stamp};
use quantlab::engine::data::load::load_file;
use quantlab::engine::data::Bars;

use super::harness::{bounded, check, runner};
use super::mutate::{text_inputs, Input};

const FINGERPRINT: &str = "sha256:4f1c0e2a9b7d3e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";

/// A source file (a fixture's copy), its bars and the bytes of the cache written for them.
fn seed(dir: &Path) -> (PathBuf, Bars, Vec<u8>) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/BTCUSD_1h_head.csv");
    let source = dir.join("source.csv");
    std::fs::copy(&fixture, &source).unwrap();
    let bars = load_file(&source).unwrap().bars;
    let path = dir.join("seed.arrow");
    cache::write(&source, Stamp::of(&source), &path, &bars, FINGERPRINT);
    let bytes = std::fs::read(&path).expect("the seed cache is written");
    // The untouched cache is used, with what it was written with.
    let (back, fp) = cache::read(&source, &path, None).expect("the seed cache is used");
    assert!(same(&back, &bars) && fp == FINGERPRINT);
    (source, bars, bytes)
}

fn same(a: &Bars, b: &Bars) -> bool {
    let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    a.ts == b.ts
        && [
            (&a.open, &b.open),
            (&a.high, &b.high),
            (&a.low, &b.low),
            (&a.close, &b.close),
            (&a.volume, &b.volume),
        ]
        .iter()
        .all(|(x, y)| bits(x) == bits(y))
}

/// Read `bytes` as the cache of `source`: Ok when it is refused, or used with the bars and the
/// fingerprint written.
fn judge(source: &Path, cache_file: &Path, bars: &Bars, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(cache_file, bytes).unwrap();
    let (s, c, want) = (source.to_path_buf(), cache_file.to_path_buf(), bars.clone());
    bounded("bars cache", bytes, move || match cache::read(&s, &c, None) {
        None => Ok(()),
        Some((got, fp)) if same(&got, &want) && fp == FINGERPRINT => Ok(()),
        Some((got, fp)) => Err(format!("used with {} bars and fingerprint {fp}", got.len())),
    })
}

/// Every character of the recorded fingerprint changed in turn: each such cache is refused.
/// (A checksum of the bars alone let the wrong fingerprint through to the run's report.)
#[test]
fn a_cache_whose_recorded_fingerprint_was_altered_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let (source, bars, bytes) = seed(dir.path());
    let at = bytes
        .windows(FINGERPRINT.len())
        .position(|w| w == FINGERPRINT.as_bytes())
        .expect("the fingerprint is in the file");
    let cache_file = dir.path().join("input.arrow");
    for i in at + "sha256:".len()..at + FINGERPRINT.len() {
        let mut altered = bytes.clone();
        altered[i] = if altered[i] == b'0' { b'1' } else { b'0' };
        judge(&source, &cache_file, &bars, &altered).unwrap_or_else(|e| panic!("byte {i}: {e}"));
    }
}

#[test]
fn corrupted_cache_bytes_are_refused_or_give_the_same_bars() {
    let dir = tempfile::tempdir().unwrap();
    let (source, bars, seed) = seed(dir.path());
    let cache_file = dir.path().join("input.arrow");
    let mut r = runner(300);
    let res = r.run(&text_inputs(vec![seed]), |Input(bytes)| {
        judge(&source, &cache_file, &bars, &bytes).map_err(proptest::test_runner::TestCaseError::fail)
    });
    check("bars cache bytes", res);
}
