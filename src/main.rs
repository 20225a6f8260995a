use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pia_extract::corpus::{self, Mode, Summary};
use pia_extract::output::csv::{CSV_HEADER, csv_rows};
use pia_extract::record::{Record, SCHEMA};
use pia_extract::score::{render, score};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const AFTER_HELP: &str = "\
Examples:
  pia-extract fixtures/seeds/001_4659e5c1cf513e63.txt          one record as JSON on stdout
  pia-extract fixtures/seeds/ > records.jsonl                  a folder (recursive): JSON Lines, input order
  pia-extract corpus/ -o records.jsonl --jobs 2 --summary s.json
  pia-extract corpus/ -o records.jsonl --resume                after an interrupted run: only what is missing
  pia-extract corpus/ -o out/                                  out/<name>.json per input
  pia-extract corpus/ --format csv -o fields.csv               long table: one row per (document, field, option)
  find . -name '*.txt' | pia-extract - -o records.jsonl        paths on stdin
  pia-extract score out/001_4659e5c1cf513e63.json golden/keys/001_4659e5c1cf513e63.json
  pia-extract schema > record.schema.json

Inputs: text dumps (pdftotext-style, flattened) and markdown/HTML conversions, in UTF-8
(with or without BOM), UTF-16 with BOM, Shift_JIS/CP932 or EUC-JP (detected). Folders are
searched for .txt .md .html .htm .pdf. Every input gives exactly one record, in input order.

Output files are written atomically (NAME.partial, renamed at the end); a killed run leaves
NAME.partial, which --resume reads. The CSV is UTF-8 with a BOM (so spreadsheets open it
as UTF-8), RFC 4180 quoting.

Exit codes: 0 every input gave a record without errors; 2 some input failed (it still has a
record, with an `error` diagnostic and a stable code such as empty_input, not_a_pia,
unreadable, pdf_unsupported, timeout, crashed); 1 bad usage, or a score under --min.";

#[derive(Parser)]
#[command(name = "pia-extract", version, about = "Turn 特定個人情報保護評価書 (Japanese privacy impact assessments) into JSON records.", after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Cmd>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// JSON (one input on stdout) or JSON Lines
    Json,
    /// the long table, one row per (document, field, option)
    Csv,
}

