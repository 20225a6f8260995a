//! Headings of the form: sections (Ⅲ …), items (`3.` …), groups (システム1, リスク1:),
//! the 項目一覧 and the 別添 annexes.

use super::template::Template;
use crate::input::Line;
use crate::normalize::circled;

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
pub(crate) fn strip_numbering(k: &str) -> (Option<u32>, &str) {
    let mut it = k.char_indices();
    if let Some((_, c)) = it.next()
        && let Some(n) = circled(c)
    {
        return (Some(n), &k[c.len_utf8()..]);
    }
    (None, k)
}

pub(crate) fn item_number(k: &str) -> Option<(u32, &str)> {
    let k = k.trim_start_matches(['[', ']']);
    let digits: String = k.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 2 {
        return None;
    }
    let rest = &k[digits.len()..];
    let rest = rest.strip_prefix('.')?;
    Some((digits.parse().ok()?, rest))
}

/// Where the body begins (first section heading outside the 項目一覧) and the section
/// heading lines.
#[must_use]
pub fn find_sections(t: &Template, lines: &[Line]) -> Sections {
    let mut out: Vec<SectionStart> = Vec::new();
    let toc_end = toc_end(t, lines);
    for (i, l) in lines.iter().enumerate().skip(toc_end.unwrap_or(0)) {
        if let Some(s) = section_at(t, l) {
            // a section seen again (a running header) does not start it anew
            if out.iter().any(|s2| s2.section == s) {
                continue;
            }
            out.push(SectionStart { section: s, line: i });
        }
    }
    // a conversion that lost the first heading: what follows the 項目一覧 belongs to the
    // section before the first heading found
    if let (Some(te), Some(&first)) = (toc_end, out.first())
        && first.section > 0
        && first.line > te
    {
        out.insert(0, SectionStart { section: first.section - 1, line: te });
    }
    Sections { starts: out }
}

/// The line after the 項目一覧 (table of contents), if the document has one.
#[must_use]
pub fn toc_end(t: &Template, lines: &[Line]) -> Option<usize> {
    let toc = lines.iter().position(|l| l.key.starts_with("項目一覧"))?;
    for (i, l) in lines.iter().enumerate().skip(toc + 1) {
        let is_heading = section_at(t, l).is_some() || l.key.starts_with("(別添") || l.key.starts_with("別添");
        if is_heading || is_option_entry(&l.key) || l.key == "]" {
            continue;
        }
        return Some(i);
    }
    None
}

/// An option list line, not a value: `<選択肢>`, `1) 記録を残している`.
#[must_use]
pub fn is_option_entry(k: &str) -> bool {
    // `1)`, `10)`: digits then the bracket (not `1,000人未満(任意実施)`)
    let digits = k.bytes().take_while(u8::is_ascii_digit).count();
    k.starts_with("<選択肢>") || (digits > 0 && k[digits..].starts_with(')'))
}

/// A section's heading: which section of the template, at which line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionStart {
    /// index into `Template::sections`
    pub section: usize,
    /// index into the lines
    pub line: usize,
}

/// Where each section begins (heading line), and which section a line falls in.
#[derive(Debug, Clone, Default)]
pub struct Sections {
    pub starts: Vec<SectionStart>,
}

impl Sections {
    /// The section line `i` falls in (before the first heading: the first section).
    #[must_use]
    pub fn of(&self, i: usize) -> Option<usize> {
        let mut cur = self.starts.first().map(|s| s.section);
        for s in &self.starts {
            if s.line <= i {
                cur = Some(s.section);
            }
        }
        cur
    }
    /// The first section heading below line `i`.
    #[must_use]
    pub fn next_after(&self, i: usize) -> Option<SectionStart> {
        self.starts.iter().find(|s| s.line > i).copied()
    }
}

impl std::ops::Deref for Sections {
    type Target = [SectionStart];
    fn deref(&self) -> &[SectionStart] {
        &self.starts
    }
}

/// `システム1` / `委託事項2` / `提供先3` / `移転先1` / `リスク1:` / `リスク:` headings.
/// Returns the group's index in `Template::groups` and, for a repeated group, its number.
pub(crate) fn group_heading(t: &Template, l: &Line, sec: Option<usize>, ctx_item: Option<usize>) -> Option<(usize, Option<u32>)> {
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
