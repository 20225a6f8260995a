//! Checkbox groups: every option of the group in template order, each `checked`
//! true/false/null with how it was placed.
//!
//! Whole boxes (`[ ○ ] label`) are exact. In scrambled dumps a box is split into an open
//! bracket (`[ ○` or `[` at a line's end), a close with its label (`] label`) and maybe a
//! lone `○` elsewhere. An open that follows option k on its line belongs to option k+1 (the
//! form prints groups in two columns, in template order). Opens without a mark are then
//! settled by the lone marks near the group: none → unchecked; exactly as many as needed →
//! checked; anything else → `null` with `ambiguous_checkbox`.

use super::marks::{BodyPieces, Piece, lone_marks, pieces};
use super::pages::{GroupHeading, model_pages};
use super::{Certainty, Doc, Layout};
use crate::diag::{Code, Diag, Loc};
use crate::form::pos_delta;
use crate::form::scan::{LabelAt, key_to_text_offset};
use crate::form::template::{ListId, OptionList};
use crate::form::tuning::{BOX_BARE_REACH, BOX_BELOW, BOX_GRID_GAP, BOX_REACH, BOX_SPLIT_ABOVE, BOX_STRAY_MARK};
use crate::input::Line;
use crate::normalize::key;
use std::collections::HashSet;

/// One box of a group.
#[derive(Debug, Clone)]
pub struct BoxOut {
    pub label: String,
    pub checked: Option<bool>,
    pub detail: Option<String>,
    pub certainty: Certainty,
    /// the line (PDF: row or cell) where the box's label or mark was read; `None` when the
    /// box was never seen, or cannot be told apart from another grid's
    pub at: Option<Loc>,
}

/// A checkbox group's label in the text.
#[derive(Debug, Clone)]
pub struct BoxHit {
    pub at: LabelAt,
    pub list: ListId,
    /// A section switch: its heading line may carry the open bracket.
    pub switch: bool,
    /// the repeated group instance owning the label: (template group, number)
    pub group: Option<(usize, u32)>,
}

/// A group's boxes, its certainty, its その他 text and what was noticed.
pub struct BoxResult {
    pub boxes: Vec<BoxOut>,
    pub certainty: Certainty,
    pub other_text: Option<String>,
    pub diags: Vec<Diag>,
}

/// The option a box label names.
pub(super) fn match_opt(list: &OptionList, label: &str) -> Option<usize> {
    let k = key(label);
    if k.is_empty() {
        return None;
    }
    list.find_prefix(&k)
}

/// The free text a box takes in its brackets (`その他（ eLTAX ）`).
fn detail_of(list: &OptionList, o: usize, label: &str) -> Option<String> {
    if !list.options[o].has_detail {
        return None;
    }
    let t = crate::normalize::fold(label);
    // drop the option's own words, then keep what stands in the brackets
    let start = key_to_text_offset(&t, list.options[o].key.chars().count());
    let rest: String = t.chars().skip(start).collect();
    let rest = rest.trim().trim_start_matches(['(', '（']).trim();
    let inner = match rest.find([')', '）']) {
        Some(p) => &rest[..p],
        None => rest,
    };
    let inner = inner.trim();
    if inner.is_empty() { None } else { Some(inner.to_string()) }
}

/// What a group was given: a piece (with its line) or a line of lone marks (how many).
pub(super) enum Work {
    Piece(usize, Piece),
    Lone(usize),
}

/// A body line with brackets, marks or box labels that no label stands on.
struct Cand<'p> {
    i: usize,
    lone: usize,
    ps: &'p [Piece],
    /// lists that can own all of the line's labels; None: the line has no label
    compatible: Option<Vec<bool>>,
}

impl Cand<'_> {
    fn has_mark(&self) -> bool {
        self.lone > 0 || self.ps.iter().any(|p| matches!(p, Piece::Open { mark: true }))
    }
}

