//! The 別添 tables after the body: 特定個人情報ファイル記録項目 (one list of items per file)
//! and 変更箇所 (one row per change, by its date, item and 提出時期).

use crate::diag::{Code, Diag, Warned};
use crate::form::Template;
use crate::form::{AnnexKind, Body};
use crate::input::Line;
use crate::normalize::{join_wrapped, roman};
use regex::Regex;
use std::sync::OnceLock;

/// The annex tables, before serialization.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables {
    pub record_items: Vec<Vec<String>>,
    pub changes: Vec<Change>,
}

/// One row of 別添 変更箇所.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    pub date: Option<String>,
    pub item: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub timing: Option<String>,
    pub reason: Option<String>,
}

/// A 記録項目 list is read at most this many lines past its heading.
const RECORD_ITEMS_MAX_LINES: usize = 400;
/// A change's item wraps over at most this many lines.
const CHANGE_ITEM_MAX_LINES: usize = 5;
/// A change's explanation (①…の変更) wraps over at most this many lines.
const CHANGE_REASON_MAX_LINES: usize = 4;

/// Read the annex tables: 記録項目 under its headings, 変更箇所 after the body.
#[must_use]
pub fn read(t: &Template, lines: &[Line], body: &Body) -> Warned<Tables> {
    let mut tables = Tables::default();
    for &(kind, at) in &body.annexes {
        if kind == AnnexKind::RecordItems {
            tables.record_items.extend(record_items(&lines[at + 1..]));
        }
    }
    if body.range.end < lines.len() {
        tables.changes = changes(t, &lines[body.range.end + 1..]);
    }
    let mut diags = Vec::new();
    if !tables.changes.is_empty() {
        diags.push(Diag::new(
            Code::ChangesPartial,
            format!(
                "{} 変更箇所 row(s) read by date, item and 提出時期; 変更前/変更後 run together in a dump and are null",
                tables.changes.len()
            ),
        ));
    }
    Warned::new(tables, diags)
}

/// Where a 記録項目 list ends: the next section or annex, a reference to a separate
/// attachment (別紙参照), or prose of another part of the form.
fn ends_record_items(k: &str) -> bool {
    k.chars().next().and_then(roman).is_some()
        || k.starts_with("(別添")
        || (k.contains("別紙") && k.contains("参照"))
        || k.contains('。')
        || k.starts_with(['・', '<', '※'])
        || k.contains("リスク")
        || k.contains("措置")
}

/// 別添 記録項目: one list per file (split at 【…】 headings), items split at 、 and ,.
fn record_items(lines: &[Line]) -> Vec<Vec<String>> {
    let mut files: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut text_lines: Vec<&str> = Vec::new();
    for l in lines.iter().take(RECORD_ITEMS_MAX_LINES) {
        if ends_record_items(&l.key) {
            break;
        }
        if l.key.starts_with('【') && l.key.ends_with('】') {
            cur.extend(split_items(&join_wrapped(&text_lines)));
            text_lines.clear();
            if !cur.is_empty() {
                files.push(std::mem::take(&mut cur));
            }
            continue;
        }
        text_lines.push(l.raw.as_str());
    }
    cur.extend(split_items(&join_wrapped(&text_lines)));
    if !cur.is_empty() {
        files.push(cur);
    }
    files
}

fn split_items(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', '\n'])
        .map(|x| {
            let x = x.trim();
            // drop "12." numbering
            let digits = x.chars().take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c)).count();
            let rest: String = x.chars().skip(digits).collect();
            if digits > 0 { rest.trim_start_matches(['.', '．', ')', '）']).trim().to_string() } else { x.to_string() }
        })
        .filter(|x| !x.is_empty() && !x.contains('\u{FFFD}'))
        .collect()
}

fn date_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^(令和|平成)(元|\d{1,2})年\d{1,2}月\d{1,2}日").expect("valid regex"))
}

/// The 提出時期 a line ends with (事前/事後), which closes a row.
fn timing_of(k: &str) -> Option<&'static str> {
    ["事後", "事前"].into_iter().find(|t| k.ends_with(t))
}

