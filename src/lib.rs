//! pia-extract: 特定個人情報保護評価書 (PDFs, text dumps, markdown/HTML conversions) → JSON
//! records.
//!
//! [`pipeline::extract`] reads one document top-down: `source` (bytes → pages of lines, by
//! `decode` + `lines` for text or `pdf` + `layout` for PDF) → `cover` → `body` (form choice
//! and body bounds) → `extract` (form tree and fields, driven by the `template` data) →
//! `annex` (別添 tables) → `policy` → `output::record` (the JSON contract). Every stage
//! returns its output plus diagnostics (`diag`), never failing on content. `corpus` runs many
//! documents; `score` measures a record against a hand-made answer key. See ARCHITECTURE.md.

mod annex;
#[doc(hidden)]
pub mod bench;
mod completeness;
pub mod corpus;
mod cover;
pub mod diag;
pub mod diff;
mod fields;
mod form;
mod input;
pub mod normalize;
pub mod output;
pub mod pdf;
mod pipeline;
mod policy;
pub mod review;
mod rules;
pub mod score;
mod source;
mod threshold;

pub use cover::era_to_iso;
pub use form::template;
pub use output::record;
pub use output::record::{Record, extract_to_json};
pub use pipeline::extract;
pub use source::{MAX_PDF_BYTES, MAX_TEXT_BYTES};