/// Read every checkbox group: its inline pieces, then the loose piece lines of the body
/// (a run of them is one grid, given whole to the nearest label whose list owns all its
/// labels; single lines to the nearest compatible label), then settle each box.
pub(super) fn read_boxes(
    doc: &Doc,
    hits: &[&BoxHit],
    choice_lines: &[usize],
    label_lines: &HashSet<usize>,
    body_pieces: &BodyPieces,
    group_headings: &[GroupHeading],
) -> Vec<BoxResult> {
    let lines = doc.lines;
    let mut work = inline_work(doc, hits);
    let hit_end_lines: HashSet<usize> = hits.iter().map(|h| h.at.end_line).collect();
    let cands: Vec<Cand> = doc
        .body
        .clone()
        .filter(|i| !hit_end_lines.contains(i) && (!label_lines.contains(i) || has_whole_box(body_pieces.of(*i))))
        .filter_map(|i| cand(doc, i, body_pieces))
        .collect();
    let grids = Grids { doc, hits, choice_lines, centred: lines.first().is_some_and(|l| l.bbox.is_some()) };
    // lone marks no group took: a group missing marks may have lost them to these
    let mut free_marks: Vec<usize> = Vec::new();
    let mut c0 = 0;
    while c0 < cands.len() {
        // runs of piece lines with no label between them: one grid
        let mut c1 = c0 + 1;
        while c1 < cands.len() {
            let (a, b) = (cands[c1 - 1].i, cands[c1].i);
            if lines[b].pos > lines[a].pos + BOX_GRID_GAP || (a + 1..b).any(|j| label_lines.contains(&j)) {
                break;
            }
            c1 += 1;
        }
        let run = &cands[c0..c1];
        let grid_owner = grids.grid_owner(run);
        for c in run {
            let Some(k) = grid_owner.or_else(|| grids.line_owner(c)) else {
                if c.has_mark() {
                    free_marks.push(lines[c.i].pos);
                }
                continue;
            };
            if c.lone > 0 {
                work[k].push(Work::Lone(c.lone));
            } else {
                work[k].extend(c.ps.iter().map(|p| Work::Piece(c.i, p.clone())));
            }
        }
        c0 = c1;
    }
    let doc_has_marks = lines.iter().any(|l| l.text.contains('○'));
    // no stray mark anywhere near the label: its unmarked boxes are empty
    let stray: Vec<bool> =
        hits.iter().map(|h| doc_has_marks && free_marks.iter().any(|&p| p.abs_diff(lines[h.at.line].pos) <= BOX_STRAY_MARK)).collect();
    // grids that share their list, read page by page where the pages can be modelled
    let paged = model_pages(doc, hits, label_lines, body_pieces, &stray, group_headings);
    let mut results: Vec<BoxResult> = hits
        .iter()
        .zip(work)
        .zip(stray)
        .zip(paged.results)
        .map(|(((h, w), stray), paged)| {
            paged.unwrap_or_else(|| {
                // in a text dump, a box away from the label's lines was placed by proximity;
                // table cells and PDF geometry keep each grid in its own cell
                let near = if doc.layout == Layout::Lines { near_lines(h.at.end_line, &w) } else { (0..lines.len()).collect() };
                settle(doc.tpls.list(h.list), &w, &near, stray, doc.flattened, lines)
            })
        })
        .collect();
    for (h, d) in paged.unmodelled {
        results[h].diags.push(d);
    }
    results
}

/// A label's row that also holds whole boxes (`④記録される項目 | [ ○ ] 個人番号 | [ ] …`: a
/// layout that puts another field's label level with the first row of a grid): the boxes
/// are loose pieces like any other; the label text before them is no piece of a box.
fn has_whole_box(ps: &[Piece]) -> bool {
    ps.iter().any(|p| matches!(p, Piece::Box { label, .. } if !label.trim().is_empty()))
}

