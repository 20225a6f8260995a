//! Values of the fields: the top-level reader (`read_fields`) that scans the form, gives each
//! label its owner and reads text, choice and checkbox values.

pub mod checkbox;
mod choice;
mod flattened;
pub mod marks;
mod text;

use crate::diag::{Code, Diag, Loc};
use crate::form::headings::Sections;
use crate::form::loc;
use crate::form::owners::resolve_owners;
use crate::form::scan::{Scan, scan};
use crate::form::template::{FieldRole, FieldType, Template, Templates};
use crate::lines::Line;
use checkbox::{BoxHit, BoxOpts, BoxOut, read_boxes};
use choice::place_choices;
use flattened::labels_first;
use std::collections::HashSet;
use text::read_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certainty {
    Exact,
    Inferred,
    Unknown,
}

impl Certainty {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Exact => "exact",
            Certainty::Inferred => "inferred",
            Certainty::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Options {
    None,
    Choice(Vec<String>),
    Boxes(Vec<BoxOut>),
}

#[derive(Debug, Clone)]
pub struct FieldOut {
    pub path: Vec<String>,
    pub label: String,
    pub ty: FieldType,
    pub value: Option<String>,
    pub options: Options,
    pub certainty: Certainty,
    pub at: Loc,
    /// template order, for sorting
    pub order: (usize, u32),
}

impl FieldOut {
    #[must_use]
    pub fn id(&self) -> String {
        self.path.join("/")
    }
}

pub struct Extraction {
    pub fields: Vec<FieldOut>,
    pub diags: Vec<Diag>,
}

#[must_use]
pub fn read_fields(
    tpls: &Templates,
    t: &Template,
    lines: &[Line],
    sections: &[(usize, usize)],
    body: std::ops::Range<usize>,
    cells: bool,
    strict: bool,
) -> Extraction {
    let mut diags = Vec::new();
    let sections = Sections { list: sections.to_vec() };
    let Scan { mut hits, headings, unknowns, label_lines } = scan(tpls, t, lines, body.clone(), &sections);

    resolve_owners(t, &mut hits, &headings, &mut diags, lines);
    if std::env::var_os("PIA_DEBUG").is_some() {
        for h in &hits {
            if h.field == usize::MAX {
                eprintln!("dropped {}", lines[h.line].no);
            } else {
                eprintln!("owned {} {:?}", lines[h.line].no, t.path(h.field, h.group_n));
            }
        }
    }
    hits.retain(|h| h.field != usize::MAX);

    // ---- values
    let mut fields: Vec<FieldOut> = Vec::new();
    let stop_lines = label_lines.clone();
    let mut choice_jobs: Vec<(usize, usize)> = Vec::new(); // (fields index, hit index)
    let mut box_jobs: Vec<(usize, usize)> = Vec::new();

    let mut seen_paths: HashSet<Vec<String>> = HashSet::new();
    // label line → the field taking a value there (for labels-first pages)
    let mut value_cells: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for (hi, h) in hits.iter().enumerate() {
        let fs = &t.fields[h.field];
        if fs.ty == FieldType::None {
            continue;
        }
        let path = t.path(h.field, h.group_n);
        if !seen_paths.insert(path.clone()) {
            if matches!(fs.ty, FieldType::Text | FieldType::Choice) {
                // it still takes a value on a labels-first page (which is then discarded)
                value_cells.entry(h.line).or_insert(usize::MAX);
            }
            diags.push(
                Diag::new(Code::DuplicateLabel, format!("label {} read again; first reading kept", fs.labels[0])).at(loc(&lines[h.line])),
            );
            continue;
        }
        let label = fs.labels.get(h.variant).unwrap_or(&fs.labels[0]).clone();
        let mut out = FieldOut {
            path,
            label,
            ty: fs.ty,
            value: None,
            options: Options::None,
            certainty: if h.inferred { Certainty::Inferred } else { Certainty::Exact },
            at: loc(&lines[h.line]),
            order: (h.field, h.group_n.unwrap_or(0)),
        };
        if matches!(fs.ty, FieldType::Text | FieldType::Choice) {
            value_cells.entry(h.line).or_insert(fields.len());
        }
        match fs.ty {
            FieldType::Text => {
                // flattened pages: where a value ends is not known (labels_first may tell)
                out.value = if strict { None } else { read_text(lines, h, &stop_lines, body.end, cells) };
            }
            FieldType::Choice => {
                let list = tpls.list(fs.list.unwrap());
                out.options = Options::Choice(list.options.iter().map(|o| o.label.clone()).collect());
                choice_jobs.push((fields.len(), hi));
            }
            FieldType::Checkboxes => box_jobs.push((fields.len(), hi)),
            FieldType::None => {}
        }
        fields.push(out);
    }

    for (k, (path, label, h)) in unknowns.iter().enumerate() {
        let value = if strict { None } else { read_text(lines, h, &stop_lines, body.end, cells) };
        let out = FieldOut {
            path: path.clone(),
            label: label.clone(),
            ty: FieldType::Text,
            value,
            options: Options::None,
            certainty: Certainty::Inferred,
            at: loc(&lines[h.line]),
            order: (t.fields.len() + k, 0),
        };
        diags.push(
            Diag::new(Code::UnknownLabel, format!("「{label}」 is not in the {} template; kept as a text field", t.form))
                .field(&out.id())
                .at(out.at),
        );
        value_cells.insert(h.line, fields.len());
        fields.push(out);
    }

    place_choices(tpls, t, lines, body.clone(), &sections, &hits, &choice_jobs, cells, strict, &mut fields, &mut diags);

    // checkbox groups
    let box_hits: Vec<BoxHit> = box_jobs
        .iter()
        .map(|&(_, hi)| {
            let h = &hits[hi];
            let fs = &t.fields[h.field];
            BoxHit { line: h.line, end_line: h.end_line, end_off: h.end_off, list: fs.list.unwrap(), switch: fs.role == FieldRole::Switch }
        })
        .collect();
    let choice_lines: Vec<usize> = hits.iter().filter(|h| t.fields[h.field].ty == FieldType::Choice).map(|h| h.line).collect();
    let centred = lines.first().is_some_and(|l| l.bbox.is_some());
    let results =
        read_boxes(tpls, lines, body.clone(), &box_hits, &choice_lines, &label_lines, BoxOpts { strict, centred_labels: centred });
    for (k, r) in results.into_iter().enumerate() {
        let fi = box_jobs[k].0;
        fields[fi].certainty = r.certainty;
        fields[fi].value = r.other_text;
        for d in r.diags {
            diags.push(d.field(&fields[fi].id()).at(fields[fi].at));
        }
        fields[fi].options = Options::Boxes(r.boxes);
    }

    if strict {
        labels_first(tpls, t, lines, &label_lines, &value_cells, &mut fields);
    }
    fields.sort_by_key(|f| (f.order.0, f.order.1));
    Extraction { fields, diags }
}
