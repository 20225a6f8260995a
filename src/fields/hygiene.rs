//! Value hygiene: a text value must not be, or end with, a piece of its neighbours. A value
//! that is only brackets or punctuation, a group or section heading, or an option word of a
//! choice list of its section is not the field's value (null + `value_fragment`); range headings
//! glued to its end (`随時提供先6～10提供先11～15`) and a parenthesised line left open below
//! it (the （ ） detail of a checkbox printed beside it) are cut.

use crate::form::template::{FieldKind, Template, Templates};
use crate::normalize::key;

/// What hygiene did to a value: kept as it was, cut (the part kept and what was cut), or
/// dropped (why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Clean {
    Kept(String),
    Cut { kept: String, seen: String },
    Dropped(String),
}

/// Characters that alone make no value (dashes are a value: the form's "none").
fn is_punct(c: char) -> bool {
    c.is_whitespace() || "()（）[]［］「」『』【】<>＜＞、。，．,.・:：;；\"'".contains(c)
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// The length in bytes of a range heading `NAME<n>～<m>` ending `s`, if one does.
fn trailing_range_heading(s: &str, names: &[&str]) -> Option<usize> {
    let mut chars: Vec<(usize, char)> = s.char_indices().collect();
    let take_digits = |chars: &mut Vec<(usize, char)>| {
        let mut n = 0;
        while chars.last().is_some_and(|(_, c)| is_digit(*c)) {
            chars.pop();
            n += 1;
        }
        n
    };
    if take_digits(&mut chars) == 0 {
        return None;
    }
    if !chars.pop().is_some_and(|(_, c)| matches!(c, '～' | '~' | '〜' | '-' | '－')) {
        return None;
    }
    if take_digits(&mut chars) == 0 {
        return None;
    }
    let head = chars.last().map_or(0, |&(i, c)| i + c.len_utf8());
    names.iter().find(|n| s[..head].ends_with(**n)).map(|n| s.len() - (head - n.len()))
}

/// The names of the form's repeated groups (システム, 委託事項, 提供先, 移転先).
fn group_names(t: &Template) -> Vec<&str> {
    t.groups.iter().filter(|g| g.repeated).map(|g| g.name.as_str()).collect()
}

/// An option word of a choice list of the section `section` (`十分に行っている`, `定めている`:
/// answers, never a description; a checkbox option names a thing, which a text may name too).
fn option_word_of_section(tpls: &Templates, t: &Template, section: usize, k: &str) -> bool {
    t.fields.iter().filter(|f| f.section == section).any(|f| match f.kind {
        FieldKind::Choice(l) => tpls.list(l).options.iter().any(|o| o.key == k),
        _ => false,
    })
}

/// A section heading of the form (`Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策`).
fn is_section_heading(t: &Template, k: &str) -> bool {
    t.sections.iter().any(|s| {
        let rest = k.trim_start_matches(|c: char| ('Ⅰ'..='Ⅻ').contains(&c) || matches!(c, 'I' | 'V' | 'X') || c == '.');
        !s.key.is_empty() && rest.starts_with(&s.key) && rest.len() <= s.key.len() + 3
    })
}

/// A line after the first that opens a parenthesis the rest of the value never closes:
/// the detail of a box beside the field, not its value. The byte offset of that line.
fn open_paren_line(v: &str) -> Option<usize> {
    let mut off = 0;
    for (n, line) in v.split('\n').enumerate() {
        let t = line.trim_start();
        if n > 0 && (t.starts_with('（') || t.starts_with('(')) {
            let rest = &v[off..];
            let opens = rest.matches(['（', '(']).count();
            let closes = rest.matches(['）', ')']).count();
            if closes < opens {
                return Some(off);
            }
        }
        off += line.len() + 1;
    }
    None
}

/// Particles and closing marks no Japanese sentence starts with: a value beginning with one
/// is the rest of a wrapped sentence whose start was printed elsewhere (a dump that puts the
/// label beside the middle line of its value cell).
const CONTINUATION_STARTS: &[char] = &['を', 'が', '、', '。', '）', ')', '」', '】'];

/// Clean a text value of field `field` (a template field index).
pub(super) fn clean(tpls: &Templates, t: &Template, field: usize, value: String) -> Clean {
    if value.chars().all(is_punct) {
        return Clean::Dropped(format!("「{value}」 is only brackets or punctuation"));
    }
    if value.trim_start().starts_with(CONTINUATION_STARTS) {
        return Clean::Dropped(format!("「{value}」 begins mid-sentence: its start is printed away from the label"));
    }
    let k = key(&value);
    if is_section_heading(t, &k) {
        return Clean::Dropped(format!("「{value}」 is a section heading"));
    }
    if option_word_of_section(tpls, t, t.fields[field].section, &k) {
        return Clean::Dropped(format!("「{value}」 is an option word of a list of this section"));
    }
    let names = group_names(t);
    let mut kept = value.trim_end().to_string();
    while let Some(n) = trailing_range_heading(&kept, &names) {
        kept.truncate(kept.len() - n);
        kept = kept.trim_end().to_string();
    }
    if let Some(off) = open_paren_line(&kept) {
        kept.truncate(off);
        kept = kept.trim_end().to_string();
    }
    if kept.chars().all(is_punct) {
        return Clean::Dropped(format!("「{value}」 is a group heading or brackets"));
    }
    if kept == value.trim_end() {
        Clean::Kept(value)
    } else {
        let seen = value.trim_end()[kept.len()..].trim().to_string();
        Clean::Cut { kept, seen }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::templates;

    fn form(f: &str) -> &'static Template {
        templates().by_form(f).unwrap()
    }

    /// The first field of `t` whose path starts with `path` and whose label is `label`.
    fn field(t: &Template, path: &[&str], label: &str) -> usize {
        (0..t.fields.len())
            .find(|&i| {
                let p = t.path(i, Some(1));
                t.fields[i].labels.iter().any(|l| l == label) && p.iter().zip(path).all(|(a, b)| a == b)
            })
            .unwrap_or_else(|| panic!("{path:?} {label}"))
    }

    #[test]
    fn glued_range_headings_are_cut() {
        let t = form("様式3");
        let f = field(t, &["II", "5"], "時期・頻度");
        let c = clean(templates(), t, f, "随時提供先6～10提供先11～15提供先16～20".into());
        assert_eq!(c, Clean::Cut { kept: "随時".into(), seen: "提供先6～10提供先11～15提供先16～20".into() });
        let c = clean(templates(), t, f, "移転先2～5移転先6～10".into());
        assert!(matches!(c, Clean::Dropped(_)), "{c:?}");
        let c = clean(templates(), t, f, "提供先11～15".into());
        assert!(matches!(c, Clean::Dropped(_)), "{c:?}");
        // a value that merely holds a number range stays
        let c = clean(templates(), t, f, "毎月1～5日".into());
        assert_eq!(c, Clean::Kept("毎月1～5日".into()));
    }

    #[test]
    fn a_value_that_begins_mid_sentence_is_no_value() {
        let t = form("様式4");
        let f = field(t, &["II", "3"], "入手に係る妥当性");
        assert!(matches!(clean(templates(), t, f, "を収集する必要がある。".into()), Clean::Dropped(_)));
        assert!(matches!(clean(templates(), t, f, "課税資料を収集する必要がある。".into()), Clean::Kept(_)));
    }

    #[test]
    fn brackets_alone_are_no_value() {
        let t = form("様式3");
        let f = field(t, &["II", "5"], "時期・頻度");
        for v in ["（", "）", "[ ]", "、"] {
            assert!(matches!(clean(templates(), t, f, v.into()), Clean::Dropped(_)), "{v}");
        }
        // a dash is the form's way to say "none": kept
        assert_eq!(clean(templates(), t, f, "－".into()), Clean::Kept("－".into()));
    }

    #[test]
    fn option_words_and_section_headings_are_no_value() {
        let t = form("様式4");
        let f = field(t, &["IV"], "その他のリスク対策");
        assert!(matches!(clean(templates(), t, f, "十分に行っている".into()), Clean::Dropped(_)));
        let f3 = field(t, &["III", "4"], "規定の内容");
        assert!(matches!(clean(templates(), t, f3, "定めている".into()), Clean::Dropped(_)));
        // a checkbox option names a thing a text may name too
        let f1 = field(t, &["I", "2"], "システムの名称");
        let v = "住民基本台帳ネットワークシステム";
        assert_eq!(clean(templates(), t, f1, v.into()), Clean::Kept(v.into()));
        // a sentence holding the option word is a value
        let v = "規定を定めている。";
        assert_eq!(clean(templates(), t, f3, v.into()), Clean::Kept(v.into()));
        let h = "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策";
        assert!(matches!(clean(templates(), t, f3, h.into()), Clean::Dropped(_)));
    }

    #[test]
    fn an_open_parenthesis_below_is_a_neighbours_detail() {
        let t = form("様式4");
        let f = field(t, &["II", "2"], "事務担当部署");
        let v = "財政局税務部課税管理課\n（料金課、区政推進課、介護保険課、こころの健康センター等";
        assert_eq!(
            clean(templates(), t, f, v.into()),
            Clean::Cut {
                kept: "財政局税務部課税管理課".into(), seen: "（料金課、区政推進課、介護保険課、こころの健康センター等".into()
            }
        );
        // closed on its line: part of the value
        let v = "財政局税務部課税管理課\n（料金課）";
        assert_eq!(clean(templates(), t, f, v.into()), Clean::Kept(v.into()));
    }
}
