//! Scoring a record against a hand-made answer key (`golden/keys/*.json`, format in
//! `../shared/docs/record-format.md`). A key entry matches the field whose `path` holds
//! every string of `where` in order and whose `label` contains the key's `label`.
//!
//! Per kind: `total` key entries, `found` (a field matched), `right` (equal value), and
//! `wrong` (a non-null value that differs: worse than a miss). `left_out` entries (marks no
//! careful reader could place) count `guessed` when the record still gives a value.
//!
//! Calibration: the same judgements counted per certainty level the record gave the value
//! (`exact`, `inferred`, `unknown`): right, wrong, null. A `null` marked `exact` where the
//! key holds a value counts as wrong (the record said "the source shows it empty").

use crate::normalize::key;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write as _;

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Tally {
    pub total: usize,
    pub found: usize,
    pub right: usize,
    pub wrong: usize,
}

impl Tally {
    #[must_use]
    #[allow(clippy::cast_precision_loss)] // counts of key entries, far below 2^52
    pub fn ratio(&self) -> f64 {
        if self.total == 0 { 1.0 } else { self.right as f64 / self.total as f64 }
    }
    fn add(&mut self, o: &Tally) {
        self.total += o.total;
        self.found += o.found;
        self.right += o.right;
        self.wrong += o.wrong;
    }
}

/// Right / wrong / null among the values given at one certainty level.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Level {
    pub right: usize,
    pub wrong: usize,
    pub null: usize,
}

/// Per certainty level (document fields carry none and are not counted here).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Calibration {
    pub exact: Level,
    pub inferred: Level,
    pub unknown: Level,
}

impl Calibration {
    fn level(&mut self, certainty: &str) -> &mut Level {
        match certainty {
            "exact" => &mut self.exact,
            "inferred" => &mut self.inferred,
            _ => &mut self.unknown,
        }
    }
    pub fn add(&mut self, o: &Calibration) {
        for (a, b) in [(&mut self.exact, &o.exact), (&mut self.inferred, &o.inferred), (&mut self.unknown, &o.unknown)] {
            a.right += b.right;
            a.wrong += b.wrong;
            a.null += b.null;
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub kind: &'static str,
    pub entry: String,
    pub expected: String,
    pub got: String,
    /// "`not_found`", "null", "wrong"
    pub how: &'static str,
    /// the certainty the record gave the value (`None`: no field, or a document field)
    pub certainty: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub key: String,
    pub document: Tally,
    pub choices: Tally,
    pub checks: Tally,
    pub texts: Tally,
    pub all: Tally,
    /// per section of the form (`I`…`VI`, `document`)
    pub sections: std::collections::BTreeMap<String, Tally>,
    pub left_out: usize,
    pub left_out_guessed: usize,
    /// right / wrong / null per certainty level
    pub calibration: Calibration,
    pub misses: Vec<Miss>,
}

fn is_subsequence(path: &[Value], want: &[Value]) -> bool {
    let mut it = path.iter().filter_map(|v| v.as_str());
    want.iter().filter_map(|v| v.as_str()).all(|w| {
        let wk = key(w);
        it.any(|p| key(p) == wk)
    })
}

/// The field an entry names: path subsequence + label containment, of the given type;
/// an exact label wins, then the shortest label.
pub fn find_field<'r>(record: &'r Value, ty: &str, entry: &Value) -> Option<&'r Value> {
    let want_where = entry.get("where").and_then(|w| w.as_array()).cloned().unwrap_or_default();
    let want_label = key(entry.get("label").and_then(|l| l.as_str()).unwrap_or(""));
    let fields = record.get("fields")?.as_array()?;
    let mut best: Option<(usize, &Value)> = None;
    for f in fields {
        if f.get("type").and_then(|t| t.as_str()) != Some(ty) {
            continue;
        }
        let path = f.get("path").and_then(|p| p.as_array()).map_or(&[][..], std::vec::Vec::as_slice);
        if !is_subsequence(path, &want_where) {
            continue;
        }
        let label = key(f.get("label").and_then(|l| l.as_str()).unwrap_or(""));
        let id_tail = path.last().and_then(|p| p.as_str()).map(key).unwrap_or_default();
        if !label.contains(&want_label) && !id_tail.contains(&want_label) {
            continue;
        }
        let rank = if label == want_label { 0 } else { 1 + label.len() } + path.len();
        if ty == "checkboxes" {
            // the field must have the option
            if let Some(o) = entry.get("option").and_then(|o| o.as_str())
                && find_option(f, o).is_none()
            {
                continue;
            }
        }
        if best.is_none_or(|b| rank < b.0) {
            best = Some((rank, f));
        }
    }
    best.map(|b| b.1)
}

