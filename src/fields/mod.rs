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
use text::{Placed, TextRead, prose_after, read_text};

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
        cut_details: Vec::new(),
    };
    let texts = r.known_fields();
    if doc.layout == Layout::Lines && !doc.flattened {
        r.ambiguous_texts(&texts);
    }
    r.unknown_fields(&unknowns);
    // the bracket pieces of every body line, for the choice and checkbox readers
    let body_pieces = BodyPieces::new(doc.lines, doc.body.clone());
    place_choices(doc, &body_pieces, &r.hits, &r.choice_jobs, &mut r.fields, &mut r.diags);
    r.checkboxes(&body_pieces);
    r.place_cut_details();
    if doc.flattened {
        labels_first(doc, &r.label_lines, &r.value_cells, &mut r.fields);
    }
    let Reader { mut fields, diags, .. } = r;
    fields.sort_by_key(|f| (f.order.0, f.order.1));
    Warned::new(fields, diags)
}

/// A text field as read: its index in `fields`, its label's line, where its value was read
/// and the last line it took.
struct TextAt {
    field: usize,
    /// the field's index in the template
    template: usize,
    label: usize,
    how: Placed,
    last: usize,
}

/// A cut （ ） detail looks for its box within this many lines of its text's label (the
/// farthest seen: 16 lines in seed 001's 入手元 grid).
const DETAIL_REACH: usize = 40;
/// The group a cut detail goes to is at least this many lines nearer than any other group
/// with an open box (a grid's label against the next item's).
const DETAIL_MARGIN: usize = 5;
/// Characters of a dropped value quoted in its diagnostic.
const DIAG_VALUE_CHARS: usize = 30;

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
    /// （ ） details cut from text values: (index into `fields`, the detail)
    cut_details: Vec<(usize, String)>,
}

impl Reader<'_, '_> {
    /// One field per template path; text values read now (and returned, in the order of
    /// their labels), choices and boxes queued.
    fn known_fields(&mut self) -> Vec<TextAt> {
        let (doc, t) = (self.doc, self.doc.form);
        let mut seen_paths: HashSet<Vec<String>> = HashSet::new();
        let mut texts = Vec::new();
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
                    let TextRead { value, how, last } = read_text(doc, &h.at, &self.label_lines);
                    texts.push(TextAt { field: index, template: h.field, label: h.at.line, how, last });
                    if how != Placed::OwnLine {
                        // read by proximity or order, or nothing found next to the label
                        // (which does not show the field empty): never exact
                        out.certainty = Certainty::Inferred;
                    }
                    if let Some(v) = value {
                        let (kept, detail) = hygiene(doc, &mut self.diags, &mut out, h.field, v);
                        out.value = kept;
                        if let Some(d) = detail {
                            self.cut_details.push((index, d));
                        }
                    }
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
        texts.sort_by_key(|x| x.label);
        texts
    }

    /// A dump: text values that may be a neighbour's become null (`value_ambiguous`). A
    /// label with nothing below it, then the form's next text label with a value below: that
    /// value may be the first label's (pdftotext prints a row's value after the next row's
    /// label), and so may each later one's, to the end of the run.
    fn ambiguous_texts(&mut self, texts: &[TextAt]) {
        let lines = self.doc.lines;
        // nothing but the form's labels and ※ notes between two lines (a numbered line or
        // heading between them may be a value)
        let labels: HashSet<usize> = self.hits.iter().flat_map(|h| h.at.line..=h.at.end_line).collect();
        let only_labels_between =
            |a: usize, b: usize| (a + 1..b).all(|j| labels.contains(&j) || lines[j].key == "※" || lines[j].key.is_empty());
        let mut doubtful = vec![false; texts.len()];
        for i in 0..texts.len() {
            let a = &texts[i];
            if a.how != Placed::Nothing && !doubtful[i] {
                continue;
            }
            // the form's next text field of the same group instance, printed later
            let instance = |x: &TextAt| self.fields[x.field].order.1;
            let next = texts
                .iter()
                .enumerate()
                .filter(|(_, b)| b.template > a.template && instance(b) == instance(a))
                .min_by_key(|(_, b)| b.template)
                .map(|(j, _)| j)
                .filter(|&j| j > i);
            if let Some(j) = next
                && texts[j].how == Placed::Near
                && only_labels_between(a.last, texts[j].label)
                && !self.same_either_way(&texts[j])
            {
                doubtful[j] = true;
            }
        }
        for (x, _) in texts.iter().zip(&doubtful).filter(|(_, d)| **d) {
            let f = &mut self.fields[x.field];
            let Some(v) = f.value.take() else { continue };
            f.certainty = Certainty::Unknown;
            let shown: String = v.chars().take(DIAG_VALUE_CHARS).collect();
            let msg = format!("「{shown}」 printed where labels and values are out of step: it may be a neighbour's");
            self.diags.push(Diag::new(Code::ValueAmbiguous, msg).field(&f.id()).at(f.at));
        }
    }

