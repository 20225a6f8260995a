//! The record boundary: the JSON contract of `../shared/docs/record-format.md`. Serde lives
//! here only; the stages' own types stay free to change.

use crate::annex;
use crate::cover::Cover;
use crate::diag::{Diag, Loc};
use crate::fields::{FieldOut, Options};
use crate::form::template::{Template, templates};
use crate::pipeline::Extraction;
use crate::source::SourceInfo;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

pub const SCHEMA_VERSION: &str = "1.0";
pub const SCHEMA: &str = include_str!("../../schema/record.schema.json");

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub schema_version: String,
    pub source: Source,
    pub document: Document,
    pub fields: Vec<Field>,
    pub tables: Tables,
    pub diagnostics: Vec<DiagOut>,
    /// Which of its form's sections and items the document holds (absent when no form was
    /// recognised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completeness: Option<Completeness>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Completeness {
    /// the form's sections, in order
    pub sections: Vec<String>,
    /// the sections whose heading was read
    pub found: Vec<String>,
    /// the form's items, and those at least one field was read in
    pub items: usize,
    pub items_found: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Source {
    pub file: String,
    /// `None` (JSON null) when the input's bytes could not be read
    pub sha256: Option<String>,
    pub format: String,
    pub encoding: Option<String>,
    pub pages: Option<u32>,
    /// The dump's flavour(s) as detected: `plain`, `markdown`, or e.g. `spaced+doubled`.
    #[serde(default)]
    pub flavour: Option<String>,
    /// The path's raw bytes in hex, only when the path is not UTF-8 (`file` then writes each
    /// byte that is not UTF-8 as `\xHH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_bytes: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Document {
    pub kind: Option<String>,
    pub form: Option<String>,
    pub number: Option<String>,
    pub title: Option<String>,
    pub organization: Option<String>,
    pub published: Option<String>,
    pub published_raw: Option<String>,
    pub declaration: Option<String>,
    pub special_notes: Option<String>,
    /// The しきい値判断 check (src/threshold.rs): the answers, the stated result and the kind
    /// agree with the 指針's rule (`true`) or not (`false`); `null` when it cannot be decided
    /// (records of earlier versions omit it then; readers default it to `null`).
    #[serde(default)]
    pub threshold_consistent: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Location {
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bbox: Option<[f64; 4]>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BoxOption {
    pub label: String,
    pub checked: Option<bool>,
    pub detail: Option<String>,
    pub certainty: String,
    /// Where the box's label or mark was read (an extension of the record contract): the
    /// dump's line, or the PDF row's page and bbox; absent when the box was never seen or
    /// cannot be told apart from another grid's.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub at: Option<Location>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OptionOut {
    Choice(String),
    Box(BoxOption),
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Field {
    pub id: String,
    /// The question the field answers, the same in every form that asks it
    /// (`office.department`); `null` for a label the form's template does not know.
    #[serde(default)]
    pub concept: Option<String>,
    pub path: Vec<String>,
    pub label: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub value: Option<String>,
    pub options: Vec<OptionOut>,
    pub certainty: String,
    pub at: Location,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Tables {
    pub record_items: Vec<Vec<String>>,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Change {
    pub date: Option<String>,
    pub item: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub timing: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DiagOut {
    pub level: String,
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub at: Option<Location>,
}

impl Record {
    #[must_use]
    pub fn has_error(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == "error")
    }
}

fn loc_out(l: Loc) -> Location {
    match l.bbox {
        // PDF: where on the page; rows have no input line
        Some(b) => Location { page: l.page, line: None, bbox: Some(b.map(|v| (v * 100.0).round() / 100.0)) },
        None => Location { page: l.page, line: Some(l.line), bbox: None },
    }
}

fn diag_out(d: &Diag) -> DiagOut {
    DiagOut {
        level: d.level().as_str().into(),
        code: d.code.as_str().into(),
        message: d.message.clone(),
        field: d.field.clone(),
        at: d.at.map(loc_out),
    }
}

fn field_out(f: &FieldOut, form: Option<&Template>) -> Field {
    let options = match &f.options {
        Options::None => vec![],
        Options::Choice(v) => v.iter().map(|s| OptionOut::Choice(s.clone())).collect(),
        Options::Boxes(b) => b
            .iter()
            .map(|b| {
                OptionOut::Box(BoxOption {
                    label: b.label.clone(),
                    checked: b.checked,
                    detail: b.detail.clone(),
                    certainty: b.certainty.as_str().into(),
                    at: b.at.map(loc_out),
                })
            })
            .collect(),
    };
    Field {
        id: f.id(),
        // template fields sort by their template index; unknown labels come after them
        concept: form.filter(|t| f.order.0 < t.fields.len()).map(|t| t.concept(f.order.0)),
        path: f.path.clone(),
        label: f.label.clone(),
        ty: f.ty.as_str().into(),
        value: f.value.clone(),
        options,
        certainty: f.certainty.as_str().into(),
        at: loc_out(f.at),
    }
}

#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

impl From<Extraction> for Record {
    fn from(x: Extraction) -> Record {
        let form = x.template.map(|i| &templates().forms[i]);
        Record {
            schema_version: SCHEMA_VERSION.into(),
            source: Source::from(x.source),
            document: Document { threshold_consistent: x.threshold_consistent, ..Document::from(x.document) },
            fields: x.fields.iter().map(|f| field_out(f, form)).collect(),
            tables: Tables::from(x.tables),
            diagnostics: x.diags.iter().map(diag_out).collect(),
            completeness: x.completeness.map(|c| Completeness {
                sections: c.sections,
                found: c.found,
                items: c.items,
                items_found: c.items_found,
            }),
        }
    }
}

impl From<SourceInfo> for Source {
    fn from(s: SourceInfo) -> Source {
        Source {
            file: s.file,
            sha256: s.sha256,
            format: s.format,
            encoding: s.encoding,
            pages: s.pages,
            flavour: s.flavour,
            file_bytes: None,
        }
    }
}

impl From<Cover> for Document {
    fn from(c: Cover) -> Document {
        Document {
            kind: c.kind,
            form: c.form,
            number: c.number,
            title: c.title,
            organization: c.organization,
            published: c.published,
            published_raw: c.published_raw,
            declaration: c.declaration,
            special_notes: c.special_notes,
            threshold_consistent: None,
        }
    }
}

impl From<annex::Tables> for Tables {
    fn from(t: annex::Tables) -> Tables {
        let changes = t
            .changes
            .into_iter()
            .map(|c| Change { date: c.date, item: c.item, before: c.before, after: c.after, timing: c.timing, reason: c.reason })
            .collect();
        Tables { record_items: t.record_items, changes }
    }
}

/// The record of an input that could not be read at all (I/O, isolation failures).
#[must_use]
pub fn error_record(name: &str, sha: Option<&str>, format: &str, code: crate::diag::Code, message: &str) -> Record {
    Record::from(Extraction::failed(SourceInfo::unread(name, sha, format), code, message))
}

#[must_use]
pub fn extract_to_json(bytes: &[u8], name: &str) -> String {
    serde_json::to_string(&crate::pipeline::extract(bytes, name)).unwrap_or_default()
}