/// The label's line and the piece lines given to its group that follow it without a gap:
/// a whole box there is its option's own; one further away was given by proximity.
fn near_lines(label_end: usize, work: &[Work]) -> HashSet<usize> {
    let given: HashSet<usize> = work.iter().filter_map(|w| if let Work::Piece(l, _) = w { Some(*l) } else { None }).collect();
    let mut near = HashSet::from([label_end]);
    let mut next = label_end + 1;
    while given.contains(&next) {
        near.insert(next);
        next += 1;
    }
    near
}

/// Inline pieces (after the label on its own line) and the switch's own open bracket.
fn inline_work(doc: &Doc, hits: &[&BoxHit]) -> Vec<Vec<Work>> {
    let lines = doc.lines;
    hits.iter()
        .map(|h| {
            let tail: String = lines[h.at.end_line].text.chars().skip(h.at.end_off).collect();
            let mut w: Vec<Work> = pieces(&tail).into_iter().map(|p| Work::Piece(h.at.end_line, p)).collect();
            if h.switch
                && let Some(p @ (Piece::Open { .. } | Piece::OpenText { .. })) = pieces(&lines[h.at.line].text).into_iter().next()
            {
                let mark = matches!(p, Piece::Open { mark: true } | Piece::OpenText { mark: true, .. });
                w.push(Work::Piece(h.at.line, Piece::Open { mark }));
            }
            w
        })
        .collect()
}

/// Line `i` as a loose piece line, when it has brackets, marks or box labels.
fn cand<'p>(doc: &Doc, i: usize, body_pieces: &'p BodyPieces) -> Option<Cand<'p>> {
    let l = &doc.lines[i];
    let lone = lone_marks(&l.text);
    let ps = if lone > 0 { &[] } else { body_pieces.of(i) };
    let label_keys: Vec<String> = ps
        .iter()
        .filter_map(|p| match p {
            Piece::Box { label, .. } | Piece::Close { label } => Some(key(label)),
            _ => None,
        })
        .filter(|s| !s.is_empty())
        .collect();
    let bracket_only =
        !ps.is_empty() && ps.iter().all(|p| matches!(p, Piece::Open { .. }) || matches!(p, Piece::Close { label } if label.is_empty()));
    if lone == 0 && label_keys.is_empty() && !bracket_only {
        return None;
    }
    let compatible = (!label_keys.is_empty())
        .then(|| doc.tpls.lists.iter().map(|list| label_keys.iter().all(|k| list.find_prefix(k).is_some())).collect());
    Some(Cand { i, lone, ps, compatible })
}

/// Who owns loose piece lines.
struct Grids<'d, 'a> {
    doc: &'d Doc<'a>,
    hits: &'d [&'d BoxHit],
    choice_lines: &'d [usize],
    /// PDF: labels are centred on their grids, so the nearest label wins either way
    centred: bool,
}

impl Grids<'_, '_> {
    /// The cost of giving a piece at `pos` to `h`: pieces below a label belong to it (the
    /// grid is printed after the label); a label below the pieces only when none is above
    /// (a piece a few lines above a label is its own row split off).
    fn cost(&self, pos: usize, h: &BoxHit) -> Option<i64> {
        let d = pos_delta(self.doc.lines[h.at.line].pos, pos);
        if d.abs() > BOX_REACH {
            return None;
        }
        Some(if self.centred || (-BOX_SPLIT_ABOVE..=BOX_BELOW).contains(&d) { d.abs() } else { d.abs() + BOX_BELOW })
    }

    /// The nearest label whose list owns every label of a run of two or more labelled lines.
    fn grid_owner(&self, run: &[Cand]) -> Option<usize> {
        let labeled: Vec<&Vec<bool>> = run.iter().filter_map(|c| c.compatible.as_ref()).collect();
        if labeled.len() < 2 {
            return None;
        }
        let common: Vec<bool> = (0..self.doc.tpls.lists.len()).map(|li| labeled.iter().all(|v| v[li])).collect();
        if !common.iter().any(|&x| x) {
            return None;
        }
        let mut best: Option<(i64, usize)> = None;
        for (k, h) in self.hits.iter().enumerate() {
            if !common[h.list.index()] {
                continue;
            }
            let cost = run.iter().filter_map(|c| self.cost(self.doc.lines[c.i].pos, h)).min();
            if let Some(cost) = cost
                && best.is_none_or(|b| cost < b.0)
            {
                best = Some((cost, k));
            }
        }
        best.map(|b| b.1)
    }