#[derive(Args)]
struct RunArgs {
    /// Input files or folders; `-` reads paths from stdin
    inputs: Vec<PathBuf>,
    /// Output: a file (JSON Lines or CSV), or a folder (ends with / or exists) for one DIR/<name>.json per input
    #[arg(short = 'o', long = "out", value_name = "PATH")]
    out: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Worker threads (default: all cores)
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Skip inputs that already have a record in the output (same file and sha256)
    #[arg(long)]
    resume: bool,
    /// Read each document in a child process (survives stack overflows and hangs)
    #[arg(long)]
    isolate: bool,
    /// With --isolate: seconds before a child is killed (error record `timeout`)
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    timeout: f64,
    /// Also write the run's summary as JSON
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Pretty-print JSON
    #[arg(long)]
    pretty: bool,
    /// No progress bar and no summary on stderr
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
    /// (internal) read one document and print its record; used by --isolate
    #[command(name = "__one", hide = true)]
    One { file: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd {
        Some(Cmd::Schema) => {
            println!("{SCHEMA}");
            ExitCode::SUCCESS
        }
        Some(Cmd::Score { record, keys, min, json }) => run_score(&record, &keys, min, json),
        Some(Cmd::One { file }) => {
            let r = corpus::process_one(&file, Mode::InProcess);
            println!("{}", serde_json::to_string(&r).expect("a record serializes"));
            if r.has_error() { ExitCode::from(2) } else { ExitCode::SUCCESS }
        }
        None => run(cli.run),
    }
}

enum Sink {
    Stdout { single: bool },
    File { path: PathBuf, partial: PathBuf, w: std::io::BufWriter<std::fs::File> },
    Dir(PathBuf),
}

fn partial_of(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(".partial");
    PathBuf::from(s)
}

/// Records already written (for --resume), keyed by (file, sha256).
fn previous_records(out: &Path, is_dir: bool) -> HashMap<(String, String), Record> {
    let mut m = HashMap::new();
    let mut add = |text: &str| {
        for line in text.lines() {
            if let Ok(r) = serde_json::from_str::<Record>(line) {
                m.insert((r.source.file.clone(), r.source.sha256.clone()), r);
            }
        }
    };
    if is_dir {
        if let Ok(rd) = std::fs::read_dir(out) {
            for e in rd.flatten() {
                if e.path().extension().is_some_and(|x| x == "json")
                    && let Ok(t) = std::fs::read_to_string(e.path())
                    && let Ok(r) = serde_json::from_str::<Record>(&t)
                {
                    m.insert((r.source.file.clone(), r.source.sha256.clone()), r);
                }
            }
        }
    } else {
        for p in [out.to_path_buf(), partial_of(out)] {
            if let Ok(t) = std::fs::read_to_string(&p) {
                add(&t);
            }
        }
    }
    m
}

fn run(a: RunArgs) -> ExitCode {
    let stdin = std::io::stdin();
    let inputs = corpus::expand_inputs(&a.inputs, &mut stdin.lock());
    if inputs.is_empty() {
        eprintln!("pia-extract: no inputs (give files, folders or - for paths on stdin; see --help)");
        return ExitCode::from(1);
    }
    if let Some(j) = a.jobs {
        if j == 0 {
            eprintln!("pia-extract: --jobs must be at least 1");
            return ExitCode::from(1);
        }
        let _ = rayon::ThreadPoolBuilder::new().num_threads(j).build_global();
    }
    let is_dir = a.out.as_ref().is_some_and(|o| o.is_dir() || o.to_string_lossy().ends_with('/'));
    if a.format == Format::Csv && is_dir {
        eprintln!("pia-extract: --format csv writes one file; give -o FILE.csv");
        return ExitCode::from(1);
    }
    let previous = match (&a.out, a.resume) {
        (Some(o), true) if a.format == Format::Json => previous_records(o, is_dir),
        (None, true) => {
            eprintln!("pia-extract: --resume needs -o");
            return ExitCode::from(1);
        }
        _ => HashMap::new(),
    };
    let mut sink = match &a.out {
        None => Sink::Stdout { single: inputs.len() == 1 && a.format == Format::Json },
        Some(o) if is_dir => {
            if let Err(e) = std::fs::create_dir_all(o) {
                eprintln!("pia-extract: cannot create {}: {e}", o.display());
                return ExitCode::from(2);
            }
            Sink::Dir(o.clone())
        }
        Some(o) => {
            let partial = partial_of(o);
            match std::fs::File::create(&partial) {
                Ok(f) => Sink::File { path: o.clone(), partial, w: std::io::BufWriter::new(f) },
                Err(e) => {
                    eprintln!("pia-extract: cannot write {}: {e}", partial.display());
                    return ExitCode::from(2);
                }
            }
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut csv_header_done = false;
    let bar = if a.quiet {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::with_draw_target(Some(inputs.len() as u64), ProgressDrawTarget::stderr());
        b.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} docs  {msg}  ETA {eta}").expect("template"));
        b
    };
    let mode = if a.isolate { Mode::Isolated { timeout: Duration::from_secs_f64(a.timeout.max(0.1)) } } else { Mode::InProcess };
    let started = Instant::now();
    let mut summary = Summary::default();
    let mut write_failed = false;
    let window = rayon::current_num_threads() * 8;
    let reuse = |p: &Path| -> Option<Record> {
        if previous.is_empty() {
            return None;
        }
        let bytes = std::fs::read(p).ok()?;
        previous.get(&(p.to_string_lossy().to_string(), pia_extract::record::sha256_hex(&bytes))).cloned()
    };
    corpus::run(&inputs, mode, window, reuse, |i, path, rec, size, reused| {
        summary.add(&rec, size);
        if reused {
            summary.reused += 1;
        }
        let line = match a.format {
            Format::Json => {
                let pretty = a.pretty || matches!(sink, Sink::Stdout { single: true } | Sink::Dir(_));
                let t = if pretty { serde_json::to_string_pretty(&rec) } else { serde_json::to_string(&rec) };
                t.expect("a record serializes") + "\n"
            }
            Format::Csv => {
                let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
                if !csv_header_done {
                    let _ = w.write_record(CSV_HEADER);
                }
                for row in csv_rows(&rec) {
                    let _ = w.write_record(&row);
                }
                let bytes = w.into_inner().unwrap_or_default();
                let mut s = String::new();
                if !csv_header_done {
                    s.push('\u{FEFF}');
                    csv_header_done = true;
                }
                s.push_str(&String::from_utf8_lossy(&bytes));
                s
            }
        };
        let ok = match &mut sink {
            Sink::Stdout { .. } => out.write_all(line.as_bytes()).is_ok(),
            Sink::File { w, .. } => w.write_all(line.as_bytes()).is_ok(),
            Sink::Dir(dir) => {
                let stem = path.file_stem().map_or_else(|| format!("input{i}"), |s| s.to_string_lossy().to_string());
                write_atomic(&dir.join(format!("{stem}.json")), line.as_bytes()).is_ok()
            }
        };
        if !ok {
            write_failed = true;
        }
        bar.inc(1);
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!("{:.1} MB/s, {:.0} pages/s", summary.bytes as f64 / 1e6 / secs, summary.pages as f64 / secs));
    });
    bar.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();
    if let Sink::File { path, partial, mut w } = sink
        && (w.flush().is_err() || std::fs::rename(&partial, &path).is_err())
    {
        eprintln!("pia-extract: cannot finish {}", path.display());
        write_failed = true;
    }
    if !a.quiet {
        eprintln!("{}", summary.render());
    }
    if let Some(p) = &a.summary {
        let t = serde_json::to_string_pretty(&summary).expect("summary serializes");
        if write_atomic(p, t.as_bytes()).is_err() {
            eprintln!("pia-extract: cannot write {}", p.display());
            write_failed = true;
        }
    }
    if summary.with_errors > 0 || write_failed { ExitCode::from(2) } else { ExitCode::SUCCESS }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = partial_of(path);
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
    let mut scores = Vec::new();
    for k in keys {
        let key: serde_json::Value =
            match std::fs::read_to_string(k).map_err(|e| e.to_string()).and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string())) {
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
                !stem.is_empty() && Path::new(f).file_stem().is_some_and(|s| s.to_string_lossy() == stem)
            })
            .or(if records.len() == 1 { records.first() } else { None });
        let empty = serde_json::json!({"fields": []});
        scores.push(score(rec.unwrap_or(&empty), &key, &k.to_string_lossy()));
    }
    let (right, total) = scores.iter().fold((0, 0), |(r, t), s| (r + s.all.right, t + s.all.total));
    if json {
        println!("{}", serde_json::to_string_pretty(&scores).expect("scores serialize"));
    } else {
        for s in &scores {
            print!("{}", render(s));
        }
    }
    let ratio = if total == 0 { 1.0 } else { right as f64 / total as f64 };
    if let Some(m) = min
        && ratio < m
    {
        eprintln!("pia-extract score: {:.1}% right is under --min {:.1}%", ratio * 100.0, m * 100.0);
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
