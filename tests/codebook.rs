//! The codebook (`pia-extract codebook`): it covers every template field, and every field a
//! record prints is in it with the same concept.

use pia_extract::output::codebook::{entries, render};
use pia_extract::template::templates;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::Command;

fn inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["fixtures/seeds", "fixtures/flavours", "fixtures/yoshiki2"] {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_file() && p.extension().is_some_and(|x| x == "txt" || x == "md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn covers_every_template_field_once() {
    let all = entries(None);
    for t in &templates().forms {
        let ids: Vec<&str> = all.iter().filter(|e| e.form == t.form && e.part == "fields").map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), t.fields.len(), "{}", t.form);
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len(), "{}: an id twice", t.form);
    }
    // one form by tag or by kind
    assert_eq!(entries(Some("様式3")), entries(Some("重点項目評価書")));
    assert!(entries(Some("様式3")).iter().all(|e| e.form == "様式3"));
    assert!(entries(Some("様式9")).is_empty());
    assert!(render(Some("様式9"), "md").is_err());
    assert!(render(None, "xml").is_err());
}

#[test]
fn every_record_field_is_in_the_codebook_with_its_concept() {
    let book = entries(None);
    // (form kind, concept) -> id patterns
    let by_concept: HashMap<(&str, &str), &str> = book.iter().map(|e| ((e.kind.as_str(), e.concept.as_str()), e.id.as_str())).collect();
    let mut checked = 0;
    for p in inputs() {
        let r = pia_extract::extract(&std::fs::read(&p).unwrap(), &p.to_string_lossy());
        let Some(kind) = r.document.kind.as_deref() else { continue };
        for f in &r.fields {
            let Some(c) = &f.concept else { continue };
            let Some(pattern) = by_concept.get(&(kind, c.as_str())) else {
                // a record's kind may disagree with its form (form_kind_mismatch): then skip
                continue;
            };
            // the record's id is the pattern with the group number filled in
            let re = regex::Regex::new(&format!("^{}$", regex::escape(pattern).replace(r"\*", "[0-9]+"))).unwrap();
            assert!(re.is_match(&f.id), "{}: {} has concept {c} but the codebook says {pattern}", p.display(), f.id);
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} fields checked");
}

#[test]
fn cli_prints_every_format() {
    let bin = env!("CARGO_BIN_EXE_pia-extract");
    let run = |args: &[&str]| Command::new(bin).arg("codebook").args(args).output().unwrap();
    let md = run(&["--form", "様式4"]);
    assert!(md.status.success());
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("| `I/7/1` | `office.department` | 部署 |"), "{md}");
    let csv = String::from_utf8(run(&["--format", "csv"]).stdout).unwrap();
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let rows = rd.records().count();
    assert_eq!(rows, entries(None).len());
    let json: serde_json::Value = serde_json::from_slice(&run(&["--format", "json", "--form", "様式3"]).stdout).unwrap();
    let dept = json.as_array().unwrap().iter().find(|e| e["concept"] == "office.department").unwrap();
    assert_eq!(dept["id"], "I/6/1");
    let bad = run(&["--form", "様式9"]);
    assert_eq!(bad.status.code(), Some(1));
}
