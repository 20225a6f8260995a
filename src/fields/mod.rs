//! Values of the fields: `read_fields` scans the form, gives each label its owner and reads
//! text, choice and checkbox values (the readers share one `Doc`).

pub mod checkbox;
mod choice;
mod flattened;
mod hygiene;
pub mod marks;
mod pages;
mod text;

use crate::diag::{Code, Diag, Loc, Warned};
use crate::form::headings::Sections;
use crate::form::loc;
use crate::form::owners::resolve_owners;
use crate::form::scan::{Hit, Scan, Unknown, scan};
use crate::form::template::{FieldKind, FieldRole, FieldType, Template, Templates};
use crate::input::Line;
use checkbox::{BoxHit, BoxOut, read_boxes};
use choice::{Job, place_choices};
use flattened::labels_first;
use hygiene::Clean;
use marks::BodyPieces;
use pages::GroupHeading;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use text::{Placed, read_text};

/// How the input's lines were made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A plain text dump: one printed line an entry; a value wraps onto the lines below.
    Lines,
    /// Table cells (markdown/HTML conversions, PDF rows): a value fills its cell, and the
    /// cells keep their order.
    Cells,
}

/// The document as the field readers see it.
pub struct Doc<'a> {
    pub tpls: &'a Templates,
    pub form: &'a Template,
    pub lines: &'a [Line],
    /// the section headings of the form (see `form::find_sections`)
    pub sections: &'a Sections,
    /// the lines of the form's body (after the cover, before the 別添 and 変更箇所)
    pub body: Range<usize>,
    pub layout: Layout,
    /// The page was flattened onto one line: where a value ends is not known (only
    /// `labels_first` may tell) and no checkbox mark is trusted.
    pub flattened: bool,
}

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

/// Read every field of the form: scan the labels, give them owners, then read the values.
#[must_use]
pub fn read_fields(doc: &Doc) -> Warned<Vec<FieldOut>> {
    let mut diags = Vec::new();
    let Scan { hits, headings, unknowns, label_lines } = scan(doc.tpls, doc.form, doc.lines, doc.body.clone(), doc.sections);
    let hits = resolve_owners(doc.form, hits, &headings, doc.lines, &mut diags);
    let group_headings: Vec<GroupHeading> =
        headings.iter().filter_map(|h| h.n.map(|n| GroupHeading { group: h.group, n, line: h.line })).collect();
    for h in &hits {
        log::debug!("owned {} {:?}", doc.lines[h.at.line].no, doc.form.path(h.field, h.group_n));
    }
    let mut r = Reader {
        doc,
        hits,
        label_lines,
        fields: Vec::new(),
        diags,
        value_cells: BTreeMap::new(),
        choice_jobs: Vec::new(),
        box_jobs: Vec::new(),
        group_headings,
    };
    r.known_fields();
    r.unknown_fields(&unknowns);
    // the bracket pieces of every body line, for the choice and checkbox readers
    let body_pieces = BodyPieces::new(doc.lines, doc.body.clone());
    place_choices(doc, &body_pieces, &r.hits, &r.choice_jobs, &mut r.fields, &mut r.diags);
    r.checkboxes(&body_pieces);
    if doc.flattened {
        labels_first(doc, &r.label_lines, &r.value_cells, &mut r.fields);
    }
    let Reader { mut fields, diags, .. } = r;
    fields.sort_by_key(|f| (f.order.0, f.order.1));
    Warned::new(fields, diags)
}

/// A label line's value taker on a labels-first page: the field, or `Discarded` for a label
/// read again (its value is consumed, then dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taker {
    Field(usize),
    Discarded,
}

/// The value readers' shared state.
struct Reader<'d, 'a> {
    doc: &'d Doc<'a>,
    hits: Vec<Hit>,
    /// lines that are labels or headings (where values stop)
    label_lines: HashSet<usize>,
    fields: Vec<FieldOut>,
    diags: Vec<Diag>,
    /// label line → the field taking a value there (for labels-first pages)
    value_cells: BTreeMap<usize, Taker>,
    choice_jobs: Vec<Job>,
    /// (index into `fields`, the checkbox group's label)
    box_jobs: Vec<(usize, BoxHit)>,
    /// the headings of numbered group instances (システム2, 移転先3)
    group_headings: Vec<GroupHeading>,
}

