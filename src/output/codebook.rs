//! The codebook: every field of every form, from the templates (`templates/*.txt`), with the
//! id a record gives it, its concept, labels, type and option list. `pia-extract codebook`
//! prints it as Markdown, CSV or JSON.
//!
//! Id rules (README "Codebook"): a field's `id` is its `path` joined with `/`; sections are
//! ASCII Roman numerals, numbered items and fields ASCII digits, a repeated group its name and
//! number (`システム2`; `システム*` in the codebook), an unnumbered field its label. The
//! `concept` is the short, stable handle (at most 40 characters, unique within a form): a
//! name the template gives (`office.department`, the same in every form that asks the
//! question) or, for a question one form asks alone, `FORM:ID` (`様式4:VI/2/3`).

use crate::form::template::{FieldKind, Template, Templates, templates};
use serde::Serialize;
use std::fmt::Write as _;

/// One row of the codebook: one template field, or one cover value of `document`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entry {
    /// the form's tag (`様式4`)
    pub form: String,
    /// the assessment kind the form is for (`全項目評価書`)
    pub kind: String,
    /// `fields` (in the record's `fields`) or `document` (a cover value)
    pub part: String,
    /// the record's `id` (`*` stands for a repeated group's number), or the `document` key
    pub id: String,
    pub concept: String,
    pub path: Vec<String>,
    pub label: String,
    /// the label as other versions print it
    pub label_variants: Vec<String>,
    #[serde(rename = "type")]
    pub ty: String,
    /// the option list's id in `templates/options.txt` (`OPT-TAISHO5`), if any
    pub option_list: Option<String>,
    pub options: Vec<CodebookOption>,
    /// the field sits in a repeated group (one field per システム1, システム2, …)
    pub repeated: bool,
    pub section_title: String,
    pub item_title: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CodebookOption {
    pub label: String,
    /// the box takes free text in （ ）
    pub has_detail: bool,
}

/// The cover values every form's record carries in `document`: (key, label, concept).
const COVER: [(&str, &str); 7] = [
    ("kind", "評価書の種類"),
    ("number", "評価書番号"),
    ("title", "評価書名"),
    ("organization", "評価実施機関名"),
    ("published", "公表日"),
    ("declaration", "個人のプライバシー等の権利利益の保護の宣言"),
    ("special_notes", "特記事項"),
];

/// Every field of the forms (all of them, or the one whose tag or kind is `form`), cover first.
#[must_use]
pub fn entries(form: Option<&str>) -> Vec<Entry> {
    let tpls = templates();
    tpls.forms.iter().filter(|t| form.is_none_or(|f| t.form == f || t.kind == f)).flat_map(|t| form_entries(tpls, t)).collect()
}

fn form_entries(tpls: &Templates, t: &Template) -> Vec<Entry> {
    let mut out: Vec<Entry> = COVER
        .iter()
        .map(|&(k, label)| Entry {
            form: t.form.clone(),
            kind: t.kind.clone(),
            part: "document".into(),
            id: k.into(),
            concept: format!("cover.{k}"),
            path: vec!["document".into(), k.into()],
            label: label.into(),
            label_variants: vec![],
            ty: "text".into(),
            option_list: None,
            options: vec![],
            repeated: false,
            section_title: String::new(),
            item_title: String::new(),
        })
        .collect();
    for (f, spec) in t.fields.iter().enumerate() {
        let list = match spec.kind {
            FieldKind::Choice(l) | FieldKind::Checkboxes(l) => Some(tpls.list(l)),
            FieldKind::Text | FieldKind::None => None,
        };
        out.push(Entry {
            form: t.form.clone(),
            kind: t.kind.clone(),
            part: "fields".into(),
            id: t.id_pattern(f),
            concept: t.concept(f),
            path: t.path_pattern(f),
            label: spec.labels[0].clone(),
            label_variants: spec.labels[1..].to_vec(),
            ty: spec.ty().as_str().into(),
            option_list: list.map(|l| l.id.clone()),
            options: list
                .map(|l| l.options.iter().map(|o| CodebookOption { label: o.label.clone(), has_detail: o.has_detail }).collect())
                .unwrap_or_default(),
            repeated: spec.group.is_some_and(|g| t.groups[g].repeated),
            section_title: t.sections[spec.section].title.clone(),
            item_title: t.items[spec.item].titles[0].clone(),
        });
    }
    out
}

/// The codebook as JSON (an array of entries).
#[must_use]
pub fn to_json(entries: &[Entry]) -> String {
    serde_json::to_string_pretty(entries).expect("the codebook serializes")
}

/// The CSV columns; lists are joined with ` | `.
pub const CSV_HEADER: [&str; 13] = [
    "form",
    "kind",
    "part",
    "id",
    "concept",
    "label",
    "label_variants",
    "type",
    "option_list",
    "options",
    "repeated",
    "section_title",
    "item_title",
];

fn flat(e: &Entry) -> [String; 13] {
    [
        e.form.clone(),
        e.kind.clone(),
        e.part.clone(),
        e.id.clone(),
        e.concept.clone(),
        e.label.clone(),
        e.label_variants.join(" | "),
        e.ty.clone(),
        e.option_list.clone().unwrap_or_default(),
        e.options.iter().map(|o| if o.has_detail { format!("{}（）", o.label) } else { o.label.clone() }).collect::<Vec<_>>().join(" | "),
        e.repeated.to_string(),
        e.section_title.clone(),
        e.item_title.clone(),
    ]
}

/// The codebook as CSV (UTF-8, RFC 4180).
///
/// # Errors
/// Only if the CSV writer fails on memory.
pub fn to_csv(entries: &[Entry]) -> Result<String, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).map_err(|e| e.to_string())?;
    for e in entries {
        w.write_record(flat(e)).map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

/// The codebook as Markdown: one table per form.
#[must_use]
pub fn to_markdown(entries: &[Entry]) -> String {
    let mut s = String::new();
    let mut form = None;
    for e in entries {
        if form != Some(&e.form) {
            form = Some(&e.form);
            let _ = write!(
                s,
                "{}## {} {}\n\n| id | concept | label | type | options |\n|---|---|---|---|---|\n",
                if s.is_empty() { "" } else { "\n" },
                e.form,
                e.kind
            );
        }
        let cell = |t: &str| t.replace('|', "\\|").replace('\n', " ");
        let mut label = cell(&e.label);
        if !e.label_variants.is_empty() {
            let _ = write!(label, " (also: {})", cell(&e.label_variants.join(", ")));
        }
        let opts = e.options.iter().map(|o| cell(&o.label)).collect::<Vec<_>>().join(" / ");
        let id = if e.part == "document" { format!("document.{}", e.id) } else { e.id.clone() };
        let _ = writeln!(s, "| `{}` | `{}` | {} | {} | {} |", cell(&id), e.concept, label, e.ty, opts);
    }
    s
}

/// The codebook of `form` (a tag or kind; all forms when `None`) in `format` (`md`, `csv` or
/// `json`).
///
/// # Errors
/// An unknown form or format (a usage error).
pub fn render(form: Option<&str>, format: &str) -> Result<String, String> {
    let e = entries(form);
    if e.is_empty() {
        let known: Vec<&str> = templates().forms.iter().map(|t| t.form.as_str()).collect();
        return Err(format!("no form {:?}; the forms are {}", form.unwrap_or(""), known.join(", ")));
    }
    match format {
        "md" | "markdown" => Ok(to_markdown(&e)),
        "csv" => to_csv(&e),
        "json" => Ok(to_json(&e) + "\n"),
        other => Err(format!("unknown codebook format {other:?} (md, csv or json)")),
    }
}
