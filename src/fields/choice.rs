//! Choice values: inline after the label (`[ value`) is exact; the others take the nearest
//! free value piece of their section whose text is one of their options.

use super::marks::{BodyPieces, Piece, pieces};
use super::text::tail_text;
use super::{Certainty, Doc, FieldOut, Layout};
use crate::diag::{Code, Diag};
use crate::form::headings::is_option_entry;
use crate::form::scan::Hit;
use crate::form::template::{FieldKind, ListId};
use crate::form::tuning::{
    CHOICE_FLATTENED_CELLS, CHOICE_PRELUDE, CHOICE_REACH, CHOICE_REACH_ABOVE, CHOICE_REACH_DISTINCTIVE, CHOICE_SWAP_WINDOW,
};
use crate::input::Line;
use crate::normalize::key;
use std::collections::{HashMap, HashSet};

/// A choice field to fill: its index in the fields, its label's hit and its option list.
#[derive(Debug, Clone, Copy)]
pub(super) struct Job {
    pub field: usize,
    pub hit: usize,
    pub list: ListId,
}

/// A piece of text that may be a selected value: where, and its key.
struct Token {
    line: usize,
    key: String,
}

/// Choices: the value printed right after the label (`[ value`) is exact; the others take
/// the nearest free value piece of their section whose text is one of their options
/// (nearest first over all fields, each piece used once).
pub(super) fn place_choices(
    doc: &Doc,
    body_pieces: &BodyPieces,
    hits: &[Hit],
    jobs: &[Job],
    fields: &mut [FieldOut],
    diags: &mut Vec<Diag>,
) {
    let tokens = choice_tokens(doc, body_pieces);
    let mut used = vec![false; tokens.len()];
    let mut pending: Vec<Job> = Vec::new();
    for &job in jobs {
        let h = &hits[job.hit];
        let list = doc.tpls.list(job.list);
        let tail = tail_text(&doc.lines[h.at.end_line], h.at.end_off, h.at.tail_end);
        let f = &mut fields[job.field];
        match inline_choice(&tail) {
            Inline::Value(v) => {
                if let Some(o) = list.find_exact(&key(&v)) {
                    f.value = Some(list.options[o].label.clone());
                    f.certainty = if h.inferred { Certainty::Inferred } else { Certainty::Exact };
                } else {
                    f.value = None;
                    f.certainty = Certainty::Unknown;
                    diags
                        .push(Diag::new(Code::OptionNotInList, format!("「{v}」 is not an option of {}", list.id)).field(&f.id()).at(f.at));
                }
            }
            Inline::Empty => {
                f.value = None;
                f.certainty = Certainty::Exact;
            }
            Inline::Elsewhere => {
                pending.push(job);
                continue;
            }
        }
        // the value piece read inline is used
        if let Some(t) = tokens.iter().position(|t| t.line == h.at.end_line) {
            used[t] = true;
        }
    }
    let placed_at = place_nearest(doc, hits, &pending, &tokens, &mut used, fields);
    if doc.layout == Layout::Lines {
        drop_swappable(doc, hits, &pending, &placed_at, fields, diags);
    }
    let done: Vec<bool> = placed_at.iter().map(Option::is_some).collect();
    for (pi, job) in pending.iter().enumerate() {
        if !done[pi] {
            let f = &mut fields[job.field];
            f.certainty = Certainty::Unknown;
            diags.push(Diag::new(Code::ChoiceNotFound, "no selected value could be placed for this field").field(&f.id()).at(f.at));
        }
    }
}

