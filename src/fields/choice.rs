//! Choice values: inline after the label (`[ value`), else the nearest free value piece of
//! the section whose text is one of the field's options.

use super::marks::{Piece, pieces};
use super::text::tail_text;
use super::{Certainty, FieldOut};
use crate::diag::{Code, Diag};
use crate::form::headings::Sections;
use crate::form::scan::Hit;
use crate::form::template::{Template, Templates};
use crate::lines::Line;
use crate::normalize::key;
use std::collections::HashSet;

/// Choices: the value printed right after the label (`[ value`) is exact; the others take
/// the nearest free value piece of their section whose text is one of their options
/// (nearest first over all fields, each piece used once).
#[allow(clippy::too_many_arguments)]
pub(super) fn place_choices(
    tpls: &Templates,
    t: &Template,
    lines: &[Line],
    body: std::ops::Range<usize>,
    sections: &Sections,
    hits: &[Hit],
    choice_jobs: &[(usize, usize)],
    cells: bool,
    strict: bool,
    fields: &mut [FieldOut],
    diags: &mut Vec<Diag>,
) {
    let choice_tokens = choice_tokens(tpls, lines, body);
    let mut used_tokens: HashSet<(usize, usize)> = HashSet::new();
    // choices: inline first (exact), then the nearest free value piece
    let mut pending: Vec<(usize, usize)> = Vec::new();
    for &(fi, hi) in choice_jobs {
        let h = &hits[hi];
        let list = tpls.list(t.fields[h.field].list.unwrap());
        let tail = tail_text(&lines[h.end_line], h.end_off, h.tail_end);
        match inline_choice(&tail) {
            Inline::Value(v) => {
                let k = key(&v);
                if let Some(o) = list.find_exact(&k) {
                    fields[fi].value = Some(list.options[o].label.clone());
                    fields[fi].certainty = if h.inferred { Certainty::Inferred } else { Certainty::Exact };
                    if let Some(&(tl, tp)) = choice_tokens.iter().find(|&&(tl, _, _)| tl == h.end_line).map(|(a, b, _)| (a, b)).as_ref() {
                        used_tokens.insert((*tl, *tp));
                    }
                } else {
                    fields[fi].value = None;
                    fields[fi].certainty = Certainty::Unknown;
                    diags.push(
                        Diag::new(Code::OptionNotInList, format!("「{v}」 is not an option of {}", list.id))
                            .field(&fields[fi].id())
                            .at(fields[fi].at),
                    );
                    if let Some((tl, tp, _)) = choice_tokens.iter().find(|&&(tl, _, _)| tl == h.end_line) {
                        used_tokens.insert((*tl, *tp));
                    }
                }
            }
            Inline::Empty => {
                fields[fi].value = None;
                fields[fi].certainty = Certainty::Exact;
                if let Some((tl, tp, _)) = choice_tokens.iter().find(|&&(tl, _, _)| tl == h.end_line) {
                    used_tokens.insert((*tl, *tp));
                }
            }
            Inline::Elsewhere => pending.push((fi, hi)),
        }
    }
    // the rest: global nearest-first matching of value pieces to fields. Lists whose
    // option strings belong to no other list may reach further.
    let distinctive: Vec<bool> = tpls
        .lists
        .iter()
        .map(|l| {
            l.options
                .iter()
                .all(|o| !tpls.lists.iter().any(|m| m.id != l.id && m.id.starts_with("OPT-") && m.options.iter().any(|p| p.key == o.key)))
        })
        .collect();
    let mut pairs: Vec<(u32, usize, usize)> = Vec::new(); // (cost, pending idx, token idx)
    for (pi, &(_, hi)) in pending.iter().enumerate() {
        let h = &hits[hi];
        let list = tpls.list(t.fields[h.field].list.unwrap());
        let sec = sections.of(h.line);
        for (ti, (tl, _, v)) in choice_tokens.iter().enumerate() {
            // a value in the section, or printed just above its heading (scrambled pages)
            let near_start =
                sections.list.iter().any(|&(s, at)| Some(s) == sec && *tl < at && lines[at].pos.saturating_sub(lines[*tl].pos) <= 40);
            if (sections.of(*tl) != sec && !near_start) || list.find_exact(v).is_none() {
                continue;
            }
            let reach = if distinctive[t.fields[h.field].list.unwrap()] { 250 } else { 120 };
            if strict && !(*tl > h.end_line && *tl <= h.end_line + 2) {
                // cells of a flattened page: only the value right after its label
                continue;
            }
            let cost = if *tl >= h.end_line {
                let d = lines[*tl].pos.saturating_sub(lines[h.end_line].pos) as u32;
                if d > reach {
                    continue;
                }
                d * 2
            } else {
                let d = lines[h.line].pos.saturating_sub(lines[*tl].pos) as u32;
                if d > 100 {
                    continue;
                }
                d * 3 + 1
            };
            pairs.push((cost, pi, ti));
        }
    }
    pairs.sort_unstable();
    let mut done: HashSet<usize> = HashSet::new();
    for (_, pi, ti) in pairs {
        let (tl, tp, _) = &choice_tokens[ti];
        if done.contains(&pi) || used_tokens.contains(&(*tl, *tp)) {
            continue;
        }
        let (fi, hi) = pending[pi];
        let list = tpls.list(t.fields[hits[hi].field].list.unwrap());
        let o = list.find_exact(&choice_tokens[ti].2).unwrap();
        fields[fi].value = Some(list.options[o].label.clone());
        fields[fi].certainty = Certainty::Inferred;
        used_tokens.insert((*tl, *tp));
        done.insert(pi);
    }
    // placed by proximity alone, two nearby fields of one list with different values may
    // have swapped them: that cannot be told, so neither is given
    let placed: Vec<usize> = (0..pending.len()).filter(|pi| done.contains(pi)).collect();
    let mut ambiguous: HashSet<usize> = HashSet::new();
    for (a, &pa) in placed.iter().enumerate() {
        for &pb in &placed[a + 1..] {
            let (fa, ha) = pending[pa];
            let (fb, hb) = pending[pb];
            let same_list = t.fields[hits[ha].field].list == t.fields[hits[hb].field].list;
            let near = lines[hits[ha].line].pos.abs_diff(lines[hits[hb].line].pos) <= 40;
            // (tables read cell by cell, markdown and PDF, keep their order: not there)
            if !cells && same_list && near && fields[fa].value != fields[fb].value {
                ambiguous.insert(pa);
                ambiguous.insert(pb);
            }
        }
    }
    let mut ambiguous: Vec<usize> = ambiguous.into_iter().collect();
    ambiguous.sort_unstable();
    for &pi in &ambiguous {
        let fi = pending[pi].0;
        fields[fi].value = None;
        fields[fi].certainty = Certainty::Unknown;
        diags.push(
            Diag::new(
                Code::AmbiguousChoice,
                "values of nearby fields with the same options were split from their labels and may be swapped",
            )
            .field(&fields[fi].id())
            .at(fields[fi].at),
        );
    }
    for (pi, &(fi, _)) in pending.iter().enumerate() {
        if !done.contains(&pi) {
            fields[fi].certainty = Certainty::Unknown;
            diags.push(
                Diag::new(Code::ChoiceNotFound, "no selected value could be placed for this field")
                    .field(&fields[fi].id())
                    .at(fields[fi].at),
            );
        }
    }
}

