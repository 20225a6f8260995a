//! The cover page: kind, form tag, number, title, organization, 公表日, declaration,
//! 特記事項. Found by label and by the shape of values wherever the cells landed.

use crate::input::Line;
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
#[must_use]
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

/// The date as printed in the line (raw widths kept).
fn date_as_printed(text: &str) -> String {
    // find the span in the raw text whose key is the date
    let k: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let folded = fold(&k);
    match re_date().find(&folded) {
        Some(m) => {
            let start = folded[..m.start()].chars().count();
            let len = m.as_str().chars().count();
            k.chars().skip(start).take(len).collect()
        }
        None => k,
    }
}

/// The form tag as printed, normalized: `令和6年10月 様式4`.
#[must_use]
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
    LABELS.iter().any(|l| key.starts_with(l))
        || key.contains("承認日【行政機関等のみ】")
        || key.starts_with("特定個人情報保護評価書(")
        // the 承認日 label cut into its cells: 個人情報保護委員会 / 承認日 / 【行政機関等のみ】
        || matches!(key, "個人情報保護委員会" | "特定個人情報保護委員会" | "承認日")
        || key.starts_with("【行政機関等")
}

/// Local governments are not 行政機関等: their covers have no 承認日.
fn local_government(org: &str) -> bool {
    let k: String = org.chars().filter(|c| !c.is_whitespace()).collect();
    ["市長", "町長", "村長", "区長", "知事", "広域連合長", "市", "町", "村", "教育委員会"].iter().any(|s| k.ends_with(s))
}