/// Global nearest-first matching of value pieces to the pending fields (each piece used
/// once); the line of the value each pending field got.
fn place_nearest(
    doc: &Doc,
    hits: &[Hit],
    pending: &[Job],
    tokens: &[Token],
    used: &mut [bool],
    fields: &mut [FieldOut],
) -> Vec<Option<usize>> {
    let distinctive = distinctive_lists(doc);
    let mut pairs: Vec<(u32, usize, usize)> = Vec::new(); // (cost, pending idx, token idx)
    for (pi, job) in pending.iter().enumerate() {
        let reach = if distinctive[job.list.index()] { CHOICE_REACH_DISTINCTIVE } else { CHOICE_REACH };
        for (ti, tok) in tokens.iter().enumerate() {
            if let Some(cost) = pair_cost(doc, &hits[job.hit], job.list, tok, reach) {
                pairs.push((cost, pi, ti));
            }
        }
    }
    pairs.sort_unstable();
    let mut done: Vec<Option<usize>> = vec![None; pending.len()];
    for (_, pi, ti) in pairs {
        if done[pi].is_some() || used[ti] {
            continue;
        }
        let job = pending[pi];
        let list = doc.tpls.list(job.list);
        if let Some(o) = list.find_exact(&tokens[ti].key) {
            fields[job.field].value = Some(list.options[o].label.clone());
            fields[job.field].certainty = Certainty::Inferred;
            used[ti] = true;
            done[pi] = Some(tokens[ti].line);
        }
    }
    done
}

/// Lists whose option strings belong to no other list of the form: their values may reach
/// further. (Only the form's own lists count: 様式2's OPT-SHIKII-2 shares strings with the
/// しきい値判断結果 lists of 様式3/4, which never stand in a 様式2.)
fn distinctive_lists(doc: &Doc) -> Vec<bool> {
    let tpls = doc.tpls;
    let used: HashSet<usize> = doc
        .form
        .fields
        .iter()
        .filter_map(|f| match f.kind {
            FieldKind::Choice(l) | FieldKind::Checkboxes(l) => Some(l.index()),
            _ => None,
        })
        .collect();
    tpls.lists
        .iter()
        .map(|l| {
            l.options.iter().all(|o| {
                !tpls.list_ids().any(|(mi, m)| {
                    m.id != l.id && used.contains(&mi.index()) && m.id.starts_with("OPT-") && m.options.iter().any(|p| p.key == o.key)
                })
            })
        })
        .collect()
}

/// The cost of giving `tok` to the choice at `h` (below: twice the distance; above: three
/// times, plus one), or None when it cannot be its value.
fn pair_cost(doc: &Doc, h: &Hit, list: ListId, tok: &Token, reach: u32) -> Option<u32> {
    let lines = doc.lines;
    let sec = doc.sections.of(h.at.line);
    // a value in the section, or printed just above its heading (scrambled pages)
    let near_start = doc
        .sections
        .iter()
        .any(|s| Some(s.section) == sec && tok.line < s.line && lines[s.line].pos.saturating_sub(lines[tok.line].pos) <= CHOICE_PRELUDE);
    if (doc.sections.of(tok.line) != sec && !near_start) || doc.tpls.list(list).find_exact(&tok.key).is_none() {
        return None;
    }
    // cells of a flattened page: only the value right after its label
    if doc.flattened && !(tok.line > h.at.end_line && tok.line <= h.at.end_line + CHOICE_FLATTENED_CELLS) {
        return None;
    }
    let distance = |from: usize, to: usize| u32::try_from(lines[to].pos.saturating_sub(lines[from].pos)).unwrap_or(u32::MAX);
    if tok.line >= h.at.end_line {
        let d = distance(h.at.end_line, tok.line);
        (d <= reach).then_some(d * 2)
    } else {
        let d = distance(tok.line, h.at.line);
        (d <= CHOICE_REACH_ABOVE).then_some(d * 3 + 1)
    }
}

