//! The cover page: kind, form tag, number, title, organization, 公表日, declaration,
//! 特記事項. Found by label and by the shape of values wherever the cells landed.

use crate::lines::Line;
use crate::normalize::{fold, join_wrapped};
use regex::Regex;
use std::sync::OnceLock;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cover {
    pub kind: Option<String>,
    pub form: Option<String>,
    pub number: Option<String>,
    pub title: Option<String>,
    pub organization: Option<String>,
    pub published: Option<String>,
    pub published_raw: Option<String>,
    pub declaration: Option<String>,
    pub special_notes: Option<String>,
    /// Input line per found value, for diagnostics and keys.
    pub lines: Vec<(&'static str, usize)>,
}

pub const KINDS: [&str; 3] = ["全項目評価書", "重点項目評価書", "基礎項目評価書"];

fn re_tag() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(令和|平成)(元|\d{1,2})年(\d{1,2})月様式([234])").unwrap())
}

fn re_date() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(令和|平成)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日").unwrap())
}

fn re_org() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(長|知事|大臣|委員会|機構|基金|連合|組合|庁|省|公社|法人|協会|センター|事務所|市|町|村|区|県|都|府|道|会)$").unwrap()
    })
}

/// Convert a Japanese-era date (令和/平成, 元年, any width) to ISO 8601.
pub fn era_to_iso(s: &str) -> Option<String> {
    let k: String = fold(s).chars().filter(|c| !c.is_whitespace()).collect();
    let c = re_date().captures(&k)?;
    let base = if &c[1] == "令和" { 2018 } else { 1988 };
    let y: i32 = if &c[2] == "元" { 1 } else { c[2].parse().ok()? };
    let m: u32 = c[3].parse().ok()?;
    let d: u32 = c[4].parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(format!("{:04}-{:02}-{:02}", base + y, m, d))
}

/// The form tag as printed, normalized: `令和6年10月 様式4`.
pub fn form_tag(key: &str) -> Option<(String, char)> {
    let c = re_tag().captures(key)?;
    let n = c[4].chars().next()?;
    Some((format!("{}{}年{}月 様式{}", &c[1], &c[2], &c[3], &c[4]), n))
}

const LABELS: [&str; 8] = [
    "評価書番号",
    "評価書名",
    "個人のプライバシー等の権利利益の保護の宣言",
    "特記事項",
    "評価実施機関名",
    "公表日",
    "個人情報保護委員会承認日",
    "項目一覧",
];

fn is_label(key: &str) -> bool {
    LABELS.iter().any(|l| key.starts_with(l)) || key.contains("承認日【行政機関等のみ】") || key.starts_with("特定個人情報保護評価書(")
}

