//! Stage 3–4: pages of lines → form tree → fields.
//!
//! 1. Find the sections (skipping the 項目一覧), items, groups and field labels by the
//!    template's labels (`Hit`s), wherever the cells landed.
//! 2. Give every hit its owner: the group instance (システム2, リスク3) or parent field,
//!    nearest in the text that does not have that field yet.
//! 3. Read values: text after the label; choices from bracket pieces whose text is one of
//!    the field's options (nearest first, each piece used once); checkbox groups from the
//!    bracket pieces assigned to them (see `checks`).

use crate::checks::{BoxHit, BoxOpts, BoxOut, read_boxes};
use crate::diag::{Code, Diag, Loc};
use crate::input::Line;
use crate::marks::{Piece, pieces};
use crate::normalize::{circled, join_wrapped, key};
use crate::template::{FieldRole, FieldType, Template, Templates};
use std::collections::{HashMap, HashSet};

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

/// A label found in the text.
#[derive(Debug, Clone)]
struct Hit {
    field: usize,
    /// index into `lines` of the label's first line
    line: usize,
    /// line index and char offset (in `text`) where the value starts
    end_line: usize,
    end_off: usize,
    group_n: Option<u32>,
    /// resolved owner: fixed group index for risk groups may change `field`
    inferred: bool,
    /// text offset on `end_line` where the value ends (the next label on the same row)
    tail_end: Option<usize>,
    /// key offset of the label's start on its line
    start_key: usize,
    /// which of the field's printed label variants was read (従業者/従業員)
    variant: usize,
}

impl Hit {
    /// A label read at `line` whose value starts at `end_off` of `end_line`.
    fn new(field: usize, line: usize, end_line: usize, end_off: usize) -> Hit {
        Hit { field, line, end_line, end_off, group_n: None, inferred: false, tail_end: None, start_key: 0, variant: 0 }
    }
}

#[derive(Debug, Clone)]
struct Heading {
    group: usize,
    n: Option<u32>,
    line: usize,
}

/// Section heading at this line: `Ⅲ　特定個人情報ファイルの取扱い…`.
#[must_use]
pub fn section_at(t: &Template, l: &Line) -> Option<usize> {
    let (roman, rest) = leading_roman(&l.key)?;
    let rest = rest.trim_start_matches(['.', '、']);
    t.sections.iter().position(|s| {
        s.roman == roman && {
            let n = s.key.chars().count().min(6);
            let pre: String = s.key.chars().take(n).collect();
            // the heading alone, or with its ※ note; not a 変更箇所 row "Ⅰ基本情報3.個人番号の"
            rest.starts_with(&pre) && rest.chars().count() <= s.key.chars().count() + 24 && !has_item_number_after(rest, &s.key)
        }
    })
}

/// A section numeral at the start of a key: `Ⅲ` or ASCII `III` (conversions).
#[must_use]
pub fn leading_roman(k: &str) -> Option<(&'static str, &str)> {
    let first = k.chars().next()?;
    if let Some(r) = crate::normalize::roman(first) {
        return Some((r, &k[first.len_utf8()..]));
    }
    let n = k.chars().take_while(|c| matches!(c, 'I' | 'V')).count();
    if n == 0 || n > 3 {
        return None;
    }
    let r = match &k[..n] {
        "I" => "I",
        "II" => "II",
        "III" => "III",
        "IV" => "IV",
        "V" => "V",
        "VI" => "VI",
        _ => return None,
    };
    // the title must follow directly (a Japanese character)
    let rest = &k[n..];
    if rest.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((r, rest))
}

fn has_item_number_after(rest: &str, title: &str) -> bool {
    let after = rest.strip_prefix(title).unwrap_or("");
    let mut it = after.chars();
    matches!((it.next(), it.next()), (Some(a), Some('.')) if a.is_ascii_digit())
}

/// Strip the numbering at a line's start: `1.`, `(1)`, `①`, and return what was stripped.
fn strip_numbering(k: &str) -> (Option<u32>, &str) {
    let mut it = k.char_indices();
    if let Some((_, c)) = it.next()
        && let Some(n) = circled(c)
    {
        return (Some(n), &k[c.len_utf8()..]);
    }
    (None, k)
}

