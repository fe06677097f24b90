//! Research, data, paper and pre-trade through the binary and the engine: one module per
//! command family, each on a temporary workspace.

mod alerts_cli;
mod contract_requests;
mod contracts;
mod data_cli;
mod demo_reset;
mod paper;
mod paper_commit;
mod portfolio_cli;
mod pretrade;
mod read_models;
mod report_html;
mod run_cli;
mod signals;
mod strategy_causality;
mod strategy_incremental;
mod sweep_cli;
mod sweep_manifest;
mod sweep_shards;
mod walkforward;