    /// The nearest label compatible with one piece line; a bare bracket or mark only when
    /// no choice label is nearer and it is near.
    fn line_owner(&self, c: &Cand) -> Option<usize> {
        let pos = self.doc.lines[c.i].pos;
        let mut best: Option<(i64, usize)> = None;
        for (k, h) in self.hits.iter().enumerate() {
            if c.compatible.as_ref().is_some_and(|v| !v[h.list.index()]) {
                continue;
            }
            if let Some(cost) = self.cost(pos, h)
                && best.is_none_or(|b| cost < b.0)
            {
                best = Some((cost, k));
            }
        }
        let (cost, k) = best?;
        if c.compatible.is_none() {
            let nearer_choice = self.choice_lines.iter().any(|&ch| pos_delta(pos, self.doc.lines[ch].pos).abs() < cost);
            if nearer_choice || cost > BOX_BARE_REACH {
                return None;
            }
        }
        Some(k)
    }
}

/// What the pieces given to one group say, option by option.
#[derive(Default)]
struct Said {
    /// whole boxes: checked or not
    exact: Vec<Option<bool>>,
    /// two whole boxes of one option disagree
    conflict: Vec<bool>,
    detail: Vec<Option<String>>,
    /// options whose close (`] label`) was seen
    closes: Vec<usize>,
    /// opens following option k on their line: (k + 1, marked)
    attached: Vec<(usize, bool)>,
    /// other opens: marked or not
    loose_opens: Vec<bool>,
    /// lone marks
    lone: usize,
    /// how many times each option's label was given (a box or a close)
    named: Vec<usize>,
    /// a whole box of the option was read away from the label's lines
    far: Vec<bool>,
    /// where each option was read: the line of its first box or close, else of its open
    at: Vec<Option<usize>>,
    opened_at: Vec<Option<usize>>,
}

impl Said {
    /// An option named twice: the group was given pieces of another group's grid too (a
    /// scrambled page), so which box is whose was decided by proximity.
    fn mixed(&self) -> bool {
        self.named.iter().any(|&n| n > 1)
    }
}

/// Read the pieces in order: whole boxes, closes, and which option each open follows.
fn read_work(list: &OptionList, work: &[Work], near: &HashSet<usize>) -> Said {
    let n = list.options.len();
    let mut s = Said {
        exact: vec![None; n],
        conflict: vec![false; n],
        detail: vec![None; n],
        named: vec![0; n],
        far: vec![false; n],
        at: vec![None; n],
        opened_at: vec![None; n],
        ..Said::default()
    };
    let mut prev: Option<(usize, usize)> = None; // (line, option)
    for w in work {
        let (line, p) = match w {
            Work::Lone(c) => {
                s.lone += c;
                continue;
            }
            Work::Piece(line, p) => (*line, p),
        };
        match p {
            Piece::Box { label, .. } | Piece::Close { label } => {
                let o = match_opt(list, label);
                prev = o.map(|o| (line, o));
                let Some(o) = o else { continue };
                s.named[o] += 1;
                s.at[o].get_or_insert(line);
                if let Piece::Box { mark, .. } = p {
                    if s.exact[o].is_some_and(|m| m != *mark) {
                        s.conflict[o] = true;
                    }
                    s.exact[o] = Some(*mark);
                    s.far[o] |= !near.contains(&line);
                } else {
                    s.closes.push(o);
                }
                if s.detail[o].is_none() {
                    s.detail[o] = detail_of(list, o, label);
                }
            }
            Piece::Open { mark } => match prev.filter(|(l, _)| *l == line).map(|(_, o)| o) {
                Some(k) if k + 1 < n => {
                    s.attached.push((k + 1, *mark));
                    s.opened_at[k + 1].get_or_insert(line);
                }
                _ => s.loose_opens.push(*mark),
            },
            Piece::OpenText { .. } | Piece::Text(_) => {}
        }
    }
    s
}