impl Reader<'_, '_> {
    /// One field per template path; text values read now, choices and boxes queued.
    fn known_fields(&mut self) {
        let (doc, t) = (self.doc, self.doc.form);
        let mut seen_paths: HashSet<Vec<String>> = HashSet::new();
        for (hi, h) in self.hits.iter().enumerate() {
            let fs = &t.fields[h.field];
            if fs.kind == FieldKind::None {
                continue;
            }
            let takes_value = matches!(fs.kind, FieldKind::Text | FieldKind::Choice(_));
            let path = t.path(h.field, h.group_n);
            if !seen_paths.insert(path.clone()) {
                if takes_value {
                    // it still takes a value on a labels-first page (which is then discarded)
                    self.value_cells.entry(h.at.line).or_insert(Taker::Discarded);
                }
                self.diags.push(
                    Diag::new(Code::DuplicateLabel, format!("label {} read again; first reading kept", fs.labels[0]))
                        .at(loc(&doc.lines[h.at.line])),
                );
                continue;
            }
            let index = self.fields.len();
            if takes_value {
                self.value_cells.entry(h.at.line).or_insert(Taker::Field(index));
            }
            let mut out = FieldOut {
                path,
                label: fs.labels.get(h.variant).unwrap_or(&fs.labels[0]).clone(),
                ty: fs.ty(),
                value: None,
                options: Options::None,
                certainty: if h.inferred { Certainty::Inferred } else { Certainty::Exact },
                at: loc(&doc.lines[h.at.line]),
                order: (h.field, h.group_n.unwrap_or(0)),
            };
            match fs.kind {
                // flattened pages: where a value ends is not known (labels_first may tell)
                FieldKind::Text if !doc.flattened => {
                    let (value, how) = read_text(doc, &h.at, &self.label_lines);
                    if how != Placed::OwnLine {
                        // read by proximity or order, or nothing found next to the label
                        // (which does not show the field empty): never exact
                        out.certainty = Certainty::Inferred;
                    }
                    out.value = value.and_then(|v| hygiene(doc, &mut self.diags, &mut out, h.field, v));
                }
                FieldKind::Choice(list) => {
                    out.options = Options::Choice(doc.tpls.list(list).options.iter().map(|o| o.label.clone()).collect());
                    self.choice_jobs.push(Job { field: index, hit: hi, list });
                }
                FieldKind::Checkboxes(list) => {
                    self.box_jobs
                        .push((index, BoxHit { at: h.at, list, switch: fs.role == FieldRole::Switch, group: fs.group.zip(h.group_n) }));
                }
                // flattened: only labels_first may place a value, and never exactly
                FieldKind::Text => out.certainty = Certainty::Inferred,
                FieldKind::None => {}
            }
            self.fields.push(out);
        }
    }

    /// Labels a tolerant form does not know: text fields after the known ones.
    fn unknown_fields(&mut self, unknowns: &[Unknown]) {
        let (doc, t) = (self.doc, self.doc.form);
        for (k, u) in unknowns.iter().enumerate() {
            let value = if doc.flattened { None } else { read_text(doc, &u.at, &self.label_lines).0 };
            let out = FieldOut {
                path: u.path.clone(),
                label: u.label.clone(),
                ty: FieldType::Text,
                value,
                options: Options::None,
                certainty: Certainty::Inferred,
                at: loc(&doc.lines[u.at.line]),
                order: (t.fields.len() + k, 0),
            };
            self.diags.push(
                Diag::new(Code::UnknownLabel, format!("「{}」 is not in the {} template; kept as a text field", u.label, t.form))
                    .field(&out.id())
                    .at(out.at),
            );
            self.value_cells.insert(u.at.line, Taker::Field(self.fields.len()));
            self.fields.push(out);
        }
    }

    /// Checkbox groups: every box of each group, settled from the pieces given to it.
    fn checkboxes(&mut self, body_pieces: &BodyPieces) {
        let t = self.doc.form;
        let choice_lines: Vec<usize> =
            self.hits.iter().filter(|h| t.fields[h.field].ty() == FieldType::Choice).map(|h| h.at.line).collect();
        let box_hits: Vec<&BoxHit> = self.box_jobs.iter().map(|(_, b)| b).collect();
        let results = read_boxes(self.doc, &box_hits, &choice_lines, &self.label_lines, body_pieces, &self.group_headings);
        for (&(fi, _), r) in self.box_jobs.iter().zip(results) {
            let f = &mut self.fields[fi];
            // a group placed in its instance by proximity: none of its boxes is exact
            let owner_inferred = f.certainty == Certainty::Inferred;
            let mut boxes = r.boxes;
            if owner_inferred {
                for b in boxes.iter_mut().filter(|b| b.certainty == Certainty::Exact) {
                    b.certainty = Certainty::Inferred;
                }
            }
            f.certainty = if owner_inferred && r.certainty == Certainty::Exact { Certainty::Inferred } else { r.certainty };
            f.value = r.other_text;
            for d in r.diags {
                self.diags.push(d.field(&f.id()).at(f.at));
            }
            f.options = Options::Boxes(boxes);
        }
    }
}

/// A text value without its neighbours' pieces (see `hygiene`): cut or dropped, said.
fn hygiene(doc: &Doc, diags: &mut Vec<Diag>, out: &mut FieldOut, field: usize, v: String) -> Option<String> {
    let (kept, msg) = match hygiene::clean(doc.tpls, doc.form, field, v) {
        Clean::Kept(v) => return Some(v),
        Clean::Cut { kept, seen } => {
            out.certainty = Certainty::Inferred;
            (Some(kept), format!("cut 「{seen}」 from the end of the value (a neighbour's heading or detail)"))
        }
        Clean::Dropped(why) => {
            out.certainty = Certainty::Unknown;
            (None, format!("{why}: not this field's value"))
        }
    };
    diags.push(Diag::new(Code::ValueFragment, msg).field(&out.id()).at(out.at));
    kept
}

/// Read the fields of a small 様式4 text written in a test.
#[cfg(test)]
fn read_test_text(text: &str) -> Warned<Vec<FieldOut>> {
    let tpls = crate::form::templates();
    let form = tpls.by_form("様式4").expect("様式4");
    let lines = crate::input::to_lines(text).value.lines;
    let sections = crate::form::headings::find_sections(form, &lines);
    let doc = Doc { tpls, form, lines: &lines, sections: &sections, body: 0..lines.len(), layout: Layout::Lines, flattened: false };
    read_fields(&doc)
}
