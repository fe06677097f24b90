//! Market data: ingestion (CSV, Parquet), validation, the dataset catalogue, resampling.

pub mod bars;
pub mod catalog;
pub mod columns;
pub mod error;
pub mod load;
pub mod resample;
pub mod store;
pub mod synth;

pub use bars::Bars;
pub use error::DataError;
