//! The whole document pipeline, top-down: input → pages of lines → cover → form → body →
//! fields → annex tables → policy → [`Extraction`], which `output::record` turns into the
//! JSON record. Each stage is a plain function elsewhere; this file only calls them in order.

use crate::annex::{self, Tables};
use crate::cover::{self, Cover};
use crate::diag::{Code, Diag};
use crate::fields::{self, Doc, FieldOut, Layout};
use crate::form::{self, Headings, templates};
use crate::input::Format;
use crate::output::record::Record;
use crate::policy;
use crate::rules;
use crate::source::{self, Input, SourceInfo};
use crate::threshold;

/// Everything read from one document, before serialization.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub source: SourceInfo,
    pub document: Cover,
    pub fields: Vec<FieldOut>,
    pub tables: Tables,
    pub diags: Vec<Diag>,
    /// The しきい値判断 check (`threshold::check`); `None` when it cannot be decided.
    pub threshold_consistent: Option<bool>,
    pub completeness: Option<crate::completeness::Completeness>,
    /// The form read, as its index in `templates().forms` (gives each field its concept).
    pub template: Option<usize>,
}

/// Run every stage on one input. Never fails: problems become diagnostics, and a panic
/// inside a stage becomes an error record (`internal_panic`).
#[must_use]
pub fn extract(bytes: &[u8], name: &str) -> Record {
    let sha = crate::output::record::sha256_hex(bytes);
    match std::panic::catch_unwind(|| run(bytes, name, &sha)) {
        Ok(x) => Record::from(x),
        Err(e) => {
            let msg = e
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| e.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let message = format!("internal error while reading this document: {msg}");
            Record::from(Extraction::failed(SourceInfo::unread(name, Some(&sha), "text"), Code::InternalPanic, message))
        }
    }
}

/// The pipeline. Early returns are the documents that stop before the form is known.
fn run(bytes: &[u8], name: &str, sha: &str) -> Extraction {
    let Input { source, pages, diags } = match source::read(bytes, name, sha) {
        Ok(input) => input,
        Err(f) => return Extraction::failed(SourceInfo::unread(name, Some(sha), f.format), f.code, f.message),
    };
    let mut x = Extraction { source, diags, ..Extraction::default() };
    let lines = &pages.lines;
    if lines.is_empty() {
        let unread = policy::unread(&pages.flavour, &x.diags); // a PDF without a text layer says so
        x.diags.push(if unread.code == Code::NotAPia { Diag::new(Code::EmptyInput, "the input holds no text") } else { unread });
        return x;
    }
    let tpls = templates();
    let headings = Headings::find(tpls, lines);
    let cover = cover::read_cover(&cover::cells(&lines[..headings.cover_end()]), lines).take(&mut x.diags);
    let Some(form) = form::choose_form(tpls, &cover, lines, &headings).take(&mut x.diags) else {
        x.diags.push(policy::unread(&pages.flavour, &x.diags));
        x.document = cover;
        return x;
    };
    let t = &tpls.forms[form];
    x.template = Some(form);
    let sections = headings.of(form);
    let body = form::locate(t, lines, sections, headings.cover_end(), cover.kind.is_some());
    let layout = if pages.format == Format::Text { Layout::Lines } else { Layout::Cells };
    let doc = Doc { tpls, form: t, lines, sections, body: body.range.clone(), layout, flattened: pages.flavour.flattened };
    x.fields = fields::read_fields(&doc).take(&mut x.diags);
    // the form's own logic (templates/rules.txt): what breaks it is not exact
    x.fields = rules::check(std::mem::take(&mut x.fields), &rules::rules_for(&t.form)).take(&mut x.diags);
    x.completeness = Some(crate::completeness::check(t, sections, &x.fields, &pages.flavour).take(&mut x.diags));
    x.document = policy::document(cover, tpls, t, sections, &x.fields, &pages.flavour).take(&mut x.diags);
    policy::null_garbled_texts(&mut x.fields, &pages.flavour);
    x.threshold_consistent = threshold::check(x.document.kind.as_deref(), &x.fields).take(&mut x.diags);
    x.tables = annex::read(t, lines, &body).take(&mut x.diags);
    x
}

impl Extraction {
    /// A record of a document that could not be read at all: one error, nothing else.
    #[must_use]
    pub fn failed(source: SourceInfo, code: Code, message: impl Into<String>) -> Extraction {
        Extraction { source, diags: vec![Diag::new(code, message)], ..Extraction::default() }
    }
}
