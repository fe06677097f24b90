//! `data import` against hostile files: every refusal is exit 2 naming the file (and the row
//! and column where there is one), never a panic, a hang or polars' own advice.

use super::harness::{csv, fixture, Run, Ws};

fn import<'a>(file: &'a str, tf: &'a str) -> Vec<&'a str> {
    vec!["data", "import", file, "--symbol", "X", "--timeframe", tf]
}

#[test]
fn parquet_decimal_prices_are_refused_naming_the_column() {
    // pyarrow writes decimal128(18, 2) prices; polars without its decimal type panicked on them.
    let ws = Ws::with_btc();
    let f = fixture("adversarial/decimal_prices.parquet");
    ws.refused(
        &import(f.to_str().unwrap(), "1h"),
        2,
        &["decimal_prices.parquet", "column 'open'", "decimal(18, 2)"],
    );
}

#[test]
fn a_decimal_column_the_import_does_not_use_is_ignored() {
    let ws = Ws::new();
    let f = fixture("adversarial/decimal_extra.parquet");
    let v = ws.accepted(&import(f.to_str().unwrap(), "1h"));
    assert_eq!(v["result"]["dataset"]["rows"], 5, "{v}");
}

#[test]
fn a_named_pipe_with_no_writer_is_refused_not_waited_on() {
    let ws = Ws::with_btc();
    let p = ws.input_path("bars.csv");
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo failed");
    ws.refused(&import(p.to_str().unwrap(), "1h"), 2, &["bars.csv", "not a regular file"]);
}

#[test]
fn a_directory_is_refused() {
    let ws = Ws::with_btc();
    let p = ws.input_path("folder.csv");
    std::fs::create_dir(&p).unwrap();
    ws.refused(&import(p.to_str().unwrap(), "1h"), 2, &["folder.csv", "is a directory"]);
}

/// Root reads any file whatever its mode, so the binary runs with CAP_DAC_OVERRIDE and
/// CAP_DAC_READ_SEARCH dropped (setpriv, from util-linux) when the tests run as root.
#[test]
fn a_permission_denied_file_is_bad_input() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Ws::with_btc();
    let p = ws.input("locked.csv", csv(&["2020-01-01T00:00:00Z,1,2,0.5,1.5,10"]));
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let wrapper: &'static [&'static str] =
        if root { &["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] } else { &[] };
    if root {
        let ok =
            std::process::Command::new("setpriv").arg("--version").output().is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "running as root: install util-linux (setpriv) so the binary can run without CAP_DAC_OVERRIDE"
        );
    }
    let how = Run { wrapper, ..Run::default() };
    ws.refused_with(how, &import(p.to_str().unwrap(), "1h"), 2, &["locked.csv", "cannot open it"]);
}

#[test]
fn epoch_microseconds_and_nanoseconds_are_read_in_their_unit() {
    let ws = Ws::new();
    let us = ws.input("us.csv", csv(&["1577836800000000,1,2,0.5,1.5,10", "1577840400000000,1,2,0.5,1.5,10"]));
    let v = ws.accepted(&import(us.to_str().unwrap(), "1h"));
    assert_eq!(v["result"]["dataset"]["first"], "2020-01-01T00:00:00Z", "{v}");
    let ns = ws
        .input("ns.csv", csv(&["1577836800000000000,1,2,0.5,1.5,10", "1577840400000000000,1,2,0.5,1.5,10"]));
    let v = ws.accepted(&["data", "import", ns.to_str().unwrap(), "--symbol", "Y", "--timeframe", "1h"]);
    assert_eq!(v["result"]["dataset"]["last"], "2020-01-01T01:00:00Z", "{v}");
    // An int64 Parquet column of epoch microseconds.
    let pq = fixture("adversarial/epoch_us.parquet");
    let v = ws.accepted(&["data", "import", pq.to_str().unwrap(), "--symbol", "Z", "--timeframe", "1h"]);
    assert_eq!(v["result"]["dataset"]["first"], "2020-09-13T12:26:40Z", "{v}");
}

