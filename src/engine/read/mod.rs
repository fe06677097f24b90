//! Read models: what a run, its trades and a sweep's grid look like to a reader, built once
//! here from the artifacts, so the console, the CLI and the HTML tearsheet show the same
//! thing instead of each parsing the files its own way.

inner_modules! {
    downsample,
    run_detail,
    sweep_grid,
    trades,
}

pub use downsample::{downsample, points};
pub use run_detail::RunDetail;
pub use sweep_grid::{RankRow, SweepGrid};
pub use trades::TradeTable;
