//! PDF input: generated PDFs (tools/pdfgen; keys written by the generator from the same
//! data) read against their keys; every mark exact; PDFs without ToUnicode give no wrong
//! value and `no_text_layer`; damaged copies never panic; a PDF and its pdftotext dump
//! never contradict each other.

mod common;

use pia_extract::score::score;
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn pdfs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("fixtures/pdf")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    v.sort();
    assert!(v.len() >= 16, "generated PDFs are committed");
    v
}

fn record(p: &Path) -> Value {
    serde_json::to_value(pia_extract::extract(&std::fs::read(p).unwrap(), &p.to_string_lossy())).unwrap()
}

fn key_for(p: &Path) -> Value {
    let name = p.file_name().unwrap().to_string_lossy();
    let doc = name.split('.').next().unwrap();
    serde_json::from_str(&std::fs::read_to_string(format!("golden/keys/pdf/{doc}.json")).unwrap()).unwrap()
}

#[test]
fn pdf_records_validate_against_the_schema() {
    let schema: Value = serde_json::from_str(pia_extract::record::SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for p in pdfs() {
        let v = record(&p);
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| format!("{e} at {}", e.instance_path())).take(3).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", p.display());
    }
}

#[test]
fn generated_pdfs_read_against_their_keys() {
    let floors: Value = serde_json::from_str(&std::fs::read_to_string("golden/floors_pdf.json").unwrap()).unwrap();
    let mut report = String::new();
    let mut failures = Vec::new();
    for p in pdfs() {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let rec = record(&p);
        let s = score(&rec, &key_for(&p), &name);
        report.push_str(&format!("{name}: {}\n", s.summary_line()));
        assert_eq!(rec["source"]["format"], "pdf");
        assert!(!rec["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "internal_panic"), "{name}");
        if name.contains("notounicode") {
            // no text layer: nothing guessed, and said so
            assert_eq!(s.all.wrong, 0, "{name}: {:?}", s.misses.iter().filter(|m| m.how == "wrong").collect::<Vec<_>>());
            assert!(
                rec["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|d| d["code"] == "no_text_layer" || d["code"] == "page_without_text_layer"),
                "{name}"
            );
            continue;
        }
        if s.all.wrong > 0 {
            failures.push(format!("{name}: wrong values {:?}", s.misses.iter().filter(|m| m.how == "wrong").collect::<Vec<_>>()));
        }
        if s.document.right != s.document.total {
            failures.push(format!("{name}: document {}/{}", s.document.right, s.document.total));
        }
        let f = &floors[&name];
        for (kind, t) in [("choices", &s.choices), ("checks", &s.checks), ("texts", &s.texts)] {
            let floor = f[kind].as_u64().unwrap_or(u64::MAX) as usize;
            if t.right < floor {
                failures.push(format!("{name} {kind}: {} right, floor {floor}", t.right));
            }
        }
        // geometry places every mark: all boxes exact, every field located by bbox
        for fld in rec["fields"].as_array().unwrap() {
            assert!(fld["at"]["bbox"].as_array().is_some_and(|b| b.len() == 4), "{name}: {} has no bbox", fld["id"]);
            if fld["type"] == "checkboxes" {
                for o in fld["options"].as_array().unwrap() {
                    assert_eq!(o["certainty"], "exact", "{name}: {} {}", fld["id"], o["label"]);
                }
            }
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "{failures:#?}\n{report}");
}

/// A PDF and the pdftotext dump of that same PDF never contradict each other: wherever both
/// records give a choice or a mark, it is the same.
#[test]
fn pdf_and_its_dump_agree() {
    let mut cut_texts = Vec::new();
    for p in pdfs().into_iter().filter(|p| !p.to_string_lossy().contains("notounicode") && !p.to_string_lossy().contains("unijis")) {
        let dump = PathBuf::from(format!("{}.pdftotext.txt", p.to_string_lossy().trim_end_matches(".pdf")));
        let a = record(&p);
        let b = record(&dump);
        let index = |r: &Value| -> std::collections::HashMap<String, Value> {
            r["fields"].as_array().unwrap().iter().map(|f| (f["id"].as_str().unwrap().to_string(), f.clone())).collect()
        };
        let (fa, fb) = (index(&a), index(&b));
        let mut both = 0;
        for (id, x) in &fa {
            let Some(y) = fb.get(id) else { continue };
            both += 1;
            match x["type"].as_str().unwrap() {
                "choice" if !x["value"].is_null() && !y["value"].is_null() => {
                    assert_eq!(x["value"], y["value"], "{}: {id}", p.display());
                }
                "text" if !x["value"].is_null() && !y["value"].is_null() => {
                    // the same value, white space aside; or one pdftotext cut at a wide space
                    let norm = |v: &Value| pia_extract::normalize::key(v.as_str().unwrap());
                    let (vx, vy) = (norm(&x["value"]), norm(&y["value"]));
                    if vx != vy {
                        assert!(vx.starts_with(&vy), "{}: {id}: the dump's 「{vy}」 is not the PDF's 「{vx}」", dump.display());
                        cut_texts.push(format!("{}: {id}", dump.display()));
                    }
                }
                "checkboxes" => {
                    for (ox, oy) in x["options"].as_array().unwrap().iter().zip(y["options"].as_array().unwrap()) {
                        if !ox["checked"].is_null() && !oy["checked"].is_null() {
                            assert_eq!(ox["checked"], oy["checked"], "{}: {id} {}", p.display(), ox["label"]);
                        }
                    }
                }
                _ => {}
            }
        }
        assert!(both * 10 >= fa.len() * 6, "{}: only {both} of {} fields in both", p.display(), fa.len());
        for k in ["kind", "form", "number", "title", "organization", "published"] {
            if !b["document"][k].is_null() {
                // white space aside: a dump cuts a title at its full-width space
                let norm = |v: &Value| v.as_str().map(pia_extract::normalize::key);
                assert_eq!(norm(&a["document"][k]), norm(&b["document"][k]), "{}: document.{k}", p.display());
            }
        }
    }
    // a cell pdftotext splits at a wide space prints its rest after a blank line, where it
    // cannot be told from the next cell: those values are cut (the dumps of gen_c: 部署 twice,
    // 法令上の根拠, 委託先名). This ceiling only goes down.
    assert!(cut_texts.len() <= MAX_CUT_DUMP_TEXTS, "{cut_texts:#?}");
}

/// Dump text values that are a prefix of their PDF's value (see `pdf_and_its_dump_agree`).
const MAX_CUT_DUMP_TEXTS: usize = 8;

/// The pdftotext dump of a generated PDF, read as a scrambled text (page by page), gives
/// every mark and choice of the PDF's key or null: none contradicts the PDF.
#[test]
fn pdftotext_dumps_never_contradict_their_pdfs_keys() {
    let mut dumps: Vec<PathBuf> = std::fs::read_dir("fixtures/pdf")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".pdftotext.txt"))
        .collect();
    dumps.sort();
    assert!(dumps.len() >= 8, "pdftotext dumps are committed");
    for d in dumps {
        let name = d.file_name().unwrap().to_string_lossy().to_string();
        let rec = record(&d);
        let s = score(&rec, &key_for(&d), &name);
        let wrong: Vec<_> = s.misses.iter().filter(|m| m.how == "wrong" && m.kind != "texts").collect();
        assert!(wrong.is_empty(), "{name}: {wrong:?}");
        // the dump gives most of the PDF's marks (null only where its pieces cannot be placed)
        assert!(s.checks.right * 10 >= s.checks.total * 9, "{name}: checks {}/{}", s.checks.right, s.checks.total);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn damaged_pdfs_never_panic(which in 0usize..16, cut in 0.0f64..1.0, flips in proptest::collection::vec((0.0f64..1.0, 1u8..=255), 0..12)) {
        let files = pdfs();
        let mut b = std::fs::read(&files[which % files.len()]).unwrap();
        b.truncate(((b.len() as f64) * cut) as usize);
        for (pos, x) in flips {
            if !b.is_empty() {
                let i = ((b.len() - 1) as f64 * pos) as usize;
                b[i] ^= x;
            }
        }
        let r = pia_extract::extract(&b, "damaged.pdf");
        prop_assert!(!r.diagnostics.iter().any(|d| d.code == "internal_panic"), "{:?}", r.diagnostics);
    }
}

/// Encrypted PDFs: an empty user password opens them (RC4 and AES-256); a real one gives the
/// error record `encrypted`.
#[test]
fn encrypted_pdfs() {
    let plain = record(Path::new("fixtures/pdf/gen_d_juuten_h26.unijis.pdf"));
    for f in ["owner_only_rc4.pdf", "owner_only_aes256.pdf"] {
        let r = record(&Path::new("fixtures/pdf_encrypted").join(f));
        assert_eq!(r["fields"], plain["fields"], "{f}");
        assert_eq!(r["document"], plain["document"], "{f}");
    }
    let r = record(Path::new("fixtures/pdf_encrypted/user_pw.pdf"));
    let errors: Vec<&Value> = r["diagnostics"].as_array().unwrap().iter().filter(|d| d["level"] == "error").collect();
    assert!(errors.iter().any(|d| d["code"] == "encrypted"), "{errors:?}");
}

#[test]
fn truncated_pdf_is_an_error_record() {
    let b = std::fs::read(&pdfs()[0]).unwrap();
    let r = pia_extract::extract(&b[..b.len() / 3], "cut.pdf");
    assert!(r.has_error() || r.fields.is_empty() || !r.diagnostics.is_empty());
    let r = pia_extract::extract(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj << >> endobj\n", "tiny.pdf");
    assert!(r.has_error());
}

/// A PDF written with a simple TrueType font whose CJK glyphs have no Unicode mapping
/// (custom glyph names over WinAnsi) while its digits keep theirs: the digits left on the
/// page are not a 評価書番号 (or any other cover value); the page says it has no text layer.
#[test]
fn stray_digits_of_an_unmapped_font_are_no_cover_values() {
    // a cover's rows: title; 評価書番号 and its digits; 公表日 with digits between its kanji
    let rows: [(u32, u32, &str); 7] = [
        (72, 780, "<0102030405060708>"),
        (72, 750, "<090A0B0C0D>"),
        (300, 750, "(2)"),
        (72, 720, "<0E0F1011>"),
        (300, 720, "<12>(7)<13>(4)<14>(1)<15>"),
        (72, 690, "<161718>"),
        (300, 690, "<191A1B1C1D>"),
    ];
    let content: String = rows.iter().map(|(x, y, t)| format!("BT /F1 12 Tf {x} {y} Td {t} Tj ET\n")).collect();
    let names: Vec<String> = (1..32).map(|i| format!("/g{i}")).collect();
    let bytes = common::pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len() + 1).into_bytes(),
        format!(
            "<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+MSMincho /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 {}] >> >>",
            names.join(" ")
        )
        .into_bytes(),
    ]);
    let rec = serde_json::to_value(pia_extract::extract(&bytes, "winansi-digits.pdf")).unwrap();
    for k in ["number", "title", "organization", "published"] {
        assert!(rec["document"][k].is_null(), "document.{k} = {}", rec["document"][k]);
    }
    let codes: Vec<&str> = rec["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"page_without_text_layer"), "{codes:?}");
}

/// H26.4 重点項目 PDFs: the text cell of Ⅰ7 他の評価実施機関 holds its own dash, not the cell to
/// its right (their keys say `-`/`－`).
#[test]
fn h26_juuten_other_bodies_cell_keeps_to_itself() {
    let mut seen = 0;
    for p in pdfs().into_iter().filter(|p| {
        let n = p.to_string_lossy();
        (n.contains("gen_b_juuten_h26") || n.contains("gen_d_juuten_h26")) && !n.contains("notounicode")
    }) {
        let rec = record(&p);
        let f = rec["fields"].as_array().unwrap().iter().find(|f| f["id"] == "I/7").unwrap_or_else(|| panic!("{}: no I/7", p.display()));
        let v = f["value"].as_str().unwrap_or("");
        assert!(matches!(v, "-" | "－"), "{}: I/7 = {v:?}", p.display());
        seen += 1;
    }
    assert!(seen >= 6, "{seen} H26 重点 PDFs");
}
