//! Field-level changes between two records of one 評価書 (`pia-extract diff OLD NEW`), and the
//! cross-check against NEW's 別添 変更箇所 table: rows it lists that the diff does not find,
//! and changes found that no row lists.
//!
//! Values are compared by [`normalize::key`] (widths, spaces), so a text dump and a PDF of
//! the same version differ only where the words differ. Fields are matched by `id`; a
//! checkbox field is compared option by option (checked, detail) by the option's key.

use crate::normalize::{self, key};
use crate::record::{Change, Field, OptionOut, Record};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// One changed document value (`document.organization`, …).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DocChange {
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One changed checkbox option: its mark and its （ ） detail before and after.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OptionChange {
    pub label: String,
    pub checked_before: Option<bool>,
    pub checked_after: Option<bool>,
    pub detail_before: Option<String>,
    pub detail_after: Option<String>,
}

/// One field that differs: `changed` (both have it), `added` (only NEW), `removed` (only OLD).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldChange {
    pub id: String,
    pub label: String,
    pub how: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
    /// checkbox fields: the options whose mark or detail changed
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionChange>,
    /// the 変更箇所 rows of NEW whose item names this field (their index in `tables.changes`)
    pub listed_in: Vec<usize>,
}

/// A 変更箇所 row of NEW, where the diff placed it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ListedChange {
    pub index: usize,
    pub item: Option<String>,
    pub date: Option<String>,
    /// the form path the row's item names (`["II","2","4"]`), when it could be read
    pub path: Option<Vec<String>>,
    /// field changes found under that path
    pub found: Vec<String>,
    /// dated on or before OLD's 公表日: history OLD already holds, not expected in the diff
    pub before_old: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Diff {
    pub old: String,
    pub new: String,
    /// same organization and 評価書番号 (both stated and equal after normalization)
    pub same_document: bool,
    pub document: Vec<DocChange>,
    pub fields: Vec<FieldChange>,
    /// NEW's 変更箇所 rows, each with the changes found under its item (rows dated on or
    /// before OLD's 公表日 are history and are not checked)
    pub listed: Vec<ListedChange>,
    /// rows whose item names a place where no change was found
    pub listed_not_found: Vec<usize>,
    /// rows whose item could not be read as a place of the form
    pub listed_unplaced: Vec<usize>,
    /// changed fields no row names (when NEW lists rows newer than OLD)
    pub found_not_listed: Vec<String>,
}

fn same(a: Option<&str>, b: Option<&str>) -> bool {
    a.map(key).filter(|k| !k.is_empty()) == b.map(key).filter(|k| !k.is_empty())
}

fn document_changes(old: &Record, new: &Record) -> Vec<DocChange> {
    let (o, n) = (&old.document, &new.document);
    let pairs: [(&str, &Option<String>, &Option<String>); 9] = [
        ("kind", &o.kind, &n.kind),
        ("form", &o.form, &n.form),
        ("number", &o.number, &n.number),
        ("title", &o.title, &n.title),
        ("organization", &o.organization, &n.organization),
        ("published", &o.published, &n.published),
        ("published_raw", &o.published_raw, &n.published_raw),
        ("declaration", &o.declaration, &n.declaration),
        ("special_notes", &o.special_notes, &n.special_notes),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| !same(a.as_deref(), b.as_deref()))
        .map(|(k, a, b)| DocChange { key: k.into(), before: a.clone(), after: b.clone() })
        .collect()
}

/// The options of a checkbox field by their key: (label, checked, detail).
fn boxes(f: &Field) -> BTreeMap<String, (String, Option<bool>, Option<String>)> {
    f.options
        .iter()
        .filter_map(|o| match o {
            OptionOut::Box(b) => Some((key(&b.label), (b.label.clone(), b.checked, b.detail.clone()))),
            OptionOut::Choice(_) => None,
        })
        .collect()
}

