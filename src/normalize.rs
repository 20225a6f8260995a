//! Normalization: the raw text is kept everywhere; matching happens on a folded key.
//!
//! `fold` maps look-alike characters onto one form (width, circles, dashes, tildes,
//! Kangxi/CJK radicals, spaces) but keeps the form's own markers (①…⑳, Ⅰ…Ⅻ) that NFKC
//! would destroy. `key` additionally drops all white space.

use unicode_normalization::UnicodeNormalization;

/// Characters NFKC would rewrite but that carry meaning in the forms.
fn is_protected(c: char) -> bool {
    matches!(c, '\u{2460}'..='\u{2473}' | '\u{2160}'..='\u{216B}')
}

/// CJK Radicals Supplement forms (U+2E80–U+2EF3) that NFKC leaves alone, mapped to the
/// unified ideograph (Unicode's `EquivalentUnifiedIdeograph` data, the entries seen in
/// published documents), plus other look-alikes met in real dumps.
fn lookalike(c: char) -> Option<char> {
    Some(match c {
        '\u{25EF}' | '\u{3007}' | '\u{25CB}' | '\u{26AA}' | '\u{2B58}' => '○',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' | '\u{FF0D}' => '-',
        '\u{301C}' | '\u{FF5E}' | '\u{223C}' => '~',
        '\u{2E8C}' | '\u{2E8D}' => '小',
        '\u{2E95}' => '彐',
        '\u{2E9F}' => '母',
        '\u{2EA0}' => '民',
        '\u{2EA4}' => '爫',
        '\u{2EA6}' => '丬',
        '\u{2EA8}' => '犭',
        '\u{2EAB}' | '\u{2EB2}' => '罒',
        '\u{2EB9}' => '耂',
        '\u{2EBC}' => '肉',
        '\u{2EBE}' => '艹',
        '\u{2EC4}' => '西',
        '\u{2EC6}' => '角',
        '\u{2EC8}' => '讠',
        '\u{2ECC}' => '辶',
        '\u{2ECF}' | '\u{2ED6}' => '阝',
        '\u{2ED1}' => '長',
        '\u{2ED8}' => '青',
        '\u{2EDD}' => '食',
        '\u{2EE2}' => '饣',
        '\u{2EE4}' => '鬼',
        '\u{2EE8}' => '麦',
        '\u{2EE9}' => '黄',
        '\u{2EEB}' => '斉',
        '\u{2EED}' => '歯',
        '\u{2EEF}' => '竜',
        '\u{2EF2}' => '亀',
        '\u{46FE}' => 'の',
        '\u{FFFD}' => '\u{FFFD}',
        _ => return None,
    })
}

/// Fold one string: width, look-alikes, spaces (all runs of white space become one ASCII
/// space, trimmed at both ends).
#[must_use]
pub fn fold(s: &str) -> String {
    let mut f = Folded { out: String::with_capacity(s.len()), pending: false };
    each_run(s, &mut f, Folded::push_run, Folded::push);
    f.out
}

/// The folded string being built: white space collapsed on the fly (a run becomes one
/// ASCII space, none at either end), so folding is one pass and one allocation.
struct Folded {
    out: String,
    pending: bool,
}

impl Folded {
    #[inline]
    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.pending = !self.out.is_empty();
        } else {
            self.flush();
            self.out.push(c);
        }
    }
    /// A stretch without white space, as it is.
    #[inline]
    fn push_run(&mut self, run: &str) {
        self.flush();
        self.out.push_str(run);
    }
    #[inline]
    fn flush(&mut self) {
        if self.pending {
            self.out.push(' ');
            self.pending = false;
        }
    }
}

/// Walk `s` folded (width, look-alikes) in one pass: `run` gets each stretch of chars
/// that fold to themselves and are not white space (copied as they are), `other` every
/// other char after folding (white space included). Each char folds on its own, so the
/// fold of a text is the folds of its parts.
#[inline]
fn each_run<T>(s: &str, out: &mut T, mut run: impl FnMut(&mut T, &str), mut other: impl FnMut(&mut T, char)) {
    let mut buf = [0u8; 4];
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let kept = if c.is_ascii() { !c.is_ascii_whitespace() && c != '\u{0B}' } else { nfkc_stable(c) || is_protected(c) };
        if kept {
            continue;
        }
        if start < i {
            run(out, &s[start..i]);
        }
        start = i + c.len_utf8();
        if c.is_ascii() {
            other(out, c);
        } else if let Some(m) = lookalike(c) {
            other(out, m);
        } else {
            let single: &str = c.encode_utf8(&mut buf);
            for n in single.nfkc() {
                other(out, lookalike(n).unwrap_or(n));
            }
        }
    }
    if start < s.len() {
        run(out, &s[start..]);
    }
}

/// Characters NFKC leaves as they are (the bulk of Japanese text): a fast path.
fn nfkc_stable(c: char) -> bool {
    matches!(c as u32, 0x3041..=0x3096 | 0x30A1..=0x30FA | 0x30FC | 0x4E00..=0x9FFF | 0x3001..=0x3002 | 0x300C..=0x300F)
}