fn find_option<'f>(field: &'f Value, option: &str) -> Option<&'f Value> {
    let k = key(option);
    let opts = field.get("options")?.as_array()?;
    opts.iter().find(|o| o.get("label").and_then(|l| l.as_str()).map(key).as_deref() == Some(k.as_str())).or_else(|| {
        // a key written with the box's detail words ("その他識別情報(内部番号)") or without
        opts.iter().find(|o| {
            let l = o.get("label").and_then(|l| l.as_str()).map(key).unwrap_or_default();
            !l.is_empty() && (k.starts_with(&l) && k.len() > l.len() && l.len() > 6)
        })
    })
}

fn norm_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(key(s)),
        Value::Null => None,
        other => Some(key(&other.to_string())),
    }
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "(no field)".into(),
        Some(Value::Null) => "null".into(),
        Some(Value::String(s)) => s.clone(),
        Some(o) => o.to_string(),
    }
}

fn entry_name(e: &Value) -> String {
    let w: Vec<&str> = e.get("where").and_then(|w| w.as_array()).map(|a| a.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
    let mut s = format!("{} {}", w.join("/"), e.get("label").and_then(|l| l.as_str()).unwrap_or(""));
    if let Some(o) = e.get("option").and_then(|o| o.as_str()) {
        let _ = write!(s, " [{o}]");
    }
    s
}

/// A value the record gives for a key entry: `None` when no field matched.
#[derive(Clone, Copy)]
struct Seen<'a> {
    value: Option<&'a Value>,
    certainty: Option<&'a str>,
}

impl<'a> Seen<'a> {
    /// The value of a field (choice, text), or of one option of a checkbox field.
    fn of(field: Option<&'a Value>, value_key: &str) -> Seen<'a> {
        Seen {
            value: field.map(|f| f.get(value_key).unwrap_or(&Value::Null)),
            certainty: field.and_then(|f| f.get("certainty")).and_then(|c| c.as_str()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Right,
    Wrong,
    Null,
    NotFound,
}

/// Compare one value; record the outcome in the tally and the misses.
fn judge(t: &mut Tally, misses: &mut Vec<Miss>, kind: &'static str, name: String, expected: Option<&Value>, seen: Seen) -> Outcome {
    t.total += 1;
    let certainty = seen.certainty.map(str::to_string);
    let Some(got) = seen.value else {
        misses.push(Miss { kind, entry: name, expected: show(expected), got: show(None), how: "not_found", certainty });
        return Outcome::NotFound;
    };
    t.found += 1;
    let e = expected.and_then(norm_value);
    let g = norm_value(got);
    if e == g {
        t.right += 1;
        Outcome::Right
    } else if g.is_none() {
        misses.push(Miss { kind, entry: name, expected: show(expected), got: show(Some(got)), how: "null", certainty });
        Outcome::Null
    } else {
        t.wrong += 1;
        misses.push(Miss { kind, entry: name, expected: show(expected), got: show(Some(got)), how: "wrong", certainty });
        Outcome::Wrong
    }
}

/// Count one judged value at its certainty level; a null said `exact` (the source shows the
/// field empty) where the key holds a value is wrong.
fn calibrate(cal: &mut Calibration, seen: Seen, outcome: Outcome) {
    let certainty = seen.certainty.unwrap_or("unknown");
    let level = cal.level(certainty);
    match outcome {
        Outcome::Right => level.right += 1,
        Outcome::Wrong => level.wrong += 1,
        Outcome::Null if certainty == "exact" => level.wrong += 1,
        Outcome::Null => level.null += 1,
        Outcome::NotFound => {}
    }
}

/// The value an entry of the given kind names in the record.
fn seen<'r>(record: &'r Value, kind: &str, e: &Value) -> Seen<'r> {
    match kind {
        "checks" => {
            let f = find_field(record, "checkboxes", e);
            let o = f.and_then(|f| find_option(f, e.get("option").and_then(|o| o.as_str()).unwrap_or("")));
            Seen::of(o, "checked")
        }
        "choices" => Seen::of(find_field(record, "choice", e), "value"),
        _ => Seen::of(find_field(record, "text", e), "value"),
    }
}

fn expected<'e>(kind: &str, e: &'e Value) -> Option<&'e Value> {
    if kind == "checks" { e.get("checked") } else { e.get("value") }
}

const KINDS: [&str; 3] = ["choices", "checks", "texts"];

fn left_out_guessed(record: &Value, e: &Value) -> bool {
    let kind = e.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    KINDS.contains(&kind) && kind != "texts" && seen(record, kind, e).value.is_some_and(|v| !v.is_null())
}

