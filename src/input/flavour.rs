//! Flavours of published text dumps, detected per document, and the repairs that undo the
//! ones that keep their information:
//! - `spaced`: every CJK character followed by a space → spaces between CJK removed;
//! - `doubled`: bold-by-overprint lines `A( A(B) B)` → `A(B)`;
//! - `flattened`: whole pages on one line → cut back into cells at spaces, keeping bracket
//!   groups (`[ ○ ] label`, `[ value`) and option numbering (`1） value`) together;
//! - `marks_lost`: no bracket anywhere → checkbox marks cannot be read (diagnostic);
//! - `glyphs_lost`: CID fonts without `ToUnicode` dropped ideographs → texts are not trusted.
//!
//! Everything here is detection by the shape of the text, never by a document's identity.

use crate::diag::{Code, Diag};
use crate::normalize::{is_cjk, key, key_into};

/// Characters of the text sampled for detection (enough for any form's first pages).
const DETECT_SAMPLE_CHARS: usize = 400_000;
/// Fewer ideographs than this say nothing about spacing.
const SPACED_MIN_IDEOGRAPHS: usize = 50;
/// Tenths of the ideographs that must be followed by a space and another ideograph.
const SPACED_SHARE_TENTHS: usize = 6;
/// A flattened line is longer than this (chars) …
const FLAT_LINE_MIN_CHARS: usize = 150;
/// … and holds at least this many spaces (many cells).
const FLAT_LINE_MIN_SPACES: usize = 8;
/// Tenths of the text (bytes) that must stand in flattened lines.
const FLAT_SHARE_TENTHS: usize = 5;
/// Option lists (`選択肢`) that make the text a form whose marks could be lost.
const MARKS_MIN_OPTION_LISTS: usize = 2;
/// Option lists plus brackets that show the form's skeleton survived.
const GLYPHS_MIN_SKELETON: usize = 3;
/// A doubled heading has at least two spaces (between its three parts) …
const DOUBLED_MIN_SPACES: usize = 2;
/// … and at most this many: a line with more is prose or a flattened page.
const DOUBLED_MAX_SPACES: usize = 12;
/// Shorter lines (chars) are not doubled headings.
const DOUBLED_MIN_CHARS: usize = 8;
/// Longer lines (bytes) are not doubled headings.
const DOUBLED_MAX_BYTES: usize = 600;
/// The repeated middle part of a doubled heading has at least this many chars of key.
const DOUBLED_MIN_MIDDLE_CHARS: usize = 4;
/// A cell that ends in a box and is shorter than this (bytes of key) is a box label that a
/// following `(…)` token continues.
const BOX_LABEL_MAX_BYTES: usize = 80;

/// The flavours detected in one document (and the lines `undouble` repaired).
#[derive(Debug, Clone, Default, PartialEq)]
#[expect(clippy::struct_excessive_bools, reason = "independent detections, each a flag of the record's flavour")]
pub struct Flavour {
    pub spaced: bool,
    pub flattened: bool,
    /// Lines read once that were printed twice.
    pub doubled_lines: usize,
    pub marks_lost: bool,
    pub glyphs_lost: bool,
}

impl Flavour {
    /// The record's flavour names, in a fixed order.
    #[must_use]
    pub fn names(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.spaced {
            v.push("spaced");
        }
        if self.flattened {
            v.push("flattened");
        }
        if self.doubled_lines > 0 {
            v.push("doubled");
        }
        if self.marks_lost {
            v.push("marks_lost");
        }
        if self.glyphs_lost {
            v.push("glyphs_lost");
        }
        v
    }
}

/// The diagnostics of a document's flavours: spaced, doubled, flattened, marks, glyphs.
#[must_use]
pub fn diags(fl: &Flavour) -> Vec<Diag> {
    let mut diags = Vec::new();
    if fl.spaced {
        diags.push(Diag::new(Code::SpacedText, "every character was followed by a space; spaces between Japanese characters were removed"));
    }
    if fl.doubled_lines > 0 {
        diags.push(Diag::new(Code::DoubledText, format!("{} line(s) printed twice (bold by overprint) were read once", fl.doubled_lines)));
    }
    if fl.flattened {
        diags.push(Diag::new(
            Code::FlattenedText,
            "pages were flattened onto single lines; cells were cut apart at spaces, and placement is less certain",
        ));
    }
    if fl.marks_lost {
        diags.push(Diag::new(Code::MarksUnrecoverable, "the dump has no brackets: checkbox marks cannot be read and are null"));
    }
    if fl.glyphs_lost {
        diags.push(Diag::new(Code::GlyphsMissing, "ideographs are missing (a font without ToUnicode): free texts are not trusted and are null; only values equal to a known option are kept"));
    }
    diags
}