/// Read the cover from the lines before the body starts.
pub fn read_cover(lines: &[Line], all: &[Line]) -> Cover {
    let mut c = Cover::default();
    // kind: the printed title of the form, else the end of the 評価書名
    for l in all.iter().take(400) {
        for k in KINDS {
            if l.key.contains(&format!("特定個人情報保護評価書({k})")) {
                c.kind.get_or_insert_with(|| k.to_string());
            }
        }
        if c.form.is_none()
            && let Some((tag, _)) = form_tag(&l.key)
        {
            c.form = Some(tag);
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
                // a title cell wrapped before its kind name may stand a blank line above
                let reach = if KINDS.iter().any(|k| l.key == *k || l.key == format!("{k}(案)")) { 3 } else { 1 };
                if p.no + reach >= l.no
                    && !is_label(&p.key)
                    && re_date().find(&p.key).is_none()
                    && !p.key.chars().all(|c| c.is_ascii_digit())
                    && p.key.chars().count() < 40
                {
                    parts.insert(0, p.text.clone());
                }
            }
            c.title = Some(join_wrapped(&parts));
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
            break;
        }
    }
    // organization: the first plausible value after the label, else a lone org-shaped line
    let org_ok = |l: &Line| {
        let n = l.key.chars().count();
        (2..=40).contains(&n)
            && !is_label(&l.key)
            && re_org().is_match(&l.key)
            && re_date().find(&l.key).is_none()
            && !l.key.contains('。')
            && !l.key.contains('、')
    };
    if let Some(pos) = lines.iter().position(|l| l.key.starts_with("評価実施機関名")) {
        let rest = lines[pos].key.trim_start_matches("評価実施機関名");
        if !rest.is_empty() && org_ok(&lines[pos]) {
            c.organization = Some(fold(lines[pos].text.trim_start_matches("評価実施機関名")).trim().to_string());
        } else {
            for l in lines.iter().skip(pos + 1).take(6) {
                if l.key.starts_with("項目一覧") {
                    break;
                }
                if org_ok(l) {
                    c.organization = Some(l.text.clone());
                    break;
                }
            }
        }
    }
    if c.organization.is_none() {
        let cands: Vec<&Line> = lines.iter().filter(|l| org_ok(l) && !KINDS.iter().any(|k| l.key.ends_with(k))).collect();
        if cands.len() == 1 {
            c.organization = Some(cands[0].text.clone());
        }
    }
    // 公表日: the covers of 様式4 also print a 承認日; dates follow their labels in order
    let dates: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| form_tag(&l.key).is_none() && !is_label(&l.key))
        .filter_map(|(i, l)| re_date().find(&l.key).map(|_| (i, date_as_printed(&l.text))))
        .collect();
    let pub_label = lines.iter().position(|l| l.key.starts_with("公表日"));
    let appr_label = lines.iter().position(|l| l.key.contains("承認日"));
    let chosen: Option<usize> = match (pub_label, appr_label) {
        (_, None) => dates.first().map(|d| d.0),
        (Some(p), Some(a)) => {
            if dates.len() >= 2 {
                // as many dates as labels: the order of the labels is the order of the dates
                Some(if p < a { dates[0].0 } else { dates[1].0 })
            } else if let Some(&(d, _)) = dates.first() {
                // one date: it is the 公表日 if it stands right after that label, or if the
                // issuer is a local government (承認日 is for 行政機関等 only)
                let after = |lab: usize| d > lab && lines[lab + 1..d].iter().all(|l| l.key.is_empty());
                let local = c.organization.as_deref().is_some_and(local_government);
                if (after(p) && !after(a)) || local { Some(d) } else { None }
            } else {
                None
            }
        }
        (None, Some(_)) => None,
    };
    if let Some(i) = chosen {
        let raw = dates.iter().find(|d| d.0 == i).map(|d| d.1.clone()).unwrap_or_default();
        c.published = era_to_iso(&raw);
        c.published_raw = Some(raw);
    }
    // declaration: the block of prose that contains 宣言
    if let Some(end) = lines.iter().position(|l| !is_label(&l.key) && (l.key.contains("宣言する") || l.key.contains("宣言す"))) {
        let mut start = end;
        while start > 0 {
            let p = &lines[start - 1];
            if p.no + 1 < lines[start].no || is_label(&p.key) || p.key.chars().count() < 12 || KINDS.iter().any(|k| p.key.ends_with(k)) {
                break;
            }
            start -= 1;
        }
        let mut stop = end + 1;
        while stop < lines.len()
            && !is_label(&lines[stop].key)
            && lines[stop].key.chars().count() < 4
            && (lines[stop].no == lines[stop - 1].no + 1 || (lines[stop].no == lines[stop - 1].no && lines[stop].key.ends_with('。')))
        {
            stop += 1;
        }
        let parts: Vec<&str> = lines[start..stop].iter().map(|l| l.raw.as_str()).collect();
        c.declaration = Some(join_wrapped(&parts).replace('\u{2029}', "\n"));
    }
    // 特記事項: on the label's line, or the block right below it
    if let Some(pos) = lines.iter().position(|l| l.key.starts_with("特記事項")) {
        let l = &lines[pos];
        let inline = l.text.trim_start_matches("特記事項").trim().to_string();
        if inline.is_empty() {
            let mut parts = Vec::new();
            let mut prev = l.no;
            for n in &lines[pos + 1..] {
                if n.no > prev + 1 || is_label(&n.key) || form_tag(&n.key).is_some() {
                    break;
                }
                parts.push(n.raw.as_str());
                prev = n.no;
            }
            if !parts.is_empty() {
                c.special_notes = Some(join_wrapped(&parts));
            }
        } else {
            c.special_notes = Some(inline);
        }
    }
    labels_first(lines, &mut c);
    c
}