fn option_changes(a: &Field, b: &Field) -> Vec<OptionChange> {
    let (oa, ob) = (boxes(a), boxes(b));
    let mut keys: Vec<&String> = oa.keys().chain(ob.keys()).collect();
    keys.sort();
    keys.dedup();
    let none = (String::new(), None, None);
    keys.into_iter()
        .filter_map(|k| {
            let (x, y) = (oa.get(k).unwrap_or(&none), ob.get(k).unwrap_or(&none));
            let differs = x.1 != y.1 || !same(x.2.as_deref(), y.2.as_deref());
            differs.then(|| OptionChange {
                label: if y.0.is_empty() { x.0.clone() } else { y.0.clone() },
                checked_before: x.1,
                checked_after: y.1,
                detail_before: x.2.clone(),
                detail_after: y.2.clone(),
            })
        })
        .collect()
}

fn field_change(id: &str, a: Option<&Field>, b: Option<&Field>) -> Option<FieldChange> {
    let label = b.or(a).map(|f| f.label.clone()).unwrap_or_default();
    let make = |how, options| FieldChange {
        id: id.into(),
        label: label.clone(),
        how,
        before: a.and_then(|f| f.value.clone()),
        after: b.and_then(|f| f.value.clone()),
        options,
        listed_in: vec![],
    };
    match (a, b) {
        (Some(x), Some(y)) => {
            let options = option_changes(x, y);
            (!same(x.value.as_deref(), y.value.as_deref()) || !options.is_empty()).then(|| make("changed", options))
        }
        (None, Some(y)) => Some(make("added", option_changes(&empty_like(y), y))),
        (Some(x), None) => Some(make("removed", option_changes(x, &empty_like(x)))),
        (None, None) => None,
    }
}

fn empty_like(f: &Field) -> Field {
    Field { value: None, options: vec![], ..f.clone() }
}

/// The changed fields, in NEW's form order, then those only OLD has.
fn field_changes(old: &Record, new: &Record) -> Vec<FieldChange> {
    let by_id = |r: &Record| r.fields.iter().map(|f| (f.id.clone(), f.clone())).collect::<BTreeMap<_, _>>();
    let (o, n) = (by_id(old), by_id(new));
    let mut out: Vec<FieldChange> = new.fields.iter().filter_map(|f| field_change(&f.id, o.get(&f.id), Some(f))).collect();
    out.extend(old.fields.iter().filter(|f| !n.contains_key(&f.id)).filter_map(|f| field_change(&f.id, Some(f), None)));
    out
}

