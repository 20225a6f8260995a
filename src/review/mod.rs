//! `pia-extract review INPUT… -o DIR/`: a static, self-contained site to see where every
//! value came from and to correct it.
//!
//! `DIR/index.html` lists the documents (least certain first, sortable, filterable);
//! `DIR/docs/NNNNNN.html` is one page per document: a PDF's pages drawn from the glyph layer
//! as SVG (glyph runs at their positions, ruling lines) with every located field's and
//! checkbox option's bbox outlined by certainty (an option's ✓/✗/? beside it), or a text
//! dump's source lines with each field's and option's line marked; the
//! record itself is embedded as JSON and `review.js` (beside, no network) builds the side
//! list, the panel, the corrections and the "Download key" answer key (`golden/keys`
//! format, read by `pia-extract score`).

mod page;

use crate::corpus::{self, Mode};
use crate::record::Record;
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const REVIEW_JS: &str = include_str!("review.js");
const INDEX_JS: &str = include_str!("index.js");
const REVIEW_CSS: &str = include_str!("review.css");

/// HTML text and attribute escaping.
#[must_use]
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

/// JSON that can stand inside `<script type="application/json">`.
fn script_json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into()).replace("</", "<\\/").replace("<!--", "<\\!--")
}

/// One row of the index.
fn index_row(i: usize, rec: &Record, href: &str) -> Value {
    let mut by_certainty: BTreeMap<&str, usize> = BTreeMap::new();
    let mut nulls = 0;
    for f in &rec.fields {
        *by_certainty.entry(f.certainty.as_str()).or_default() += 1;
        nulls += usize::from(f.value.is_none() && f.ty != "checkboxes");
    }
    let mut diags: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &rec.diagnostics {
        *diags.entry(d.code.as_str()).or_default() += 1;
    }
    let count = |k: &str| by_certainty.get(k).copied().unwrap_or(0);
    let fields = rec.fields.len();
    // the share of fields not exact (a document without fields is the least certain)
    #[allow(clippy::cast_precision_loss)] // field counts, far below 2^52
    let doubt = if fields == 0 { 1.0 } else { (fields - count("exact")) as f64 / fields as f64 };
    json!({
        "i": i, "href": href, "file": rec.source.file, "format": rec.source.format,
        "kind": rec.document.kind, "organization": rec.document.organization,
        "number": rec.document.number, "published": rec.document.published,
        "fields": fields, "exact": count("exact"), "inferred": count("inferred"), "unknown": count("unknown"),
        "nulls": nulls, "doubt": (doubt * 1000.0).round() / 1000.0,
        "errors": rec.diagnostics.iter().filter(|d| d.level == "error").count(),
        "diagnostics": diags,
    })
}

fn index_html(rows: &[Value]) -> String {
    let mut s = String::from(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>pia-extract review</title>\
         <link rel=\"stylesheet\" href=\"review.css\"></head><body class=\"index\">\
         <header><h1>pia-extract review</h1><input id=\"filter\" type=\"search\" placeholder=\"filter (file, organization, kind, diagnostic code…)\">\
         <span id=\"shown\"></span></header><table id=\"docs\"><thead><tr>",
    );
    for (k, name) in [
        ("file", "file"),
        ("kind", "kind"),
        ("organization", "organization"),
        ("number", "評価書番号"),
        ("published", "公表日"),
        ("fields", "fields"),
        ("exact", "exact"),
        ("inferred", "inferred"),
        ("unknown", "unknown"),
        ("nulls", "null values"),
        ("doubt", "not exact"),
        ("changes", "changes"),
        ("diagnostics", "diagnostics"),
    ] {
        let _ = write!(s, "<th data-key=\"{k}\">{}</th>", esc(name));
    }
    let _ = writeln!(
        s,
        "</tr></thead><tbody></tbody></table><script type=\"application/json\" id=\"rows\">{}</script>\
         <script src=\"index.js\"></script></body></html>",
        script_json(&rows)
    );
    s
}

/// The records of a JSON or JSON Lines file (lines that are not records are skipped).
fn read_records(p: &Path) -> Result<Vec<Record>, String> {
    let text = std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
    let whole = serde_json::from_str::<Record>(&text).ok();
    Ok(whole.into_iter().chain(text.lines().filter_map(|l| serde_json::from_str::<Record>(l).ok())).collect())
}

/// The records a review run starts from.
#[derive(Default)]
pub struct Given {
    /// records to reuse (`--records`), keyed by (file, sha256)
    reuse: HashMap<(String, String), Record>,
    /// earlier versions (`--against`), keyed by (organization, 評価書番号) as matching keys
    older: HashMap<(String, String), Vec<Record>>,
}

/// The (organization, 評価書番号) of a record, when both are stated.
fn document_key(r: &Record) -> Option<(String, String)> {
    let k = |v: &Option<String>| v.as_deref().map(crate::normalize::key).filter(|k| !k.is_empty());
    Some((k(&r.document.organization)?, k(&r.document.number)?))
}

