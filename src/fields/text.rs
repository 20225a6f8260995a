//! Text values: the rest of the label's line and the lines below it.

use crate::form::scan::Hit;
use crate::lines::Line;
use crate::normalize::join_wrapped;
use std::collections::HashSet;

pub(super) fn tail_text(l: &Line, off: usize, end: Option<usize>) -> String {
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

/// The text after a label: the rest of its line and the lines below it, until the next
/// label, heading, bracket or option list.
pub(super) fn read_text(lines: &[Line], h: &Hit, stops: &HashSet<usize>, end: usize, cells: bool) -> Option<String> {
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
        || super::marks::lone_marks(&l.text) > 0
        || (k.chars().next().is_some_and(|c| c.is_ascii_digit()) && k.chars().nth(1) == Some(')'))
        || k.ends_with('[')
}