    /// The value read would be the same if it were shifted: the next cell of prose after it
    /// says the same (`-` and `-`).
    fn same_either_way(&self, x: &TextAt) -> bool {
        let Some(v) = self.fields[x.field].value.as_deref() else { return false };
        prose_after(self.doc, x.last, &self.label_lines).is_some_and(|l| l.key == crate::normalize::key(v))
    }

    /// Labels a tolerant form does not know: text fields after the known ones.
    fn unknown_fields(&mut self, unknowns: &[Unknown]) {
        let (doc, t) = (self.doc, self.doc.form);
        for (k, u) in unknowns.iter().enumerate() {
            let value = if doc.flattened { None } else { read_text(doc, &u.at, &self.label_lines).value };
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

    /// A （ ） detail cut from a text value goes to the one box near it that takes a detail, is
    /// checked and has none (its （ ） was printed apart from it), in the group nearest to the
    /// text, when that group is clearly the nearest; otherwise it stays out (the text's
    /// `value_fragment` said what was cut).
    fn place_cut_details(&mut self) {
        let (doc, t) = (self.doc, self.doc.form);
        for (from, detail) in std::mem::take(&mut self.cut_details) {
            let (section, at) = (self.fields[from].path[0].clone(), self.fields[from].at.line);
            let mut open = Vec::new();
            for (fi, f) in self.fields.iter().enumerate() {
                let (FieldKind::Checkboxes(list), Options::Boxes(boxes)) = (t.fields[f.order.0].kind, &f.options) else { continue };
                if f.path[0] != section || f.at.line.abs_diff(at) > DETAIL_REACH {
                    continue;
                }
                let specs = &doc.tpls.list(list).options;
                for (bi, b) in boxes.iter().enumerate() {
                    if b.checked == Some(true) && b.detail.is_none() && specs.get(bi).is_some_and(|s| s.has_detail) {
                        open.push((fi, bi));
                    }
                }
            }
            // the nearest group with an open box, clearly nearer than any other
            let distance = |fi: usize| self.fields[fi].at.line.abs_diff(at);
            let Some(nearest) = open.iter().map(|&(fi, _)| distance(fi)).min() else { continue };
            let others_far = open.iter().all(|&(fi, _)| distance(fi) == nearest || distance(fi) >= nearest + DETAIL_MARGIN);
            open.retain(|&(fi, _)| distance(fi) == nearest);
            let [(fi, bi)] = open[..] else { continue };
            if !others_far {
                continue;
            }
            let f = &mut self.fields[fi];
            let Options::Boxes(boxes) = &mut f.options else { continue };
            let b = &mut boxes[bi];
            b.detail = Some(detail);
            if b.certainty == Certainty::Exact {
                b.certainty = Certainty::Inferred;
            }
            let msg = format!("the （ ） detail printed apart from its box was given to {} (the one box near it that lacks one)", b.label);
            self.diags.push(Diag::new(Code::DetailPlaced, msg).field(&f.id()).at(f.at));
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

/// A text value without its neighbours' pieces (see `hygiene`): cut or dropped, said. A
/// cut （ ） detail is kept in `details` for the box it may belong to.
fn hygiene(doc: &Doc, diags: &mut Vec<Diag>, out: &mut FieldOut, field: usize, v: String) -> (Option<String>, Option<String>) {
    let (kept, msg, detail) = match hygiene::clean(doc.tpls, doc.form, field, v) {
        Clean::Kept(v) => return (Some(v), None),
        Clean::Cut { kept, seen } => {
            out.certainty = Certainty::Inferred;
            let msg = format!("cut 「{seen}」 from the end of the value (a neighbour's heading or detail)");
            let detail = seen.strip_prefix('（').or_else(|| seen.strip_prefix('(')).map(|d| {
                let d: String = d.split('\n').map(str::trim).collect();
                d.trim_end_matches(['）', ')']).trim().to_string()
            });
            (Some(kept), msg, detail.filter(|d| !d.is_empty()))
        }
        Clean::Dropped(why) => {
            out.certainty = Certainty::Unknown;
            (None, format!("{why}: not this field's value"), None)
        }
    };
    diags.push(Diag::new(Code::ValueFragment, msg).field(&out.id()).at(out.at));
    (kept, detail)
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "Ⅱ 特定個人情報ファイルの概要\n3. 特定個人情報の入手・使用\n";

    fn texts(body: &str) -> (Vec<(String, Option<String>)>, Vec<Diag>) {
        let ex = read_test_text(&format!("{HEAD}{body}"));
        let fields = ex.value.iter().filter(|f| f.id().starts_with("II/3/8/")).map(|f| (f.label.clone(), f.value.clone()));
        (fields.collect(), ex.diags)
    }

    fn value<'a>(fields: &'a [(String, Option<String>)], label: &str) -> Option<&'a str> {
        fields.iter().find(|(l, _)| l.starts_with(label)).unwrap_or_else(|| panic!("{label}: {fields:?}")).1.as_deref()
    }

    /// A label with nothing below it, then the next label with a value: the value may be the
    /// first label's, and the next one's may be the second's: all null, said.
    #[test]
    fn labels_and_values_out_of_step_are_null() {
        let (f, diags) = texts(
            "⑧使用方法 住民税の賦課に使用する。\n情報の突合\n\n情報の統計分析\n\n宛名番号と突合する。\n\n権利利益に影響を与え得る決定\n\n統計分析は行わない。\n賦課決定\n",
        );
        assert_eq!(value(&f, "情報の突合"), None);
        assert_eq!(value(&f, "情報の統計分析"), None, "{f:?}");
        assert_eq!(value(&f, "権利利益"), None, "{f:?}");
        assert_eq!(diags.iter().filter(|d| d.code == Code::ValueAmbiguous).count(), 2, "{diags:?}");
    }

    /// Each label followed by its own value: nothing is doubted.
    #[test]
    fn labels_and_values_in_step_are_kept() {
        let (f, diags) = texts(
            "⑧使用方法 住民税の賦課に使用する。\n情報の突合 宛名番号と突合する。\n\n情報の統計分析\n\n統計分析は行わない。\n\n権利利益に影響を与え得る決定\n\n賦課決定\n",
        );
        assert_eq!(value(&f, "情報の突合"), Some("宛名番号と突合する。"));
        assert_eq!(value(&f, "情報の統計分析"), Some("統計分析は行わない。"));
        assert_eq!(value(&f, "権利利益"), Some("賦課決定"));
        assert!(!diags.iter().any(|d| d.code == Code::ValueAmbiguous), "{diags:?}");
    }

    /// Out of step, but the shifted reading gives the same value (`-` and `-`): kept.
    #[test]
    fn the_same_value_either_way_is_kept() {
        let (f, _) = texts("⑧使用方法 住民税の賦課に使用する。\n情報の突合\n\n情報の統計分析\n\n-\n\n-\n");
        assert_eq!(value(&f, "情報の統計分析"), Some("-"), "{f:?}");
    }

    fn boxes_of<'a>(fields: &'a [FieldOut], label: &str) -> &'a [BoxOut] {
        let f = fields.iter().find(|f| f.label == label).unwrap_or_else(|| panic!("{label}"));
        let Options::Boxes(b) = &f.options else { panic!("{:?}", f.options) };
        b
    }

    const DETAIL_APART: &str = "Ⅱ 特定個人情報ファイルの概要\n2. 基本情報\n⑥事務担当部署 市民局市民課\n（\n税務課、福祉課、保健センター\n\n）\n3. 特定個人情報の入手・使用\n①入手元 ※\n[ ○ ] 本人又は本人の代理人\n[ MARK ] 評価実施機関内の他部署\n[ ] その他 （ ）\n";

    /// The （ ） of a checked box printed apart from it, below a text: the text is cut, and the
    /// detail goes to the one checked box near it that lacks one.
    #[test]
    fn a_detail_printed_apart_goes_to_its_box() {
        let ex = read_test_text(&DETAIL_APART.replace("MARK", "○"));
        let f = ex.value.iter().find(|f| f.label.contains("事務担当部署")).expect("事務担当部署");
        assert_eq!(f.value.as_deref(), Some("市民局市民課"));
        let b = &boxes_of(&ex.value, "入手元")[1];
        assert_eq!((b.checked, b.detail.as_deref(), b.certainty), (Some(true), Some("税務課、福祉課、保健センター"), Certainty::Inferred));
        assert!(ex.diags.iter().any(|d| d.code == Code::DetailPlaced), "{:?}", ex.diags);
    }

    /// No checked box lacks its detail: the cut detail is given to none.
    #[test]
    fn a_detail_with_no_open_box_stays_out() {
        let ex = read_test_text(&DETAIL_APART.replace("MARK", ""));
        assert!(boxes_of(&ex.value, "入手元").iter().all(|b| b.detail.is_none()));
        assert!(!ex.diags.iter().any(|d| d.code == Code::DetailPlaced), "{:?}", ex.diags);
    }
}