/// Read the cover from the lines before the body starts.
pub fn read_cover(lines: &[Line], all: &[Line]) -> Cover {
    let mut c = Cover::default();
    // kind: the printed title of the form, else the end of the 評価書名
    for l in all.iter().take(400) {
        for k in KINDS {
            if l.key.contains(&format!("特定個人情報保護評価書({k})")) {
                c.kind.get_or_insert_with(|| k.to_string());
                c.lines.push(("kind", l.no));
            }
        }
        if c.form.is_none()
            && let Some((tag, _)) = form_tag(&l.key) {
                c.form = Some(tag);
                c.lines.push(("form", l.no));
            }
    }
    // title: a line ending with a kind name that is not the form's own title
    for (i, l) in lines.iter().enumerate() {
        if is_label(&l.key) {
            continue;
        }
        if let Some(k) = KINDS.iter().find(|k| l.key.ends_with(*k) || l.key.ends_with(&format!("{k}(案)"))) {
            let mut parts = vec![l.text.clone()];
            // a wrapped title: the previous line is a continuation when it is not a label,
            // not a number and directly above
            if i > 0 {
                let p = &lines[i - 1];
                if p.no + 1 == l.no && !is_label(&p.key) && !p.key.chars().all(|c| c.is_ascii_digit()) && p.key.chars().count() < 40 {
                    parts.insert(0, p.text.clone());
                }
            }
            c.title = Some(join_wrapped(&parts));
            c.lines.push(("title", l.no));
            if c.kind.is_none() {
                c.kind = Some(k.to_string());
            }
            break;
        }
    }
    // number: a line of digits only (after 評価書番号 if the label is there)
    for l in lines {
        if !l.key.is_empty() && l.key.len() <= 6 && l.key.chars().all(|c| c.is_ascii_digit()) {
            c.number = Some(l.key.clone());
            c.lines.push(("number", l.no));
            break;
        }
    }
    // 公表日
    for l in lines {
        if form_tag(&l.key).is_some() {
            continue;
        }
        if let Some(m) = re_date().find(&l.key) {
            c.published_raw = Some(m.as_str().to_string());
            c.published = era_to_iso(m.as_str());
            c.lines.push(("published", l.no));
            break;
        }
    }
    // organization: the first plausible value after the label, else a lone org-shaped line
    let org_ok = |l: &Line| {
        let n = l.key.chars().count();
        (2..=40).contains(&n) && !is_label(&l.key) && re_org().is_match(&l.key) && re_date().find(&l.key).is_none()
            && !l.key.contains('。') && !l.key.contains('、')
    };
    if let Some(pos) = lines.iter().position(|l| l.key.starts_with("評価実施機関名")) {
        let rest = lines[pos].key.trim_start_matches("評価実施機関名");
        if !rest.is_empty() && org_ok(&lines[pos]) {
            c.organization = Some(fold(lines[pos].text.trim_start_matches("評価実施機関名")).trim().to_string());
            c.lines.push(("organization", lines[pos].no));
        } else {
            for l in lines.iter().skip(pos + 1).take(6) {
                if l.key.starts_with("項目一覧") {
                    break;
                }
                if org_ok(l) {
                    c.organization = Some(l.text.clone());
                    c.lines.push(("organization", l.no));
                    break;
                }
            }
        }
    }
    if c.organization.is_none() {
        let cands: Vec<&Line> = lines.iter().filter(|l| org_ok(l) && !KINDS.iter().any(|k| l.key.ends_with(k))).collect();
        if cands.len() == 1 {
            c.organization = Some(cands[0].text.clone());
            c.lines.push(("organization", cands[0].no));
        }
    }
    // declaration: the block of prose that contains 宣言
    if let Some(end) = lines.iter().position(|l| !is_label(&l.key) && (l.key.contains("宣言する") || l.key.contains("宣言す"))) {
        let mut start = end;
        while start > 0 {
            let p = &lines[start - 1];
            if p.no + 1 != lines[start].no || is_label(&p.key) || p.key.chars().count() < 12 {
                break;
            }
            start -= 1;
        }
        let mut stop = end + 1;
        while stop < lines.len() && lines[stop].no == lines[stop - 1].no + 1 && !is_label(&lines[stop].key) && lines[stop].key.chars().count() < 4 {
            stop += 1;
        }
        let parts: Vec<&str> = lines[start..stop].iter().map(|l| l.raw.as_str()).collect();
        c.declaration = Some(join_wrapped(&parts).replace('\u{2029}', "\n"));
        c.lines.push(("declaration", lines[start].no));
    }
    // 特記事項: on the label's line, or the block right below it
    if let Some(pos) = lines.iter().position(|l| l.key.starts_with("特記事項")) {
        let l = &lines[pos];
        let inline = l.text.trim_start_matches("特記事項").trim().to_string();
        if !inline.is_empty() {
            c.special_notes = Some(inline);
        } else {
            let mut parts = Vec::new();
            let mut prev = l.no;
            for n in &lines[pos + 1..] {
                if n.no != prev + 1 || is_label(&n.key) || form_tag(&n.key).is_some() {
                    break;
                }
                parts.push(n.raw.as_str());
                prev = n.no;
            }
            if !parts.is_empty() {
                c.special_notes = Some(join_wrapped(&parts));
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_dates() {
        assert_eq!(era_to_iso("令和3年12月17日").as_deref(), Some("2021-12-17"));
        assert_eq!(era_to_iso("令和元年５月１日").as_deref(), Some("2019-05-01"));
        assert_eq!(era_to_iso("平成２７年 ６月 ４日").as_deref(), Some("2015-06-04"));
        assert_eq!(era_to_iso("平成27年13月4日"), None);
    }

    #[test]
    fn tags() {
        assert_eq!(form_tag(&crate::normalize::key("[令和６年10月　様式４]")).unwrap().0, "令和6年10月 様式4");
        assert_eq!(form_tag(&crate::normalize::key("[ 平 成 26 年 4 月 様 式 4]")).unwrap().0, "平成26年4月 様式4");
    }
}