/// The form path a 変更箇所 item names: section numeral, then the item's number (`３．`) and
/// sub-item (`③`), e.g. `Ⅱ特定個人情報ファイルの概要 ２．基本情報 ④記録される項目` → `II/2/4`.
#[must_use]
pub fn item_path(item: &str) -> Option<Vec<String>> {
    let f = normalize::fold(item);
    let mut chars = f.char_indices().peekable();
    let mut path = Vec::new();
    while let Some((i, c)) = chars.next() {
        if path.is_empty() {
            if let Some(r) = normalize::roman(c) {
                path.push(r.to_string());
            } else if f[i..].starts_with("別添") {
                let n: String = f[i + "別添".len()..].chars().take_while(char::is_ascii_digit).collect();
                path.push(format!("別添{n}"));
            }
            continue;
        }
        if let Some(n) = normalize::circled(c) {
            path.push(n.to_string());
            break;
        }
        if c.is_ascii_digit() && path.len() == 1 {
            let mut digits = c.to_string();
            while let Some(&(_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            if chars.peek().is_some_and(|&(_, d)| d == '.' || d == '、') {
                path.push(digits);
            }
        }
    }
    (!path.is_empty()).then_some(path)
}

/// `want` is a subsequence of the field id's parts (group instances like `システム1` skipped).
fn names(want: &[String], id: &str) -> bool {
    let mut parts = id.split('/');
    want.iter().all(|w| parts.any(|p| p == w))
}

/// A row dated on or before `since` (ISO dates compare as strings); an undated row is new.
fn is_history(c: &Change, since: Option<&str>) -> bool {
    let date = c.date.as_deref().and_then(crate::era_to_iso);
    matches!((date, since), (Some(d), Some(s)) if d.as_str() <= s)
}

fn cross_check(d: &mut Diff, changes: &[Change], since: Option<&str>) {
    for (index, c) in changes.iter().enumerate() {
        let before_old = is_history(c, since);
        if before_old {
            d.listed.push(ListedChange { index, item: c.item.clone(), date: c.date.clone(), path: None, found: vec![], before_old });
            continue;
        }
        let path = c.item.as_deref().and_then(item_path);
        let mut found = Vec::new();
        if let Some(p) = &path {
            for f in &mut d.fields {
                if names(p, &f.id) {
                    f.listed_in.push(index);
                    found.push(f.id.clone());
                }
            }
        }
        match (&path, found.is_empty()) {
            (None, _) => d.listed_unplaced.push(index),
            (Some(_), true) => d.listed_not_found.push(index),
            _ => {}
        }
        d.listed.push(ListedChange { index, item: c.item.clone(), date: c.date.clone(), path, found, before_old });
    }
    if d.listed.iter().any(|l| !l.before_old) {
        d.found_not_listed = d.fields.iter().filter(|f| f.listed_in.is_empty()).map(|f| f.id.clone()).collect();
    }
}

/// The changes from `old` to `new`, cross-checked against `new`'s 変更箇所.
#[must_use]
pub fn diff(old: &Record, new: &Record) -> Diff {
    let stated = |r: &Record| (r.document.organization.as_deref().map(key), r.document.number.as_deref().map(key));
    let (so, sn) = (stated(old), stated(new));
    let mut d = Diff {
        old: old.source.file.clone(),
        new: new.source.file.clone(),
        same_document: so.0.is_some() && so.1.is_some() && so == sn,
        document: document_changes(old, new),
        fields: field_changes(old, new),
        listed: vec![],
        listed_not_found: vec![],
        listed_unplaced: vec![],
        found_not_listed: vec![],
    };
    cross_check(&mut d, &new.tables.changes, old.document.published.as_deref());
    d
}

/// A markdown cell: one line, pipes escaped, long text cut.
fn cell(s: Option<&str>) -> String {
    /// Characters of a value shown in a table cell; the JSON output has the whole text.
    const CELL_CHARS: usize = 80;
    let Some(s) = s else { return "—".into() };
    let one: String = s.replace(['\n', '\u{2029}'], " ").replace('|', "\\|");
    if one.chars().count() > CELL_CHARS { one.chars().take(CELL_CHARS).collect::<String>() + "…" } else { one }
}

fn mark(c: Option<bool>) -> &'static str {
    match c {
        Some(true) => "☑",
        Some(false) => "☐",
        None => "?",
    }
}

/// The diff as a markdown report a person can read.
#[must_use]
pub fn render_md(d: &Diff) -> String {
    let mut s = format!("# Changes: `{}` → `{}`\n\n", d.old, d.new);
    if !d.same_document {
        s.push_str("**Note:** the two records do not state the same organization and 評価書番号.\n\n");
    }
    let _ = writeln!(s, "{} document value(s) and {} field(s) changed.\n", d.document.len(), d.fields.len());
    if !d.document.is_empty() {
        s.push_str("## Document\n\n| key | before | after |\n|---|---|---|\n");
        for c in &d.document {
            let _ = writeln!(s, "| {} | {} | {} |", c.key, cell(c.before.as_deref()), cell(c.after.as_deref()));
        }
        s.push('\n');
    }
    if !d.fields.is_empty() {
        s.push_str("## Fields\n\n| field | label | how | before | after | 変更箇所 row |\n|---|---|---|---|---|---|\n");
        for f in &d.fields {
            let mut before = cell(f.before.as_deref());
            let mut after = cell(f.after.as_deref());
            for o in &f.options {
                let _ = write!(before, "<br>{} {}", mark(o.checked_before), cell(Some(&o.label)));
                let _ = write!(after, "<br>{} {}", mark(o.checked_after), cell(Some(&o.label)));
            }
            let rows: Vec<String> = f.listed_in.iter().map(|i| (i + 1).to_string()).collect();
            let _ = writeln!(s, "| `{}` | {} | {} | {before} | {after} | {} |", f.id, cell(Some(&f.label)), f.how, rows.join(", "));
        }
        s.push('\n');
    }
    render_cross_check(&mut s, d);
    s
}

fn render_cross_check(s: &mut String, d: &Diff) {
    let history = d.listed.iter().filter(|l| l.before_old).count();
    if d.listed.len() == history {
        let _ = writeln!(s, "NEW has no 変更箇所 rows newer than OLD's 公表日 to check against ({history} older row(s)).");
        return;
    }
    let _ = writeln!(
        s,
        "## 変更箇所 (NEW) against the changes found\n\n{history} row(s) dated on or before OLD's 公表日 are history and not shown.\n"
    );
    s.push_str("| row | date | item | place | changes found |\n|---|---|---|---|---|\n");
    for l in d.listed.iter().filter(|l| !l.before_old) {
        let place = l.path.as_ref().map_or_else(|| "(not read)".to_string(), |p| p.join("/"));
        let found = if l.found.is_empty() { "**none**".to_string() } else { l.found.join(", ") };
        let _ = writeln!(s, "| {} | {} | {} | {place} | {found} |", l.index + 1, cell(l.date.as_deref()), cell(l.item.as_deref()));
    }
    let _ = writeln!(
        s,
        "\n{} row(s) list a change the diff does not find; {} row(s) name no place of the form; {} changed field(s) are not listed.",
        d.listed_not_found.len(),
        d.listed_unplaced.len(),
        d.found_not_listed.len()
    );
    if !d.found_not_listed.is_empty() {
        let _ = writeln!(s, "\nNot listed: {}", d.found_not_listed.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", "));
    }
}

