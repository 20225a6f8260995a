//! Text values: the rest of the label's line and the lines below it, until the next label,
//! heading, bracket or option list.

use super::marks::lone_marks;
use super::{Doc, Layout};
use crate::form::scan::LabelAt;
use crate::form::tuning::{CENTRED_VALUE_INDENT, STRAY_PROSE_LOOKAHEAD, TEXT_MAX_LINES};
use crate::input::Line;
use crate::normalize::join_wrapped;
use std::collections::HashSet;

/// The text of a line from char offset `off` to `end` (or its end), trimmed.
pub(super) fn tail_text(l: &Line, off: usize, end: Option<usize>) -> String {
    let tail = l.text.chars().skip(off);
    let s: String = match end {
        Some(e) => tail.take(e.saturating_sub(off)).collect(),
        None => tail.collect(),
    };
    s.trim().to_string()
}

/// How many non-space characters.
fn nonspace_len(s: impl Iterator<Item = char>) -> usize {
    s.filter(|c| !c.is_whitespace()).count()
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

/// The raw text after char offset `off` of `text` (raw keeps paragraph marks and the
/// original spacing; mapped by non-space count).
fn tail_raw(l: &Line, off: usize) -> String {
    let n = nonspace_len(l.text.chars().take(off));
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

/// Where a text value was read, which sets its certainty: only a value wholly on its
/// label's own line (or in the cell next to it) admits one reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Placed {
    /// on the label's line / in the label's row, and nothing more
    OwnLine,
    /// wholly or partly from lines below or above the label (order, proximity)
    Near,
    /// nothing was found
    Nothing,
}

/// A text value as read: the value, where it was read, and the last line it took (the
/// label's last line when it took none below).
pub(super) struct TextRead {
    pub value: Option<String>,
    pub how: Placed,
    pub last: usize,
}

/// The text after a label (see `read_value`), with the last line it took.
pub(super) fn read_text(doc: &Doc, at: &LabelAt, stops: &HashSet<usize>) -> TextRead {
    let mut last = at.end_line;
    let (value, how) = read_value(doc, at, stops, &mut last);
    TextRead { value, how, last }
}

/// The text after a label: the rest of its line and the lines below it, until the next
/// label (`stops`), heading, bracket or option list; and where it was read. `last` is moved
/// to the last line read below the label.
fn read_value(doc: &Doc, at: &LabelAt, stops: &HashSet<usize>, last: &mut usize) -> (Option<String>, Placed) {
    let lines = doc.lines;
    let first = first_part(&lines[at.end_line], at);
    if first.starts_with('[') || first.starts_with(']') {
        return (None, Placed::Nothing);
    }
    let mut parts: Vec<String> = Vec::new();
    // the first part inline: continue only on wrapped lines
    let inline = !first.is_empty();
    if inline {
        parts.push(first);
        // a value in the next cell of a table row is complete
        if doc.layout == Layout::Cells {
            return placed(Some(join_wrapped(&parts).replace('\u{2029}', "\n")), Placed::OwnLine);
        }
    } else if at.end_line == at.line && at.line > 0 && value_above(lines, at.line, stops) {
        return placed(Some(lines[at.line - 1].raw.replace('\u{2029}', "\n")), Placed::Near);
    }
    let wrapped = lines.get(at.end_line + 1).is_some_and(|n| n.pos == lines[at.end_line].pos + 1 && !stops.contains(&(at.end_line + 1)));
    let mut how = Placed::OwnLine;
    if !inline || wrapped {
        let (below, end) = lines_below(doc, at.end_line, stops, parts.is_empty());
        if !below.is_empty() {
            how = Placed::Near;
            *last = end;
        }
        parts.extend(below);
    }
    // a label set vertically in its cell (`再` / `委` / `託`, one character a line) is not a value
    if parts.len() >= 2 && parts.iter().all(|p| p.trim().chars().count() == 1) {
        return (None, Placed::Nothing);
    }
    placed(Some(join_wrapped(&parts).replace('\u{2029}', "\n").trim().to_string()), how)
}

/// The value, `None` (and `Nothing`) when blank.
fn placed(v: Option<String>, how: Placed) -> (Option<String>, Placed) {
    match v.filter(|v| !v.trim().is_empty()) {
        Some(v) => (Some(v), how),
        None => (None, Placed::Nothing),
    }
}

/// The value on the label's own line (up to the next label on the row), without a ※ note.
fn first_part(l: &Line, at: &LabelAt) -> String {
    let mut first = tail_raw(l, at.end_off);
    if let Some(e) = at.tail_end {
        let n = nonspace_len(l.text.chars().skip(at.end_off).take(e.saturating_sub(at.end_off)));
        first = cut_nonspace(&first, n);
    }
    first.trim_start_matches('※').trim().to_string()
}

/// PDF: a label centred in a tall merged cell stands below the top of its value, which is
/// then the row above, in the value column (right of the label).
fn value_above(lines: &[Line], line: usize, stops: &HashSet<usize>) -> bool {
    let (l, p) = (&lines[line], &lines[line - 1]);
    let (Some(lb), Some(pb)) = (l.bbox, p.bbox) else { return false };
    l.open_above
        && p.page == l.page
        && pb[0] > lb[0] + CENTRED_VALUE_INDENT
        && !stops.contains(&(line - 1))
        && !is_structural(p)
        && !p.raw.contains('\t')
}

/// The raw lines below `from` that continue its value: until a label, heading, bracket or
/// option list, or a blank line (one allowed before the first part when `nothing_yet`).
fn lines_below(doc: &Doc, from: usize, stops: &HashSet<usize>, nothing_yet: bool) -> (Vec<String>, usize) {
    let lines = doc.lines;
    let mut parts = Vec::new();
    let mut end = from;
    let mut prev_pos = lines[from].pos;
    let last = doc.body.end.min(from + TEXT_MAX_LINES);
    for (j, l) in lines.iter().enumerate().take(last).skip(from + 1) {
        if stops.contains(&j) || is_structural(l) || l.key == "再委託" {
            break;
        }
        // a blank line ends the value once something was read (pdftotext puts blank lines
        // between cells: one gap is allowed before the first part)
        if l.pos > prev_pos + 1 && !(nothing_yet && parts.is_empty()) {
            break;
        }
        if l.pos > prev_pos + 2 {
            break;
        }
        prev_pos = l.pos;
        if l.key != "※" {
            parts.push(l.raw.clone());
            end = j;
        }
    }
    (parts, end)
}

/// A dump: the first line of prose after the value that ended on `last`, past a blank
/// line and before the next label or heading (a cell of its own, or the rest of a cell
/// pdftotext cut at a wide space).
pub(super) fn prose_after<'l>(doc: &Doc<'l>, last: usize, stops: &HashSet<usize>) -> Option<&'l Line> {
    let lines = doc.lines;
    let end = doc.body.end.min(last + 1 + STRAY_PROSE_LOOKAHEAD);
    for (j, l) in lines.iter().enumerate().take(end).skip(last + 1) {
        if stops.contains(&j) || is_structural(l) || l.key == "再委託" {
            return None;
        }
        if l.key != "※" && !l.key.is_empty() {
            return Some(l);
        }
    }
    None
}

/// A line that is not prose: a bracket, an option list, marks.
fn is_structural(l: &Line) -> bool {
    let k = &l.key;
    k.starts_with('[')
        || k.starts_with(']')
        || k.starts_with("<選択肢>")
        || k.ends_with("<選択肢>")
        || k.ends_with("<選択肢>]")
        || lone_marks(&l.text) > 0
        || (k.chars().next().is_some_and(|c| c.is_ascii_digit()) && k.chars().nth(1) == Some(')'))
        || k.ends_with('[')
}
