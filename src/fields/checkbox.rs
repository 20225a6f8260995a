//! Checkbox groups: every option of the group in template order, each `checked`
//! true/false/null with how it was placed.
//!
//! Whole boxes (`[ ○ ] label`) are exact. In scrambled dumps a box is split into an open
//! bracket (`[ ○` or `[` at a line's end), a close with its label (`] label`) and maybe a
//! lone `○` elsewhere. An open that follows option k on its line belongs to option k+1 (the
//! form prints groups in two columns, in template order). Opens without a mark are then
//! settled by the lone marks near the group: none → unchecked; exactly as many as needed →
//! checked; anything else → `null` with `ambiguous_checkbox`.

use super::Certainty;
use super::marks::{Piece, lone_marks, pieces};
use crate::diag::{Code, Diag};
use crate::form::template::{OptionList, Templates};
use crate::lines::Line;
use crate::normalize::key;

#[derive(Debug, Clone)]
pub struct BoxOut {
    pub label: String,
    pub checked: Option<bool>,
    pub detail: Option<String>,
    pub certainty: Certainty,
}

pub struct BoxHit {
    pub line: usize,
    pub end_line: usize,
    pub end_off: usize,
    pub list: usize,
    /// A section switch: its heading line may carry the open bracket.
    pub switch: bool,
}

/// How loose pieces are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct BoxOpts {
    /// flattened pages: no mark is trusted
    pub strict: bool,
    /// PDF: labels are centred on their grids, so the nearest label wins either way
    pub centred_labels: bool,
}

pub struct BoxResult {
    pub boxes: Vec<BoxOut>,
    pub certainty: Certainty,
    pub other_text: Option<String>,
    pub diags: Vec<Diag>,
}

fn match_opt(list: &OptionList, label: &str) -> Option<usize> {
    let k = key(label);
    if k.is_empty() {
        return None;
    }
    list.find_prefix(&k)
}

fn detail_of(list: &OptionList, o: usize, label: &str) -> Option<String> {
    if !list.options[o].has_detail {
        return None;
    }
    let t = crate::normalize::fold(label);
    // drop the option's own words, then keep what stands in the brackets
    let ok = &list.options[o].key;
    let mut seen = 0;
    let mut start = t.len();
    for (i, c) in t.char_indices() {
        if seen == ok.chars().count() {
            start = i;
            break;
        }
        if !c.is_whitespace() {
            seen += 1;
        }
    }
    let rest = t[start.min(t.len())..].trim();
    let rest = rest.trim_start_matches(['(', '（']).trim();
    let inner = match rest.find([')', '）']) {
        Some(p) => &rest[..p],
        None => rest,
    };
    let inner = inner.trim();
    if inner.is_empty() { None } else { Some(inner.to_string()) }
}

enum Work {
    Piece(usize, Piece),
    Lone(usize),
}

