//! The label scan: section, item and group headings and field labels of the body (`Hit`s),
//! wherever the cells landed.

use super::headings::{Sections, group_heading, item_number, section_at, strip_numbering};
use super::template::{FieldRole, Template, Templates};
use crate::lines::Line;
use crate::normalize::{circled, key};
use std::collections::{HashMap, HashSet};

/// A label found in the text.
#[derive(Debug, Clone)]
pub struct Hit {
    pub field: usize,
    /// index into `lines` of the label's first line
    pub line: usize,
    /// line index and char offset (in `text`) where the value starts
    pub end_line: usize,
    pub end_off: usize,
    pub group_n: Option<u32>,
    /// resolved owner: fixed group index for risk groups may change `field`
    pub inferred: bool,
    /// text offset on `end_line` where the value ends (the next label on the same row)
    pub tail_end: Option<usize>,
    /// key offset of the label's start on its line
    pub start_key: usize,
    /// which of the field's printed label variants was read (従業者/従業員)
    pub variant: usize,
}

impl Hit {
    /// A label read at `line` whose value starts at `end_off` of `end_line`.
    fn new(field: usize, line: usize, end_line: usize, end_off: usize) -> Hit {
        Hit { field, line, end_line, end_off, group_n: None, inferred: false, tail_end: None, start_key: 0, variant: 0 }
    }
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub group: usize,
    pub n: Option<u32>,
    pub line: usize,
}

/// Match `label` (a key) at `(line, off)` continuing over following lines; returns the
/// line index and char offset in that line's `text` where the label ends.
fn match_label(lines: &[Line], li: usize, key_off: usize, label: &str) -> Option<(usize, usize)> {
    let mut want = label.chars().peekable();
    let mut cur = li;
    let mut kchars: Vec<char> = lines[cur].key.chars().skip(key_off).collect();
    let mut consumed_in_line = key_off;
    let mut pos = 0;
    let mut spilled = 0;
    while let Some(&w) = want.peek() {
        if pos >= kchars.len() {
            // continue on the next line (a wrapped label), at most 3 lines
            if spilled >= 3 || cur + 1 >= lines.len() || lines[cur + 1].pos > lines[cur].pos + 2 {
                return None;
            }
            cur += 1;
            spilled += 1;
            kchars = lines[cur].key.chars().collect();
            consumed_in_line = 0;
            pos = 0;
            continue;
        }
        if kchars[pos] != w {
            return None;
        }
        pos += 1;
        want.next();
    }
    // skip a trailing ※ note
    let mut kc = consumed_in_line + pos;
    let rest: Vec<char> = lines[cur].key.chars().skip(kc).collect();
    if rest.first() == Some(&'※') {
        kc += 1;
    }
    Some((cur, key_to_text_offset(&lines[cur].text, kc)))
}

/// Char offset in `text` after `n` non-space chars.
pub(crate) fn key_to_text_offset(text: &str, n: usize) -> usize {
    let mut seen = 0;
    for (i, c) in text.chars().enumerate() {
        if seen == n {
            return i;
        }
        if !c.is_whitespace() {
            seen += 1;
        }
    }
    text.chars().count()
}