/// A box's placement: checked (None: unknown) and how.
type Placed = Option<(Option<bool>, Certainty)>;

/// Settle every box of a group from what it was given (`lines`: the document's, which the
/// work's line indices point into).
pub(super) fn settle(
    list: &OptionList,
    work: &[Work],
    near: &HashSet<usize>,
    doc_has_marks: bool,
    flattened: bool,
    lines: &[Line],
) -> BoxResult {
    let mut s = read_work(list, work, near);
    let mut diags = Vec::new();
    // a whole box is exact on the label's lines, unless the group's pieces mix in another
    // grid's; elsewhere it was given to the group by proximity
    let mixed = s.mixed();
    let mut placed: Vec<Placed> = (0..s.exact.len())
        .map(|o| {
            let whole = if mixed || s.far[o] { Certainty::Inferred } else { Certainty::Exact };
            s.exact[o].map(|m| if s.conflict[o] { (None, Certainty::Unknown) } else { (Some(m), whole) })
        })
        .collect();
    if flattened {
        // flattened pages: a `[` ending one line and a `]` starting another look like one
        // box once the lines are joined, so no mark is trusted
        s.attached.clear();
        s.closes.clear();
        s.loose_opens.clear();
        s.lone = 0;
        placed.fill(None);
        diags.push(Diag::new(Code::MarksUnrecoverable, "the page was flattened onto one line: its boxes cannot be told apart"));
    }
    let pending = split_boxes(&s, &mut placed);
    if !pending.is_empty() {
        settle_unmarked(&pending, s.lone, doc_has_marks, &mut placed, &mut diags);
    }
    let at: Vec<Option<Loc>> =
        s.at.iter().zip(&s.opened_at).map(|(a, o)| a.or(*o).and_then(|i| lines.get(i)).map(crate::form::loc)).collect();
    group_result(list, &placed, &s.detail, &at, diags)
}

/// Opens following an option, and closes with their opens elsewhere: placed when their mark
/// tells; the boxes still needing a mark.
fn split_boxes(s: &Said, placed: &mut [Placed]) -> Vec<usize> {
    let mut pending: Vec<usize> = Vec::new();
    for &(o, mark) in &s.attached {
        if placed[o].is_some() {
            continue;
        }
        if mark {
            placed[o] = Some((Some(true), Certainty::Inferred));
        } else {
            pending.push(o);
        }
    }
    let attached_targets: Vec<usize> = s.attached.iter().map(|&(o, _)| o).collect();
    let loose_closes: Vec<usize> =
        s.closes.iter().copied().filter(|o| placed[*o].is_none() && !attached_targets.contains(o) && !pending.contains(o)).collect();
    if !loose_closes.is_empty() {
        let opens = &s.loose_opens;
        let all_marked = !opens.is_empty() && opens.iter().all(|&m| m) && opens.len() == loose_closes.len();
        let mixed = opens.iter().any(|&m| m) && !all_marked;
        for o in loose_closes {
            if placed[o].is_some() {
                continue;
            }
            if all_marked {
                placed[o] = Some((Some(true), Certainty::Inferred));
            } else if mixed {
                placed[o] = Some((None, Certainty::Unknown));
            } else {
                pending.push(o);
            }
        }
    }
    pending.sort_unstable();
    pending.dedup();
    pending
}

