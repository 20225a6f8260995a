//! The しきい値判断 check: the 特定個人情報保護評価指針's rule applied to the answers a record
//! gives, compared with the result the document states and with its kind.
//!
//! The rule (指針 第6 しきい値判断; see templates/yoshiki2.md for what is confirmed): 対象人数
//! under 1,000 → no obligation (任意); 1,000–1万 → 基礎項目; 1万–10万 → 基礎項目, or 基礎+重点
//! when 取扱者数 ≥ 500 or a 重大事故 occurred; 10万–30万 → 基礎+重点, or 基礎+全項目 on the
//! same conditions; 30万 and more → 基礎+全項目.
//!
//! A 基礎項目評価書 (様式2) states all three answers (Ⅱ1–3), the result (Ⅲ) and, from H29.5 on,
//! the kind of 評価書 it is submitted with (Ⅳ1). A 重点 or 全項目評価書 states only its own
//! 対象人数 (Ⅰ1③) and the result of its 基礎項目評価 (Ⅴ1② / Ⅵ1②): its kind must be at least
//! what that 対象人数 can require, and the stated result one the 対象人数 allows.

use crate::diag::{Code, Diag, Warned};
use crate::fields::FieldOut;
use crate::form::template::FieldType;
use crate::normalize::key;

/// What the rule obliges: nothing, 基礎, 基礎+重点, 基礎+全項目 (ordered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Voluntary,
    Kiso,
    Juuten,
    Zen,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Voluntary => "特定個人情報保護評価の実施が義務付けられない",
            Level::Kiso => "基礎項目評価",
            Level::Juuten => "基礎項目評価及び重点項目評価",
            Level::Zen => "基礎項目評価及び全項目評価",
        }
    }
}

/// The 対象人数 bands of OPT-TAISHO2 / OPT-TAISHO5, smallest first, as folded keys.
const BANDS: [&str; 5] = ["1,000人未満", "1,000人以上1万人未満", "1万人以上10万人未満", "10万人以上30万人未満", "30万人以上"];

fn band(v: &str) -> Option<usize> {
    let k = key(v);
    BANDS.iter().position(|b| k.starts_with(&key(b)))
}

/// The required level for a band, given whether 取扱者数 ≥ 500 or a 重大事故 escalates it.
fn required(band: usize, escalate: bool) -> Level {
    match (band, escalate) {
        (0, _) => Level::Voluntary,
        (1, _) | (2, false) => Level::Kiso,
        (2, true) | (3, false) => Level::Juuten,
        _ => Level::Zen,
    }
}

/// The levels a band allows when the escalating answers are (partly) unknown.
fn possible(band: usize, escalate: Option<bool>) -> Vec<Level> {
    let mut v: Vec<Level> = match escalate {
        Some(e) => vec![required(band, e)],
        None => vec![required(band, false), required(band, true)],
    };
    v.dedup();
    v
}

/// A stated しきい値判断結果 (OPT-SHIKII-2/3/4) as a level.
fn result_level(v: &str) -> Option<Level> {
    let k = key(v);
    if k.contains(&key("義務付けられない")) {
        Some(Level::Voluntary)
    } else if k.starts_with(&key("基礎項目評価及び全項目評価の実施が義務付けられる")) {
        Some(Level::Zen)
    } else if k.starts_with(&key("基礎項目評価及び重点項目評価の実施が義務付けられる")) {
        Some(Level::Juuten)
    } else if k.starts_with(&key("基礎項目評価の実施が義務付けられる")) {
        Some(Level::Kiso)
    } else {
        None
    }
}

/// Ⅳ1 提出する特定個人情報保護評価書の種類 (OPT-SHURUI) as the level it covers.
fn submitted_level(v: &str) -> Option<Level> {
    let k = key(v);
    if k == key("基礎項目評価書及び全項目評価書") {
        Some(Level::Zen)
    } else if k == key("基礎項目評価書及び重点項目評価書") {
        Some(Level::Juuten)
    } else if k == key("基礎項目評価書") {
        Some(Level::Kiso)
    } else {
        None
    }
}

