//! PDFs of other producers and layouts (tools/pdfgen/make_variants.py: a browser printing the
//! form as HTML tables, other fonts/column widths/wrapping, landscape and scaled pages, text
//! drawn glyph by glyph with kerning), read against the keys of the same documents
//! (golden/keys/pdf/). Every document field right, no wrong value, floors per file; the
//! producer × layout matrix is printed and must be the one in the README.

use pia_extract::score::{Score, Tally, score};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DIR: &str = "fixtures/pdf_layouts";
const BEGIN: &str = "<!-- layout-matrix:begin (tests/pdf_layouts.rs) -->";
const END: &str = "<!-- layout-matrix:end -->";

fn pdfs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(DIR).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect();
    v.sort();
    assert!(v.len() >= 12, "the layout PDFs are committed");
    v
}

/// `<doc>.<producer>.pdf` → (doc, producer)
fn split_name(p: &Path) -> (String, String) {
    let name = p.file_name().unwrap().to_string_lossy().to_string();
    let mut parts = name.split('.');
    (parts.next().unwrap().to_string(), parts.next().unwrap().to_string())
}

fn record(p: &Path) -> Value {
    serde_json::to_value(pia_extract::extract(&std::fs::read(p).unwrap(), &p.to_string_lossy())).unwrap()
}

fn key(doc: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("golden/keys/pdf/{doc}.json")).unwrap()).unwrap()
}

fn percent(t: &Tally) -> String {
    format!("{:.1}", t.ratio() * 100.0)
}

/// The matrix as a markdown table: one row per producer/layout, one column per document.
fn matrix(scores: &BTreeMap<(String, String), Score>) -> String {
    let docs: Vec<&String> = scores.keys().map(|(d, _)| d).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let producers: Vec<&String> = scores.keys().map(|(_, p)| p).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let mut out = String::from("| producer × layout |");
    for d in &docs {
        out.push_str(&format!(" {d} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(docs.len()));
    out.push('\n');
    for p in producers {
        out.push_str(&format!("| `{p}` |"));
        for d in &docs {
            match scores.get(&((*d).clone(), p.clone())) {
                Some(s) => out.push_str(&format!(
                    " {}/{}, wrong {} (choices {}%, checks {}%, texts {}%) |",
                    s.all.right,
                    s.all.total,
                    s.all.wrong,
                    percent(&s.choices),
                    percent(&s.checks),
                    percent(&s.texts)
                )),
                None => out.push_str(" – |"),
            }
        }
        out.push('\n');
    }
    out
}

#[test]
fn layouts_read_against_their_keys() {
    let floors: Value = serde_json::from_str(&std::fs::read_to_string("golden/floors_pdf_layouts.json").unwrap()).unwrap();
    let mut scores = BTreeMap::new();
    let mut failures = Vec::new();
    for p in pdfs() {
        let (doc, producer) = split_name(&p);
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let rec = record(&p);
        let s = score(&rec, &key(&doc), &name);
        assert!(!rec["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "internal_panic"), "{name}");
        if s.all.wrong > 0 {
            failures.push(format!("{name}: wrong values {:?}", s.misses.iter().filter(|m| m.how == "wrong").collect::<Vec<_>>()));
        }
        if s.document.right != s.document.total {
            failures.push(format!("{name}: document {}/{}", s.document.right, s.document.total));
        }
        for (kind, t) in [("choices", &s.choices), ("checks", &s.checks), ("texts", &s.texts)] {
            let floor = floors[&name][kind].as_u64().unwrap_or(u64::MAX) as usize;
            if t.right < floor {
                failures.push(format!("{name} {kind}: {} right, floor {floor}", t.right));
            }
        }
        scores.insert((doc, producer), s);
    }
    let table = matrix(&scores);
    println!("{table}");
    assert!(failures.is_empty(), "{failures:#?}\n{table}");
    let readme = std::fs::read_to_string("README.md").unwrap();
    let (Some(a), Some(b)) = (readme.find(BEGIN), readme.find(END)) else { panic!("README.md has no layout matrix markers") };
    let have = readme[a + BEGIN.len()..b].trim();
    if have != table.trim() {
        if std::env::var_os("PIA_UPDATE_MATRIX").is_some() {
            let new = format!("{}{BEGIN}\n{}\n{}", &readme[..a], table.trim(), &readme[b..]);
            std::fs::write("README.md", new).unwrap();
        } else {
            panic!("the README's layout matrix is not the measured one (PIA_UPDATE_MATRIX=1 rewrites it):\n{table}");
        }
    }
}

/// A layout PDF and its pdftotext dump never contradict each other on a choice or a mark.
#[test]
fn layout_pdfs_and_their_dumps_agree() {
    for p in pdfs() {
        let dump = PathBuf::from(format!("{}.pdftotext.txt", p.to_string_lossy().trim_end_matches(".pdf")));
        let (a, b) = (record(&p), record(&dump));
        let index = |r: &Value| -> BTreeMap<String, Value> {
            r["fields"].as_array().unwrap().iter().map(|f| (f["id"].as_str().unwrap().to_string(), f.clone())).collect()
        };
        let (fa, fb) = (index(&a), index(&b));
        for (id, x) in &fa {
            let Some(y) = fb.get(id) else { continue };
            if x["type"] == "choice" && !x["value"].is_null() && !y["value"].is_null() {
                assert_eq!(x["value"], y["value"], "{}: {id}", p.display());
            }
            if x["type"] == "checkboxes" {
                for (ox, oy) in x["options"].as_array().unwrap().iter().zip(y["options"].as_array().unwrap()) {
                    if !ox["checked"].is_null() && !oy["checked"].is_null() {
                        assert_eq!(ox["checked"], oy["checked"], "{}: {id} {}", p.display(), ox["label"]);
                    }
                }
            }
        }
    }
}