#[must_use]
pub fn read_boxes(
    tpls: &Templates,
    lines: &[Line],
    body: std::ops::Range<usize>,
    hits: &[BoxHit],
    choice_lines: &[usize],
    label_lines: &std::collections::HashSet<usize>,
    opts: BoxOpts,
) -> Vec<BoxResult> {
    let BoxOpts { strict, centred_labels } = opts;
    let mut work: Vec<Vec<Work>> = hits.iter().map(|_| Vec::new()).collect();
    // inline pieces (after the label on its own line) and the switch's own open bracket
    let hit_end_lines: std::collections::HashSet<usize> = hits.iter().map(|h| h.end_line).collect();
    for (k, h) in hits.iter().enumerate() {
        let tail: String = lines[h.end_line].text.chars().skip(h.end_off).collect();
        for p in pieces(&tail) {
            work[k].push(Work::Piece(h.end_line, p));
        }
        if h.switch
            && let Some(p @ (Piece::Open { .. } | Piece::OpenText { .. })) = pieces(&lines[h.line].text).into_iter().next()
        {
            let mark = matches!(p, Piece::Open { mark: true } | Piece::OpenText { mark: true, .. });
            work[k].push(Work::Piece(h.line, Piece::Open { mark }));
        }
    }
    // loose pieces: every line with brackets, marks or box labels
    struct Cand {
        i: usize,
        lone: usize,
        ps: Vec<Piece>,
        /// lists that can own all of the line's labels; None: the line has no label
        compatible: Option<Vec<bool>>,
    }
    let mut cands: Vec<Cand> = Vec::new();
    for i in body.clone() {
        if hit_end_lines.contains(&i) || label_lines.contains(&i) {
            continue;
        }
        let l = &lines[i];
        let lone = lone_marks(&l.text);
        let ps = if lone > 0 { vec![] } else { pieces(&l.text) };
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
            continue;
        }
        let compatible = (!label_keys.is_empty())
            .then(|| tpls.lists.iter().map(|list| label_keys.iter().all(|k| list.find_prefix(k).is_some())).collect());
        cands.push(Cand { i, lone, ps, compatible });
    }
    let cost_of = |pos: i64, h: &BoxHit| -> Option<i64> {
        let d = pos - lines[h.line].pos as i64;
        if d.abs() > 90 {
            return None;
        }
        // pieces below a label belong to it (the grid is printed after the label); a label
        // below the pieces only when none is above (a piece within three lines above a
        // label is its own row split off). PDF: a label is centred on its grid, so the
        // nearest label wins either way.
        Some(if centred_labels || (-3..=45).contains(&d) { d.abs() } else { d.abs() + 45 })
    };
    // lone marks no group took: a group missing marks may have lost them to these
    let mut free_marks: Vec<usize> = Vec::new();
    // runs of piece lines with no label between them: one grid, when one list owns them all
    let mut c0 = 0;
    while c0 < cands.len() {
        let mut c1 = c0 + 1;
        while c1 < cands.len() {
            let (a, b) = (cands[c1 - 1].i, cands[c1].i);
            let gap_ok = lines[b].pos <= lines[a].pos + 4 && !(a + 1..b).any(|j| label_lines.contains(&j));
            if !gap_ok {
                break;
            }
            c1 += 1;
        }
        let run = &cands[c0..c1];
        let labeled: Vec<&Vec<bool>> = run.iter().filter_map(|c| c.compatible.as_ref()).collect();
        let common: Option<Vec<bool>> =
            (labeled.len() >= 2).then(|| (0..tpls.lists.len()).map(|li| labeled.iter().all(|v| v[li])).collect());
        let grid_owner = common.as_ref().filter(|v| v.iter().any(|&x| x)).and_then(|common| {
            let mut best: Option<(i64, usize)> = None;
            for (k, h) in hits.iter().enumerate() {
                if !common[h.list] {
                    continue;
                }
                let cost = run.iter().filter_map(|c| cost_of(lines[c.i].pos as i64, h)).min();
                if let Some(cost) = cost
                    && best.is_none_or(|b| cost < b.0)
                {
                    best = Some((cost, k));
                }
            }
            best.map(|b| b.1)
        });
        for c in run {
            let k = if let Some(k) = grid_owner {
                k
            } else {
                let no = lines[c.i].pos as i64;
                let mut best: Option<(i64, usize)> = None;
                for (k, h) in hits.iter().enumerate() {
                    if c.compatible.as_ref().is_some_and(|v| !v[h.list]) {
                        continue;
                    }
                    if let Some(cost) = cost_of(no, h)
                        && best.is_none_or(|b| cost < b.0)
                    {
                        best = Some((cost, k));
                    }
                }
                let Some((cost, k)) = best else {
                    if c.lone > 0 || c.ps.iter().any(|p| matches!(p, Piece::Open { mark: true })) {
                        free_marks.push(lines[c.i].pos);
                    }
                    continue;
                };
                if c.compatible.is_none() {
                    // a bare bracket or mark: only when no choice label is nearer
                    let nearer_choice = choice_lines.iter().any(|&ch| (lines[ch].pos as i64 - no).abs() < cost);
                    if nearer_choice || cost > 40 {
                        if c.lone > 0 || c.ps.iter().any(|p| matches!(p, Piece::Open { mark: true })) {
                            free_marks.push(lines[c.i].pos);
                        }
                        continue;
                    }
                }
                k
            };
            if c.lone > 0 {
                work[k].push(Work::Lone(c.lone));
            } else {
                for p in c.ps.iter().cloned() {
                    work[k].push(Work::Piece(c.i, p));
                }
            }
        }
        c0 = c1;
    }
    let doc_has_marks = lines.iter().any(|l| l.text.contains('○'));
    hits.iter()
        .zip(work)
        .map(|(h, w)| {
            // no stray mark anywhere near the label: its unmarked boxes are empty
            let stray = free_marks.iter().any(|&p| p.abs_diff(lines[h.line].pos) <= 60);
            settle(tpls.list(h.list), w, doc_has_marks && stray, strict)
        })
        .collect()
}