#[test]
fn implausible_dates_are_refused_with_the_row_unless_allowed() {
    let ws = Ws::with_btc();
    // 9e18 ns is 2255: beyond 2100, named with its row and column in plain words.
    let far = ws.input(
        "far.csv",
        csv(&["2020-01-01T00:00:00Z,1,2,0.5,1.5,10", "9000000000000000000,1,2,0.5,1.5,10"]),
    );
    let v = ws.refused(
        &import(far.to_str().unwrap(), "1h"),
        2,
        &["far.csv", "row 3", "column 'timestamp'", "2255-"],
    );
    assert!(!v.to_string().contains("<invalid"), "{v}");
    let old = ws.input("old.csv", csv(&["1969-12-31,1,2,0.5,1.5,10", "1970-01-01,1,2,0.5,1.5,10"]));
    ws.refused(
        &import(old.to_str().unwrap(), "1d"),
        2,
        &["old.csv", "row 2", "before 1970", "--allow-any-date"],
    );
    let mut args = import(old.to_str().unwrap(), "1d");
    args.push("--allow-any-date");
    let v = ws.accepted(&args);
    assert_eq!(v["result"]["dataset"]["first"], "1969-12-31T00:00:00Z", "{v}");
}

#[test]
fn a_ragged_row_is_named_in_our_words() {
    let ws = Ws::with_btc();
    let f = ws.input(
        "ragged.csv",
        csv(&[
            "2020-01-01T00:00:00Z,1,2,0.5,1.5,10",
            "2020-01-01T01:00:00Z,1,2,0.5,1.5,10,99",
            "2020-01-01T02:00:00Z,1,2,0.5,1.5,10",
        ]),
    );
    let v = ws.refused(
        &import(f.to_str().unwrap(), "1h"),
        2,
        &["ragged.csv", "row 3", "7 fields", "header has 6"],
    );
    assert!(!v.to_string().contains("truncate_ragged_lines"), "polars' advice leaked: {v}");
}

#[test]
fn an_unterminated_quote_is_named_without_dumping_the_data() {
    let ws = Ws::with_btc();
    let f = ws.input(
        "quote.csv",
        csv(&[
            "2020-01-01T00:00:00Z,1,2,0.5,1.5,10",
            "2020-01-01T01:00:00Z,\"1,2,0.5,1.5,10",
            "2020-01-01T02:00:00Z,1,2,0.5,1.5,10",
            "2020-01-01T03:00:00Z,1,2,0.5,1.5,10",
        ]),
    );
    let v = ws.refused(&import(f.to_str().unwrap(), "1h"), 2, &["quote.csv", "row 3", "unterminated"]);
    assert!(!v.to_string().contains("2020-01-01T02:00:00Z"), "raw data dumped: {v}");
}

#[test]
fn a_utf8_bom_is_accepted() {
    let ws = Ws::new();
    let f = ws.input(
        "bom.csv",
        format!(
            "\u{feff}{}",
            csv(&["2020-01-01T00:00:00Z,1,2,0.5,1.5,10", "2020-01-01T01:00:00Z,1,2,0.5,1.5,10"])
        ),
    );
    let v = ws.accepted(&import(f.to_str().unwrap(), "1h"));
    assert_eq!(v["result"]["dataset"]["rows"], 2, "{v}");
}

#[test]
fn a_leap_second_is_refused_not_moved_to_the_next_day() {
    let ws = Ws::with_btc();
    let f = ws.input(
        "leap.csv",
        csv(&["2016-12-31T22:59:59Z,1,2,0.5,1.5,10", "2016-12-31T23:59:60Z,1,2,0.5,1.5,10"]),
    );
    ws.refused(
        &import(f.to_str().unwrap(), "1h"),
        2,
        &["leap.csv", "row 3", "column 'timestamp'", "leap second"],
    );
}
