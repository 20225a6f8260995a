//! Corpus runs end to end through the binary: parallel output equals single-file records,
//! corrupted inputs give error records, the summary adds up, a killed run resumes to the
//! same output, and the CSV long table round-trips through Python's csv module.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pia-extract"))
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pia-corpus-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// 35 good copies of the seeds (made unique) and 5 corrupted inputs.
fn make_corpus(dir: &Path) -> Vec<(PathBuf, bool)> {
    let mut seeds: Vec<PathBuf> = std::fs::read_dir("fixtures/seeds").unwrap().flatten().map(|e| e.path()).collect();
    seeds.sort();
    let mut out = Vec::new();
    for i in 0..40 {
        let src = &seeds[i % seeds.len()];
        let mut data = std::fs::read(src).unwrap();
        let good = i % 8 != 3;
        if good {
            data.extend_from_slice(format!("\ncopy {i}\n").as_bytes());
        } else {
            data = match (i / 8) % 5 {
                0 => data[..64].to_vec(),
                1 => data.iter().map(|b| b ^ 0x5A).collect(),
                2 => Vec::new(),
                3 => "本日の議題\n以上。\n".as_bytes().to_vec(),
                _ => (0..3000u32).map(|x| (x.wrapping_mul(2654435761) >> 13) as u8).collect(),
            };
        }
        let p = dir.join(format!("{i:03}_{}", src.file_name().unwrap().to_string_lossy()));
        std::fs::write(&p, data).unwrap();
        out.push((p, good));
    }
    out
}

/// A temporary folder holding `in/`, a corpus made by `make_corpus`.
fn corpus_dir(tag: &str) -> (PathBuf, PathBuf, Vec<(PathBuf, bool)>) {
    let dir = temp_dir(tag);
    let corpus = dir.join("in");
    std::fs::create_dir_all(&corpus).unwrap();
    let docs = make_corpus(&corpus);
    (dir, corpus, docs)
}

fn records(jsonl: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(jsonl).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn corpus_run_is_complete_ordered_and_equal_to_single_runs() {
    let (dir, corpus, docs) = corpus_dir("run");
    let out = dir.join("records.jsonl");
    let summary = dir.join("summary.json");
    let st = bin().arg(&corpus).arg("-o").arg(&out).args(["-j", "2", "-q", "--summary"]).arg(&summary).status().unwrap();
    assert_eq!(st.code(), Some(2), "a corpus with bad files exits 2");
    let recs = records(&out);
    assert_eq!(recs.len(), docs.len());
    for ((path, good), rec) in docs.iter().zip(&recs) {
        let name = path.to_string_lossy().to_string();
        assert_eq!(rec["source"]["file"].as_str().unwrap(), name, "input order");
        let single = serde_json::to_value(pia_extract::extract(&std::fs::read(path).unwrap(), &name)).unwrap();
        assert_eq!(&single, rec, "{name}: corpus record differs from the single-file record");
        let has_error = rec["diagnostics"].as_array().unwrap().iter().any(|d| d["level"] == "error");
        assert_eq!(has_error, !good, "{name}");
    }
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(s["documents"].as_u64().unwrap() as usize, docs.len());
    let kinds: u64 = s["by_kind"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(kinds as usize, docs.len());
    assert_eq!(s["with_errors"].as_u64().unwrap() as usize, docs.iter().filter(|d| !d.1).count());
    let errs: u64 = s["errors"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert!(errs as usize >= docs.iter().filter(|d| !d.1).count());
    // one job gives the same bytes
    let out1 = dir.join("records1.jsonl");
    bin().arg(&corpus).arg("-o").arg(&out1).args(["-j", "1", "-q"]).status().unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&out1).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_killed_run_resumes_to_the_same_output() {
    let (dir, corpus, _) = corpus_dir("resume");
    let fresh = dir.join("fresh.jsonl");
    bin().arg(&corpus).arg("-o").arg(&fresh).args(["-q", "-j", "1"]).status().unwrap();
    let out = dir.join("out.jsonl");
    for delay_ms in [30u64, 120] {
        let _ = std::fs::remove_file(&out);
        let mut child = bin().arg(&corpus).arg("-o").arg(&out).args(["-q", "-j", "1"]).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // the killed run never leaves a half-written output file
        if out.exists() {
            assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&fresh).unwrap());
        }
        let st = bin().arg(&corpus).arg("-o").arg(&out).args(["-q", "-j", "2", "--resume"]).status().unwrap();
        assert_eq!(st.code(), Some(2));
        assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&fresh).unwrap(), "resumed output differs");
        assert!(!dir.join("out.jsonl.partial").exists());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn csv_round_trips_through_python_csv() {
    let (dir, corpus, _) = corpus_dir("csv");
    let jsonl = dir.join("r.jsonl");
    let csv = dir.join("r.csv");
    bin().arg(&corpus).arg("-o").arg(&jsonl).arg("-q").status().unwrap();
    bin().arg(&corpus).arg("-o").arg(&csv).args(["--format", "csv", "-q"]).status().unwrap();
    let script = r#"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
want = {}
for line in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(line)
    for f in r["fields"]:
        want[(r["source"]["file"], f["id"])] = f
seen = {}
for row in rows:
    if row["field_id"]:
        seen.setdefault((row["file"], row["field_id"]), []).append(row)
assert set(seen) == set(want), (len(seen), len(want))
for k, f in want.items():
    rs = seen[k]
    v = f["value"] if f["value"] is not None else ""
    assert all(r["value"] == v for r in rs), (k, v, rs[0]["value"])
    if f["type"] == "checkboxes":
        got = [(r["option"], r["checked"]) for r in rs]
        exp = [(o["label"], "" if o["checked"] is None else str(o["checked"]).lower()) for o in f["options"]]
        assert got == exp, (k, got, exp)
print("ok", len(want))
"#;
    let out = Command::new("python3").arg("-c").arg(script).arg(&csv).arg(&jsonl).output().expect("python3 is needed for this test");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok "));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn isolate_gives_the_same_records() {
    let dir = temp_dir("iso");
    let a = dir.join("a.jsonl");
    let b = dir.join("b.jsonl");
    bin().args(["fixtures/seeds", "-q", "-o"]).arg(&a).status().unwrap();
    let st = bin().args(["fixtures/seeds", "-q", "--isolate", "--timeout", "30", "-o"]).arg(&b).status().unwrap();
    assert_eq!(st.code(), Some(0));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}