impl Given {
    /// # Errors
    /// A records file cannot be read.
    pub fn read(records: Option<&Path>, against: Option<&Path>) -> Result<Given, String> {
        let mut g = Given::default();
        for r in records.map(read_records).transpose()?.unwrap_or_default() {
            // a record without a hash (an unread input) is never reused
            if let Some(sha) = r.source.sha256.clone() {
                g.reuse.insert((r.source.file.clone(), sha), r);
            }
        }
        for r in against.map(read_records).transpose()?.unwrap_or_default() {
            if let Some(k) = document_key(&r) {
                g.older.entry(k).or_default().push(r);
            }
        }
        Ok(g)
    }

    /// The earlier version of `rec`: same organization and number, other bytes, the latest
    /// 公表日 not after `rec`'s (ISO dates compare as strings; undated counts as earliest).
    fn older_of(&self, rec: &Record) -> Option<&Record> {
        let mine = rec.document.published.as_deref();
        self.older
            .get(&document_key(rec)?)?
            .iter()
            .filter(|o| o.source.sha256 != rec.source.sha256)
            .filter(|o| mine.is_none() || o.document.published.as_deref() <= mine)
            .max_by(|a, b| a.document.published.cmp(&b.document.published))
    }
}

/// One document: its record (reused when `--records` holds it for the same bytes) and page.
fn one(i: usize, path: &Path, given: &Given, dir: &Path) -> Result<Value, String> {
    let bytes = std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file() && m.len() <= crate::MAX_PDF_BYTES as u64)
        .and_then(|_| std::fs::read(path).ok());
    let name = corpus::display_name(path).0;
    let reused = bytes.as_ref().and_then(|b| given.reuse.get(&(name.clone(), crate::record::sha256_hex(b))).cloned());
    let rec = reused.unwrap_or_else(|| corpus::process_one(path, Mode::InProcess));
    let diff = given.older_of(&rec).map(|o| crate::diff::diff(o, &rec));
    let href = format!("docs/{i:06}.html");
    let html = page::document(&rec, bytes.as_deref(), diff.as_ref());
    std::fs::write(dir.join(&href), html).map_err(|e| format!("cannot write {}: {e}", dir.join(&href).display()))?;
    let mut row = index_row(i, &rec, &href);
    row["changes"] = diff.map_or(Value::Null, |d| json!(d.fields.len() + d.document.len()));
    Ok(row)
}

/// Pages an earlier review into the same folder wrote (`NNNNNN.html`), so a smaller site
/// leaves none behind; nothing else in the folder is touched.
fn remove_stale_pages(docs: &Path) {
    for e in std::fs::read_dir(docs).into_iter().flatten().flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let stem = name.strip_suffix(".html").unwrap_or("");
        if stem.len() == 6 && stem.bytes().all(|b| b.is_ascii_digit()) && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Write the site for `inputs` into `dir`; the number of documents.
///
/// # Errors
/// A file of the site cannot be written.
pub fn write_site(inputs: &[PathBuf], dir: &Path, given: &Given) -> Result<usize, String> {
    std::fs::create_dir_all(dir.join("docs")).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, text) in [("review.js", REVIEW_JS), ("index.js", INDEX_JS), ("review.css", REVIEW_CSS)] {
        std::fs::write(dir.join(name), text).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    remove_stale_pages(&dir.join("docs"));
    let rows: Vec<Value> = inputs.par_iter().enumerate().map(|(i, p)| one(i, p, given, dir)).collect::<Result<_, _>>()?;
    std::fs::write(dir.join("index.html"), index_html(&rows)).map_err(|e| format!("cannot write index.html: {e}"))?;
    Ok(rows.len())
}

/// `pia-extract review INPUT… -o DIR/ [--records R.jsonl] [--against OLD.jsonl]`: the exit
/// code (0; 1 bad usage; 2 a records file cannot be read; 3 the site could not be written).
#[must_use]
pub fn run_cli(inputs: &[PathBuf], dir: &Path, records: Option<&Path>, against: Option<&Path>) -> u8 {
    let inputs = corpus::expand_inputs(inputs, &mut std::io::stdin().lock());
    if inputs.is_empty() {
        eprintln!("pia-extract review: no inputs");
        return 1;
    }
    let given = match Given::read(records, against) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("pia-extract review: {e}");
            return 2;
        }
    };
    let started = std::time::Instant::now();
    match write_site(&inputs, dir, &given) {
        Ok(n) => {
            eprintln!("review: {n} document(s) in {:.2} s → {}", started.elapsed().as_secs_f64(), dir.join("index.html").display());
            0
        }
        Err(e) => {
            eprintln!("pia-extract review: {e}");
            3
        }
    }
}