/// Placed by proximity alone, two nearby fields of one list with different values may have
/// swapped them: that cannot be told, so neither is given. (Tables read cell by cell,
/// markdown and PDF, keep their order: not there; nor two fields one of whose values stands
/// whole right below its own label, before the other's label: it is that field's, so the
/// other value is the other field's; nor two labels then their two values in order, see
/// `pair_in_column_order`.)
fn drop_swappable(doc: &Doc, hits: &[Hit], pending: &[Job], placed_at: &[Option<usize>], fields: &mut [FieldOut], diags: &mut Vec<Diag>) {
    let lines = doc.lines;
    let placed: Vec<usize> = (0..pending.len()).filter(|&pi| placed_at[pi].is_some()).collect();
    let mut placed_at = placed_at.to_vec();
    let paired = pair_in_column_order(hits, pending, &placed, &mut placed_at, fields);
    let placed_at = &placed_at;
    // whole right below its label, the first value of its list there (no other placed value
    // of the list stands between the label and it), and not right after another label of the
    // list with nothing between them (two labels then two values: the first value may be the
    // first label's)
    let own_of = |pi: usize| {
        let at = &hits[pending[pi].hit].at;
        let (end, v) = (at.end_line, placed_at[pi].unwrap_or(0));
        let same_list = |q: usize| q != pi && pending[q].list == pending[pi].list;
        let first = !placed.iter().any(|&q| same_list(q) && placed_at[q].is_some_and(|w| w > end && w < v));
        let bare_label_before = (0..pending.len()).any(|q| same_list(q) && hits[pending[q].hit].at.end_line + 1 == at.line);
        first && !bare_label_before && own_value(lines, hits, pending[pi].hit, v)
    };
    let own: Vec<bool> = (0..pending.len()).map(|pi| placed_at[pi].is_some() && own_of(pi)).collect();
    // own, unless split over `[` / value / `]` lines below a `[` left open above its label
    // (that open bracket's value may be this one)
    let sure: Vec<bool> = (0..pending.len())
        .map(|pi| {
            own[pi] && placed_at[pi].is_some_and(|v| whole_on_one_line(&lines[v].key) || !open_bracket_above(hits, lines, pending[pi].hit))
        })
        .collect();
    let mut ambiguous: HashSet<usize> = HashSet::new();
    for (a, &pa) in placed.iter().enumerate() {
        for &pb in &placed[a + 1..] {
            let (ja, jb) = (pending[pa], pending[pb]);
            let near = lines[hits[ja.hit].at.line].pos.abs_diff(lines[hits[jb.hit].at.line].pos) <= CHOICE_SWAP_WINDOW;
            // both values whole right below their own labels; or one of them surely; or paired
            // in column order: no swap then
            let settled = (own[pa] && own[pb]) || sure[pa] || sure[pb] || (paired.contains(&pa) && paired.contains(&pb));
            if ja.list == jb.list && near && fields[ja.field].value != fields[jb.field].value && !settled {
                ambiguous.insert(pa);
                ambiguous.insert(pb);
            }
        }
    }
    let mut ambiguous: Vec<usize> = ambiguous.into_iter().collect();
    ambiguous.sort_unstable();
    for pi in ambiguous {
        let f = &mut fields[pending[pi].field];
        f.value = None;
        f.certainty = Certainty::Unknown;
        diags.push(
            Diag::new(
                Code::AmbiguousChoice,
                "values of nearby fields with the same options were split from their labels and may be swapped",
            )
            .field(&f.id())
            .at(f.at),
        );
    }
}

/// Two labels of one list, one right after the other with nothing between, then their two
/// values, the first two of the list below them: a dump printed the label column, then the
/// value column, each top to bottom; the values go to the labels in that order. The jobs so
/// paired (their values and lines swapped into order where needed).
fn pair_in_column_order(
    hits: &[Hit],
    pending: &[Job],
    placed: &[usize],
    placed_at: &mut [Option<usize>],
    fields: &mut [FieldOut],
) -> HashSet<usize> {
    let mut paired = HashSet::new();
    for &pa in placed {
        for &pb in placed {
            let (ja, jb) = (pending[pa], pending[pb]);
            let (a, b) = (&hits[ja.hit].at, &hits[jb.hit].at);
            if pa == pb || ja.list != jb.list || a.end_line + 1 != b.line || paired.contains(&pa) || paired.contains(&pb) {
                continue;
            }
            let (Some(va), Some(vb)) = (placed_at[pa], placed_at[pb]) else { continue };
            let (first, second) = (va.min(vb), va.max(vb));
            // both below the second label, and no other value of the list between them
            let others_between = placed
                .iter()
                .any(|&q| q != pa && q != pb && pending[q].list == ja.list && placed_at[q].is_some_and(|w| w > b.end_line && w < second));
            // nor a third label of the list right after the second
            let third =
                placed.iter().any(|&q| q != pa && q != pb && pending[q].list == ja.list && hits[pending[q].hit].at.line == b.end_line + 1);
            if first <= b.end_line || others_between || third {
                continue;
            }
            if va > vb {
                let (x, y) = (fields[ja.field].value.take(), fields[jb.field].value.take());
                fields[ja.field].value = y;
                fields[jb.field].value = x;
                placed_at[pa] = Some(first);
                placed_at[pb] = Some(second);
            }
            paired.insert(pa);
            paired.insert(pb);
        }
    }
    paired
}