#[must_use]
pub fn score(record: &Value, key_doc: &Value, key_name: &str) -> Score {
    let mut s = Score {
        key: key_name.into(),
        document: Tally::default(),
        choices: Tally::default(),
        checks: Tally::default(),
        texts: Tally::default(),
        all: Tally::default(),
        sections: std::collections::BTreeMap::default(),
        left_out: 0,
        left_out_guessed: 0,
        calibration: Calibration::default(),
        misses: vec![],
    };
    if let Some(doc) = key_doc.get("document").and_then(|d| d.as_object()) {
        for (k, v) in doc {
            let got = record.get("document").and_then(|d| d.get(k));
            let got = match got {
                Some(Value::Null) | None => Some(&Value::Null),
                g => g,
            };
            judge(&mut s.document, &mut s.misses, "document", format!("document.{k}"), Some(v), Seen { value: got, certainty: None });
        }
    }
    let entries = |name: &str| key_doc.get(name).and_then(|v| v.as_array()).cloned().unwrap_or_default();
    let mut sections: std::collections::BTreeMap<String, Tally> = std::collections::BTreeMap::default();
    sections.insert("document".into(), s.document.clone());
    for kind in KINDS {
        for e in entries(kind) {
            let got = seen(record, kind, &e);
            let t = match kind {
                "choices" => &mut s.choices,
                "checks" => &mut s.checks,
                _ => &mut s.texts,
            };
            let outcome = judge(t, &mut s.misses, kind_name(kind), entry_name(&e), expected(kind, &e), got);
            calibrate(&mut s.calibration, got, outcome);
            // per section of the form
            let sec = e.get("where").and_then(|w| w.get(0)).and_then(|w| w.as_str()).unwrap_or("?").to_string();
            judge(sections.entry(sec).or_default(), &mut Vec::new(), "section", String::new(), expected(kind, &e), got);
        }
    }
    for e in entries("left_out") {
        s.left_out += 1;
        if left_out_guessed(record, &e) {
            s.left_out_guessed += 1;
        }
    }
    s.sections = sections;
    let mut all = Tally::default();
    for t in [&s.document, &s.choices, &s.checks, &s.texts] {
        all.add(t);
    }
    s.all = all;
    s
}

fn kind_name(kind: &str) -> &'static str {
    match kind {
        "choices" => "choices",
        "checks" => "checks",
        _ => "texts",
    }
}

impl Score {
    /// A miss the record marked `exact`: a wrong value, or a null said to be shown empty.
    #[must_use]
    pub fn is_wrong_exact(&self, m: &Miss) -> bool {
        m.certainty.as_deref() == Some("exact") && (m.how == "wrong" || m.how == "null")
    }

    /// Every value the record marked `exact` that the key contradicts.
    #[must_use]
    pub fn wrong_exact(&self) -> Vec<&Miss> {
        self.misses.iter().filter(|m| self.is_wrong_exact(m)).collect()
    }

    /// One line: `document r/t choices r/t checks r/t texts r/t wrong n`.
    #[must_use]
    pub fn summary_line(&self) -> String {
        format!(
            "document {}/{} choices {}/{} checks {}/{} texts {}/{} wrong {}",
            self.document.right,
            self.document.total,
            self.choices.right,
            self.choices.total,
            self.checks.right,
            self.checks.total,
            self.texts.right,
            self.texts.total,
            self.all.wrong
        )
    }
}

#[must_use]
pub fn render(s: &Score) -> String {
    let mut out = format!("{}\n", s.key);
    for (name, t) in [("document", &s.document), ("choices", &s.choices), ("checks", &s.checks), ("texts", &s.texts), ("all", &s.all)] {
        let _ = writeln!(
            out,
            "  {name:<9} right {:>4}/{:<4} ({:>5.1}%)  found {:>4}  wrong {:>3}",
            t.right,
            t.total,
            t.ratio() * 100.0,
            t.found,
            t.wrong
        );
    }
    let per: Vec<String> = s
        .sections
        .iter()
        .filter(|(_, t)| t.total > 0)
        .map(|(k, t)| format!("{k} {}/{} (found {}, wrong {})", t.right, t.total, t.found, t.wrong))
        .collect();
    let _ = writeln!(out, "  sections  {}", per.join("; "));
    let _ = writeln!(out, "  left_out  {} (record still gives a value on {})", s.left_out, s.left_out_guessed);
    out.push_str(&render_calibration(&s.calibration));
    for m in &s.misses {
        let c = m.certainty.as_deref().unwrap_or("-");
        let flag = if s.is_wrong_exact(m) { " WRONG-EXACT" } else { "" };
        let _ = writeln!(out, "  MISS {:<8} {:<9} {c:<8} {}: expected {:?}, got {:?}{flag}", m.how, m.kind, m.entry, m.expected, m.got);
    }
    out
}

