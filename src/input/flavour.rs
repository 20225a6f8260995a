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

use crate::normalize::{is_cjk, key};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flavour {
    pub spaced: bool,
    pub flattened: bool,
    pub doubled_lines: usize,
    pub marks_lost: bool,
    pub glyphs_lost: bool,
}

impl Flavour {
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

fn is_ideo(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x3040..=0x30FF)
}

/// Detect the document-wide flavours from the whole text.
#[must_use]
pub fn detect(text: &str) -> Flavour {
    let mut f = Flavour::default();
    // spaced: most ideographs/kana are followed by one space and another one
    let chars: Vec<char> = text.chars().take(400_000).collect();
    let (mut ideo, mut spaced) = (0usize, 0usize);
    for w in chars.windows(3) {
        if is_ideo(w[0]) {
            ideo += 1;
            if w[1] == ' ' && is_ideo(w[2]) {
                spaced += 1;
            }
        }
    }
    f.spaced = ideo > 50 && spaced * 10 > ideo * 6;
    // flattened: most of the text stands in very long lines with many labels
    let total = text.len().max(1);
    let long: usize = text.lines().filter(|l| l.chars().count() > 150 && l.matches(' ').count() >= 8).map(str::len).sum();
    f.flattened = long * 10 > total * 5;
    // marks lost: a form with option lists but not one bracket
    let k = key(&text.chars().take(400_000).collect::<String>());
    let has_lists = k.matches("<選択肢>").count() >= 2 || k.matches("選択肢").count() >= 2;
    f.marks_lost = has_lists && !k.contains('[') && !k.contains(']');
    // glyphs lost: the form's most common words are never whole, though its skeleton is there
    let skeleton = k.matches("<選択肢>").count() + k.matches('[').count();
    let whole = k.matches("特定個人情報").count() + k.matches("評価書").count() + k.matches("措置の内容").count();
    f.glyphs_lost = skeleton >= 3 && whole == 0;
    f
}

/// Remove the spaces put between CJK characters (and between CJK and digits).
#[must_use]
pub fn unspace(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' && i > 0 && i + 1 < chars.len() {
            let (a, b) = (chars[i - 1], chars[i + 1]);
            let joinable = |x: char| is_cjk(x) || x.is_ascii_digit() || x == '(' || x == ')';
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
    let spaces: Vec<usize> = t.char_indices().filter(|(_, c)| *c == ' ').map(|(i, _)| i).collect();
    // headings are short: a long line with many spaces is prose or a flattened page
    if spaces.len() < 2 || spaces.len() > 12 || t.chars().count() < 8 || t.len() > 600 {
        return None;
    }
    for (a_i, &a) in spaces.iter().enumerate() {
        for &b in &spaces[a_i + 1..] {
            let (pre, mid, post) = (&t[..a], &t[a + 1..b], &t[b + 1..]);
            if pre.is_empty() || post.is_empty() {
                continue;
            }
            let km = key(mid);
            if km.chars().count() >= 4 && km == format!("{}{}", key(pre), key(post)) {
                return Some(mid.to_string());
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
        let join = match out.last() {
            None => false,
            Some(cur) => {
                let ck = key(cur);
                let tk = key(tok);
                let cur_open = ck.ends_with('[') || ck.ends_with('(') || (ck.ends_with('○') && ck.contains('['));
                let cur_num = {
                    let mut it = ck.chars().rev();
                    matches!((it.next(), it.next()), (Some(')'), Some(d)) if d.is_ascii_digit())
                };
                let cur_box = ck.ends_with(']') && ck.contains('[');
                let tok_cont = tk.starts_with(']')
                    || tk == "○"
                    || tk.starts_with(')')
                    || tk.starts_with('(') && ck.len() < 80 && !ck.is_empty() && cur_box_label(&ck);
                cur_open || cur_num || cur_box || tok_cont
            }
        };
        if join {
            let cur = out.last_mut().expect("joined to a cell");
            cur.push(' ');
            cur.push_str(tok);
        } else {
            out.push(tok.to_string());
        }
    }
    out
}

fn cur_box_label(ck: &str) -> bool {
    ck.contains(']')
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
}
