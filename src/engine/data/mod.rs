//! Market data: ingestion (CSV, Parquet), validation, the dataset catalogue, resampling.

pub mod error;
inner_modules! {
    bars,
    cache,
    catalog,
    columns,
    load,
    parquet_pages,
    plain_parquet,
    resample,
    store,
    synth,
}

pub use bars::Bars;
pub use catalog::DatasetMeta;
pub use error::DataError;
pub use load::LoadOptions;