/// A flattened cover prints its labels first, then the values in the same order (empty
/// ones left out). Align them by shape; fill 特記事項 and the dates from that alignment.
fn labels_first(lines: &[Line], c: &mut Cover) {
    // a run of at least four label cells of one physical line
    let mut run: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j < lines.len() && lines[j].no == lines[i].no && is_label(&lines[j].key) {
            j += 1;
        }
        if j - i >= 4 {
            run = Some((i, j));
            break;
        }
        i = j.max(i + 1);
    }
    let Some((a, b)) = run else { return };
    let labels: Vec<&str> = lines[a..b].iter().map(|l| l.key.as_str()).filter(|k| !k.starts_with("特定個人情報保護評価書(")).collect();
    let values: Vec<&Line> = lines[b..].iter().take_while(|l| !is_label(&l.key) && form_tag(&l.key).is_none()).collect();
    let fits = |label: &str, v: &Line| -> bool {
        let k = v.key.as_str();
        let is_date = re_date().is_match(k);
        let is_num = !k.is_empty() && k.chars().all(|ch| ch.is_ascii_digit());
        let is_title = KINDS.iter().any(|kd| k.ends_with(kd) || k.ends_with(&format!("{kd}(案)")));
        let is_decl = k.contains("宣言す");
        if label.starts_with("評価書番号") {
            is_num
        } else if label.starts_with("評価書名") {
            is_title
        } else if label.starts_with("個人のプライバシー") {
            is_decl
        } else if label.starts_with("評価実施機関名") {
            re_org().is_match(k) && !is_date && !is_title && !is_decl
        } else if label.contains("承認日") || label.starts_with("公表日") {
            is_date
        } else if label.starts_with("特記事項") {
            !is_date && !is_num && !is_title && !is_decl
        } else {
            false
        }
    };
    // two pointers: a value that fits the next label is its value; else the label is empty
    let mut vi = 0;
    let mut got: Vec<(&str, Option<&Line>)> = Vec::new();
    for lab in &labels {
        if vi < values.len() && fits(lab, values[vi]) {
            // 特記事項 must not swallow the organization when 特記事項 is empty
            let steal = lab.starts_with("特記事項")
                && vi + 1 < values.len()
                && !fits("評価実施機関名", values[vi + 1])
                && fits("評価実施機関名", values[vi]);
            if steal {
                got.push((lab, None));
                continue;
            }
            got.push((lab, Some(values[vi])));
            vi += 1;
        } else {
            got.push((lab, None));
        }
    }
    if c.special_notes.is_none()
        && let Some((_, Some(v))) = got.iter().find(|(l, _)| l.starts_with("特記事項"))
    {
        c.special_notes = Some(v.text.clone());
    }
    // dates: only when every date label got a date is the order certain
    let date_labels: Vec<&(&str, Option<&Line>)> = got.iter().filter(|(l, _)| l.contains("承認日") || l.starts_with("公表日")).collect();
    let n_dates = values.iter().filter(|v| re_date().is_match(&v.key)).count();
    if date_labels.len() == n_dates {
        if let Some((_, Some(v))) = date_labels.iter().find(|(l, _)| l.starts_with("公表日")) {
            let raw = date_as_printed(&v.text);
            c.published = era_to_iso(&raw);
            c.published_raw = Some(raw);
        }
    } else if date_labels.len() > n_dates && c.organization.as_deref().is_some_and(local_government) && n_dates == 1 {
        // a local government has no 承認日: the one date is the 公表日
        if let Some(v) = values.iter().find(|v| re_date().is_match(&v.key)) {
            let raw = date_as_printed(&v.text);
            c.published = era_to_iso(&raw);
            c.published_raw = Some(raw);
        }
    } else if date_labels.len() > n_dates && c.published.is_some() && got.iter().any(|(l, _)| l.contains("承認日")) {
        // fewer dates than date labels, labels first: which one is empty is unknown
        c.published = None;
        c.published_raw = None;
    }
}

/// The cover's lines cell by cell: a PDF row holds several cells (tab-separated).
#[must_use]
pub fn cells(lines: &[Line]) -> Vec<Line> {
    lines
        .iter()
        .flat_map(|l| {
            l.raw.split('\t').map(move |c| {
                let mut x = Line::new(l.no, l.page, c.to_string());
                x.pos = l.pos;
                x.bbox = l.bbox;
                x
            })
        })
        .collect()
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
