//! Cover reading (kind, form tag, 評価書番号, 評価書名, 評価実施機関名, 公表日) on covers in
//! every text flavour seen in published documents:
//!
//! - `../shared/variants-dev` (read as they are, never copied or edited; `MANIFEST.tsv`
//!   says what each must show), each with a key of its document fields;
//! - the hand-written covers of `fixtures/covers` with their hand-made keys in
//!   `golden/keys/covers`.
//!
//! Every keyed field is scored: any wrong value fails, and so does a cover whose right
//! fields fall under its floor in `golden/floors_covers.json` (floors only go up).

use pia_extract::score::{Score, score};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn record(path: &Path) -> Value {
    serde_json::to_value(pia_extract::extract(&std::fs::read(path).unwrap(), &path.to_string_lossy())).unwrap()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

/// The shared variants, beside the clone (CI has a read-only copy there).
fn variants_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/variants-dev")
}

struct Case {
    /// The name floors are kept under.
    name: String,
    /// The flavour class (`cover:flattened`, `own:spaced`, …).
    class: String,
    text: PathBuf,
    key: Value,
}

fn variant_cases() -> Vec<Case> {
    let dir = variants_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("../shared/variants-dev/MANIFEST.tsv");
    manifest
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Case { name: cols[0].to_string(), class: cols[2].to_string(), text: dir.join(cols[0]), key: read_json(&dir.join(cols[1])) }
        })
        .collect()
}

fn own_cases() -> Vec<Case> {
    let mut keys: Vec<PathBuf> = std::fs::read_dir("golden/keys/covers").unwrap().flatten().map(|e| e.path()).collect();
    keys.sort();
    keys.iter()
        .map(|kp| {
            let key = read_json(kp);
            let src = key["source"].as_str().unwrap().to_string();
            // the flavour is the name's second part: yoshiki2_fuso.natural.txt
            let flavour = src.split('.').nth(1).unwrap_or("plain").to_string();
            Case {
                name: format!("fixtures/covers/{src}"),
                class: format!("own:{flavour}"),
                text: Path::new("fixtures/covers").join(&src),
                key,
            }
        })
        .collect()
}

/// Only the six document fields are scored here (the hand-made keys of `fixtures/covers`
/// also key Ⅰ fields, declaration and 特記事項, tested in `tests/flavours.rs`).
fn cover_key(key: &Value) -> Value {
    let mut doc = serde_json::Map::new();
    for f in ["kind", "form", "number", "title", "organization", "published"] {
        if let Some(v) = key["document"].get(f) {
            doc.insert(f.into(), v.clone());
        }
    }
    serde_json::json!({"document": doc, "choices": [], "checks": [], "texts": []})
}

fn run(cases: &[Case]) -> (Vec<(String, String, Score, Value)>, String) {
    let mut out = Vec::new();
    let mut by_class: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for c in cases {
        let rec = record(&c.text);
        let s = score(&rec, &cover_key(&c.key), &c.name);
        let e = by_class.entry(c.class.clone()).or_default();
        e.0 += s.document.right;
        e.1 += s.document.total;
        e.2 += s.document.wrong;
        out.push((c.name.clone(), c.class.clone(), s, rec));
    }
    let mut report = String::new();
    for (class, (r, t, w)) in &by_class {
        report.push_str(&format!("{class:28} {r:3}/{t:3} wrong {w}\n"));
    }
    (out, report)
}

fn check(cases: &[Case], floors_key: &str) {
    let floors = read_json(Path::new("golden/floors_covers.json"));
    let (scored, report) = run(cases);
    let (mut right, mut total, mut wrong) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut raise = Vec::new();
    for (name, _, s, _) in &scored {
        right += s.document.right;
        total += s.document.total;
        wrong += s.document.wrong;
        if s.document.wrong > 0 {
            failures.push(format!("{name}: wrong values {:?}", s.misses.iter().filter(|m| m.how == "wrong").collect::<Vec<_>>()));
        }
        let floor = floors[floors_key][name].as_u64().unwrap_or_else(|| panic!("{name}: no floor in golden/floors_covers.json"));
        if (s.document.right as u64) < floor {
            failures.push(format!("{name}: {} right, under its floor {floor}: {:?}", s.document.right, s.misses));
        } else if (s.document.right as u64) > floor {
            raise.push(format!("{name}: {} (floor {floor})", s.document.right));
        }
    }
    println!("{floors_key}: document fields {right}/{total}, wrong {wrong}\n{report}");
    if !raise.is_empty() {
        println!("floors that can be raised:\n  {}", raise.join("\n  "));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn shared_variant_covers_are_read_to_their_keys() {
    let cases = variant_cases();
    assert!(cases.len() >= 29, "variants-dev holds {} covers", cases.len());
    check(&cases, "variants-dev");
}

#[test]
fn own_covers_are_read_to_their_keys() {
    let cases = own_cases();
    assert!(cases.len() >= 16);
    check(&cases, "own");
}

/// A cover whose labels lost characters gives no fragment as title or organization, and
/// says so.
#[test]
fn damaged_covers_warn() {
    let cases: Vec<Case> = variant_cases().into_iter().filter(|c| c.class.contains("glyph-loss")).collect();
    assert!(!cases.is_empty());
    for (name, _, s, rec) in run(&cases).0 {
        assert_eq!(s.document.wrong, 0, "{name}");
        let diags = rec["diagnostics"].as_array().unwrap();
        assert!(
            diags.iter().any(|d| matches!(d["code"].as_str(), Some("glyphs_missing" | "glyphs_lost"))),
            "{name}: no diagnostic says glyphs were lost: {diags:?}"
        );
    }
}

/// Floors only go up: each floor is a count of right fields the cover's key has.
#[test]
fn cover_floors_are_counts_of_keyed_fields() {
    let floors = read_json(Path::new("golden/floors_covers.json"));
    for (set, cases) in [("variants-dev", variant_cases()), ("own", own_cases())] {
        for c in &cases {
            let keyed = cover_key(&c.key)["document"].as_object().unwrap().len() as u64;
            let f = floors[set][&c.name].as_u64().unwrap_or_else(|| panic!("{set}: {}: no floor", c.name));
            assert!(f <= keyed, "{set}: {}: floor {f} above the {keyed} keyed fields", c.name);
        }
    }
}
