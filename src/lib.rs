//! pia-extract: 特定個人情報保護評価書 (PDFs, text dumps, markdown/HTML conversions) → JSON
//! records.
//!
//! Stages (plain functions over typed values, each returning diagnostics, never failing on
//! content): `decode` (bytes → text) → `lines` (pages of lines), or `pdf` (glyphs) → `layout`
//! (pages of lines); then `cover` + `extract` (form tree and fields, driven by the `template`
//! data) → `record` (the JSON contract). `corpus` runs many documents; `score` measures a
//! record against a hand-made answer key. See ARCHITECTURE.md.

pub mod corpus;
pub mod cover;
pub mod decode;
pub mod diag;
pub mod fields;
pub mod flavour;
pub mod form;
pub mod layout;
pub mod lines;
pub mod normalize;
pub mod pdf;
pub mod record;
pub mod score;

pub use form::template;
pub use record::{Record, extract, extract_to_json};
