//! The record boundary: the JSON contract of `../shared/docs/record-format.md`. Serde lives
//! here only; the stages' own types stay free to change.

use crate::cover::{Cover, KINDS, read_cover};
use crate::decode::decode;
use crate::diag::{Code, Diag, Loc};
use crate::extract::{self, FieldOut, Options, find_annexes, find_sections};
use crate::lines::{Line, to_lines};
use crate::normalize::join_wrapped;
use crate::template::{Template, Templates, templates};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const SCHEMA_VERSION: &str = "1.0";
pub const SCHEMA: &str = include_str!("../schema/record.schema.json");

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub schema_version: String,
    pub source: Source,
    pub document: Document,
    pub fields: Vec<Field>,
    pub tables: Tables,
    pub diagnostics: Vec<DiagOut>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Source {
    pub file: String,
    pub sha256: String,
    pub format: String,
    pub encoding: Option<String>,
    pub pages: Option<u32>,
    /// The dump's flavour(s) as detected: `plain`, `markdown`, or e.g. `spaced+doubled`.
    #[serde(default)]
    pub flavour: Option<String>,
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

fn field_out(f: &FieldOut) -> Field {
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
                })
            })
            .collect(),
    };
    Field {
        id: f.id(),
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
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Pick the template: by the printed kind, else the form tag, else the one whose labels
/// the text matches best (with an `kind_inferred` diagnostic).
/// Pick the template (its index in `tpls.forms`): by the printed kind, else the form tag,
/// else the one whose section headings the text shows best (with `kind_inferred`).
fn choose_template(
    tpls: &Templates,
    cover: &Cover,
    lines: &[Line],
    sections_of: &[Vec<(usize, usize)>],
    diags: &mut Vec<Diag>,
) -> Option<usize> {
    if let Some(k) = &cover.kind
        && let Some(i) = tpls.forms.iter().position(|t| &t.kind == k)
    {
        return Some(i);
    }
    if let Some(form) = &cover.form {
        let tag = format!("様式{}", form.chars().last().unwrap_or('0'));
        if let Some(i) = tpls.forms.iter().position(|t| t.form == tag) {
            return Some(i);
        }
    }
    // by structure: the section headings each template's labels find
    let mut best: Option<(usize, usize)> = None; // (score, form)
    for (i, (t, found)) in tpls.forms.iter().zip(sections_of).enumerate() {
        let unique = t
            .sections
            .iter()
            .filter(|s| {
                lines.iter().any(|l| l.key.contains(&s.key) && l.key.chars().next().is_some_and(|c| crate::normalize::roman(c).is_some()))
            })
            .count();
        let score = found.len() * 10 + unique;
        if score > 0 && best.is_none_or(|b| score > b.0) {
            best = Some((score, i));
        }
    }
    let (_, i) = best?;
    let t = &tpls.forms[i];
    diags.push(Diag::new(
        Code::KindInferred,
        format!("the document does not print its kind; its section headings are those of {} ({})", t.form, t.kind),
    ));
    Some(i)
}

/// Run every stage on one input. Never fails: problems become diagnostics, and a panic
/// inside a stage becomes an error record.
#[must_use]
pub fn extract(bytes: &[u8], name: &str) -> Record {
    let sha = sha256_hex(bytes);
    let result = std::panic::catch_unwind(|| extract_inner(bytes, name, &sha));
    match result {
        Ok(r) => r,
        Err(e) => {
            let msg = e
                .downcast_ref::<&str>()
                .map(std::string::ToString::to_string)
                .or_else(|| e.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            error_record(name, &sha, "text", Code::InternalPanic, &format!("internal error while reading this document: {msg}"))
        }
    }
}

#[must_use]
pub fn error_record(name: &str, sha: &str, format: &str, code: Code, message: &str) -> Record {
    Record {
        schema_version: SCHEMA_VERSION.into(),
        source: Source { file: name.into(), sha256: sha.into(), format: format.into(), encoding: None, pages: None, flavour: None },
        document: Document::default(),
        fields: vec![],
        tables: Tables::default(),
        diagnostics: vec![DiagOut {
            level: code.level().as_str().into(),
            code: code.as_str().into(),
            message: message.into(),
            field: None,
            at: None,
        }],
    }
}

fn extract_inner(bytes: &[u8], name: &str, sha: &str) -> Record {
    let tpls = templates();
    let mut diags: Vec<Diag> = Vec::new();
    let is_pdf = bytes.len() >= 5 && bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-");
    let (pages, encoding) = if is_pdf {
        match crate::pdf::read(bytes) {
            Ok((pdf_pages, pdiags)) => {
                diags.extend(pdiags);
                for p in &pdf_pages {
                    if p.unmapped > 0 && p.unmapped * 2 >= p.unmapped + p.glyphs.len() {
                        diags.push(Diag::new(
                            Code::PageWithoutTextLayer,
                            format!(
                                "page {}: {} of {} glyphs have no Unicode mapping (no ToUnicode); the page's text is not read",
                                p.number,
                                p.unmapped,
                                p.unmapped + p.glyphs.len()
                            ),
                        ));
                    }
                }
                let lines = crate::layout::pages_to_lines(&pdf_pages);
                (
                    crate::lines::Pages {
                        format: crate::lines::Format::Pdf,
                        lines,
                        pages: Some(pdf_pages.len() as u32),
                        flavour: Default::default(),
                    },
                    None,
                )
            }
            Err(crate::pdf::PdfError::Encrypted) => {
                return error_record(name, sha, "pdf", Code::Encrypted, "the PDF is encrypted and cannot be opened without its password");
            }
            Err(crate::pdf::PdfError::Unreadable(e)) => {
                return error_record(name, sha, "pdf", Code::PdfUnreadable, &format!("the PDF's structure cannot be read: {e}"));
            }
        }
    } else {
        let dec = decode(bytes);
        diags.extend(dec.diags);
        let (pages, ldiags) = to_lines(&dec.value.text);
        diags.extend(ldiags);
        (pages, Some(dec.value.encoding.to_string()))
    };
    let lines = &pages.lines;
    let fl = &pages.flavour;
    if fl.spaced {
        diags.push(Diag::new(Code::SpacedText, "every character was followed by a space; spaces between Japanese characters were removed"));
    }
    if fl.doubled_lines > 0 {
        diags.push(Diag::new(Code::DoubledText, format!("{} line(s) printed twice (bold by overprint) were read once", fl.doubled_lines)));
    }
    if fl.flattened {
        diags.push(Diag::new(
            Code::FlattenedText,
            "pages were flattened onto single lines; cells were cut apart at spaces, and placement is less certain",
        ));
    }
    if fl.marks_lost {
        diags.push(Diag::new(Code::MarksUnrecoverable, "the dump has no brackets: checkbox marks cannot be read and are null"));
    }
    if fl.glyphs_lost {
        diags.push(Diag::new(Code::GlyphsMissing, "ideographs are missing (a font without ToUnicode): free texts are not trusted and are null; only values equal to a known option are kept"));
    }
    let mut record = Record {
        schema_version: SCHEMA_VERSION.into(),
        source: Source {
            file: name.into(),
            sha256: sha.into(),
            format: pages.format.as_str().into(),
            encoding,
            pages: pages.pages,
            flavour: Some({
                let n = pages.flavour.names();
                if !n.is_empty() {
                    n.join("+")
                } else if pages.format != crate::lines::Format::Text {
                    pages.format.as_str().into()
                } else {
                    "plain".into()
                }
            }),
        },
        document: Document::default(),
        fields: vec![],
        tables: Tables::default(),
        diagnostics: vec![],
    };
    if lines.is_empty() {
        diags.push(Diag::new(Code::EmptyInput, "the input holds no text"));
        record.diagnostics = diags.iter().map(diag_out).collect();
        return record;
    }
    // the cover is what stands before the first section heading of any form
    // the section headings each form finds, once
    let sections_of: Vec<Vec<(usize, usize)>> = tpls.forms.iter().map(|t| find_sections(t, lines)).collect();
    let any_first = sections_of.iter().filter_map(|s| s.first().map(|&(_, i)| i)).min().unwrap_or(lines.len().min(80));
    // PDF rows hold several cells (tab-separated): the cover is read cell by cell
    let cover_cells: Vec<Line> = lines[..any_first]
        .iter()
        .flat_map(|l| {
            l.raw.split('\t').map(move |c| {
                let mut x = Line::new(l.no, l.page, c.to_string());
                x.pos = l.pos;
                x.bbox = l.bbox;
                x
            })
        })
        .collect();
    let cover = read_cover(&cover_cells, lines);
    diags.extend(cover.diags.iter().cloned());
    let Some(form_index) = choose_template(tpls, &cover, lines, &sections_of, &mut diags) else {
        if fl.glyphs_lost {
            diags.push(Diag::new(
                Code::GlyphsLost,
                "ideographs are missing from this text (a font without ToUnicode): nothing of the form could be read",
            ));
        } else if diags.iter().any(|d| d.code == Code::PageWithoutTextLayer) {
            diags.push(Diag::new(
                Code::NoTextLayer,
                "the PDF has no usable text layer (fonts without ToUnicode); nothing of the form could be read",
            ));
        } else {
            diags.push(Diag::new(Code::NotAPia, "no cover and no section of a 特定個人情報保護評価書 (様式2/3/4) was found in this input"));
        }
        record.document = document_of(&cover);
        record.diagnostics = diags.iter().map(diag_out).collect();
        return record;
    };
    let t = &tpls.forms[form_index];
    let sections = &sections_of[form_index];
    // the body starts at its first section heading, or right after the 項目一覧 where a
    // scrambled page printed some of section Ⅰ above its heading
    let body_start = sections.first().map_or(any_first, |&(_, i)| i);
    let body_start = match crate::extract::toc_end(t, lines) {
        Some(te) if te < body_start && sections.first().is_some_and(|&(s, _)| s == 0) => te,
        _ => body_start,
    };
    let annexes = find_annexes(lines, body_start);
    let changes_at = annexes.iter().filter(|(k, _)| k == "変更箇所").map(|&(_, i)| i).max();
    // the 変更箇所 table, even where its 別添 heading was lost: its column header, or its
    // first row (a date, then within a few lines an item like `Ⅲ リスク対策…`) after the
    // last section heading
    let last_section = sections.iter().map(|&(_, i)| i).max().unwrap_or(body_start);
    let table_row = (last_section..lines.len()).find(|&i| {
        let k = &lines[i].key;
        let dated = crate::cover::era_to_iso(k).is_some() && crate::cover::KINDS.iter().all(|kd| !k.contains(kd));
        let starts_with_date = dated && k.starts_with(['令', '平']);
        starts_with_date
            && lines[i + 1..lines.len().min(i + 5)]
                .iter()
                .any(|l| l.key.chars().next().and_then(crate::normalize::roman).is_some() && section_at_any(t, l).is_none())
    });
    let header = (last_section..lines.len()).find(|&i| lines[i].key.contains("変更前の記載") && lines[i].key.contains("変更後の記載"));
    let body_end = [changes_at, table_row, header].into_iter().flatten().min().unwrap_or(lines.len());
    // a document whose body begins mid-section (a fragment) starts at line 0
    let body_start = if sections.first().is_some_and(|&(s, _)| s > 0) && cover.kind.is_none() { 0 } else { body_start };
    let ex = extract::extract(tpls, t, lines, sections, body_start..body_end, pages.format != crate::lines::Format::Text, fl.flattened);
    diags.extend(ex.diags);
    if cover.kind.is_none() && cover.form.is_none() {
        diags.push(Diag::new(Code::NoCover, "no cover page was found; document fields are null"));
    }
    if let Some(form) = &cover.form
        && !form.ends_with(&t.form[t.form.len() - 1..])
        && cover.kind.is_some()
    {
        diags.push(Diag::new(Code::FormKindMismatch, format!("the tag says {form} but the title says {}", t.kind)));
    }
    if ex.fields.is_empty() {
        diags.push(Diag::new(
            Code::NoFields,
            "no field of the form was found: the input is truncated, damaged, or not a 特定個人情報保護評価書",
        ));
    }
    let mut doc = document_of(&cover);
    // no printed kind: the form's own section headings tell it when one of them is printed by
    // this form only (様式4's Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策)
    let distinctive = sections.iter().any(|&(s, _)| {
        let k = &t.sections[s].key;
        tpls.forms.iter().filter(|f| f.form != t.form).all(|f| f.sections.iter().all(|o| &o.key != k))
    });
    if doc.kind.is_none()
        && !fl.glyphs_lost
        && !ex.fields.is_empty()
        && KINDS.contains(&t.kind.as_str())
        && (sections.len() >= 2 || distinctive)
    {
        doc.kind = Some(t.kind.clone());
    }
    if fl.glyphs_lost {
        // a garbled string is a wrong value: keep only what matched the form exactly
        doc.title = None;
        doc.organization = None;
        doc.declaration = None;
        doc.special_notes = None;
    }
    record.document = doc;
    record.fields = ex.fields.iter().map(field_out).collect();
    if fl.glyphs_lost {
        // garbled text: a wrong value is worse than none
        for f in record.fields.iter_mut().filter(|f| f.ty == "text") {
            f.value = None;
            f.certainty = "unknown".into();
        }
    }
    record.tables = tables(t, lines, &annexes, body_end);
    if !record.tables.changes.is_empty() {
        diags.push(Diag::new(
            Code::ChangesPartial,
            format!(
                "{} 変更箇所 row(s) read by date, item and 提出時期; 変更前/変更後 run together in a dump and are null",
                record.tables.changes.len()
            ),
        ));
        record.diagnostics = diags.iter().map(diag_out).collect();
    }
    record.diagnostics = diags.iter().map(diag_out).collect();
    record
}

/// A section heading of the template at this line (the table's item column prints
/// `Ⅲ リスク対策（プロセス）　３．…`, which is not one).
fn section_at_any(t: &Template, l: &Line) -> Option<usize> {
    crate::extract::section_at(t, l)
}

fn document_of(c: &Cover) -> Document {
    Document {
        kind: c.kind.clone(),
        form: c.form.clone(),
        number: c.number.clone(),
        title: c.title.clone(),
        organization: c.organization.clone(),
        published: c.published.clone(),
        published_raw: c.published_raw.clone(),
        declaration: c.declaration.clone(),
        special_notes: c.special_notes.clone(),
    }
}

/// 別添 記録項目: one list per file (split at 【…】 headings), items split at 、 and ,.
fn tables(tpl: &Template, lines: &[Line], annexes: &[(String, usize)], body_end: usize) -> Tables {
    let mut t = Tables::default();
    for (k, at) in annexes {
        if k != "記録項目" {
            continue;
        }
        let mut files: Vec<Vec<String>> = Vec::new();
        let mut cur: Vec<String> = Vec::new();
        let mut text_lines: Vec<&str> = Vec::new();
        for l in lines.iter().skip(at + 1).take(400) {
            if l.key.chars().next().and_then(crate::normalize::roman).is_some() || l.key.starts_with("(別添") {
                break;
            }
            // the list is in a separate attachment ("別紙参照"), or prose of another part of the
            // form follows: the list has ended
            if l.key.contains("別紙") && l.key.contains("参照") {
                break;
            }
            if l.key.contains('。') || l.key.starts_with(['・', '<', '※']) || l.key.contains("リスク") || l.key.contains("措置") {
                break;
            }
            if l.key.starts_with('【') && l.key.ends_with('】') {
                if !text_lines.is_empty() {
                    cur.extend(split_items(&join_wrapped(&text_lines)));
                    text_lines.clear();
                }
                if !cur.is_empty() {
                    files.push(std::mem::take(&mut cur));
                }
                continue;
            }
            text_lines.push(l.raw.as_str());
        }
        if !text_lines.is_empty() {
            cur.extend(split_items(&join_wrapped(&text_lines)));
        }
        if !cur.is_empty() {
            files.push(cur);
        }
        t.record_items.extend(files);
    }
    if body_end < lines.len() {
        t.changes = changes(tpl, &lines[body_end + 1..]);
    }
    t
}

/// 別添 変更箇所: one row per change, cut at its 提出時期 (事前/事後). The date, the item and
/// the 提出時期 and its explanation are read by their shape; 変更前/変更後 are two free texts
/// side by side that a dump runs together, so they stay null here.
fn changes(t: &Template, lines: &[Line]) -> Vec<Change> {
    let mut label_ends: Vec<&String> =
        t.fields.iter().flat_map(|f| f.keys.iter()).chain(t.items.iter().flat_map(|i| i.keys.iter())).collect();
    label_ends.sort();
    label_ends.dedup();
    let date_re = regex::Regex::new(r"^(令和|平成)(元|\d{1,2})年\d{1,2}月\d{1,2}日").expect("valid regex");
    let mut rows = Vec::new();
    let mut cur: Vec<&Line> = Vec::new();
    let finish = |cur: &[&Line]| -> Option<Change> {
        let date_at = cur.iter().position(|l| date_re.is_match(&l.key))?;
        let date = date_re.find(&cur[date_at].key).map(|m| m.as_str().to_string());
        // the item: the lines after the date from a section numeral up to the first that
        // ends with a label of the form (a wrapped item; no end found: no item)
        let mut item_parts: Vec<&str> = Vec::new();
        if let Some(s) = cur.iter().skip(date_at + 1).position(|l| l.key.chars().next().and_then(crate::normalize::roman).is_some()) {
            let s = date_at + 1 + s;
            let mut acc = String::new();
            for (k, l) in cur[s..].iter().take(5).enumerate() {
                acc.push_str(&l.key);
                if label_ends.iter().any(|e| acc.ends_with(e.as_str())) {
                    item_parts = cur[s..=s + k].iter().map(|l| l.raw.as_str()).collect();
                    break;
                }
            }
        }
        let timing = cur.iter().rev().find_map(|l| {
            let k = &l.key;
            ["事後", "事前"].iter().find(|t| k == *t || k.ends_with(*t)).map(std::string::ToString::to_string)
        });
        let reason_at = cur.iter().position(|l| matches!(l.key.chars().next(), Some('①' | '②' | '③')) && l.key.contains("変更"));
        let reason = reason_at.map(|r| {
            let mut parts = vec![cur[r].raw.as_str()];
            for l in &cur[r + 1..] {
                if date_re.is_match(&l.key) || parts.len() >= 4 {
                    break;
                }
                parts.push(l.raw.as_str());
                if l.key.ends_with('。') {
                    break;
                }
            }
            join_wrapped(&parts)
        });
        Some(Change { date, item: (!item_parts.is_empty()).then(|| join_wrapped(&item_parts)), before: None, after: None, timing, reason })
    };
    for l in lines {
        if l.key.contains("変更前の記載") {
            continue;
        }
        cur.push(l);
        let k = &l.key;
        if k == "事後" || k == "事前" || k.ends_with("事後") || k.ends_with("事前") {
            // an explanation printed after the timing still belongs to this row
            if let Some(c) = finish(&cur) {
                rows.push(c);
                cur.clear();
            }
        }
    }
    if let Some(c) = finish(&cur) {
        rows.push(c);
    }
    rows
}

fn split_items(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', '\n'])
        .map(|x| {
            let x = x.trim();
            // drop "12." numbering
            let digits = x.chars().take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c)).count();
            let rest: String = x.chars().skip(digits).collect();

            if digits > 0 { rest.trim_start_matches(['.', '．', ')', '）']).trim().to_string() } else { x.to_string() }
        })
        .filter(|x| !x.is_empty() && !x.contains('\u{FFFD}'))
        .collect()
}

#[must_use]
pub fn extract_to_json(bytes: &[u8], name: &str) -> String {
    serde_json::to_string(&extract(bytes, name)).unwrap_or_default()
}
