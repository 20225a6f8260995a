//! The label scan: section, item and group headings and field labels of the body (`Hit`s),
//! wherever the cells landed (at a line start, at a PDF cell start, after a bracketed value,
//! or after a circled number that follows an option list).

use super::headings::{Sections, group_heading, item_number, section_at, strip_numbering};
use super::template::{FieldRole, Template, Templates};
use super::tuning::{LABEL_WRAP_GAP, LABEL_WRAP_MAX_LINES, SECTION_PRELUDE};
use crate::input::Line;
use crate::normalize::{circled, key};
use aho_corasick::AhoCorasick;
use std::collections::{HashMap, HashSet};

/// Where a label stands and where its value starts.
#[derive(Debug, Clone, Copy)]
pub struct LabelAt {
    /// index into `lines` of the label's first line
    pub line: usize,
    /// line index where the value starts (a wrapped label ends below its first line)
    pub end_line: usize,
    /// char offset (in `text`) on `end_line` where the value starts
    pub end_off: usize,
    /// text offset on `end_line` where the value ends (the next label on the same row)
    pub tail_end: Option<usize>,
}

/// A label of the template found in the text.
#[derive(Debug, Clone)]
pub struct Hit {
    /// index into `Template::fields` (changed by the owners to the group's own field)
    pub field: usize,
    pub at: LabelAt,
    /// the repeated group's number (システム2), once its owner is known
    pub group_n: Option<u32>,
    /// placed by proximity rather than read where the form prints it
    pub inferred: bool,
    /// key offset of the label's start on its line
    pub start_key: usize,
    /// which of the field's printed label variants was read (従業者/従業員)
    pub variant: usize,
}

impl Hit {
    /// A label read at `line` whose value starts at `end_off` of `end_line`.
    fn new(field: usize, line: usize, end_line: usize, end_off: usize) -> Hit {
        Hit { field, at: LabelAt { line, end_line, end_off, tail_end: None }, group_n: None, inferred: false, start_key: 0, variant: 0 }
    }
}

/// A group heading found in the text (`システム2`, `リスク1:`).
#[derive(Debug, Clone)]
pub struct Heading {
    /// index into `Template::groups`
    pub group: usize,
    /// the repeated group's number
    pub n: Option<u32>,
    pub line: usize,
}

/// A numbered label a tolerant form does not know, kept as a text field.
#[derive(Debug, Clone)]
pub struct Unknown {
    pub path: Vec<String>,
    pub label: String,
    pub at: LabelAt,
}

/// What the scan of the body finds: labels, group headings, labels the template does not
/// know (tolerant forms), and the lines that are labels or headings.
#[derive(Debug, Default)]
pub struct Scan {
    pub hits: Vec<Hit>,
    pub headings: Vec<Heading>,
    pub unknowns: Vec<Unknown>,
    pub label_lines: HashSet<usize>,
}

/// Find the section, item and group headings and the field labels of the body.
#[must_use]
pub fn scan(tpls: &Templates, t: &Template, lines: &[Line], body: std::ops::Range<usize>, sections: &Sections) -> Scan {
    let mut s = Scanner {
        t,
        lines,
        sections,
        labels: t.labels.get_or_init(|| Labels::new(tpls, t)),
        out: Scan::default(),
        ctx_item: None,
        unknown_item: None,
    };
    for i in body {
        s.line(i);
    }
    if log::log_enabled!(log::Level::Debug) {
        for h in &s.out.hits {
            log::debug!("hit {} {:?} g{:?}", lines[h.at.line].no, t.path(h.field, h.group_n), h.group_n);
        }
        for hd in &s.out.headings {
            log::debug!("heading {} {} {:?}", lines[hd.line].no, t.groups[hd.group].name, hd.n);
        }
    }
    s.out
}

/// The template's label keys, longest first, with the fields that carry each: built once
/// per template (kept in `Template::labels`), never per document.
#[derive(Debug, Clone)]
pub struct Labels {
    /// every label key of the template's normal fields, longest first
    keys: Vec<String>,
    /// per key (same index): the fields that print it
    fields_of: Vec<Vec<usize>>,
    /// key indices by their first char, in the order of `keys`
    by_first: HashMap<char, Vec<usize>>,
    finder: AhoCorasick,
    /// the option keys of the choice lists (a label may follow a value on its line)
    opt_keys: Vec<String>,
}

