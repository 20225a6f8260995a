//! Data-driven tests over every fixture in `fixtures/`: schema, invariants, regression
//! snapshots (`golden/snapshots`, NOT ground truth) and the answer-key score floors
//! (`golden/keys`, hand-made ground truth; `golden/floors.json`).

use pia_extract::record::{OptionOut, Record, SCHEMA};
use pia_extract::score::score;
use pia_extract::template::templates;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["fixtures/seeds", "fixtures/text"] {
        let Ok(rd) = std::fs::read_dir(dir) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.') {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no fixtures found");
    out
}

fn run(p: &Path) -> Record {
    let bytes = std::fs::read(p).unwrap();
    pia_extract::extract(&bytes, &p.to_string_lossy())
}

#[test]
fn every_record_validates_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for p in fixtures() {
        let v = serde_json::to_value(run(&p)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| format!("{e} at {}", e.instance_path())).take(5).collect();
        assert!(errors.is_empty(), "{}: {:?}", p.display(), errors);
    }
    // an error record validates too
    let v = serde_json::to_value(pia_extract::extract(b"", "empty.txt")).unwrap();
    assert!(validator.is_valid(&v));
}

#[test]
fn invariants_hold_on_every_fixture() {
    let t = templates();
    for p in fixtures() {
        let r = run(&p);
        let name = p.display().to_string();
        assert!(!r.has_error(), "{name}: {:?}", r.diagnostics.iter().filter(|d| d.level == "error").collect::<Vec<_>>());
        let mut ids = HashSet::new();
        for f in &r.fields {
            assert!(ids.insert(f.id.clone()), "{name}: duplicate id {}", f.id);
            assert_eq!(f.id, f.path.join("/"));
            assert!(f.at.line.is_some_and(|l| l >= 1), "{name}: {} has no location", f.id);
            match f.ty.as_str() {
                "choice" => {
                    let opts: Vec<&str> = f
                        .options
                        .iter()
                        .map(|o| match o {
                            OptionOut::Choice(s) => s.as_str(),
                            OptionOut::Box(_) => panic!("{name}: box in a choice"),
                        })
                        .collect();
                    assert!(!opts.is_empty(), "{name}: {} has no options", f.id);
                    if let Some(v) = &f.value {
                        assert!(opts.contains(&v.as_str()), "{name}: {} = {v} is not an option", f.id);
                    }
                    // the options are one of the template's lists, in order
                    assert!(
                        t.lists.iter().any(|l| l.options.iter().map(|o| o.label.as_str()).eq(opts.iter().copied())),
                        "{name}: {}",
                        f.id
                    );
                }
                "checkboxes" => {
                    let labels: Vec<&str> = f
                        .options
                        .iter()
                        .map(|o| match o {
                            OptionOut::Box(b) => b.label.as_str(),
                            OptionOut::Choice(_) => panic!("{name}: string in a checkbox group"),
                        })
                        .collect();
                    assert!(
                        t.lists.iter().any(|l| l.options.iter().map(|o| o.label.as_str()).eq(labels.iter().copied())),
                        "{name}: {} lacks options",
                        f.id
                    );
                    for o in &f.options {
                        if let OptionOut::Box(b) = o {
                            assert_eq!(b.checked.is_none(), b.certainty == "unknown", "{name}: {} {}", f.id, b.label);
                        }
                    }
                }
                "text" => assert!(f.value.as_deref() != Some(""), "{name}: {} empty string instead of null", f.id),
                other => panic!("{name}: type {other}"),
            }
        }
        for d in &r.document_values() {
            assert!(d.as_deref() != Some(""), "{name}: empty document value");
        }
    }
}

trait DocValues {
    fn document_values(&self) -> Vec<Option<String>>;
}
impl DocValues for Record {
    fn document_values(&self) -> Vec<Option<String>> {
        let d = &self.document;
        vec![
            d.kind.clone(),
            d.form.clone(),
            d.number.clone(),
            d.title.clone(),
            d.organization.clone(),
            d.published.clone(),
            d.published_raw.clone(),
        ]
    }
}