/// 別添 変更箇所: one row per change, cut at its 提出時期 (事前/事後). The date, the item and
/// the 提出時期 and its explanation are read by their shape; 変更前/変更後 are two free texts
/// side by side that a dump runs together, so they stay null here.
fn changes(t: &Template, lines: &[Line]) -> Vec<Change> {
    let mut label_ends: Vec<&str> =
        t.fields.iter().flat_map(|f| f.keys.iter()).chain(t.items.iter().flat_map(|i| i.keys.iter())).map(String::as_str).collect();
    label_ends.sort_unstable();
    label_ends.dedup();
    let mut rows = Vec::new();
    let mut cur: Vec<&Line> = Vec::new();
    for l in lines {
        if l.key.contains("変更前の記載") {
            continue;
        }
        cur.push(l);
        // an explanation printed after the timing still belongs to this row
        if timing_of(&l.key).is_some()
            && let Some(c) = change_row(&cur, &label_ends)
        {
            rows.push(c);
            cur.clear();
        }
    }
    rows.extend(change_row(&cur, &label_ends));
    rows
}

/// One row from its lines: none without a date.
fn change_row(cur: &[&Line], label_ends: &[&str]) -> Option<Change> {
    let date_at = cur.iter().position(|l| date_re().is_match(&l.key))?;
    let date = date_re().find(&cur[date_at].key).map(|m| m.as_str().to_string());
    let timing = cur.iter().rev().find_map(|l| timing_of(&l.key)).map(str::to_string);
    Some(Change { date, item: change_item(&cur[date_at + 1..], label_ends), before: None, after: None, timing, reason: change_reason(cur) })
}

/// The item: the lines from a section numeral up to the first that ends with a label of the
/// form (a wrapped item; no end found: no item).
fn change_item(after_date: &[&Line], label_ends: &[&str]) -> Option<String> {
    let s = after_date.iter().position(|l| l.key.chars().next().and_then(roman).is_some())?;
    let mut acc = String::new();
    for (k, l) in after_date[s..].iter().take(CHANGE_ITEM_MAX_LINES).enumerate() {
        acc.push_str(&l.key);
        if label_ends.iter().any(|e| acc.ends_with(e)) {
            let parts: Vec<&str> = after_date[s..=s + k].iter().map(|l| l.raw.as_str()).collect();
            return Some(join_wrapped(&parts));
        }
    }
    None
}

/// The explanation: a line `①…変更…` and its continuation up to a date or a full stop.
fn change_reason(cur: &[&Line]) -> Option<String> {
    let r = cur.iter().position(|l| matches!(l.key.chars().next(), Some('①' | '②' | '③')) && l.key.contains("変更"))?;
    let mut parts = vec![cur[r].raw.as_str()];
    for l in &cur[r + 1..] {
        if date_re().is_match(&l.key) || parts.len() >= CHANGE_REASON_MAX_LINES {
            break;
        }
        parts.push(l.raw.as_str());
        if l.key.ends_with('。') {
            break;
        }
    }
    Some(join_wrapped(&parts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::templates;

    fn lines(text: &str) -> Vec<Line> {
        text.lines().enumerate().map(|(i, t)| Line::new(i + 1, None, t.to_string())).collect()
    }

    #[test]
    fn record_items_split_per_file_and_numbering_dropped() {
        let ls = lines("【住民基本台帳ファイル】\n1.氏名、2.住所\n3.生年月日\n【宛名ファイル】\n宛名番号,個人番号\nⅢ 特定個人情報");
        assert_eq!(
            record_items(&ls),
            vec![vec!["氏名".to_string(), "住所".into(), "生年月日".into()], vec!["宛名番号".to_string(), "個人番号".into()]]
        );
    }

    #[test]
    fn record_items_end_at_a_separate_attachment() {
        let ls = lines("別紙1を参照\n氏名、住所");
        assert!(record_items(&ls).is_empty());
    }

    #[test]
    fn change_rows_by_date_item_and_timing() {
        let t = &templates().forms.iter().find(|t| t.form == "様式4").expect("様式4");
        let ls = lines(
            "令和2年4月1日\nⅠ 基本情報\n1.特定個人情報ファイルを取り扱う事務\n①事務の名称\n旧\n新\n事前\n①組織変更のため\n平成30年5月1日\n事後",
        );
        let rows = changes(t, &ls);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].date.as_deref(), Some("令和2年4月1日"));
        assert_eq!(rows[0].timing.as_deref(), Some("事前"));
        assert_eq!(rows[1].date.as_deref(), Some("平成30年5月1日"));
        assert_eq!(rows[1].timing.as_deref(), Some("事後"));
        assert!(rows.iter().all(|r| r.before.is_none() && r.after.is_none()));
    }

    #[test]
    fn no_date_no_row() {
        let t = &templates().forms[0];
        assert!(changes(t, &lines("Ⅰ 基本情報\n事前")).is_empty());
    }
}
