//! `pia-extract diff`: two records made to differ in known fields report exactly those
//! fields; two versions of a source document give a readable table.

use pia_extract::diff::diff;
use pia_extract::record::{OptionOut, Record};
use std::collections::BTreeSet;
use std::path::Path;

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds/001_4659e5c1cf513e63.txt");

fn seed_record() -> Record {
    let bytes = std::fs::read(SEED).unwrap();
    pia_extract::extract(&bytes, "001_4659e5c1cf513e63.txt")
}

#[test]
fn reports_exactly_the_fields_made_to_differ() {
    let old = seed_record();
    let mut new = old.clone();
    let mut want = BTreeSet::new();
    // a text value, a choice value, one checkbox mark flipped, one field dropped
    let text = new.fields.iter_mut().find(|f| f.ty == "text" && f.value.is_some()).unwrap();
    text.value = Some(format!("{}（改）", text.value.as_deref().unwrap()));
    want.insert(text.id.clone());
    let choice = new.fields.iter_mut().find(|f| f.ty == "choice" && f.options.len() > 1).unwrap();
    let other = choice.options.iter().find_map(|o| match o {
        OptionOut::Choice(s) if Some(s) != choice.value.as_ref() => Some(s.clone()),
        _ => None,
    });
    choice.value = other;
    want.insert(choice.id.clone());
    let boxes = new
        .fields
        .iter_mut()
        .find(|f| f.ty == "checkboxes" && f.options.iter().any(|o| matches!(o, OptionOut::Box(b) if b.checked == Some(false))))
        .unwrap();
    let flipped = boxes
        .options
        .iter_mut()
        .find_map(|o| match o {
            OptionOut::Box(b) if b.checked == Some(false) => {
                b.checked = Some(true);
                Some(b.label.clone())
            }
            _ => None,
        })
        .unwrap();
    want.insert(boxes.id.clone());
    let boxes_id = boxes.id.clone();
    let gone = new.fields.iter().rposition(|f| !want.contains(&f.id)).unwrap();
    want.insert(new.fields.remove(gone).id);
    // whitespace and width alone are no change
    let spaced =
        new.fields.iter_mut().find(|f| !want.contains(&f.id) && f.value.as_deref().is_some_and(|v| v.chars().count() > 3)).unwrap();
    spaced.value = spaced.value.as_ref().map(|v| v.chars().map(|c| format!("{c} ")).collect());

    let d = diff(&old, &new);
    let got: BTreeSet<String> = d.fields.iter().map(|f| f.id.clone()).collect();
    assert_eq!(got, want);
    assert!(d.same_document);
    assert!(d.document.is_empty());
    let b = d.fields.iter().find(|f| f.id == boxes_id).unwrap();
    assert_eq!(b.options.len(), 1);
    assert_eq!(b.options[0].label, flipped);
    assert_eq!((b.options[0].checked_before, b.options[0].checked_after), (Some(false), Some(true)));
    assert_eq!(d.fields.iter().filter(|f| f.how == "removed").count(), 1);
    // and nothing the other way round but the same fields
    let back: BTreeSet<String> = diff(&new, &old).fields.into_iter().map(|f| f.id).collect();
    assert_eq!(back, want);
    assert!(diff(&old, &old).fields.is_empty());
}

#[test]
fn another_document_is_flagged() {
    let old = seed_record();
    let mut new = old.clone();
    new.document.number = Some("99".into());
    let d = diff(&old, &new);
    assert!(!d.same_document);
    assert_eq!(d.document.len(), 1);
    assert_eq!(d.document[0].key, "number");
}

/// Two versions of one source: the second has a new 部署 (on its label's line) and one more
/// 変更箇所 row; the table names the field, and the cross-check sees it listed or not.
#[test]
fn two_versions_give_a_readable_table() {
    let dir = std::env::temp_dir().join(format!("pia-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(SEED).unwrap();
    let old = dir.join("v1.txt");
    let new = dir.join("v2.txt");
    std::fs::write(&old, &text).unwrap();
    let edited = text.replacen(" ①部署 財政局税務部課税管理課", " ①部署 財政局税務部市民税課", 1);
    assert_ne!(edited, text);
    std::fs::write(&new, &edited).unwrap();
    let run = |args: &[&Path]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pia-extract"))
            .arg("diff")
            .args(args)
            .arg("--format")
            .arg("md")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let md = run(&[&old, &new]);
    assert!(md.contains("| field | label | how | before | after |"), "{md}");
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| `")).collect();
    assert_eq!(rows.len(), 1, "{md}");
    assert!(rows[0].contains("部署") && rows[0].contains("財政局税務部課税管理課") && rows[0].contains("財政局税務部市民税課"), "{md}");
    // JSON output of the same: one changed field, under Ⅰ
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pia-extract")).arg("diff").arg(&old).arg(&new).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fields = v["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1);
    assert!(fields[0]["id"].as_str().unwrap().starts_with("I/"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// NEW's 変更箇所 rows newer than OLD's 公表日 are checked against the diff; older rows are
/// history.
#[test]
fn cross_check_against_the_listed_changes() {
    use pia_extract::record::Change;
    let mut old = seed_record();
    old.document.published = Some("2019-04-01".into());
    let mut new = old.clone();
    new.tables.changes.clear();
    let row = |date: &str, item: &str| Change { date: Some(date.into()), item: Some(item.into()), ..Change::default() };
    new.tables.changes.push(row("平成30年4月1日", "Ⅱ特定個人情報ファイルの概要 ３．特定個人情報の入手・使用"));
    new.tables.changes.push(row("令和2年4月1日", "Ⅰ基本情報 ７．評価実施機関における担当部署 ①部署"));
    new.tables.changes.push(row("令和2年4月1日", "Ⅱ特定個人情報ファイルの概要 ６．特定個人情報の保管・消去"));
    new.tables.changes.push(row("令和2年4月1日", "表紙"));
    let dept = new.fields.iter_mut().find(|f| f.id == "I/7/1").expect("seed 001 has I/7/1 部署");
    dept.value = Some("総務局".into());
    let other = new.fields.iter_mut().find(|f| f.id.starts_with("I/1/") && f.ty == "text" && f.value.is_some()).unwrap();
    other.value = Some("変更後".into());
    let other_id = other.id.clone();
    let d = diff(&old, &new);
    assert!(d.listed[0].before_old && !d.listed[1].before_old);
    assert_eq!(d.listed[1].found, ["I/7/1"]);
    assert_eq!(d.listed_not_found, [2]);
    assert_eq!(d.listed_unplaced, [3]);
    assert_eq!(d.found_not_listed, [other_id]);
    let md = pia_extract::diff::render_md(&d);
    assert!(md.contains("1 row(s) dated on or before"), "{md}");
    assert!(md.contains("1 row(s) list a change the diff does not find"), "{md}");
}
