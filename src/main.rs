use clap::{Args, Parser, Subcommand};
use pia_extract::record::{Record, SCHEMA};
use pia_extract::score::{render, score};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Examples:
  pia-extract fixtures/seeds/001_4659e5c1cf513e63.txt          one record as JSON on stdout
  pia-extract fixtures/seeds/*.txt > records.jsonl             JSON Lines, one record a line, input order
  pia-extract fixtures/seeds/*.txt -o out/                     out/<name>.json per input
  pia-extract score out/001_4659e5c1cf513e63.json golden/keys/001_4659e5c1cf513e63.json
  pia-extract schema > record.schema.json

Inputs: text dumps (pdftotext-style, flattened) and markdown/HTML conversions, in UTF-8
(with or without BOM), UTF-16 with BOM, Shift_JIS/CP932 or EUC-JP (detected).

Exit codes: 0 every input gave a record without errors; 2 some input failed (it still has a
record, with an `error` diagnostic and a stable code); 1 bad usage or a score under --min.";

#[derive(Parser)]
#[command(name = "pia-extract", version, about = "Turn 特定個人情報保護評価書 (Japanese privacy impact assessments) into JSON records.", after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Cmd>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Args)]
struct RunArgs {
    /// Input files (text dumps, markdown/HTML conversions)
    files: Vec<PathBuf>,
    /// Write one DIR/<name>.json per input instead of printing to stdout
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    out: Option<PathBuf>,
    /// Pretty-print JSON (one input on stdout is always pretty)
    #[arg(long)]
    pretty: bool,
    /// No progress or summary on stderr
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Subcommand)]
enum Cmd {
    /// Score a record (JSON or JSON Lines) against hand-made answer keys
    Score {
        /// The record file (.json, or .jsonl with one record per input)
        record: PathBuf,
        /// Answer keys (golden/keys/*.json)
        #[arg(required = true)]
        keys: Vec<PathBuf>,
        /// Exit with 1 when the overall right/total falls under F (0..1)
        #[arg(long, value_name = "F")]
        min: Option<f64>,
        /// Print the scores as JSON
        #[arg(long)]
        json: bool,
    },
    /// Print the record's JSON Schema
    Schema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd {
        Some(Cmd::Schema) => {
            println!("{SCHEMA}");
            ExitCode::SUCCESS
        }
        Some(Cmd::Score { record, keys, min, json }) => run_score(&record, &keys, min, json),
        None => run(cli.run),
    }
}

fn run(a: RunArgs) -> ExitCode {
    if a.files.is_empty() {
        eprintln!("pia-extract: no input files (see --help)");
        return ExitCode::from(1);
    }
    if let Some(dir) = &a.out
        && let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("pia-extract: cannot create {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    let mut failed = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let n = a.files.len();
    for (i, f) in a.files.iter().enumerate() {
        let name = f.to_string_lossy().to_string();
        let rec = match std::fs::read(f) {
            Ok(bytes) => pia_extract::extract(&bytes, &name),
            Err(e) => pia_extract::record::error_record(&name, "0".repeat(64).as_str(), "text", "unreadable", &format!("cannot read {name}: {e}")),
        };
        if rec.has_error() {
            failed += 1;
        }
        let text = if a.pretty || (n == 1 && a.out.is_none()) { serde_json::to_string_pretty(&rec) } else { serde_json::to_string(&rec) };
        let text = text.expect("a record always serializes");
        match &a.out {
            Some(dir) => {
                let stem = f.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| format!("input{i}"));
                if let Err(e) = write_atomic(&dir.join(format!("{stem}.json")), text.as_bytes()) {
                    eprintln!("pia-extract: cannot write {stem}.json: {e}");
                    failed += 1;
                }
            }
            None => {
                if writeln!(out, "{text}").is_err() {
                    return ExitCode::from(2);
                }
            }
        }
        if !a.quiet && a.out.is_some() {
            eprintln!("[{}/{}] {} fields, {} diagnostics  {}", i + 1, n, rec.fields.len(), rec.diagnostics.len(), name);
        }
    }
    if !a.quiet {
        eprintln!("{} document(s), {} with errors", n, failed);
    }
    if failed > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

fn load_records(path: &Path) -> Result<Vec<serde_json::Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        return Ok(vec![v]);
    }
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{}: not JSON or JSON Lines: {e}", path.display())))
        .collect()
}

fn run_score(record: &Path, keys: &[PathBuf], min: Option<f64>, json: bool) -> ExitCode {
    let records = match load_records(record) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("pia-extract score: {e}");
            return ExitCode::from(2);
        }
    };
    let _: Option<Record> = None;
    let mut scores = Vec::new();
    for k in keys {
        let key: serde_json::Value = match std::fs::read_to_string(k).map_err(|e| e.to_string()).and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string())) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("pia-extract score: {}: {e}", k.display());
                return ExitCode::from(2);
            }
        };
        // the record for this key: by source file name, else the only one
        let src = key.get("source").and_then(|s| s.as_str()).unwrap_or("");
        let stem = Path::new(src).file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let rec = records
            .iter()
            .find(|r| {
                let f = r.pointer("/source/file").and_then(|f| f.as_str()).unwrap_or("");
                !stem.is_empty() && Path::new(f).file_stem().map(|s| s.to_string_lossy() == stem).unwrap_or(false)
            })
            .or(if records.len() == 1 { records.first() } else { None });
        let empty = serde_json::json!({"fields": []});
        let s = score(rec.unwrap_or(&empty), &key, &k.to_string_lossy());
        scores.push(s);
    }
    let mut right = 0;
    let mut total = 0;
    for s in &scores {
        right += s.all.right;
        total += s.all.total;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&scores).expect("scores serialize"));
    } else {
        for s in &scores {
            print!("{}", render(s));
        }
    }
    let ratio = if total == 0 { 1.0 } else { right as f64 / total as f64 };
    if let Some(m) = min
        && ratio < m {
            eprintln!("pia-extract score: {:.1}% right is under --min {:.1}%", ratio * 100.0, m * 100.0);
            return ExitCode::from(1);
        }
    ExitCode::SUCCESS
}