/// Collapse runs of white space to one ASCII space and trim.
#[must_use]
pub fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending = !out.is_empty();
        } else {
            if pending {
                out.push(' ');
                pending = false;
            }
            out.push(c);
        }
    }
    out
}

/// The matching key: folded, with every white space removed.
#[must_use]
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    key_into(s, &mut out);
    out
}

/// Append the key of `s` to `out` (no intermediate folded string).
pub fn key_into(s: &str, out: &mut String) {
    each_run(
        s,
        out,
        |out, run| out.push_str(run),
        |out, c| {
            if !c.is_whitespace() {
                out.push(c);
            }
        },
    );
}

/// The key of a text that is already folded (saves folding twice): white space removed.
#[must_use]
pub fn key_of_folded(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len());
    for part in folded.split(char::is_whitespace) {
        out.push_str(part);
    }
    out
}

/// CJK ideographs, kana, CJK punctuation, full-width forms, radicals and circled numbers.
#[must_use]
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x2E80..=0x2FDF | 0x2460..=0x24FF)
}

/// Join wrapped lines of prose: no space between two Japanese characters, one space
/// between Latin words; a line starting with a list marker (・, ①…, 【, ＜, ※, (1), １　)
/// starts a new paragraph (`\n`).
pub fn join_wrapped<S: AsRef<str>>(lines: &[S]) -> String {
    let mut out = String::new();
    for l in lines {
        let t = l.as_ref().trim_matches(|c: char| c.is_whitespace());
        if t.is_empty() {
            continue;
        }
        if out.is_empty() {
            out.push_str(t);
            continue;
        }
        if starts_paragraph(t) {
            out.push('\n');
            out.push_str(t);
            continue;
        }
        let last = out.chars().last().unwrap_or(' ');
        let first = t.chars().next().unwrap_or(' ');
        if !(is_cjk(last) || is_cjk(first)) {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// Whether a line starts a new paragraph: a list marker or a number like `１　`, `1.`.
#[must_use]
pub fn starts_paragraph(t: &str) -> bool {
    let mut it = t.chars();
    let Some(c) = it.next() else {
        return false;
    };
    if matches!(c, '・' | '【' | '＜' | '<' | '※' | '■' | '◆' | '●' | '○' | '（' | '(' | '-' | '－')
        || ('\u{2460}'..='\u{2473}').contains(&c)
    {
        return true;
    }
    // "１　" or "1." style numbering at the start of a line
    if c.is_ascii_digit() || ('０'..='９').contains(&c) {
        return matches!(it.next(), Some('　' | '.' | '．' | ')' | '）' | '、'));
    }
    false
}

/// Parse a digit string in ASCII or full width.
#[must_use]
pub fn parse_digits(s: &str) -> Option<u32> {
    let f: String = fold(s);
    if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    f.parse().ok()
}

/// The number of a circled digit ① … ⑳.
#[must_use]
pub fn circled(c: char) -> Option<u32> {
    if ('\u{2460}'..='\u{2473}').contains(&c) { Some(c as u32 - 0x2460 + 1) } else { None }
}

/// The ASCII spelling of a section numeral Ⅰ … Ⅵ.
#[must_use]
pub fn roman(c: char) -> Option<&'static str> {
    Some(match c {
        'Ⅰ' => "I",
        'Ⅱ' => "II",
        'Ⅲ' => "III",
        'Ⅳ' => "IV",
        'Ⅴ' => "V",
        'Ⅵ' => "VI",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_width_and_circles() {
        assert_eq!(fold("１）　１，０００人未満"), "1) 1,000人未満");
        assert_eq!(fold("[ ◯ ]"), "[ ○ ]");
        assert_eq!(fold("[ 〇 ]"), "[ ○ ]");
        assert_eq!(fold("＜選択肢＞"), "<選択肢>");
        assert_eq!(fold("①事務の名称"), "①事務の名称");
        assert_eq!(fold("Ⅲ\u{3000}リスク"), "Ⅲ リスク");
        assert_eq!(fold("⽅法"), "方法");
        assert_eq!(fold("䛾"), "の");
        assert_eq!(fold("システム２～５"), "システム2~5");
    }

    #[test]
    fn key_drops_spaces() {
        assert_eq!(key(" 特定個人情報の提供・移転\nに関するルール "), "特定個人情報の提供・移転に関するルール");
    }

    #[test]
    fn join_japanese_without_spaces() {
        assert_eq!(join_wrapped(&["岡山市は、個人住民税", "課税事務における"]), "岡山市は、個人住民税課税事務における");
        assert_eq!(join_wrapped(&["abc", "def"]), "abc def");
        assert_eq!(join_wrapped(&["前文", "・項目", "①その次"]), "前文\n・項目\n①その次");
    }

    #[test]
    fn digits() {
        assert_eq!(parse_digits("１８"), Some(18));
        assert_eq!(parse_digits("x"), None);
        assert_eq!(circled('⑩'), Some(10));
    }
}
