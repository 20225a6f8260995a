//! The record boundary: the JSON contract (`record`, the only place with serde) and the CSV
//! long table derived from it.

pub mod codebook;
pub mod csv;
pub mod parquet;
pub mod record;
