//! `--format parquet -o DIR/`: the six tables read back (with the parquet crate's own reader)
//! hold, value by value, what the JSON records of the same run hold, for the seeds, their
//! flavours and the PDFs.

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use pia_extract::output::parquet::{SCHEMA_VERSION_KEY, TABLES};
use pia_extract::record::SCHEMA_VERSION;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

/// One cell as JSON (`null` for a null).
fn cell(col: &dyn Array, row: usize) -> Value {
    if col.is_null(row) {
        return Value::Null;
    }
    match col.data_type() {
        DataType::Utf8 => json!(col.as_string::<i32>().value(row)),
        DataType::Int64 => json!(col.as_primitive::<Int64Type>().value(row)),
        DataType::Float64 => json!(col.as_primitive::<Float64Type>().value(row)),
        DataType::Boolean => json!(col.as_boolean().value(row)),
        DataType::Dictionary(_, _) => {
            let d = col.as_dictionary::<Int32Type>();
            let k = usize::try_from(d.keys().value(row)).unwrap();
            cell(d.values().as_ref(), k)
        }
        DataType::List(_) => {
            let items = col.as_list::<i32>().value(row);
            Value::Array((0..items.len()).map(|i| cell(items.as_ref(), i)).collect())
        }
        other => panic!("unexpected column type {other}"),
    }
}

/// A table's rows as JSON objects, and the file's `schema_version`.
fn read_table(path: &Path) -> (Vec<Value>, Option<String>) {
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let version = b
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == SCHEMA_VERSION_KEY).and_then(|k| k.value.clone()));
    let mut rows = Vec::new();
    for batch in b.build().unwrap() {
        let batch: RecordBatch = batch.unwrap();
        for r in 0..batch.num_rows() {
            let mut o = serde_json::Map::new();
            for (f, c) in batch.schema().fields().iter().zip(batch.columns()) {
                o.insert(f.name().clone(), cell(c.as_ref(), r));
            }
            rows.push(Value::Object(o));
        }
    }
    (rows, version)
}

/// The rows each table should hold for `r`, built from the JSON record alone.
fn expected(r: &Value) -> [Vec<Value>; 6] {
    let sha = &r["source"]["sha256"];
    let fields = r["fields"].as_array().unwrap();
    let diags = r["diagnostics"].as_array().unwrap();
    let n = |c: &str| fields.iter().filter(|f| f["certainty"] == c).count();
    let errors: Vec<&Value> = diags.iter().filter(|d| d["level"] == "error").collect();
    let (s, d) = (&r["source"], &r["document"]);
    let doc = json!({
        "sha256": sha, "file": s["file"], "format": s["format"], "encoding": s["encoding"], "flavour": s["flavour"],
        "pages": s["pages"], "kind": d["kind"], "form": d["form"], "number": d["number"], "title": d["title"],
        "organization": d["organization"], "published": d["published"], "published_raw": d["published_raw"],
        "declaration": d["declaration"], "special_notes": d["special_notes"], "threshold_consistent": d["threshold_consistent"],
        "fields": fields.len(), "exact": n("exact"), "inferred": n("inferred"), "unknown": n("unknown"),
        "diagnostics": diags.len(), "errors": errors.len(), "error_code": errors.first().map_or(Value::Null, |e| e["code"].clone()),
        "items": r["completeness"]["items"], "items_found": r["completeness"]["items_found"],
    });
    let mut frows = Vec::new();
    let mut orows = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let choice = if f["type"] == "choice" { f["value"].clone() } else { Value::Null };
        frows.push(json!({
            "sha256": sha, "field_id": f["id"], "position": i, "concept": f["concept"], "path": f["path"], "label": f["label"],
            "type": f["type"], "value": f["value"], "choice": choice, "certainty": f["certainty"],
            "page": f["at"]["page"], "line": f["at"]["line"], "bbox": f["at"]["bbox"],
        }));
        for (k, o) in f["options"].as_array().unwrap().iter().enumerate() {
            let (label, checked, detail, cert) = if let Some(c) = o.as_str() {
                let checked = if f["value"].is_null() { Value::Null } else { json!(f["value"] == c) };
                (json!(c), checked, Value::Null, f["certainty"].clone())
            } else {
                (o["label"].clone(), o["checked"].clone(), o["detail"].clone(), o["certainty"].clone())
            };
            orows.push(json!({
                "sha256": sha, "field_id": f["id"], "concept": f["concept"], "position": k, "type": f["type"],
                "option": label, "checked": checked, "detail": detail, "certainty": cert,
            }));
        }
    }
    let drows = diags
        .iter()
        .enumerate()
        .map(|(i, d)| {
            json!({"sha256": sha, "position": i, "level": d["level"], "code": d["code"], "message": d["message"],
                   "field_id": d["field"], "page": d["at"]["page"], "line": d["at"]["line"]})
        })
        .collect();
    let mut irows = Vec::new();
    for (l, list) in r["tables"]["record_items"].as_array().unwrap().iter().enumerate() {
        for (k, item) in list.as_array().unwrap().iter().enumerate() {
            irows.push(json!({"sha256": sha, "list": l, "position": k, "item": item}));
        }
    }
    let crows = r["tables"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({"sha256": sha, "position": i, "date": c["date"], "item": c["item"], "before": c["before"],
                   "after": c["after"], "timing": c["timing"], "reason": c["reason"]})
        })
        .collect();
    [vec![doc], frows, orows, drows, irows, crows]
}

#[test]
fn parquet_tables_hold_the_json_records() {
    let bin = env!("CARGO_BIN_EXE_pia-extract");
    let tmp = std::env::temp_dir().join(format!("pia-parquet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let inputs = ["fixtures/seeds", "fixtures/flavours", "fixtures/pdf", "fixtures/yoshiki2"];
    let jsonl = tmp.join("r.jsonl");
    let out = Command::new(bin).args(inputs).arg("-q").arg("-o").arg(&jsonl).output().unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 2), "{out:?}");
    let dir = tmp.join("tables/");
    let out = Command::new(bin).args(inputs).args(["-q", "--format", "parquet", "-o"]).arg(&dir).output().unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 2), "{}", String::from_utf8_lossy(&out.stderr));
    let records: Vec<Value> = std::fs::read_to_string(&jsonl).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(records.len() > 100, "{} records", records.len());
    let mut want: [Vec<Value>; 6] = Default::default();
    for r in &records {
        for (w, rows) in want.iter_mut().zip(expected(r)) {
            w.extend(rows);
        }
    }
    for (t, w) in TABLES.iter().zip(&want) {
        let (rows, version) = read_table(&dir.join(format!("{t}.parquet")));
        assert_eq!(version.as_deref(), Some(SCHEMA_VERSION), "{t}");
        assert_eq!(rows.len(), w.len(), "{t}: rows");
        for (i, (got, want)) in rows.iter().zip(w).enumerate() {
            assert_eq!(got, want, "{t} row {i}");
        }
        assert!(!rows.is_empty() || *t == "changes", "{t} is empty");
    }
    // a choice value and a kind are categoricals
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(dir.join("fields.parquet")).unwrap()).unwrap();
    assert!(matches!(b.schema().field_with_name("choice").unwrap().data_type(), DataType::Dictionary(_, _)));
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn parquet_needs_a_folder() {
    let bin = env!("CARGO_BIN_EXE_pia-extract");
    let out = Command::new(bin).args(["fixtures/seeds", "--format", "parquet", "-o", "x.parquet"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = Command::new(bin).args(["fixtures/seeds", "--format", "parquet"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}