/// The value of the first choice in section `sec` whose label contains `label`.
fn choice<'f>(fields: &'f [FieldOut], sec: &str, label: &str) -> Option<&'f str> {
    let lk = key(label);
    fields
        .iter()
        .filter(|f| f.ty == FieldType::Choice && f.path.first().is_some_and(|s| s == sec) && key(&f.label).contains(&lk))
        .find_map(|f| f.value.as_deref())
}

/// The answers one record gives, as read.
#[derive(Debug, Default)]
struct Answers<'f> {
    taisho: Option<&'f str>,
    toriatsukai: Option<&'f str>,
    jiko: Option<&'f str>,
    stated: Option<&'f str>,
    submitted: Option<&'f str>,
}

impl Answers<'_> {
    fn describe(&self) -> String {
        let q = |v: Option<&str>| v.map_or_else(|| "(not read)".to_string(), |s| format!("「{s}」"));
        format!(
            "対象人数 {}, 取扱者数 {}, 重大事故 {}; しきい値判断結果 {}",
            q(self.taisho),
            q(self.toriatsukai),
            q(self.jiko),
            q(self.stated)
        )
    }
}

/// `document.threshold_consistent`: `Some(true)` when the answers, the stated result and the
/// kind agree with the rule, `Some(false)` (with a `threshold_inconsistent` warning naming the
/// answers) when they contradict it, `None` when the record lacks what the check needs.
#[must_use]
pub fn check(kind: Option<&str>, fields: &[FieldOut]) -> Warned<Option<bool>> {
    let (verdict, answers, why) = match kind {
        Some("基礎項目評価書") => kiso(fields),
        Some("重点項目評価書") => companion(fields, "V", Level::Juuten),
        Some("全項目評価書") => companion(fields, "VI", Level::Zen),
        _ => return Warned::new(None, vec![]),
    };
    let diags = match (verdict, why) {
        (Some(false), Some(why)) => vec![Diag::new(Code::ThresholdInconsistent, format!("{}: {why}", answers.describe()))],
        _ => vec![],
    };
    Warned::new(verdict, diags)
}

type Verdict<'f> = (Option<bool>, Answers<'f>, Option<String>);

/// 様式2: Ⅱ1–3 → the required level; compared with Ⅲ and Ⅳ1.
fn kiso(fields: &[FieldOut]) -> Verdict<'_> {
    let a = Answers {
        taisho: choice(fields, "II", "対象人数"),
        toriatsukai: choice(fields, "II", "取扱者数"),
        jiko: choice(fields, "II", "重大事故"),
        stated: choice(fields, "III", "しきい値判断結果"),
        submitted: choice(fields, "IV", "評価書の種類"),
    };
    let Some(b) = a.taisho.and_then(band) else { return (None, a, None) };
    let many = a.toriatsukai.map(|v| key(v) == key("500人以上"));
    let accident = a.jiko.map(|v| key(v) == key("発生あり"));
    let escalate = match (many, accident) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    };
    let allowed = possible(b, escalate);
    let stated = a.stated.and_then(result_level);
    let submitted = a.submitted.and_then(submitted_level);
    let mut why = None;
    if let Some(s) = stated
        && !allowed.contains(&s)
    {
        why = Some(format!("the rule requires {}, not {}", names(&allowed), s.name()));
    }
    let least = stated.unwrap_or(allowed[0]).max(allowed[0]);
    if let Some(sub) = submitted
        && sub < least
    {
        let also = format!("Ⅳ1 submits 「{}」, less than {} requires", a.submitted.unwrap_or(""), least.name());
        why = Some(why.map_or(also.clone(), |w| format!("{w}; {also}")));
    }
    let verdict = if why.is_some() {
        Some(false)
    } else if stated.is_some() && allowed.len() == 1 {
        Some(true)
    } else {
        None
    };
    (verdict, a, why)
}

/// 様式3/4: the document's own 対象人数 (Ⅰ1③) against its kind and its stated result.
fn companion<'f>(fields: &'f [FieldOut], result_sec: &str, kind: Level) -> Verdict<'f> {
    let a =
        Answers {
            taisho: choice(fields, "I", "対象人数"), stated: choice(fields, result_sec, "しきい値判断結果"), ..Answers::default()
        };
    let Some(b) = a.taisho.and_then(band) else { return (None, a, None) };
    let allowed = possible(b, None);
    let mut why = None;
    if kind < allowed[0] {
        why = Some(format!("a {} cannot meet {}, which this 対象人数 requires", kind_name(kind), allowed[0].name()));
    }
    if let Some(s) = a.stated.and_then(result_level)
        && !allowed.contains(&s)
    {
        let also = format!("this 対象人数 allows {}, not {}", names(&allowed), s.name());
        why = Some(why.map_or(also.clone(), |w| format!("{w}; {also}")));
    }
    (Some(why.is_none()), a, why)
}