impl Labels {
    fn new(tpls: &Templates, t: &Template) -> Labels {
        let mut by_label: HashMap<&str, Vec<usize>> = HashMap::new();
        for (fi, f) in t.fields.iter().enumerate() {
            if f.role == FieldRole::Normal {
                for k in &f.keys {
                    by_label.entry(k.as_str()).or_default().push(fi);
                }
            }
        }
        let mut keys: Vec<&str> = by_label.keys().copied().collect();
        // longest first; ties in a fixed order (a HashMap's order differs between runs)
        keys.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        let finder = AhoCorasick::new(&keys).expect("label keys make an automaton");
        let mut by_first: HashMap<char, Vec<usize>> = HashMap::new();
        for (ki, k) in keys.iter().enumerate() {
            by_first.entry(k.chars().next().unwrap_or('\0')).or_default().push(ki);
        }
        let opt_keys =
            tpls.lists.iter().filter(|l| l.id.starts_with("OPT-")).flat_map(|l| l.options.iter().map(|o| o.key.clone())).collect();
        let fields_of = keys.iter().map(|k| by_label[k].clone()).collect();
        Labels { keys: keys.iter().map(|k| (*k).to_string()).collect(), fields_of, by_first, finder, opt_keys }
    }
}

/// Where labels may start on one line (key offsets), in the order they are tried.
struct Starts {
    offsets: Vec<usize>,
    /// starts right after a bracketed value (`[ 行っている ユーザ認証の管理`)
    after_value: Vec<usize>,
    /// PDF rows: key offsets where each cell ends
    cell_ends: Vec<usize>,
}

/// A place on a line where a label may start.
struct LabelSpot<'s> {
    line: usize,
    /// key offset of the start (before the numbering)
    start: usize,
    /// key offset after the numbering
    skip: usize,
    /// the circled number in front of it
    num: Option<u32>,
    /// the key from `skip` on
    rest: &'s str,
}

/// The scan's state while it walks the body line by line.
struct Scanner<'a> {
    t: &'a Template,
    lines: &'a [Line],
    sections: &'a Sections,
    labels: &'a Labels,
    out: Scan,
    /// the item whose labels are being read (for labels several items print)
    ctx_item: Option<usize>,
    /// the number of an item heading the tolerant template does not know
    unknown_item: Option<u32>,
}