fn settle(list: &OptionList, work: Vec<Work>, doc_has_marks: bool, strict: bool) -> BoxResult {
    let n = list.options.len();
    let mut exact: Vec<Option<bool>> = vec![None; n];
    let mut conflict = vec![false; n];
    let mut detail: Vec<Option<String>> = vec![None; n];
    let mut closes: Vec<usize> = Vec::new();
    let mut attached: Vec<(usize, bool)> = Vec::new();
    let mut loose_opens: Vec<bool> = Vec::new();
    let mut lone = 0usize;
    let mut prev: Option<(usize, usize)> = None; // (line, option)
    let mut diags = Vec::new();
    for w in &work {
        match w {
            Work::Lone(c) => lone += c,
            Work::Piece(line, p) => {
                let prev_here = prev.filter(|(l, _)| l == line).map(|(_, o)| o);
                match p {
                    Piece::Box { mark, label } => match match_opt(list, label) {
                        Some(o) => {
                            if exact[o].is_some_and(|m| m != *mark) {
                                conflict[o] = true;
                            }
                            exact[o] = Some(*mark);
                            if detail[o].is_none() {
                                detail[o] = detail_of(list, o, label);
                            }
                            prev = Some((*line, o));
                        }
                        None => prev = None,
                    },
                    Piece::Close { label } => match match_opt(list, label) {
                        Some(o) => {
                            closes.push(o);
                            if detail[o].is_none() {
                                detail[o] = detail_of(list, o, label);
                            }
                            prev = Some((*line, o));
                        }
                        None => prev = None,
                    },
                    Piece::Open { mark } => match prev_here {
                        Some(k) if k + 1 < n => attached.push((k + 1, *mark)),
                        _ => loose_opens.push(*mark),
                    },
                    Piece::OpenText { .. } | Piece::Text(_) => {}
                }
            }
        }
    }
    let mut placed: Vec<Option<(Option<bool>, Certainty)>> = vec![None; n];
    for o in 0..n {
        if let Some(m) = exact[o] {
            placed[o] = Some(if conflict[o] { (None, Certainty::Unknown) } else { (Some(m), Certainty::Exact) });
        }
    }
    if strict {
        // flattened pages: a `[` ending one line and a `]` starting another look like one
        // box once the lines are joined, so no mark is trusted
        attached.clear();
        closes.clear();
        loose_opens.clear();
        lone = 0;
        exact.iter_mut().for_each(|e| *e = None);
        placed.iter_mut().for_each(|p| *p = None);
        diags.push(Diag::new(Code::MarksUnrecoverable, "the page was flattened onto one line: its boxes cannot be told apart"));
    }
    // boxes still needing a mark
    let mut pending: Vec<usize> = Vec::new();
    for &(o, mark) in &attached {
        if placed[o].is_some() {
            continue;
        }
        if mark {
            placed[o] = Some((Some(true), Certainty::Inferred));
        } else {
            pending.push(o);
        }
    }
    let attached_targets: Vec<usize> = attached.iter().map(|&(o, _)| o).collect();
    let loose_closes: Vec<usize> =
        closes.iter().copied().filter(|o| placed[*o].is_none() && !attached_targets.contains(o) && !pending.contains(o)).collect();
    if !loose_closes.is_empty() {
        let all_marked = !loose_opens.is_empty() && loose_opens.iter().all(|&m| m) && loose_opens.len() == loose_closes.len();
        let mixed = loose_opens.iter().any(|&m| m) && !all_marked;
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
    if !pending.is_empty() {
        let some_checked = placed.iter().any(|p| matches!(p, Some((Some(true), _))));
        if lone == 0 && (some_checked || !doc_has_marks) {
            // the group's marks are visible elsewhere in it (or the document has none at
            // all): a bracket without a mark is an empty box
            for &o in &pending {
                placed[o] = Some((Some(false), Certainty::Inferred));
            }
        } else if lone == 0 {
            for &o in &pending {
                placed[o] = Some((None, Certainty::Unknown));
            }
            diags.push(Diag::new(
                Code::MarkUnplaced,
                format!("{} box(es) lost their brackets' contents and no mark of the group was found near it", pending.len()),
            ));
        } else if lone == pending.len() {
            for &o in &pending {
                placed[o] = Some((Some(true), Certainty::Inferred));
            }
        } else {
            for &o in &pending {
                placed[o] = Some((None, Certainty::Unknown));
            }
            diags.push(Diag::new(
                Code::AmbiguousCheckbox,
                format!("{} mark(s) for {} box(es) whose marks were split from them; left unknown", lone, pending.len()),
            ));
        }
    }
    let mut boxes = Vec::with_capacity(n);
    let mut missing = 0;
    for o in 0..n {
        let (checked, certainty) = placed[o].unwrap_or_else(|| {
            missing += 1;
            (None, Certainty::Unknown)
        });
        boxes.push(BoxOut { label: list.options[o].label.clone(), checked, detail: detail[o].clone(), certainty });
    }
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
        let li = t.lists.iter().position(|l| l.id == list_id).unwrap();
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
        settle(t.list(li), work, true, false)
    }

    fn checked(r: &BoxResult) -> Vec<Option<bool>> {
        r.boxes.iter().map(|b| b.checked).collect()
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