/// Regression snapshots: what the code produced when last reviewed. A difference fails;
/// `UPDATE_SNAPSHOTS=1 cargo test` rewrites them. These are not ground truth.
#[test]
fn records_match_regression_snapshots() {
    let update = std::env::var("UPDATE_SNAPSHOTS").is_ok();
    let mut failures = Vec::new();
    for p in fixtures() {
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        let snap = Path::new("golden/snapshots").join(format!("{stem}.snapshot.json"));
        let got = serde_json::to_string_pretty(&run(&p)).unwrap() + "\n";
        if update || !snap.exists() {
            std::fs::create_dir_all("golden/snapshots").unwrap();
            std::fs::write(&snap, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&snap).unwrap();
        if want != got {
            let first = want.lines().zip(got.lines()).position(|(a, b)| a != b).unwrap_or(0);
            failures.push(format!("{}: differs from line {} (`UPDATE_SNAPSHOTS=1 cargo test` after review)", snap.display(), first + 1));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The answer-key score of every seed against its hand-made key, with floors that only go up.
#[test]
fn answer_key_scores_stay_above_their_floors() {
    let floors: serde_json::Value = serde_json::from_str(&std::fs::read_to_string("golden/floors.json").unwrap()).unwrap();
    let mut report = String::new();
    let mut failures = Vec::new();
    let mut keys: Vec<PathBuf> = std::fs::read_dir("golden/keys")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    keys.sort();
    assert_eq!(keys.len(), 5, "one key per seed");
    for k in keys {
        let stem = k.file_stem().unwrap().to_string_lossy().to_string();
        let key: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&k).unwrap()).unwrap();
        let src = Path::new("fixtures/seeds").join(key["source"].as_str().unwrap());
        let rec = serde_json::to_value(run(&src)).unwrap();
        let s = score(&rec, &key, &stem);
        report.push_str(&format!("{stem}: {}\n", s.summary_line()));
        let f = &floors[&stem];
        for (kind, t) in [("document", &s.document), ("choices", &s.choices), ("checks", &s.checks), ("texts", &s.texts)] {
            let floor = f[kind].as_u64().unwrap_or(0) as usize;
            if t.right < floor {
                failures.push(format!("{stem} {kind}: {} right, floor {floor}", t.right));
            }
        }
        let max_wrong = f["max_wrong"].as_u64().unwrap_or(0) as usize;
        if s.all.wrong > max_wrong {
            failures.push(format!("{stem}: {} wrong values, at most {max_wrong} allowed", s.all.wrong));
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "{failures:#?}\n{report}");
}

/// 別添 変更箇所: rows with their date and 提出時期 where the dump has the table.
#[test]
fn change_table_rows() {
    let r = run(Path::new("fixtures/seeds/001_4659e5c1cf513e63.txt"));
    let rows = &r.tables.changes;
    assert!(rows.len() >= 40, "{} rows", rows.len());
    for c in rows {
        assert!(c.date.as_deref().is_some_and(|d| pia_extract::era_to_iso(d).is_some()), "{c:?}");
        assert!(c.timing.as_deref().is_none_or(|t| t == "事後" || t == "事前"), "{c:?}");
        assert!(c.item.as_deref().is_none_or(|i| matches!(i.chars().next(), Some('Ⅰ'..='Ⅵ'))), "{c:?}");
        assert!(c.before.is_none() && c.after.is_none());
    }
    assert!(rows.iter().filter(|c| c.item.is_some()).count() * 2 >= rows.len());
}

/// The kind of every seed: printed on the cover, or (000, a fragment without cover) told by
/// a section heading only 様式4 prints, with a diagnostic saying so.
#[test]
fn kind_of_every_seed() {
    let want =
        [("000", "全項目評価書"), ("001", "全項目評価書"), ("002", "全項目評価書"), ("003", "重点項目評価書"), ("004", "重点項目評価書")];
    for p in fixtures().iter().filter(|p| p.starts_with("fixtures/seeds")) {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let (_, kind) = want.iter().find(|(n, _)| name.starts_with(n)).unwrap();
        let r = run(p);
        assert_eq!(r.document.kind.as_deref(), Some(*kind), "{name}");
    }
    let r = run(Path::new("fixtures/seeds/000_fbd264a4a596df05.txt"));
    assert!(r.diagnostics.iter().any(|d| d.code == "kind_inferred"));
}

/// 別添 記録項目: the recorded items per file, and nothing of other parts of the form.
#[test]
fn record_items() {
    let r = run(Path::new("fixtures/seeds/003_cdf45e26e510a6e3.txt"));
    assert_eq!(r.tables.record_items.len(), 1);
    let items = &r.tables.record_items[0];
    assert!(items.len() >= 50 && items.iter().any(|i| i == "個人番号"), "{items:?}");
    // 001 says its list is in a separate attachment (別紙参照): no items rather than prose
    let r = run(Path::new("fixtures/seeds/001_4659e5c1cf513e63.txt"));
    assert!(r.tables.record_items.iter().flatten().all(|i| !i.contains("リスク") && !i.contains('。')), "{:?}", r.tables.record_items);
}

/// A markdown/HTML conversion prints every mark explicitly: every box is read exactly.
#[test]
fn explicit_marks_are_exact() {
    for p in fixtures() {
        let r = run(&p);
        if r.source.format != "markdown" {
            continue;
        }
        let mut n = 0;
        for f in r.fields.iter().filter(|f| f.ty == "checkboxes") {
            for o in &f.options {
                if let OptionOut::Box(b) = o {
                    n += 1;
                    assert_eq!(b.certainty, "exact", "{}: {} {}", p.display(), f.id, b.label);
                    assert!(b.checked.is_some());
                }
            }
        }
        assert!(n > 0, "{}: no boxes", p.display());
    }
}

#[test]
fn keys_are_well_formed_and_carry_line_numbers() {
    for e in std::fs::read_dir("golden/keys").unwrap().flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let k: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        assert!(Path::new("fixtures/seeds").join(k["source"].as_str().unwrap()).exists());
        for kind in ["choices", "checks", "texts", "left_out"] {
            for entry in k[kind].as_array().into_iter().flatten() {
                let lines = entry["lines"].as_array();
                assert!(lines.is_some_and(|l| !l.is_empty()), "{}: {kind} entry without lines: {entry}", p.display());
            }
        }
    }
}