enum Inline {
    Value(String),
    Empty,
    Elsewhere,
}

fn inline_choice(tail: &str) -> Inline {
    // "[ 十分である ＜選択肢＞ 1) …": the list is not part of the value
    let tail = match tail.find("<選択肢>") {
        Some(p) if tail[..p].contains('[') => &tail[..p],
        _ => tail,
    };
    let ps = pieces(tail);
    match ps.first() {
        Some(Piece::OpenText { text, .. }) => {
            let t = text.trim();
            if t.is_empty() { Inline::Empty } else { Inline::Value(t.to_string()) }
        }
        Some(Piece::Box { label, .. }) => {
            // `[ ]` then the option list: nothing selected
            if label.is_empty() || label.starts_with("<選択肢>") || label.starts_with('<') { Inline::Empty } else { Inline::Elsewhere }
        }
        _ => Inline::Elsewhere,
    }
}

/// Every piece of text that may be a selected choice value: bracketed text, text before a
/// trailing `[`, text after a leading `]`, or a whole line that is exactly an option.
/// Option-list lines (`1) …`, `<選択肢>`) are not values.
fn choice_tokens(tpls: &Templates, lines: &[Line], body: std::ops::Range<usize>) -> Vec<(usize, usize, String)> {
    let mut all_opts: HashSet<&str> = HashSet::new();
    for l in &tpls.lists {
        if l.id.starts_with("OPT-") {
            for o in &l.options {
                all_opts.insert(o.key.as_str());
            }
        }
    }
    let mut out = Vec::new();
    for i in body {
        let l = &lines[i];
        let text = match l.text.find("<選択肢>") {
            Some(p) => &l.text[..p],
            None => &l.text,
        };
        let ps = pieces(text);
        for (pi, p) in ps.iter().enumerate() {
            let cand = match p {
                Piece::OpenText { text, .. } => Some(text.clone()),
                Piece::Text(t) => {
                    let next_open = matches!(ps.get(pi + 1), Some(Piece::Open { .. } | Piece::OpenText { .. } | Piece::Box { .. }));
                    if next_open || ps.len() == 1 { Some(t.clone()) } else { None }
                }
                Piece::Close { label } => Some(label.clone()),
                _ => None,
            };
            let Some(c) = cand else { continue };
            let mut k = key(&c);
            // "1) 記録を残している" is an option-list entry, not a value
            if k.chars().next().is_some_and(|c| c.is_ascii_digit()) && k.contains(')') {
                continue;
            }
            // a label in front of the value on the same line: keep only a trailing option
            if !all_opts.contains(k.as_str()) {
                if let Some(o) = all_opts.iter().filter(|o| k.ends_with(**o)).max_by_key(|o| o.len()) {
                    // "周知 3) 十分に行っていない": an option-list entry after a wrapped label
                    let before = k[..k.len() - o.len()].chars().last();
                    if before == Some(')') {
                        continue;
                    }
                    if matches!(ps.get(pi + 1), Some(Piece::Open { .. })) || ps.len() == 1 {
                        k = o.to_string();
                    } else {
                        continue;
                    }
                } else {
                    continue;
                }
            }
            out.push((i, pi, k));
        }
    }
    out
}