/// The calibration table: right / wrong / null per certainty level.
#[must_use]
pub fn render_calibration(c: &Calibration) -> String {
    let mut out = String::from("  certainty     right  wrong   null\n");
    for (name, l) in [("exact", &c.exact), ("inferred", &c.inferred), ("unknown", &c.unknown)] {
        let _ = writeln!(out, "  {name:<10} {:>8} {:>6} {:>6}", l.right, l.wrong, l.null);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record() -> Value {
        json!({"document": {"kind": "全項目評価書", "number": "2"},
        "fields": [
          {"path": ["I","1","3"], "label": "対象人数", "type": "choice", "value": "30万人以上", "options": []},
          {"path": ["I","2","システム1","3"], "label": "他のシステムとの接続", "type": "checkboxes", "value": null,
           "options": [{"label": "宛名システム等", "checked": true, "detail": null}, {"label": "税務システム", "checked": null, "detail": null}]},
          {"path": ["I","7","1"], "label": "部署", "type": "text", "value": "財政局 税務部"}
        ]})
    }

    #[test]
    fn counts_right_wrong_and_null() {
        let k = json!({"document": {"kind": "全項目評価書", "number": "3"},
          "choices": [{"where": ["I","1"], "label": "対象人数", "value": "30万人以上"},
                      {"where": ["I","6"], "label": "実施の有無", "value": "実施する"}],
          "checks": [{"where": ["I","2","システム1"], "label": "他のシステムとの接続", "option": "宛名システム等", "checked": false},
                     {"where": ["I","2","システム1"], "label": "他のシステムとの接続", "option": "税務システム", "checked": true}],
          "texts": [{"where": ["I","7"], "label": "部署", "value": "財政局税務部"}]});
        let s = score(&record(), &k, "k");
        assert_eq!(s.document, Tally { total: 2, found: 2, right: 1, wrong: 1 });
        assert_eq!(s.choices, Tally { total: 2, found: 1, right: 1, wrong: 0 });
        assert_eq!(s.checks, Tally { total: 2, found: 2, right: 0, wrong: 1 });
        assert_eq!(s.texts.right, 1);
        assert_eq!(s.all.wrong, 2);
        assert_eq!(s.sections["I"], Tally { total: 5, found: 4, right: 2, wrong: 1 });
        assert!(render(&s).contains("I 2/5"));
    }

    #[test]
    fn calibration_counts_per_certainty_and_an_exact_null_is_wrong() {
        let rec = json!({"fields": [
          {"path": ["I","1","1"], "label": "事務の名称", "type": "text", "value": null, "certainty": "exact"},
          {"path": ["I","1","2"], "label": "事務の内容", "type": "text", "value": null, "certainty": "inferred"},
          {"path": ["I","7","1"], "label": "部署", "type": "text", "value": "総務課", "certainty": "exact"},
          {"path": ["I","7","2"], "label": "所属長の役職名", "type": "text", "value": "課長", "certainty": "inferred"},
          {"path": ["I","2","システム1","3"], "label": "他のシステムとの接続", "type": "checkboxes", "value": null,
           "options": [{"label": "宛名システム等", "checked": null, "detail": null, "certainty": "unknown"}]}
        ]});
        let k = json!({"texts": [
            {"where": ["I","1"], "label": "事務の名称", "value": "税務事務"},
            {"where": ["I","1"], "label": "事務の内容", "value": "賦課"},
            {"where": ["I","7"], "label": "部署", "value": "総務課"},
            {"where": ["I","7"], "label": "所属長の役職名", "value": "部長"}],
          "checks": [{"where": ["I","2","システム1"], "label": "他のシステムとの接続", "option": "宛名システム等", "checked": true}]});
        let s = score(&rec, &k, "k");
        let c = &s.calibration;
        assert_eq!(c.exact, Level { right: 1, wrong: 1, null: 0 });
        assert_eq!(c.inferred, Level { right: 0, wrong: 1, null: 1 });
        assert_eq!(c.unknown, Level { right: 0, wrong: 0, null: 1 });
        // the exact null is a miss said exact; the tally keeps it a null, not a wrong value
        assert_eq!(s.wrong_exact().len(), 1);
        assert_eq!(s.texts.wrong, 1);
        assert!(render(&s).contains("WRONG-EXACT"));
    }

    #[test]
    fn empty_record_is_all_misses() {
        let k = json!({"choices": [{"where": ["I"], "label": "x", "value": "y"}]});
        let s = score(&json!({"fields": []}), &k, "k");
        assert_eq!(s.choices, Tally { total: 1, found: 0, right: 0, wrong: 0 });
        let s = score(&json!({}), &json!({}), "k");
        assert_eq!(s.all.total, 0);
    }
}