impl Scanner<'_> {
    fn line(&mut self, i: usize) {
        let sec = self.sections.of(i);
        if section_at(self.t, &self.lines[i]).is_some() {
            self.ctx_item = None;
            self.out.label_lines.insert(i);
            return;
        }
        if self.item_heading(i, sec) || self.group_heading(i, sec) {
            return;
        }
        self.labels_at(i, sec);
    }

    /// An item heading (`3. 特定個人情報ファイル名`), with the value of a text item.
    fn item_heading(&mut self, i: usize, sec: Option<usize>) -> bool {
        let (t, l) = (self.t, &self.lines[i]);
        let item_key: &str = match item_number(&l.key) {
            Some(_) => &l.key,
            None => l.key.rfind('[').map_or(&l.key, |p| &l.key[p + 1..]),
        };
        let Some((n, rest)) = item_number(item_key) else { return false };
        let found = t.items.iter().enumerate().find(|(_, it)| {
            Some(it.section) == sec
                && it.n == n
                && it.keys.iter().any(|k| {
                    let pre: String = k.chars().take(k.chars().count().min(8)).collect();
                    rest.starts_with(&pre)
                })
        });
        let Some((ii, it)) = found else {
            if t.tolerant && sec.is_some() {
                self.unknown_item = Some(n);
                self.out.label_lines.insert(i);
                return true;
            }
            return false;
        };
        self.ctx_item = Some(ii);
        self.unknown_item = None;
        self.out.label_lines.insert(i);
        if let Some(own) = it.own_field {
            // the value starts after the title
            let full = it.keys.iter().find_map(|k| {
                let off = l.key.find(k.as_str())?;
                let chars_before = l.key[..off].chars().count();
                match_label(self.lines, i, chars_before, k)
            });
            let (el, eo) = full.unwrap_or((i, l.text.chars().count()));
            self.out.hits.push(Hit::new(own, i, el, eo));
        }
        true
    }

    /// Group headings: システム1, 委託事項2, 提供先3, 移転先1, リスク1:
    fn group_heading(&mut self, i: usize, sec: Option<usize>) -> bool {
        let (t, l) = (self.t, &self.lines[i]);
        let Some((group, n)) = group_heading(t, l, sec, self.ctx_item) else { return false };
        self.out.label_lines.insert(i);
        let group_spec = &t.groups[group];
        if let Some(hf) = group_spec.heading_field {
            let name_len = l.key.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
            let digits = l.key[name_len..].chars().take_while(char::is_ascii_digit).count();
            let kc = l.key[..name_len].chars().count() + digits;
            self.out.hits.push(Hit { group_n: n, ..Hit::new(hf, i, i, key_to_text_offset(&l.text, kc)) });
        }
        // a heading of a later item moves the context forward (scrambled pages print
        // an item's risks before its heading); an earlier one does not pull it back
        if self.ctx_item.is_none_or(|c| group_spec.item > c && t.items[group_spec.item].section == t.items[c].section) {
            self.ctx_item = Some(group_spec.item);
        }
        self.out.headings.push(Heading { group, n, line: i });
        true
    }

    /// Field labels, at the line's start (after its numbering), at a PDF cell's start,
    /// after a bracketed value, or after a circled number further on
    /// (`1） … 2） … ①NISC政府機関統一基準群`).
    fn labels_at(&mut self, i: usize, sec: Option<usize>) {
        let (t, l) = (self.t, &self.lines[i]);
        let starts = self.label_starts(l);
        // under an item the tolerant template does not know, a numbered label is unknown too
        let under_unknown = t.tolerant && self.unknown_item.is_some() && l.key.chars().next().and_then(circled).is_some();
        let first_hit_here = self.out.hits.len();
        let matched = !under_unknown && self.match_starts(i, sec, &starts);
        if !matched && t.tolerant {
            self.unknown_label(i, sec);
        }
        // several labels on one PDF row: each value ends where the next label starts
        let here: Vec<usize> = (first_hit_here..self.out.hits.len()).collect();
        for w in here.windows(2) {
            let next_start = self.out.hits[w[1]].start_key;
            if self.out.hits[w[0]].at.end_line == i {
                self.out.hits[w[0]].at.tail_end = Some(key_to_text_offset(&l.text, next_start));
            }
        }
    }

    fn label_starts(&self, l: &Line) -> Starts {
        let mut starts: Vec<usize> = vec![0];
        let mut after_value: Vec<usize> = Vec::new();
        if l.key.contains('[') || l.key.contains(']') {
            for m in self.labels.finder.find_overlapping_iter(l.key.as_str()) {
                let lk = &self.labels.keys[m.pattern().as_usize()];
                if lk.chars().count() < 4 {
                    continue;
                }
                let before = &l.key[..m.start()];
                let ends_with_value = before.ends_with('[')
                    || before.ends_with(']')
                    || self.labels.opt_keys.iter().any(|o| before.ends_with(o.as_str()) && before.contains('['));
                if m.start() > 0 && ends_with_value {
                    starts.push(before.chars().count());
                    after_value.push(before.chars().count());
                }
            }
            starts.sort_unstable();
            starts.dedup();
        }
        // PDF rows: every cell may start with a label
        let mut cell_ends: Vec<usize> = Vec::new();
        if l.raw.contains('\t') {
            // the key of the cells before (each char keys on its own)
            let mut off = 0;
            for cell in l.raw.split('\t') {
                if off > 0 {
                    starts.push(off);
                    cell_ends.push(off);
                }
                off += key(cell).chars().count();
            }
            cell_ends.push(l.key.chars().count());
        }
        starts.extend(circled_starts(&l.key));
        Starts { offsets: starts, after_value, cell_ends }
    }

    /// Try a label at each start; true when one was read.
    fn match_starts(&mut self, i: usize, sec: Option<usize>, starts: &Starts) -> bool {
        let key = &self.lines[i].key;
        let multi = self.lines[i].raw.contains('\t');
        let mut matched = false;
        let mut consumed = 0usize;
        for &start in &starts.offsets {
            if matched && !multi {
                break;
            }
            if start < consumed {
                continue;
            }
            let sub = from_char(key, start);
            let (num, rest) = strip_numbering(sub);
            let skip = start + usize::from(num.is_some());
            if start > 0 && num.is_none() && !multi && !starts.after_value.contains(&start) {
                continue;
            }
            if let Some(end) = self.label_at(&LabelSpot { line: i, start, skip, num, rest }, sec, &starts.cell_ends) {
                matched = true;
                consumed = end;
            }
        }
        matched
    }

    /// The longest label of the template at `at`; where it ends (key offset).
    fn label_at(&mut self, at: &LabelSpot, sec: Option<usize>, cell_ends: &[usize]) -> Option<usize> {
        let l = &self.lines[at.line];
        let multi = l.raw.contains('\t');
        let labels = self.labels;
        let first = at.rest.chars().next()?;
        for &k in labels.by_first.get(&first).map_or(&[][..], Vec::as_slice) {
            let lk = labels.keys[k].as_str();
            let Some((el, eo)) = match_label(self.lines, at.line, at.skip, lk) else { continue };
            // a later cell of a PDF row is a label only if the label fills the cell
            if at.start > 0 && at.num.is_none() && multi {
                let after = at.skip + lk.chars().count();
                let tail = l.key.chars().skip(after);
                let between: String = match cell_ends.iter().copied().find(|&e| e >= after) {
                    Some(e) => tail.take(e - after).collect(),
                    None => tail.collect(),
                };
                if !(between.is_empty() || between == "※") {
                    continue;
                }
            }
            let Some(f) = self.choose_field(at, sec, &labels.fields_of[k]) else { continue };
            self.out.hits.push(Hit {
                start_key: at.start,
                variant: self.t.fields[f].keys.iter().position(|k| k == lk).unwrap_or(0),
                ..Hit::new(f, at.line, el, eo)
            });
            self.out.label_lines.extend(at.line..=el);
            return Some(at.skip + lk.chars().count());
        }
        None
    }

    /// Which field a label several fields print is, by context: same section, same item,
    /// same number. None: an ambiguous label outside its section.
    fn choose_field(&mut self, at: &LabelSpot, sec: Option<usize>, cands: &[usize]) -> Option<usize> {
        let t = self.t;
        // a label of no field of this section, just above the next section's heading:
        // scrambled pages print some of a section before its heading
        let sec = match self.sections.next_after(at.line) {
            Some(next)
                if !cands.iter().any(|&f| Some(t.fields[f].section) == sec)
                    && cands.iter().any(|&f| t.fields[f].section == next.section)
                    && self.lines[next.line].pos.saturating_sub(self.lines[at.line].pos) <= SECTION_PRELUDE =>
            {
                Some(next.section)
            }
            _ => sec,
        };
        let best = cands.iter().copied().max_by_key(|&f| {
            let fs = &t.fields[f];
            let mut s = 0;
            if Some(fs.section) == sec {
                s += 8;
            }
            if Some(fs.item) == self.ctx_item {
                s += 4;
            }
            if at.num.is_some() && fs.number == at.num {
                s += 2;
            }
            s
        })?;
        let fs = &t.fields[best];
        if Some(fs.section) != sec && cands.len() > 1 {
            return None;
        }
        if cands.len() == 1 && self.ctx_item.is_none_or(|c| fs.item > c) {
            self.ctx_item = Some(fs.item);
        }
        Some(best)
    }

    /// A tolerant form keeps a numbered label it does not know as a text field.
    fn unknown_label(&mut self, i: usize, sec: Option<usize>) {
        let (t, l) = (self.t, &self.lines[i]);
        let (Some(sec), Some(number)) = (sec, l.key.chars().next().and_then(circled)) else { return };
        let item = self.unknown_item.map(|n| n.to_string()).or_else(|| self.ctx_item.map(|it| t.items[it].n.to_string()));
        let label_text: String = l.text.chars().skip(1).collect::<String>().trim().to_string();
        let (label, rest_off) = match label_text.split_once(' ') {
            // "①部署 健康推進課": a label, then its value
            Some((lab, _)) => (lab.to_string(), 1 + lab.chars().count()),
            None => (label_text.clone(), l.text.chars().count()),
        };
        if label.is_empty() {
            return;
        }
        let mut path = vec![t.sections[sec].roman.clone()];
        path.extend(item);
        path.push(number.to_string());
        self.out.unknowns.push(Unknown { path, label, at: LabelAt { line: i, end_line: i, end_off: rest_off, tail_end: None } });
        self.out.label_lines.insert(i);
    }
}