/// Find the section, item and group headings and the field labels of the body.
pub fn scan(tpls: &Templates, t: &Template, lines: &[Line], body: std::ops::Range<usize>, sections: &Sections) -> Scan {
    let section_of = |i: usize| sections.of(i);
    // index: label key → fields that carry it
    let mut by_label: HashMap<&str, Vec<usize>> = HashMap::new();
    for (fi, f) in t.fields.iter().enumerate() {
        if f.role == FieldRole::Normal {
            for k in &f.keys {
                by_label.entry(k.as_str()).or_default().push(fi);
            }
        }
    }
    let mut label_keys: Vec<&str> = by_label.keys().copied().collect();
    // longest first; ties in a fixed order (a HashMap's order differs between runs)
    label_keys.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));

    let label_finder = aho_corasick::AhoCorasick::new(&label_keys).expect("label keys make an automaton");
    let all_opt_keys: Vec<String> =
        tpls.lists.iter().filter(|l| l.id.starts_with("OPT-")).flat_map(|l| l.options.iter().map(|o| o.key.clone())).collect();
    let mut hits: Vec<Hit> = Vec::new();
    // tolerant forms: labels the template does not know (path, label, hit)
    let mut unknowns: Vec<(Vec<String>, String, Hit)> = Vec::new();
    let mut unknown_item: Option<u32> = None;
    let mut headings: Vec<Heading> = Vec::new();
    let mut item_lines: Vec<(usize, usize)> = Vec::new(); // (item, line)
    let mut ctx_item: Option<usize> = None;
    let mut label_lines: HashSet<usize> = HashSet::new();

    let mut i = body.start;
    while i < body.end {
        let l = &lines[i];
        let sec = section_of(i);
        if section_at(t, l).is_some() {
            ctx_item = None;
            label_lines.insert(i);
            i += 1;
            continue;
        }
        // item heading
        let item_key: &str = match item_number(&l.key) {
            Some(_) => &l.key,
            None => l.key.rfind('[').map_or(&l.key, |p| &l.key[p + 1..]),
        };
        if let Some((n, rest)) = item_number(item_key) {
            let found = t.items.iter().enumerate().find(|(_, it)| {
                Some(it.section) == sec
                    && it.n == n
                    && it.keys.iter().any(|k| {
                        let pre: String = k.chars().take(k.chars().count().min(8)).collect();
                        rest.starts_with(&pre)
                    })
            });
            if found.is_none() && t.tolerant && sec.is_some() {
                unknown_item = Some(n);
                label_lines.insert(i);
                i += 1;
                continue;
            }
            if let Some((ii, it)) = found {
                ctx_item = Some(ii);
                unknown_item = None;
                item_lines.push((ii, i));
                label_lines.insert(i);
                if let Some(own) = it.own_field {
                    // the value starts after the title
                    let full = it.keys.iter().find_map(|k| {
                        let off = l.key.find(k.as_str())?;
                        let chars_before = l.key[..off].chars().count();
                        match_label(lines, i, chars_before, k)
                    });
                    let (el, eo) = full.unwrap_or((i, l.text.chars().count()));
                    hits.push(Hit::new(own, i, el, eo));
                }
                i += 1;
                continue;
            }
        }
        // group headings: システム1, 委託事項2, 提供先3, 移転先1, リスク1:
        if let Some(h) = group_heading(t, l, sec, ctx_item) {
            label_lines.insert(i);
            let g = &t.groups[h.0];
            if let Some(hf) = g.heading_field {
                let name_len = l.key.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
                let digits = l.key[name_len..].chars().take_while(char::is_ascii_digit).count();
                let kc = l.key[..name_len].chars().count() + digits;
                hits.push(Hit { group_n: h.1, ..Hit::new(hf, i, i, key_to_text_offset(&l.text, kc)) });
            }
            // a heading of a later item moves the context forward (scrambled pages print
            // an item's risks before its heading); an earlier one does not pull it back
            if ctx_item.is_none_or(|c| g.item > c && t.items[g.item].section == t.items[c].section) {
                ctx_item = Some(g.item);
            }
            headings.push(Heading { group: h.0, n: h.1, line: i });
            i += 1;
            continue;
        }
        // field labels, at the line's start (after its numbering), or after a circled
        // number further on (`1） … 2） … ①NISC政府機関統一基準群`)
        let mut starts: Vec<usize> = vec![0];
        // PDF rows: every cell may start with a label
        // `[ 行っている ユーザ認証の管理`: a label after a bracketed value on the same line
        let mut after_value: Vec<usize> = Vec::new();
        if l.key.contains('[') || l.key.contains(']') {
            for m in label_finder.find_overlapping_iter(l.key.as_str()) {
                let lk = label_keys[m.pattern().as_usize()];
                if lk.chars().count() < 4 {
                    continue;
                }
                {
                    let byte = m.start();
                    let before = &l.key[..byte];
                    let ends_with_value = before.ends_with('[')
                        || before.ends_with(']')
                        || all_opt_keys.iter().any(|o| before.ends_with(o.as_str()) && before.contains('['));
                    if byte > 0 && ends_with_value {
                        starts.push(before.chars().count());
                        after_value.push(before.chars().count());
                    }
                }
            }
            starts.sort_unstable();
            starts.dedup();
        }
        let mut cell_ends: Vec<usize> = Vec::new();
        if l.raw.contains('\t') {
            let mut acc = String::new();
            for cell in l.raw.split('\t') {
                let off = key(&acc).chars().count();
                if off > 0 {
                    starts.push(off);
                    cell_ends.push(off);
                }
                acc.push_str(cell);
            }
            cell_ends.push(l.key.chars().count());
        }
        for (ci, c) in l.key.chars().enumerate() {
            if ci > 0 && circled(c).is_some() {
                // only after an option list or a bracket, never inside prose (PDF rows have
                // their cell starts already)
                let before: String = l.key.chars().take(ci).collect();
                let listy = before.ends_with(']')
                    || before.ends_with('[')
                    || before.contains("<選択肢>")
                    || before.char_indices().any(|(bi, bc)| bc == ')' && before[..bi].chars().last().is_some_and(|d| d.is_ascii_digit()));
                if listy {
                    starts.push(ci);
                }
            }
        }
        // under an item the tolerant template does not know, a numbered label is unknown too
        let under_unknown = t.tolerant && unknown_item.is_some() && l.key.chars().next().and_then(circled).is_some();
        let starts: Vec<usize> = if under_unknown { Vec::new() } else { starts };
        let mut matched = false;
        let multi = l.raw.contains('\t');
        let mut consumed = 0usize;
        let first_hit_here = hits.len();
        for &st in &starts {
            if matched && !multi {
                break;
            }
            if st < consumed {
                continue;
            }
            let sub: String = l.key.chars().skip(st).collect();
            let (num, rest) = strip_numbering(&sub);
            let skip = st + sub.chars().count() - rest.chars().count();
            if st > 0 && num.is_none() && !l.raw.contains('\t') && !after_value.contains(&st) {
                continue;
            }
            for lk in &label_keys {
                if !rest.starts_with(lk.chars().next().unwrap_or('\0')) {
                    continue;
                }
                let Some((el, eo)) = match_label(lines, i, skip, lk) else { continue };
                // a later cell of a PDF row is a label only if the label fills the cell
                if st > 0 && num.is_none() && multi {
                    let after = skip + lk.chars().count();
                    let cell_end = cell_ends.iter().copied().find(|&e| e >= after).unwrap_or(usize::MAX);
                    let between: String = l.key.chars().skip(after).take(cell_end.saturating_sub(after)).collect();
                    if !(between.is_empty() || between == "※") {
                        continue;
                    }
                }
                let cands = &by_label[lk];
                // a label of no field of this section, just above the next section's heading:
                // scrambled pages print some of a section before its heading
                let next = sections.list.iter().find(|&&(_, at)| at > i).copied();
                let sec = match next {
                    Some((ns, at))
                        if !cands.iter().any(|&f| Some(t.fields[f].section) == sec)
                            && cands.iter().any(|&f| t.fields[f].section == ns)
                            && lines[at].pos.saturating_sub(l.pos) <= 12 =>
                    {
                        Some(ns)
                    }
                    _ => sec,
                };
                // choose by context: same section, same item, same number
                let best = cands.iter().copied().max_by_key(|&f| {
                    let fs = &t.fields[f];
                    let mut s = 0;
                    if Some(fs.section) == sec {
                        s += 8;
                    }
                    if Some(fs.item) == ctx_item {
                        s += 4;
                    }
                    if num.is_some() && fs.number == num {
                        s += 2;
                    }
                    s
                });
                let Some(f) = best else { continue };
                let fs = &t.fields[f];
                if Some(fs.section) != sec && cands.len() > 1 {
                    // ambiguous label outside its section: not this
                    continue;
                }
                if cands.len() == 1 && ctx_item.is_none_or(|c| fs.item > c) {
                    ctx_item = Some(fs.item);
                }
                hits.push(Hit {
                    start_key: st,
                    variant: t.fields[f].keys.iter().position(|k| k == *lk).unwrap_or(0),
                    ..Hit::new(f, i, el, eo)
                });
                for j in i..=el {
                    label_lines.insert(j);
                }
                matched = true;
                consumed = skip + lk.chars().count();
                break;
            }
        }
        // a tolerant form keeps a numbered label it does not know as a text field
        if !matched
            && t.tolerant
            && let (Some(s), Some(c)) = (sec, l.key.chars().next().and_then(circled))
        {
            let item = unknown_item.map(|n| n.to_string()).or_else(|| ctx_item.map(|it| t.items[it].n.to_string()));
            let label_text: String = l.text.chars().skip(1).collect::<String>().trim().to_string();
            let (label, rest_off) = match label_text.split_once(' ') {
                // "①部署 健康推進課": a label, then its value
                Some((lab, _)) => (lab.to_string(), 1 + lab.chars().count()),
                None => (label_text.clone(), l.text.chars().count()),
            };
            if !label.is_empty() {
                let mut path = vec![t.sections[s].roman.clone()];
                path.extend(item);
                path.push(c.to_string());
                let h = Hit { inferred: true, ..Hit::new(usize::MAX, i, i, rest_off) };
                unknowns.push((path, label, h));
                label_lines.insert(i);
            }
        }
        // several labels on one PDF row: each value ends where the next label starts
        let here: Vec<usize> = (first_hit_here..hits.len()).collect();
        for w in here.windows(2) {
            let next_start = hits[w[1]].start_key;
            if hits[w[0]].end_line == i {
                hits[w[0]].tail_end = Some(key_to_text_offset(&l.text, next_start));
            }
        }
        i += 1;
    }

    if std::env::var_os("PIA_DEBUG").is_some() {
        for h in &hits {
            eprintln!("hit {} {:?} g{:?}", lines[h.line].no, t.path(h.field, h.group_n), h.group_n);
        }
        for hd in &headings {
            eprintln!("heading {} {} {:?}", lines[hd.line].no, t.groups[hd.group].name, hd.n);
        }
    }
    Scan { hits, headings, unknowns, label_lines }
}

/// What the scan of the body finds: labels, group headings, labels the template does not
/// know (tolerant forms), and the lines that are labels or headings.
pub struct Scan {
    pub hits: Vec<Hit>,
    pub headings: Vec<Heading>,
    pub unknowns: Vec<(Vec<String>, String, Hit)>,
    pub label_lines: HashSet<usize>,
}