/// A lone `[` between the label of `hits[h]` and the label before it that no `]` closes
/// before the label: a value cell opened there and not yet closed.
fn open_bracket_above(hits: &[Hit], lines: &[Line], h: usize) -> bool {
    let at = hits[h].at.line;
    let before = hits.iter().map(|o| o.at.end_line).filter(|&e| e < at).max().unwrap_or(at);
    let (mut open, mut closed) = (0usize, 0usize);
    for l in &lines[(before + 1).min(at)..at] {
        if l.key == "[" {
            open += 1;
        } else if l.key.starts_with(']') {
            closed += 1;
        }
    }
    open > closed
}

/// `[ value ]` on one line.
fn whole_on_one_line(k: &str) -> bool {
    k.starts_with('[') && k.ends_with(']') && k.matches('[').count() == 1
}

/// The value at line `v` is whole in its brackets (`[ 十分である ]`, not the `[ 10万人以上…` of
/// a scrambled Excel page) and stands below the label of `hits[h]`, after
/// the label's end with no other label in between.
fn own_value(lines: &[Line], hits: &[Hit], h: usize, v: usize) -> bool {
    let end = hits[h].at.end_line;
    let k = &lines[v].key;
    // `[` / value / `]` on three lines (a PDF's bracket cells) is whole too
    let bracketed = v > 0 && lines[v - 1].key == "[" && lines.get(v + 1).is_some_and(|n| n.key == "]");
    let whole = bracketed || (k.starts_with('[') && k.ends_with(']') && k.matches('[').count() == 1);
    whole && v >= end && !hits.iter().enumerate().any(|(i, o)| i != h && o.at.line > end && o.at.line <= v)
}

/// What stands right after a choice label.
enum Inline {
    /// `[ value`
    Value(String),
    /// `[` or `[ ]` then the option list: nothing selected
    Empty,
    /// the value was split from its label
    Elsewhere,
}

/// Read the text after a choice label.
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
fn choice_tokens(doc: &Doc, body_pieces: &BodyPieces) -> Vec<Token> {
    let all_opts: HashSet<&str> =
        doc.tpls.lists.iter().filter(|l| l.id.starts_with("OPT-")).flat_map(|l| l.options.iter().map(|o| o.key.as_str())).collect();
    // the options by their last char, longest first (a trailing option is looked up there)
    let mut by_last: HashMap<char, Vec<&str>> = HashMap::new();
    for o in &all_opts {
        if let Some(c) = o.chars().next_back() {
            by_last.entry(c).or_default().push(o);
        }
    }
    for v in by_last.values_mut() {
        v.sort_by_key(|o| std::cmp::Reverse(o.len()));
    }
    let mut out = Vec::new();
    for i in doc.body.clone() {
        let l = &doc.lines[i];
        let cut;
        let ps: &[Piece] = match l.text.find("<選択肢>") {
            Some(p) => {
                cut = pieces(&l.text[..p]);
                &cut
            }
            None => body_pieces.of(i),
        };
        for (pi, p) in ps.iter().enumerate() {
            let next = ps.get(pi + 1);
            let cand = match p {
                Piece::OpenText { text, .. } | Piece::Close { label: text } => text,
                Piece::Text(t)
                    if ps.len() == 1 || matches!(next, Some(Piece::Open { .. } | Piece::OpenText { .. } | Piece::Box { .. })) =>
                {
                    t
                }
                _ => continue,
            };
            let k = key(cand);
            // "1) 記録を残している" is an option-list entry, not a value
            if is_option_entry(&k) {
                continue;
            }
            if let Some(k) = value_key(&all_opts, &by_last, k, ps.len() == 1 || matches!(next, Some(Piece::Open { .. }))) {
                out.push(Token { line: i, key: k });
            }
        }
    }
    out
}