fn item_number(k: &str) -> Option<(u32, &str)> {
    let k = k.trim_start_matches(['[', ']']);
    let digits: String = k.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 2 {
        return None;
    }
    let rest = &k[digits.len()..];
    let rest = rest.strip_prefix('.')?;
    Some((digits.parse().ok()?, rest))
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
fn key_to_text_offset(text: &str, n: usize) -> usize {
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

fn tail_text(l: &Line, off: usize, end: Option<usize>) -> String {
    let n = end.map_or(usize::MAX, |e| e.saturating_sub(off));
    l.text.chars().skip(off).take(n).collect::<String>().trim().to_string()
}

/// The first `n` non-space characters of `s` (with the spaces between them).
fn cut_nonspace(s: &str, n: usize) -> String {
    let mut seen = 0;
    for (i, c) in s.char_indices() {
        if !c.is_whitespace() {
            if seen == n {
                return s[..i].trim_end().to_string();
            }
            seen += 1;
        }
    }
    s.to_string()
}

fn tail_raw(l: &Line, off: usize) -> String {
    // raw keeps paragraph marks and original spacing; map by non-space count
    let text_prefix: String = l.text.chars().take(off).collect();
    let n = text_prefix.chars().filter(|c| !c.is_whitespace()).count();
    let mut seen = 0;
    for (i, c) in l.raw.char_indices() {
        if seen == n {
            return l.raw[i..].trim().to_string();
        }
        seen += if c.is_whitespace() {
            0
        } else if c.is_ascii() {
            1
        } else {
            crate::normalize::key(c.encode_utf8(&mut [0u8; 4])).chars().count()
        };
        if seen > n {
            return l.raw[i + c.len_utf8()..].trim().to_string();
        }
    }
    String::new()
}

pub struct Extraction {
    pub fields: Vec<FieldOut>,
    pub diags: Vec<Diag>,
}

/// Where the body begins (first section heading outside the 項目一覧) and the section
/// heading lines.
#[must_use]
pub fn find_sections(t: &Template, lines: &[Line]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let toc_end = toc_end(t, lines);
    for (i, l) in lines.iter().enumerate().skip(toc_end.unwrap_or(0)) {
        if let Some(s) = section_at(t, l) {
            // a section seen again (a running header) does not start it anew
            if out.iter().any(|&(s2, _)| s2 == s) {
                continue;
            }
            out.push((s, i));
        }
    }
    // a conversion that lost the first heading: what follows the 項目一覧 belongs to the
    // section before the first heading found
    if let (Some(te), Some(&(s, at))) = (toc_end, out.first())
        && s > 0
        && at > te
    {
        out.insert(0, (s - 1, te));
    }
    out
}

/// The line after the 項目一覧 (table of contents), if the document has one.
#[must_use]
pub fn toc_end(t: &Template, lines: &[Line]) -> Option<usize> {
    let toc = lines.iter().position(|l| l.key.starts_with("項目一覧"))?;
    for (i, l) in lines.iter().enumerate().skip(toc + 1) {
        let is_heading = section_at(t, l).is_some() || l.key.starts_with("(別添") || l.key.starts_with("別添");
        let is_option = l.key.starts_with("<選択肢>") || l.key.chars().next().is_some_and(|c| c.is_ascii_digit()) && l.key.contains(')');
        if is_heading || is_option || l.key == "]" {
            continue;
        }
        return Some(i);
    }
    None
}

/// The 別添 headings in the body (変更箇所, 記録項目), outside the 項目一覧.
#[must_use]
pub fn find_annexes(lines: &[Line], body_start: usize) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate().skip(body_start) {
        let k = l.key.trim_start_matches('#');
        if (k.starts_with("(別添") || k.starts_with("別添")) && k.chars().count() <= 24 {
            let kind = if k.contains("変更箇所") {
                "変更箇所"
            } else if k.contains("記録項目") {
                "記録項目"
            } else if k.contains("事務の内容") {
                "事務の内容"
            } else {
                continue;
            };
            out.push((kind.to_string(), i));
        }
    }
    out
}

/// Find the section, item and group headings and the field labels of the body.
fn scan(tpls: &Templates, t: &Template, lines: &[Line], body: std::ops::Range<usize>, sections: &Sections) -> Scan {
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

/// Where each section begins (heading line), and which section a line falls in.
pub struct Sections {
    pub list: Vec<(usize, usize)>,
}

impl Sections {
    fn of(&self, i: usize) -> Option<usize> {
        let mut cur = self.list.first().map(|&(s, _)| s);
        for &(s, at) in &self.list {
            if at <= i {
                cur = Some(s);
            }
        }
        cur
    }
}

/// What the scan of the body finds: labels, group headings, labels the template does not
/// know (tolerant forms), and the lines that are labels or headings.
struct Scan {
    hits: Vec<Hit>,
    headings: Vec<Heading>,
    unknowns: Vec<(Vec<String>, String, Hit)>,
    label_lines: HashSet<usize>,
}

#[must_use]
pub fn extract(
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

/// Choices: the value printed right after the label (`[ value`) is exact; the others take
/// the nearest free value piece of their section whose text is one of their options
/// (nearest first over all fields, each piece used once).
#[allow(clippy::too_many_arguments)]
fn place_choices(
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

/// A flattened page prints its labels first and then their values in the same order (one
/// input line cut into cells). Where the values exactly match the labels that take one in
/// number, give each its value, in order; otherwise nothing is given.
fn labels_first(
    tpls: &Templates,
    t: &Template,
    lines: &[Line],
    label_lines: &HashSet<usize>,
    value_cells: &std::collections::BTreeMap<usize, usize>,
    fields: &mut [FieldOut],
) {
    let mut i = 0;
    while i < lines.len() {
        let no = lines[i].no;
        let mut j = i;
        while j < lines.len() && lines[j].no == no {
            j += 1;
        }
        let cells: Vec<usize> = (i..j).collect();
        i = j;
        if cells.len() < 3 {
            continue;
        }
        // labels, then values; option lists (＜選択肢＞, `1) …`) are neither
        let is_option = |k: &str| k.starts_with("<選択肢>") || (k.chars().next().is_some_and(|c| c.is_ascii_digit()) && k.contains(')'));
        let first_value = cells.iter().position(|&c| !label_lines.contains(&c) && !is_option(&lines[c].key));
        let Some(fv) = first_value else { continue };
        if cells[fv..].iter().any(|c| label_lines.contains(c)) || fv == 0 {
            continue;
        }
        let takers: Vec<usize> = cells[..fv].iter().filter_map(|c| value_cells.get(c).copied()).collect();
        let values: Vec<usize> = cells[fv..].iter().copied().filter(|&c| !is_option(&lines[c].key)).collect();
        if takers.is_empty() || takers.len() != values.len() {
            continue;
        }
        for (&f, &v) in takers.iter().zip(&values) {
            if f == usize::MAX {
                continue;
            }
            let raw = lines[v].raw.trim().to_string();
            match fields[f].ty {
                FieldType::Text => {
                    fields[f].value = Some(raw);
                    fields[f].certainty = Certainty::Inferred;
                }
                FieldType::Choice => {
                    let inner = raw.trim_start_matches('[').trim_end_matches(']').trim();
                    let spec = t.fields.iter().find(|s| s.labels.contains(&fields[f].label) && s.ty == FieldType::Choice);
                    if let Some(list) = spec.and_then(|s| s.list).map(|l| tpls.list(l))
                        && let Some(o) = list.find_exact(&key(inner))
                    {
                        fields[f].value = Some(list.options[o].label.clone());
                        fields[f].certainty = Certainty::Inferred;
                    }
                }
                _ => {}
            }
        }
    }
}

#[must_use]
pub fn loc(l: &Line) -> Loc {
    Loc { page: l.page, line: l.no, bbox: l.bbox }
}

/// `システム1` / `委託事項2` / `提供先3` / `移転先1` / `リスク1:` / `リスク:` headings.
fn group_heading(t: &Template, l: &Line, sec: Option<usize>, ctx_item: Option<usize>) -> Option<(usize, Option<u32>)> {
    let k = l.key.as_str();
    if k.contains('~') {
        return None;
    }
    for (gi, g) in t.groups.iter().enumerate() {
        if Some(g.section) != sec {
            continue;
        }
        if g.repeated {
            if let Some(rest) = k.strip_prefix(g.name.as_str()) {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                if !digits.is_empty() {
                    return Some((gi, digits.parse().ok()));
                }
            }
        } else if let Some(rest) = k.strip_prefix("リスク") {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let rest2 = &rest[digits.len()..];
            let Some(title) = rest2.strip_prefix(':') else { continue };
            let name_ok = if digits.is_empty() { g.name == "リスク" } else { g.name == format!("リスク{digits}") };
            // the title cut off into another cell: the number names the group of the current item
            if title.is_empty() && name_ok && Some(g.item) == ctx_item {
                return Some((gi, None));
            }
            let pre: String = g.title_key.chars().take(g.title_key.chars().count().min(8)).collect();
            if name_ok && title.starts_with(&pre) {
                // prefer the group of the current item when the same title occurs in two items
                if ctx_item.is_none()
                    || Some(g.item) == ctx_item
                    || !t.groups.iter().any(|g2| Some(g2.item) == ctx_item && g2.name == g.name && g2.title_key == g.title_key)
                {
                    return Some((gi, None));
                }
            }
        }
    }
    None
}

/// Give each hit its group instance and parent: the nearest heading (preferring the
/// preceding one) that does not hold that field yet.
fn resolve_owners(t: &Template, hits: &mut [Hit], headings: &[Heading], diags: &mut Vec<Diag>, lines: &[Line]) {
    let mut taken: HashSet<(usize, Option<u32>, String)> = HashSet::new(); // (group, n, label key)
    // group heading hits are owned already
    for h in hits.iter() {
        if t.fields[h.field].role == FieldRole::GroupHeading {
            taken.insert((t.fields[h.field].group.unwrap(), h.group_n, t.fields[h.field].keys[0].clone()));
        }
    }
    for h in hits.iter_mut() {
        let fs = &t.fields[h.field];
        if fs.role == FieldRole::GroupHeading {
            continue;
        }
        let Some(g) = fs.group else { continue };
        // candidate groups: every group of the item holding a field with this label
        let label = fs.keys[0].clone();
        let same_label: Vec<usize> = t
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.item == fs.item
                    && f.group.is_some()
                    && f.keys[0] == label
                    && f.parent.map(|p| &t.fields[p].keys[0]) == fs.parent.map(|p| &t.fields[p].keys[0])
            })
            .map(|(i, _)| i)
            .collect();
        let cand_groups: Vec<(usize, usize)> = same_label.iter().map(|&f| (t.fields[f].group.unwrap(), f)).collect();
        let mut best: Option<(i64, usize, Option<u32>, usize)> = None; // (cost, group, n, field)
        for hd in headings {
            let Some(&(_, f)) = cand_groups.iter().find(|(g2, _)| *g2 == hd.group) else { continue };
            if taken.contains(&(hd.group, hd.n, label.clone())) {
                continue;
            }
            let d = lines[h.line].pos as i64 - lines[hd.line].pos as i64;
            // the heading above wins when it is near; a heading below only when none above
            let cost = if (0..=150).contains(&d) {
                d
            } else if d < 0 {
                1000 - d
            } else {
                2000 + d
            };
            if best.is_none_or(|b| cost < b.0) {
                best = Some((cost, hd.group, hd.n, f));
            }
        }
        match best {
            Some((cost, grp, n, f)) => {
                h.field = f;
                h.group_n = n;
                if cost > 0 && (t.groups[grp].repeated || cand_groups.len() > 1) {
                    // placed by proximity, not by a heading directly above
                    h.inferred = h.inferred || cost > 150;
                }
                taken.insert((grp, n, label));
            }
            None => {
                // no heading found: the group itself when it is the only one
                if cand_groups.len() == 1 && !t.groups[g].repeated {
                    taken.insert((g, None, label));
                } else if t.groups[g].repeated {
                    h.group_n = None;
                    h.inferred = true;
                    diags.push(
                        Diag::new(Code::GroupUnplaced, format!("{} found outside any {}N", fs.labels[0], t.groups[g].name))
                            .at(loc(&lines[h.line])),
                    );
                    h.field = usize::MAX;
                } else {
                    // several fixed groups, none seen: first without this field
                    let free = cand_groups.iter().find(|(g2, _)| !taken.contains(&(*g2, None, label.clone())));
                    match free {
                        Some(&(g2, f)) => {
                            h.field = f;
                            h.inferred = true;
                            taken.insert((g2, None, label));
                        }
                        None => h.field = usize::MAX,
                    }
                }
            }
        }
    }
    // parents: a nested field goes under the nearest parent reading lacking it
    let parent_hits: Vec<(usize, usize, Option<u32>)> =
        hits.iter().filter(|h| h.field != usize::MAX).map(|h| (h.field, h.line, h.group_n)).collect();
    let mut taken_child: HashSet<(usize, Option<u32>, String)> = HashSet::new();
    for h in hits.iter_mut() {
        if h.field == usize::MAX {
            continue;
        }
        let fs = &t.fields[h.field];
        let Some(p) = fs.parent else { continue };
        if t.fields[p].ty == FieldType::None {
            continue;
        }
        let label = fs.keys[0].clone();
        // siblings with the same label under other parents of the same group
        let alts: Vec<usize> = t
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.group == fs.group && f.item == fs.item && f.keys[0] == label && f.parent.is_some())
            .map(|(i, _)| i)
            .collect();
        if alts.len() <= 1 {
            continue;
        }
        let mut best: Option<(i64, usize)> = None;
        for &(pf, pl, pn) in &parent_hits {
            if pn != h.group_n {
                continue;
            }
            let Some(&alt) = alts.iter().find(|&&a| t.fields[a].parent == Some(pf)) else { continue };
            if taken_child.contains(&(alt, pn, label.clone())) {
                continue;
            }
            let d = lines[h.line].pos as i64 - lines[pl].pos as i64;
            let cost = if (0..=150).contains(&d) {
                d
            } else if d < 0 {
                1000 - d
            } else {
                2000 + d
            };
            if best.is_none_or(|b| cost < b.0) {
                best = Some((cost, alt));
            }
        }
        if let Some((_, alt)) = best {
            h.field = alt;
            taken_child.insert((alt, h.group_n, label));
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

/// The text after a label: the rest of its line and the lines below it, until the next
/// label, heading, bracket or option list.
fn read_text(lines: &[Line], h: &Hit, stops: &HashSet<usize>, end: usize, cells: bool) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut first = tail_raw(&lines[h.end_line], h.end_off);
    if let Some(e) = h.tail_end {
        let n = lines[h.end_line].text.chars().skip(h.end_off).take(e.saturating_sub(h.end_off)).filter(|c| !c.is_whitespace()).count();
        first = cut_nonspace(&first, n);
    }
    let first = first.trim_start_matches('※').trim().to_string();
    let first_empty = first.is_empty();
    let mut cont = true;
    if !first.is_empty() {
        if first.starts_with('[') || first.starts_with(']') {
            return None;
        }
        parts.push(first);
        // a value in the next cell of a table row is complete
        cont = false;
        if cells {
            return Some(join_wrapped(&parts).replace('\u{2029}', "\n")).filter(|v| !v.trim().is_empty());
        }
    }
    // PDF: a label centred in a tall merged cell stands below the top of its value, which
    // is then the row above, in the value column (right of the label)
    if first_empty && h.end_line == h.line && h.line > 0 {
        let (l, p) = (&lines[h.line], &lines[h.line - 1]);
        if let (Some(lb), Some(pb)) = (l.bbox, p.bbox)
            && l.open_above
            && p.page == l.page
            && pb[0] > lb[0] + 20.0
            && !stops.contains(&(h.line - 1))
            && !is_structural(p)
            && !p.raw.contains('\t')
        {
            return Some(p.raw.replace('\u{2029}', "\n")).filter(|v| !v.trim().is_empty());
        }
    }
    if cont || lines.get(h.end_line + 1).is_some_and(|n| n.pos == lines[h.end_line].pos + 1 && !stops.contains(&(h.end_line + 1))) {
        let mut prev_no = lines[h.end_line].pos;
        for (j, l) in lines.iter().enumerate().take(end.min(h.end_line + 60)).skip(h.end_line + 1) {
            if stops.contains(&j) || is_structural(l) || l.key == "再委託" {
                break;
            }
            // a blank line ends the value once something was read
            if l.pos > prev_no + 1 && !parts.is_empty() {
                // pdftotext puts blank lines between cells; allow one gap before the first part
                break;
            }
            if l.pos > prev_no + 2 {
                break;
            }
            if l.key == "※" {
                prev_no = l.pos;
                continue;
            }
            parts.push(l.raw.clone());
            prev_no = l.pos;
            if !cont && parts.len() > 1 {
                // the first part came inline; continue only on wrapped lines
            }
        }
    }
    // a label set vertically in its cell (`再` / `委` / `託`, one character a line) is not a value
    if parts.len() >= 2 && parts.iter().all(|p| p.trim().chars().count() == 1) {
        return None;
    }
    let joined = join_wrapped(&parts).replace('\u{2029}', "\n");
    let v = joined.trim().to_string();
    if v.is_empty() { None } else { Some(v) }
}

fn is_structural(l: &Line) -> bool {
    let k = &l.key;
    k.starts_with('[')
        || k.starts_with(']')
        || k.starts_with("<選択肢>")
        || k.ends_with("<選択肢>")
        || k.ends_with("<選択肢>]")
        || crate::marks::lone_marks(&l.text) > 0
        || (k.chars().next().is_some_and(|c| c.is_ascii_digit()) && k.chars().nth(1) == Some(')'))
        || k.ends_with('[')
}
