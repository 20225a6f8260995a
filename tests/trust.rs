//! Trust: a value marked `exact` is never wrong. Every answer key in `golden/` (the seeds'
//! hand-made keys, the generator's keys of the PDFs and of their pdftotext dumps, the
//! hand-made cover keys) is scored with its calibration per certainty level; any value the
//! key contradicts that the record marked `exact` fails (a `null` said `exact` where the
//! key holds a value included).

use pia_extract::score::{Calibration, render_calibration, score};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.to_string_lossy().ends_with(ext)).collect();
    v.sort();
    v
}

/// Every (source, key) pair of `golden/`.
fn keyed_sources() -> Vec<(PathBuf, Value)> {
    let mut out = Vec::new();
    for k in files("golden/keys", ".json") {
        let key = json(&k);
        out.push((Path::new("fixtures/seeds").join(key["source"].as_str().unwrap()), key));
    }
    for k in files("golden/keys/covers", ".json") {
        let key = json(&k);
        out.push((Path::new("fixtures/covers").join(key["source"].as_str().unwrap()), key));
    }
    for src in files("fixtures/pdf", ".pdf").into_iter().chain(files("fixtures/pdf", ".pdftotext.txt")) {
        let name = src.file_name().unwrap().to_string_lossy().to_string();
        let doc = name.split('.').next().unwrap();
        out.push((src.clone(), json(&Path::new("golden/keys/pdf").join(format!("{doc}.json")))));
    }
    out
}

fn record(p: &Path) -> Value {
    serde_json::to_value(pia_extract::extract(&std::fs::read(p).unwrap(), &p.to_string_lossy())).unwrap()
}

#[test]
fn no_exact_value_is_wrong_on_any_key() {
    let pairs = keyed_sources();
    assert!(pairs.len() >= 5 + 11 + 24, "{} keyed sources", pairs.len());
    let mut total = Calibration::default();
    let mut report = String::new();
    let mut failures = Vec::new();
    for (src, key) in &pairs {
        let rec = record(src);
        // honest sources: none breaks the form's own rules (templates/rules.txt)
        let broken: Vec<&Value> = rec["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "inconsistent").collect();
        assert!(broken.is_empty(), "{}: {broken:?}", src.display());
        let s = score(&rec, key, &src.to_string_lossy());
        let c = &s.calibration;
        report.push_str(&format!(
            "{}: exact {}/{}/{} inferred {}/{}/{} unknown {}/{}/{} (right/wrong/null)\n",
            src.display(),
            c.exact.right,
            c.exact.wrong,
            c.exact.null,
            c.inferred.right,
            c.inferred.wrong,
            c.inferred.null,
            c.unknown.right,
            c.unknown.wrong,
            c.unknown.null
        ));
        for m in s.wrong_exact() {
            failures.push(format!("{}: {} {}: expected {:?}, got {:?} (exact)", src.display(), m.kind, m.entry, m.expected, m.got));
        }
        assert_eq!(c.exact.wrong, s.wrong_exact().len(), "{}", src.display());
        total.add(c);
    }
    println!("{report}all keys:\n{}", render_calibration(&total));
    assert!(failures.is_empty(), "{} wrong exact values:\n{}", failures.len(), failures.join("\n"));
    assert!(total.exact.right > 1000, "{total:?}");
}