fn is_ideo(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x3040..=0x30FF)
}

/// Detect the document-wide flavours from the whole text.
#[must_use]
pub fn detect(text: &str) -> Flavour {
    let sample = match text.char_indices().nth(DETECT_SAMPLE_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    let k = key(sample);
    Flavour {
        spaced: is_spaced(sample),
        flattened: is_flattened(text),
        doubled_lines: 0,
        marks_lost: marks_lost(&k),
        glyphs_lost: glyphs_lost(&k),
    }
}

/// Most ideographs/kana are followed by one space and another one.
fn is_spaced(sample: &str) -> bool {
    let (mut ideo, mut spaced) = (0usize, 0usize);
    let mut it = sample.chars();
    let (Some(mut a), Some(mut b)) = (it.next(), it.next()) else { return false };
    for c in it {
        if is_ideo(a) {
            ideo += 1;
            if b == ' ' && is_ideo(c) {
                spaced += 1;
            }
        }
        (a, b) = (b, c);
    }
    ideo > SPACED_MIN_IDEOGRAPHS && spaced * 10 > ideo * SPACED_SHARE_TENTHS
}

/// Most of the text stands in very long lines with many cells.
fn is_flattened(text: &str) -> bool {
    let total = text.len().max(1);
    let long: usize = text
        .lines()
        .filter(|l| l.chars().count() > FLAT_LINE_MIN_CHARS && l.matches(' ').count() >= FLAT_LINE_MIN_SPACES)
        .map(str::len)
        .sum();
    long * 10 > total * FLAT_SHARE_TENTHS
}

/// A form with option lists but not one bracket (`k`: the sample's key).
fn marks_lost(k: &str) -> bool {
    // every `<選択肢>` holds a `選択肢`: counting the bare word covers both spellings
    k.matches("選択肢").count() >= MARKS_MIN_OPTION_LISTS && !k.contains('[') && !k.contains(']')
}

/// The form's most common words are never whole, though its skeleton is there.
fn glyphs_lost(k: &str) -> bool {
    let skeleton = k.matches("<選択肢>").count() + k.matches('[').count();
    let whole = k.matches("特定個人情報").count() + k.matches("評価書").count() + k.matches("措置の内容").count();
    skeleton >= GLYPHS_MIN_SKELETON && whole == 0
}

/// Remove the spaces put between CJK characters (and between CJK and digits).
#[must_use]
pub fn unspace(line: &str) -> String {
    let joinable = |x: char| is_cjk(x) || x.is_ascii_digit() || x == '(' || x == ')';
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' && i > 0 && i + 1 < chars.len() {
            let (a, b) = (chars[i - 1], chars[i + 1]);
            if joinable(a) && joinable(b) && (is_cjk(a) || is_cjk(b)) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// `A( A(B) B)` (a heading printed twice, offset) → `A(B)`; other lines unchanged.
#[must_use]
pub fn undouble(line: &str) -> Option<String> {
    let t = line.trim();
    if t.len() > DOUBLED_MAX_BYTES {
        return None;
    }
    let spaces: Vec<usize> = t.char_indices().filter(|(_, c)| *c == ' ').map(|(i, _)| i).collect();
    // headings are short: a long line with many spaces is prose or a flattened page
    if !(DOUBLED_MIN_SPACES..=DOUBLED_MAX_SPACES).contains(&spaces.len())
        || t.chars().count() < DOUBLED_MIN_CHARS
        || t.len() > DOUBLED_MAX_BYTES
    {
        return None;
    }
    // the key of the line once, with its offset at each space: the key of each part is a
    // slice of it (every char folds on its own)
    let mut k = String::with_capacity(t.len());
    let mut at_space = Vec::with_capacity(spaces.len());
    let mut from = 0;
    for &sp in &spaces {
        key_into(&t[from..sp], &mut k);
        at_space.push(k.len());
        from = sp + 1;
    }
    key_into(&t[from..], &mut k);
    for (a_i, &a) in spaces.iter().enumerate() {
        for (b_i, &b) in spaces.iter().enumerate().skip(a_i + 1) {
            if a == 0 || b + 1 == t.len() {
                continue;
            }
            // key(mid) == key(pre) + key(post): the middle is half the key
            let (ka, kb) = (at_space[a_i], at_space[b_i]);
            if 2 * (kb - ka) != k.len() {
                continue;
            }
            let km = &k[ka..kb];
            if km.chars().count() >= DOUBLED_MIN_MIDDLE_CHARS && km.starts_with(&k[..ka]) && km[ka..] == k[kb..] {
                return Some(t[a + 1..b].to_string());
            }
        }
    }
    None
}

/// Cut a flattened line into cells at ASCII spaces, keeping bracket groups together.
#[must_use]
pub fn unflatten(line: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tok in line.split(' ').filter(|t| !t.is_empty()) {
        match out.last_mut() {
            Some(cur) if continues(&key(cur), &key(tok)) => {
                cur.push(' ');
                cur.push_str(tok);
            }
            _ => out.push(tok.to_string()),
        }
    }
    out
}

/// Whether a token (key `tk`) belongs to the cell before it (key `ck`): the cell is an open
/// bracket group or option number, or the token closes or continues it.
fn continues(ck: &str, tk: &str) -> bool {
    let cur_open = ck.ends_with('[') || ck.ends_with('(') || (ck.ends_with('○') && ck.contains('['));
    let cur_num = {
        let mut it = ck.chars().rev();
        matches!((it.next(), it.next()), (Some(')'), Some(d)) if d.is_ascii_digit())
    };
    let cur_box = ck.ends_with(']') && ck.contains('[');
    let box_label = !ck.is_empty() && ck.len() < BOX_LABEL_MAX_BYTES && ck.contains(']');
    let tok_cont = tk.starts_with(']') || tk == "○" || tk.starts_with(')') || (tk.starts_with('(') && box_label);
    cur_open || cur_num || cur_box || tok_cont
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaced_text() {
        assert_eq!(unspace("特 定 個 人 情 報 保 護 評 価 書 ( 重 点 項 目 評 価 書 )"), "特定個人情報保護評価書(重点項目評価書)");
        assert_eq!(unspace("平成 26 年 4 月様式 4"), "平成26年4月様式4");
        assert_eq!(unspace("[ ○ ] 宛名システム等"), "[ ○ ] 宛名システム等");
        let d = detect(&"特 定 個 人 情 報 保 護 評 価 書 ".repeat(20));
        assert!(d.spaced);
    }

    #[test]
    fn doubled_heading() {
        assert_eq!(
            undouble("特定個人情報保護評価書( 特定個人情報保護評価書(全項目評価書) 全項目評価書)").as_deref(),
            Some("特定個人情報保護評価書(全項目評価書)")
        );
        assert_eq!(undouble("リスクへの対策は十分か [ 十分である"), None);
    }

    #[test]
    fn flattened_cells() {
        assert_eq!(
            unflatten(
                "③他のシステムとの接続 [ ○ ] 宛名システム等 [ ] 税務システム リスクへの対策は十分か [ 十分である ＜選択肢＞ 1） 特に力を入れている"
            ),
            vec![
                "③他のシステムとの接続",
                "[ ○ ] 宛名システム等",
                "[ ] 税務システム",
                "リスクへの対策は十分か",
                "[ 十分である",
                "＜選択肢＞",
                "1） 特に力を入れている"
            ]
        );
    }

    #[test]
    fn marks_and_glyphs() {
        assert!(detect(&"①実施の有無 実施する ＜選択肢＞ 1） 実施する\n".repeat(5)).marks_lost);
        assert!(detect(&"[ 成 様式 ] ＜選択肢＞ 民基 帳ネ ワ [ ]\n".repeat(5)).glyphs_lost);
        assert!(!detect(&"特定個人情報 [ ○ ] ＜選択肢＞\n".repeat(5)).glyphs_lost);
    }

    #[test]
    fn flattened_detection() {
        let page = "①事務の名称 住民基本台帳に関する事務 ②事務の内容 住民票の写しの交付 [ ○ ] 宛名システム等 [ ] 税務システム ＜選択肢＞ 1） 特に力を入れている 2） 十分である 3） 課題が残されている";
        let flat = format!("{}\n", [page; 3].join(" "));
        assert!(detect(&flat).flattened);
        assert!(!detect(&page.replace(' ', "\n")).flattened);
    }

    #[test]
    fn diags_in_fixed_order() {
        let all = Flavour { spaced: true, flattened: true, doubled_lines: 2, marks_lost: true, glyphs_lost: true };
        let codes: Vec<Code> = diags(&all).iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::SpacedText, Code::DoubledText, Code::FlattenedText, Code::MarksUnrecoverable, Code::GlyphsMissing]);
        assert_eq!(diags(&all)[1].message, "2 line(s) printed twice (bold by overprint) were read once");
        assert!(diags(&Flavour::default()).is_empty());
        assert_eq!(all.names(), ["spaced", "flattened", "doubled", "marks_lost", "glyphs_lost"]);
    }
}