/// Boxes without a mark of their own, settled by the group's lone marks: none → empty
/// (when the group's marks are visible elsewhere in it, or the document has none); exactly
/// as many as boxes → checked; else unknown.
fn settle_unmarked(pending: &[usize], lone: usize, doc_has_marks: bool, placed: &mut [Placed], diags: &mut Vec<Diag>) {
    let some_checked = placed.iter().any(|p| matches!(p, Some((Some(true), _))));
    let (to, diag) = if lone == 0 && (some_checked || !doc_has_marks) {
        ((Some(false), Certainty::Inferred), None)
    } else if lone == 0 {
        let msg = format!("{} box(es) lost their brackets' contents and no mark of the group was found near it", pending.len());
        ((None, Certainty::Unknown), Some(Diag::new(Code::MarkUnplaced, msg)))
    } else if lone == pending.len() {
        ((Some(true), Certainty::Inferred), None)
    } else {
        let msg = format!("{} mark(s) for {} box(es) whose marks were split from them; left unknown", lone, pending.len());
        ((None, Certainty::Unknown), Some(Diag::new(Code::AmbiguousCheckbox, msg)))
    };
    for &o in pending {
        placed[o] = Some(to);
    }
    diags.extend(diag);
}

/// The group's boxes in template order, with the unplaced ones unknown.
fn group_result(list: &OptionList, placed: &[Placed], detail: &[Option<String>], at: &[Option<Loc>], mut diags: Vec<Diag>) -> BoxResult {
    let n = list.options.len();
    let boxes: Vec<BoxOut> = placed
        .iter()
        .zip(&list.options)
        .zip(detail)
        .zip(at)
        .map(|(((p, o), d), at)| {
            let (checked, certainty) = p.unwrap_or((None, Certainty::Unknown));
            // a box never placed was never seen
            let at = p.and(*at);
            BoxOut { label: o.label.clone(), checked, detail: d.clone(), certainty, at }
        })
        .collect();
    let missing = placed.iter().filter(|p| p.is_none()).count();
    if missing > 0 && missing < n {
        diags.push(Diag::new(Code::CheckboxUnplaced, format!("{missing} option(s) of {} not found near the label", list.id)));
    } else if missing == n {
        diags.push(Diag::new(Code::CheckboxUnplaced, format!("no box of {} was found near the label", list.id)));
    }
    let certainty = if boxes.iter().any(|b| b.checked.is_none()) {
        Certainty::Unknown
    } else if boxes.iter().all(|b| b.certainty == Certainty::Exact) {
        Certainty::Exact
    } else {
        Certainty::Inferred
    };
    let other_text = list.options.iter().position(|o| o.key == "その他").and_then(|o| detail[o].clone());
    BoxResult { boxes, certainty, other_text, diags }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::template::templates;

    fn run(list_id: &str, lines_txt: &[&str]) -> BoxResult {
        let t = templates();
        let li = t.list_named(list_id).unwrap();
        let mut work = Vec::new();
        for (i, s) in lines_txt.iter().enumerate() {
            let f = crate::normalize::fold(s);
            if lone_marks(&f) > 0 {
                work.push(Work::Lone(lone_marks(&f)));
            } else {
                for p in pieces(&f) {
                    work.push(Work::Piece(i, p));
                }
            }
        }
        let near = (0..lines_txt.len()).collect();
        let lines: Vec<Line> = lines_txt.iter().enumerate().map(|(i, s)| Line::new(i + 1, None, (*s).to_string())).collect();
        settle(t.list(li), &work, &near, true, false, &lines)
    }

    fn checked(r: &BoxResult) -> Vec<Option<bool>> {
        r.boxes.iter().map(|b| b.checked).collect()
    }

    #[test]
    fn grid_line_below_its_label() {
        let ex = crate::fields::read_test_text(
            "Ⅱ 特定個人情報ファイルの概要\n2. 基本情報\n主な記録項目\n[ ○ ] 個人番号 [ ] 4情報(氏名、性別、生年月日、住所)\n",
        );
        let f = ex.value.iter().find(|f| f.label == "主な記録項目").expect("主な記録項目");
        let crate::fields::Options::Boxes(boxes) = &f.options else { panic!("{:?}", f.options) };
        assert_eq!((boxes[0].label.as_str(), boxes[0].checked, boxes[0].certainty), ("個人番号", Some(true), Certainty::Exact));
        assert_eq!(boxes[3].checked, Some(false));
        assert_eq!(boxes[3].certainty, Certainty::Exact);
        // the boxes the line does not print are unknown
        assert_eq!(boxes[1].checked, None);
        // each box read says where: the grid's line (input line 4); a box never seen, nowhere
        assert_eq!(boxes[0].at.map(|l| l.line), Some(4));
        assert_eq!(boxes[3].at.map(|l| l.line), Some(4));
        assert!(boxes[1].at.is_none());
    }

    /// Another field's label level with the grid's first row (a browser's table layout): the
    /// boxes of that row still belong to the grid's own label below it.
    #[test]
    fn grid_row_on_another_labels_line() {
        let ex = crate::fields::read_test_text(
            "Ⅱ 特定個人情報ファイルの概要\n2. 基本情報\n④記録される項目 [ ○ ] 個人番号 [ ] 個人番号対応符号\n主な記録項目\n[ ○ ] その他識別情報（内部番号）\n[ ] 4情報(氏名、性別、生年月日、住所)\n",
        );
        let f = ex.value.iter().find(|f| f.label == "主な記録項目").expect("主な記録項目");
        let crate::fields::Options::Boxes(boxes) = &f.options else { panic!("{:?}", f.options) };
        let got: Vec<(&str, Option<bool>)> = boxes.iter().take(4).map(|b| (b.label.as_str(), b.checked)).collect();
        assert_eq!(
            got,
            [
                ("個人番号", Some(true)),
                ("個人番号対応符号", Some(false)),
                ("その他識別情報(内部番号)", Some(true)),
                ("4情報(氏名、性別、生年月日、住所)", Some(false))
            ]
        );
    }

    #[test]
    fn whole_boxes_exact() {
        let r = run("CB-KANSA", &["[ ○ ] 自己点検 [ ] 内部監査 [ ] 外部監査"]);
        assert_eq!(checked(&r), vec![Some(true), Some(false), Some(false)]);
        assert_eq!(r.certainty, Certainty::Exact);
    }

    #[test]
    fn split_grid_with_one_lone_mark() {
        // the layout of a scrambled CB-SYS grid
        let r = run(
            "CB-SYS",
            &[
                "[ ] その他 （",
                "] 庁内連携システム",
                "] 税務システム",
                "[ ] 住民基本台帳ネットワークシステム [ ○ ] 既存住民基本台帳システム",
                "○",
                "[ ○ ] 宛名システム等 [ ○",
                "[ ] 情報提供ネットワークシステム [",
            ],
        );
        assert_eq!(checked(&r), vec![Some(false), Some(true), Some(false), Some(true), Some(true), Some(true), Some(false)]);
        assert_eq!(r.boxes[1].certainty, Certainty::Inferred);
        // where each box was read: a close's own line (庁内連携, 税務), a whole box's line
        let lines: Vec<Option<usize>> = r.boxes.iter().map(|b| b.at.map(|l| l.line)).collect();
        assert_eq!(lines, vec![Some(7), Some(2), Some(4), Some(4), Some(6), Some(3), Some(1)]);
    }

    #[test]
    fn too_many_marks_is_unknown() {
        let r = run("CB-SYS", &["[ ] 情報提供ネットワークシステム [", "○", "○", "] 庁内連携システム"]);
        assert_eq!(r.boxes[1].checked, None);
        assert!(r.diags.iter().any(|d| d.code == Code::AmbiguousCheckbox));
    }

    #[test]
    fn detail_text() {
        let r = run("CB-TEIKYOUMU", &["[ ○ ] 提供を行っている ( 4 ) 件 [ ] 移転を行っている ( ) 件 [ ] 行っていない"]);
        assert_eq!(r.boxes[0].detail.as_deref(), Some("4"));
        assert_eq!(r.boxes[1].detail, None);
        let r = run("CB-SYS", &["[ ○ ] その他 （ eLTAX、国税連携支援システム ）"]);
        assert_eq!(r.other_text.as_deref(), Some("eLTAX、国税連携支援システム"));
    }
}