/// Key offsets of circled numbers after an option list or a bracket, never inside prose
/// (PDF rows have their cell starts already).
fn circled_starts(k: &str) -> Vec<usize> {
    let mut out = Vec::new();
    for (ci, (bi, c)) in k.char_indices().enumerate() {
        if ci > 0 && circled(c).is_some() {
            let before = &k[..bi];
            let listy = before.ends_with(']')
                || before.ends_with('[')
                || before.contains("<選択肢>")
                || before.char_indices().any(|(bi, bc)| bc == ')' && before[..bi].chars().last().is_some_and(|d| d.is_ascii_digit()));
            if listy {
                out.push(ci);
            }
        }
    }
    out
}

/// Match `label` (a key) at `(line, off)` continuing over following lines; returns the
/// line index and char offset in that line's `text` where the label ends.
fn match_label(lines: &[Line], li: usize, key_off: usize, label: &str) -> Option<(usize, usize)> {
    // fast paths: the label stands whole on this line, or differs from it
    let rest = from_char(&lines[li].key, key_off);
    if let Some(after) = rest.strip_prefix(label) {
        let kc = key_off + label.chars().count() + usize::from(after.starts_with('※'));
        return Some((li, key_to_text_offset(&lines[li].text, kc)));
    }
    if !label.starts_with(rest) {
        return None;
    }
    let mut want = label.chars().peekable();
    let mut cur = li;
    let mut kchars: Vec<char> = lines[cur].key.chars().skip(key_off).collect();
    let mut consumed_in_line = key_off;
    let mut pos = 0;
    let mut spilled = 0;
    while let Some(&w) = want.peek() {
        if pos >= kchars.len() {
            // continue on the next line (a wrapped label)
            if spilled >= LABEL_WRAP_MAX_LINES || cur + 1 >= lines.len() || lines[cur + 1].pos > lines[cur].pos + LABEL_WRAP_GAP {
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

/// `s` from its `n`th char on (empty past its end).
fn from_char(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or("", |(b, _)| &s[b..])
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::headings::find_sections;
    use crate::form::templates;

    /// The scan of a small 様式4 text.
    pub(crate) fn scan_text(text: &str) -> (Vec<Line>, Scan) {
        let tpls = templates();
        let t = tpls.by_form("様式4").unwrap();
        let lines = crate::input::to_lines(text).value.lines;
        let sections = find_sections(t, &lines);
        let s = scan(tpls, t, &lines, 0..lines.len(), &sections);
        (lines, s)
    }

    #[test]
    fn section_item_and_label() {
        let (lines, s) = scan_text("Ⅰ 基本情報\n1. 特定個人情報ファイルを取り扱う事務\n①事務の名称 住民基本台帳に関する事務\n");
        let t = templates().by_form("様式4").unwrap();
        // the section heading and the item heading are structure, not values
        assert!(s.label_lines.contains(&0) && s.label_lines.contains(&1));
        assert_eq!(s.hits.len(), 1);
        let h = &s.hits[0];
        assert_eq!(t.fields[h.field].labels[0], "事務の名称");
        assert_eq!((h.at.line, h.at.end_line), (2, 2));
        let value: String = lines[2].text.chars().skip(h.at.end_off).collect();
        assert_eq!(value.trim(), "住民基本台帳に関する事務");
    }

    #[test]
    fn labels_in_the_cells_of_a_pdf_row() {
        let tpls = templates();
        let t = tpls.by_form("様式4").unwrap();
        let rows = ["Ⅰ 基本情報", "6. 情報提供ネットワークシステムによる情報連携", "①実施の有無\t[ 実施する ]\t②法令上の根拠\t番号法"];
        let lines: Vec<Line> = rows.iter().enumerate().map(|(i, r)| Line::new(i, None, (*r).to_string())).collect();
        let s = scan(tpls, t, &lines, 0..lines.len(), &find_sections(t, &lines));
        let labels: Vec<&str> = s.hits.iter().map(|h| t.fields[h.field].labels[0].as_str()).collect();
        assert_eq!(labels, ["実施の有無", "法令上の根拠"]);
        // the first value ends where the second label starts
        let h = &s.hits[0];
        let value: String = lines[2].text.chars().skip(h.at.end_off).take(h.at.tail_end.unwrap() - h.at.end_off).collect();
        assert_eq!(value.trim(), "[ 実施する ]");
    }
}