/// The option a candidate piece names: all of it, or (a label in front of the value on the
/// same line, `open_after`: a bracket follows or the piece is the whole line) a trailing
/// option.
fn value_key(all_opts: &HashSet<&str>, by_last: &HashMap<char, Vec<&str>>, k: String, open_after: bool) -> Option<String> {
    if all_opts.contains(k.as_str()) {
        return Some(k);
    }
    // the longest option that ends the key
    let by_last = |c: char| by_last.get(&c).and_then(|v| v.iter().find(|o| k.ends_with(**o)));
    let o = k.chars().next_back().and_then(by_last).copied().or_else(|| all_opts.contains("").then_some(""))?;
    // "周知 3) 十分に行っていない": an option-list entry after a wrapped label
    if k[..k.len() - o.len()].ends_with(')') {
        return None;
    }
    open_after.then(|| (*o).to_string())
}

#[cfg(test)]
mod tests {
    use super::super::read_test_text;
    use super::*;

    #[test]
    fn inline_choice_is_exact() {
        let ex = read_test_text("Ⅰ 基本情報\n1. 特定個人情報ファイルを取り扱う事務\n③対象人数 [ 30万人以上 ] <選択肢> 1) 1,000人未満\n");
        let f = ex.value.iter().find(|f| f.id() == "I/1/3").expect("対象人数");
        assert_eq!(f.value.as_deref(), Some("30万人以上"));
        assert_eq!(f.certainty, Certainty::Exact);
    }

    #[test]
    fn value_not_in_list_is_null() {
        let ex = read_test_text("Ⅰ 基本情報\n1. 特定個人情報ファイルを取り扱う事務\n③対象人数 [ 約30万人 ]\n");
        let f = ex.value.iter().find(|f| f.id() == "I/1/3").expect("対象人数");
        assert_eq!(f.value, None);
        assert_eq!(f.certainty, Certainty::Unknown);
        assert!(ex.diags.iter().any(|d| d.code == Code::OptionNotInList));
    }

    const HEAD: &str = "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策\n7. 特定個人情報の保管・消去\nリスク１：特定個人情報の漏えい・滅失・毀損リスク\n";

    fn two(text: &str) -> (Option<String>, Option<String>) {
        let ex = read_test_text(&format!("{HEAD}{text}"));
        let v = |label: &str| ex.value.iter().find(|f| f.label == label).unwrap_or_else(|| panic!("{label}: {:?}", ex.value)).value.clone();
        (v("バックアップ"), v("事故発生時手順の策定・周知"))
    }

    /// Two labels of one list, then their two values: the label column, then the value
    /// column, each top to bottom; the values go to the labels in that order.
    #[test]
    fn two_labels_then_two_values_pair_in_order() {
        let got = two(
            "⑦バックアップ\n⑧事故発生時手順の策定・周知\n[ 十分に行っていない ]\n<選択肢>\n1) 特に力を入れて行っている\n[\n十分に行っている\n]\n",
        );
        assert_eq!(got, (Some("十分に行っていない".into()), Some("十分に行っている".into())));
    }

    /// A bracket opened right after the first label and closed after the second label's whole
    /// value: the whole value right below the second label is its own, so the other is the
    /// first's.
    #[test]
    fn a_whole_value_below_its_label_settles_the_pair() {
        let got = two("⑦バックアップ\n[\n⑧事故発生時手順の策定・周知\n[ 十分に行っていない ]\n十分に行っている\n]\n");
        assert_eq!(got, (Some("十分に行っている".into()), Some("十分に行っていない".into())));
    }

    /// Both values split over `[` / value / `]` lines after a `[` left open under the first
    /// label: either could be either label's, so neither is given.
    #[test]
    fn interleaved_split_brackets_stay_null() {
        let got = two("⑦バックアップ\n[\n⑧事故発生時手順の策定・周知\n[\n十分に行っている\n]\n<選択肢>\n十分に行っていない\n]\n");
        assert_eq!(got, (None, None));
    }
}