/// A record from a path: a record (JSON, or JSON Lines holding one record), else a source
/// document read now.
///
/// # Errors
/// The file cannot be read, or holds several records.
pub fn load(path: &Path) -> Result<Record, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if let Ok(r) = serde_json::from_slice::<Record>(&bytes) {
        return Ok(r);
    }
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let as_records: Result<Vec<Record>, _> = lines.iter().map(|l| serde_json::from_str::<Record>(l)).collect();
    match as_records {
        Ok(mut v) if v.len() == 1 => Ok(v.remove(0)),
        Ok(v) if v.len() > 1 => Err(format!("{} holds {} records; give one record per side", path.display(), v.len())),
        _ => Ok(crate::pipeline::extract(&bytes, &crate::corpus::display_name(path).0)),
    }
}

/// `pia-extract diff OLD NEW [--format md]`: the exit code (0, or 2 when a side cannot be read).
#[must_use]
pub fn run_cli(old: &Path, new: &Path, md: bool) -> u8 {
    let (a, b) = match (load(old), load(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("pia-extract diff: {e}");
            return 2;
        }
    };
    let d = diff(&a, &b);
    if !d.same_document {
        eprintln!("pia-extract diff: note: the two records do not state the same organization and 評価書番号");
    }
    let text = if md { render_md(&d) } else { serde_json::to_string_pretty(&d).expect("a diff serializes") + "\n" };
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_paths() {
        assert_eq!(item_path("Ⅱ特定個人情報ファイルの概要 ２．基本情報 ④記録される項目").unwrap(), ["II", "2", "4"]);
        assert_eq!(item_path("Ⅰ基本情報　３．個人番号の利用").unwrap(), ["I", "3"]);
        assert_eq!(item_path("Ⅲ リスク対策").unwrap(), ["III"]);
        assert_eq!(item_path("（別添１）事務の内容").unwrap(), ["別添1"]);
        assert_eq!(item_path("表紙"), None);
    }

    #[test]
    fn names_skips_group_instances() {
        let p: Vec<String> = ["I", "2", "3"].iter().map(ToString::to_string).collect();
        assert!(names(&p, "I/2/システム1/3"));
        assert!(!names(&p, "I/3/2"));
    }
}