fn kind_name(l: Level) -> &'static str {
    if l == Level::Zen { "全項目評価書" } else { "重点項目評価書" }
}

fn names(levels: &[Level]) -> String {
    levels.iter().map(|l| l.name()).collect::<Vec<_>>().join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_by_band() {
        assert_eq!(required(0, true), Level::Voluntary);
        assert_eq!(required(1, true), Level::Kiso);
        assert_eq!(required(2, false), Level::Kiso);
        assert_eq!(required(2, true), Level::Juuten);
        assert_eq!(required(3, false), Level::Juuten);
        assert_eq!(required(3, true), Level::Zen);
        assert_eq!(required(4, false), Level::Zen);
        assert_eq!(possible(1, None), vec![Level::Kiso]);
        assert_eq!(possible(3, None), vec![Level::Juuten, Level::Zen]);
    }

    fn choice_field(sec: &str, label: &str, value: Option<&str>) -> FieldOut {
        FieldOut {
            path: vec![sec.into(), "1".into(), label.into()],
            label: label.into(),
            ty: FieldType::Choice,
            value: value.map(String::from),
            options: crate::fields::Options::None,
            certainty: crate::fields::Certainty::Exact,
            at: crate::diag::Loc::default(),
            order: (0, 0),
        }
    }

    fn kiso_with(taisho: &str, many: Option<&str>, jiko: Option<&str>, stated: &str, submitted: Option<&str>) -> Warned<Option<bool>> {
        let fields = vec![
            choice_field("II", "評価対象の事務の対象人数は何人か", Some(taisho)),
            choice_field("II", "特定個人情報ファイル取扱者数は500人以上か", many),
            choice_field("II", "過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか", jiko),
            choice_field("III", "しきい値判断結果", Some(stated)),
            choice_field("IV", "提出する特定個人情報保護評価書の種類", submitted),
        ];
        check(Some("基礎項目評価書"), &fields)
    }

    #[test]
    fn kiso_both_ways() {
        let juuten = "基礎項目評価及び重点項目評価の実施が義務付けられる";
        let ok = kiso_with("1万人以上10万人未満", Some("500人未満"), Some("発生あり"), juuten, None);
        assert_eq!(ok.value, Some(true));
        assert!(ok.diags.is_empty());
        // Ⅳ1 submits less than Ⅲ states
        let bad = kiso_with("1万人以上10万人未満", Some("500人未満"), Some("発生あり"), juuten, Some("基礎項目評価書"));
        assert_eq!(bad.value, Some(false));
        assert!(bad.diags[0].message.contains("Ⅳ1"), "{}", bad.diags[0].message);
        // 取扱者数 not read, no 重大事故: either result is possible, so no verdict
        let open = kiso_with("1万人以上10万人未満", None, Some("発生なし"), juuten, None);
        assert_eq!(open.value, None);
        // … but 30万人以上 needs none of them
        let bad = kiso_with("30万人以上", None, None, juuten, None);
        assert_eq!(bad.value, Some(false));
        assert!(bad.diags[0].message.contains("30万人以上"));
    }

    #[test]
    fn values_as_printed() {
        assert_eq!(band("1,000人未満(任意実施)"), Some(0));
        assert_eq!(band("１万人以上１０万人未満"), Some(2));
        assert_eq!(band("100人"), None);
        assert_eq!(result_level("基礎項目評価の実施が義務付けられる(任意に全項目評価を実施)"), Some(Level::Kiso));
        assert_eq!(result_level("特定個人情報保護評価の実施が義務付けられない（任意実施）"), Some(Level::Voluntary));
        assert_eq!(result_level("基礎項目評価及び重点項目評価の実施が義務付けられる"), Some(Level::Juuten));
        assert_eq!(result_level("わからない"), None);
        assert_eq!(submitted_level("基礎項目評価書及び全項目評価書"), Some(Level::Zen));
    }
}
