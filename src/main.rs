use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pia_extract::corpus::{self, Mode, Summary};
use pia_extract::diag::Code;
use pia_extract::output::csv::{CSV_HEADER, csv_rows};
use pia_extract::record::{Record, SCHEMA};
use pia_extract::score::{render, score};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
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
  pia-extract corpus/ -o out/                                  out/<input path>.json per input (mirrors the inputs)
  pia-extract corpus/ --format csv -o fields.csv               long table: one row per (document, field, option)
  find . -name '*.txt' | pia-extract - -o records.jsonl        paths on stdin
  pia-extract score records.jsonl golden/keys/001_4659e5c1cf513e63.json
  pia-extract schema > record.schema.json
  pia-extract review corpus/ -o site/ --records records.jsonl  review site (open site/index.html)
  pia-extract diff old.pdf new.pdf --format md                 what changed between two versions

Inputs: text dumps (pdftotext-style, flattened) and markdown/HTML conversions, in UTF-8
(with or without BOM), UTF-16 with BOM, Shift_JIS/CP932 or EUC-JP (detected). Folders are
searched for .txt .md .html .htm .pdf. Every input gives exactly one record, in input order.

Output files are written atomically (NAME.partial, renamed at the end); a killed run leaves
NAME.partial, which --resume reads. The CSV is UTF-8 with a BOM (so spreadsheets open it
as UTF-8), RFC 4180 quoting.

Exit codes: 0 every input gave a record without errors; 1 bad usage, or a score under --min;
2 some input failed (it still has a record, with an `error` diagnostic and a stable code,
listed below); 3 an output could not be written (each failure is printed with the OS error).
A run holds a lock (FILE.lock, or DIR/.pia-extract.lock) so a second run on the same output
stops with exit 3. A closed stdout (`| head`) ends the run quietly.";

/// Exit code of a usage error (clap's included) and of a score under `--min`.
const EXIT_USAGE: u8 = 1;
/// Exit code when some input's record has an error diagnostic.
const EXIT_INPUT_FAILED: u8 = 2;
/// Exit code when some output could not be written (takes precedence over 2).
const EXIT_OUTPUT_FAILED: u8 = 3;
/// Name of the lock file of a `-o DIR/` run.
const DIR_LOCK: &str = ".pia-extract.lock";

/// The examples, then every diagnostic code with its level and meaning.
fn after_help() -> String {
    let mut s = AFTER_HELP.to_string();
    s.push_str("\n\nDiagnostic codes (level: code, meaning):");
    for c in Code::ALL {
        let _ = write!(s, "\n  {:<8} {:<24} {}", c.level().as_str(), c.as_str(), c.doc());
    }
    s
}

#[derive(Parser)]
#[command(name = "pia-extract", version, about = "Turn 特定個人情報保護評価書 (Japanese privacy impact assessments) into JSON records.", after_help = after_help(), args_conflicts_with_subcommands = true)]
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
    /// tidy Parquet tables into -o DIR/: documents, fields, options, diagnostics, record_items, changes
    Parquet,
}

#[derive(Args)]
#[allow(clippy::struct_excessive_bools)] // each is a command-line switch
struct RunArgs {
    /// Input files or folders; `-` reads paths from stdin
    inputs: Vec<PathBuf>,
    /// Output: a file (JSON Lines, or CSV when it ends in .csv), or a folder (ends with / or exists): DIR/<input path>.json per input
    #[arg(short = 'o', long = "out", value_name = "PATH")]
    out: Option<PathBuf>,
    /// Output format [default: csv for -o *.csv, else json]
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Worker threads (default: all cores)
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Skip inputs that already have a record in the output (same file and sha256)
    #[arg(long)]
    resume: bool,
    /// Read each document in a child process (survives stack overflows and hangs)
    #[arg(long)]
    isolate: bool,
    /// With --isolate: seconds before a child is killed (error record `timeout`) [default: 60]
    #[arg(long, value_name = "SECS")]
    timeout: Option<f64>,
    /// With --isolate: address-space limit of each child in MB (a document over it gives
    /// `too_large`) [default: 1024]
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u64).range(MIN_CHILD_MEMORY_MB..))]
    memory: Option<u64>,
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
    /// Write a static review site: DIR/index.html (least certain first) and one page per
    /// document showing where each value was read, with corrections that download as an
    /// answer key
    Review {
        /// Input files or folders; `-` reads paths from stdin
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The site's folder
        #[arg(short = 'o', long = "out", value_name = "DIR", required = true)]
        out: PathBuf,
        /// Reuse the records of an earlier run (JSON Lines) for inputs with the same name and bytes
        #[arg(long, value_name = "FILE")]
        records: Option<PathBuf>,
        /// Records of earlier versions (JSON Lines): each page shows its changes from the
        /// version of the same organization and 評価書番号
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
    },
    /// Field-level changes between two versions of one 評価書 (records or source documents),
    /// cross-checked against NEW's 別添 変更箇所
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// `json` (default) or `md` (a readable table)
        #[arg(long, value_name = "FORMAT", default_value = "json", value_parser = ["json", "md"])]
        format: String,
    },
    /// Print the codebook: every field of every form (id, concept, labels, type, options)
    Codebook {
        /// Only this form (様式2, 様式3, 様式4, or its kind, e.g. 全項目評価書)
        #[arg(long)]
        form: Option<String>,
        /// md, csv or json
        #[arg(long, default_value = "md")]
        format: String,
    },
    /// (internal) read one document and print its record; used by --isolate
    #[command(name = "__one", hide = true)]
    One { file: PathBuf },
}

fn main() -> ExitCode {
    // debug traces of the stages: PIA_LOG=debug (or e.g. PIA_LOG=pia_extract::extract=debug)
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("PIA_LOG", "off")).init();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help and --version print on stdout and succeed; usage errors exit 1
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.cmd {
        Some(Cmd::Schema) => {
            let _ = writeln!(std::io::stdout(), "{SCHEMA}");
            ExitCode::SUCCESS
        }
        Some(Cmd::Score { record, keys, min, json }) => run_score(&record, &keys, min, json),
        Some(Cmd::Review { inputs, out, records, against }) => {
            ExitCode::from(pia_extract::review::run_cli(&inputs, &out, records.as_deref(), against.as_deref()))
        }
        Some(Cmd::Diff { old, new, format }) => ExitCode::from(pia_extract::diff::run_cli(&old, &new, format == "md")),
        Some(Cmd::Codebook { form, format }) => match pia_extract::output::codebook::render(form.as_deref(), &format) {
            Ok(s) => {
                let _ = write!(std::io::stdout(), "{s}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "pia-extract codebook: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        },
        Some(Cmd::One { file }) => {
            let r = corpus::process_one(&file, Mode::InProcess);
            let _ = writeln!(std::io::stdout(), "{}", serde_json::to_string(&r).expect("a record serializes"));
            if r.has_error() { ExitCode::from(EXIT_INPUT_FAILED) } else { ExitCode::SUCCESS }
        }
        None => run(&cli.run),
    }
}

/// Where records go: stdout, one file (JSON Lines or CSV, written as NAME.partial and renamed
/// at the end), or a folder mirroring the inputs' paths (DIR/<input path>.json). File and
/// folder outputs hold a [`Lock`] for the whole run.
enum Sink {
    Stdout {
        out: std::io::StdoutLock<'static>,
        single: bool,
    },
    File {
        path: PathBuf,
        partial: PathBuf,
        w: std::io::BufWriter<std::fs::File>,
        _lock: Lock,
    },
    Dir {
        dir: PathBuf,
        used: HashSet<PathBuf>,
        _lock: Lock,
    },
    /// `--format parquet -o DIR/`: DIR/TABLE.parquet (written as .partial, renamed at the end)
    Tables {
        dir: PathBuf,
        w: pia_extract::output::parquet::TableWriter<std::io::BufWriter<std::fs::File>>,
        _lock: Lock,
    },
}

/// Why a write failed: stdout closed by its reader (ends the run quietly), or an I/O error.
enum WriteError {
    BrokenPipe,
    Failed(String),
}

/// An advisory lock (`flock`) on a lock file, held while the run lives: the kernel drops it
/// when the process ends, however it ends, so a killed run never blocks the next one.
struct Lock {
    _file: std::fs::File,
}

impl Lock {
    fn take(path: &Path, output: &Path) -> Result<Lock, String> {
        use std::os::fd::AsRawFd;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| format!("cannot create the lock file {}: {e}", path.display()))?;
        // SAFETY: flock on a file descriptor this process owns; no memory is shared.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = std::io::Error::last_os_error();
            return Err(format!("another run is writing {} (its lock {} is held: {e})", output.display(), path.display()));
        }
        Ok(Lock { _file: file })
    }
}

fn lock_of(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

impl Sink {
    fn open(out: Option<&Path>, is_dir: bool, single: bool) -> Result<Sink, String> {
        match out {
            None => Ok(Sink::Stdout { out: std::io::stdout().lock(), single }),
            Some(o) if is_dir => {
                std::fs::create_dir_all(o).map_err(|e| format!("cannot create {}: {e}", o.display()))?;
                let lock = Lock::take(&o.join(DIR_LOCK), o)?;
                Ok(Sink::Dir { dir: o.to_path_buf(), used: HashSet::new(), _lock: lock })
            }
            Some(o) => {
                let lock = Lock::take(&lock_of(o), o)?;
                let partial = partial_of(o);
                let f = std::fs::File::create(&partial).map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
                Ok(Sink::File { path: o.to_path_buf(), partial, w: std::io::BufWriter::new(f), _lock: lock })
            }
        }
    }

    /// JSON is pretty where one document is one file (or on request).
    fn pretty(&self) -> bool {
        matches!(self, Sink::Stdout { single: true, .. } | Sink::Dir { .. })
    }

    /// `--format parquet -o DIR/`: one file per table.
    fn tables(dir: &Path) -> Result<Sink, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let lock = Lock::take(&dir.join(DIR_LOCK), dir)?;
        let open = |name: &str| {
            let p = partial_of(&dir.join(format!("{name}.parquet")));
            std::fs::File::create(&p).map(std::io::BufWriter::new).map_err(|e| format!("cannot write {}: {e}", p.display()))
        };
        Ok(Sink::Tables { dir: dir.to_path_buf(), w: pia_extract::output::parquet::TableWriter::new(open)?, _lock: lock })
    }

    /// Write input `i`'s record, encoded (or as table rows).
    fn write(&mut self, i: usize, input: &Path, rec: &Record, encoder: &mut Encoder) -> Result<(), WriteError> {
        if let Sink::Tables { w, .. } = self {
            return w.push(rec).map_err(WriteError::Failed);
        }
        let text = encoder.encode(rec);
        let text = text.as_str();
        match self {
            Sink::Tables { .. } => Ok(()),
            Sink::Stdout { out, .. } => out.write_all(text.as_bytes()).map_err(|e| {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    WriteError::BrokenPipe
                } else {
                    WriteError::Failed(format!("cannot write to stdout: {e}"))
                }
            }),
            Sink::File { partial, w, .. } => {
                w.write_all(text.as_bytes()).map_err(|e| WriteError::Failed(format!("cannot write {}: {e}", partial.display())))
            }
            Sink::Dir { dir, used, .. } => {
                let path = dir.join(unique_name(mirror_name(input, i), used));
                let made = path.parent().map_or(Ok(()), std::fs::create_dir_all);
                made.and_then(|()| write_atomic(&path, text.as_bytes()))
                    .map_err(|e| WriteError::Failed(format!("cannot write {}: {e}", path.display())))
            }
        }
    }

    /// Flush and rename the partial file into place.
    fn finish(self) -> Result<(), WriteError> {
        match self {
            Sink::File { path, partial, mut w, .. } => w
                .flush()
                .and_then(|()| w.get_ref().sync_all())
                .and_then(|()| std::fs::rename(&partial, &path))
                .map_err(|e| WriteError::Failed(format!("cannot finish {} (from {}): {e}", path.display(), partial.display()))),
            Sink::Stdout { mut out, .. } => out.flush().map_err(|e| {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    WriteError::BrokenPipe
                } else {
                    WriteError::Failed(format!("cannot write to stdout: {e}"))
                }
            }),
            Sink::Dir { .. } => Ok(()),
            Sink::Tables { dir, w, .. } => {
                let files = w.finish().map_err(WriteError::Failed)?;
                for (f, name) in files.into_iter().zip(pia_extract::output::parquet::TABLES) {
                    let path = dir.join(format!("{name}.parquet"));
                    f.into_inner()
                        .map_err(|e| e.into_error())
                        .and_then(|f| f.sync_all())
                        .and_then(|()| std::fs::rename(partial_of(&path), &path))
                        .map_err(|e| WriteError::Failed(format!("cannot finish {}: {e}", path.display())))?;
                }
                Ok(())
            }
        }
    }
}

/// `-o DIR/`: the input's path, made relative (root and `.` dropped, `..` as `__`), plus
/// `.json`: `a/x.txt` → `a/x.txt.json`, so `a/x.txt`, `b/x.txt` and `x.pdf` never meet.
fn mirror_name(input: &Path, i: usize) -> PathBuf {
    use std::path::Component;
    let mut rel = PathBuf::new();
    for c in input.components() {
        match c {
            Component::Normal(s) => rel.push(s),
            Component::ParentDir => rel.push("__"),
            _ => {}
        }
    }
    if rel.as_os_str().is_empty() {
        rel.push(format!("input{i}"));
    }
    let mut s = rel.into_os_string();
    s.push(".json");
    PathBuf::from(s)
}

/// `name`, or `name` with `~2`, `~3` … before `.json` when an earlier input of the run took it
/// (the same file given twice): stable for a given input order.
fn unique_name(name: PathBuf, used: &mut HashSet<PathBuf>) -> PathBuf {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let mut candidate = name.clone();
    let mut n = 1;
    while used.contains(&candidate) {
        n += 1;
        let bytes = name.as_os_str().as_bytes();
        let mut s = bytes.strip_suffix(b".json").unwrap_or(bytes).to_vec();
        s.extend_from_slice(format!("~{n}.json").as_bytes());
        candidate = PathBuf::from(std::ffi::OsString::from_vec(s));
    }
    used.insert(candidate.clone());
    candidate
}

/// Records as text in the chosen format: JSON (a line each, or pretty) or CSV rows, the
/// first time with the BOM and header.
struct Encoder {
    format: Format,
    pretty: bool,
    csv_started: bool,
}

impl Encoder {
    fn encode(&mut self, rec: &Record) -> String {
        match self.format {
            Format::Json => {
                let t = if self.pretty { serde_json::to_string_pretty(rec) } else { serde_json::to_string(rec) };
                t.expect("a record serializes") + "\n"
            }
            Format::Parquet => String::new(),
            Format::Csv => {
                let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
                let mut s = String::new();
                if !self.csv_started {
                    s.push('\u{FEFF}');
                    let _ = w.write_record(CSV_HEADER);
                    self.csv_started = true;
                }
                for row in csv_rows(rec) {
                    let _ = w.write_record(&row);
                }
                s.push_str(&String::from_utf8_lossy(&w.into_inner().unwrap_or_default()));
                s
            }
        }
    }
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
            if let Ok(r) = serde_json::from_str::<Record>(line)
                && let Some(sha) = r.source.sha256.clone()
            {
                m.insert((r.source.file.clone(), sha), r);
            }
        }
    };
    if is_dir {
        let mut files = Vec::new();
        json_files(out, &mut files);
        for f in files {
            if let Ok(t) = std::fs::read_to_string(&f)
                && let Ok(r) = serde_json::from_str::<Record>(&t)
                && let Some(sha) = r.source.sha256.clone()
            {
                m.insert((r.source.file.clone(), sha), r);
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

/// The `.json` files under `dir`, recursively (symlinks not followed).
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        match e.file_type() {
            Ok(t) if t.is_dir() => json_files(&e.path(), out),
            Ok(t) if t.is_file() && e.path().extension().is_some_and(|x| x == "json") => out.push(e.path()),
            _ => {}
        }
    }
}

/// Inputs per worker thread that may be in flight ahead of the writer (bounds memory).
const WINDOW_PER_THREAD: usize = 8;
/// The least `--memory` accepted: under it the child cannot even be loaded.
const MIN_CHILD_MEMORY_MB: u64 = 32;
/// Seconds before an `--isolate` child is killed when `--timeout` is not given.
const DEFAULT_TIMEOUT: f64 = 60.0;

/// The checked plan of a run: its inputs, the output format and whether the output is a folder.
struct Plan {
    inputs: Vec<PathBuf>,
    format: Format,
    out_is_dir: bool,
}

/// Check the arguments and expand the inputs; a usage error is printed and gives exit 1.
fn plan(a: &RunArgs) -> Result<Plan, String> {
    if a.timeout.is_some() && !a.isolate {
        return Err("--timeout works only with --isolate (a document read in-process cannot be stopped)".into());
    }
    if a.memory.is_some() && !a.isolate {
        return Err("--memory works only with --isolate (it limits each child process)".into());
    }
    let out_is_dir = a.out.as_ref().is_some_and(|o| o.is_dir() || o.as_os_str().as_encoded_bytes().ends_with(b"/"));
    let csv_named = a.out.as_ref().is_some_and(|o| o.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")));
    let format = a.format.unwrap_or(if csv_named && !out_is_dir { Format::Csv } else { Format::Json });
    if format == Format::Csv && out_is_dir {
        return Err("--format csv writes one file; give -o FILE.csv".into());
    }
    if format == Format::Parquet && !(out_is_dir && a.out.is_some()) {
        return Err("--format parquet writes one file per table; give -o DIR/".into());
    }
    if a.resume && format == Format::Parquet {
        return Err("--resume works with JSON output only; run again without --resume".into());
    }
    if a.resume && a.out.is_none() {
        return Err("--resume needs -o".into());
    }
    if a.resume && format == Format::Csv {
        return Err("--resume works with JSON output only (a CSV row does not hold the whole record); run again without --resume".into());
    }
    if let Some(j) = a.jobs {
        if j == 0 {
            return Err("--jobs must be at least 1".into());
        }
        let _ = rayon::ThreadPoolBuilder::new().num_threads(j).build_global();
    }
    let inputs = corpus::expand_inputs(&a.inputs, &mut std::io::stdin().lock());
    if inputs.is_empty() {
        return Err("no inputs (give files, folders or - for paths on stdin; see --help)".into());
    }
    Ok(Plan { inputs, format, out_is_dir })
}

fn progress_bar(len: usize, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    b.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} docs  {msg}  ETA {eta}").expect("template"));
    b
}

/// The record reused by `--resume` for input `p`, if the previous output has one for the
/// same name and bytes (only regular files within the input budget are read: a FIFO would
/// block).
fn reused(previous: &HashMap<(String, String), Record>, p: &Path) -> Option<Record> {
    let budget = pia_extract::MAX_PDF_BYTES as u64;
    if previous.is_empty() || !std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= budget) {
        return None;
    }
    let bytes = std::fs::read(p).ok()?;
    previous.get(&(corpus::display_name(p).0, pia_extract::record::sha256_hex(&bytes))).cloned()
}

/// The exit code of a finished (or broken-pipe-ended) run.
fn exit_code(summary: &Summary) -> ExitCode {
    if summary.output_errors > 0 {
        ExitCode::from(EXIT_OUTPUT_FAILED)
    } else if summary.with_errors > 0 {
        ExitCode::from(EXIT_INPUT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

fn run(a: &RunArgs) -> ExitCode {
    let Plan { inputs, format, out_is_dir } = match plan(a) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("pia-extract: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let previous = match &a.out {
        Some(o) if a.resume => previous_records(o, out_is_dir),
        _ => HashMap::new(),
    };
    let opened = match (&a.out, format) {
        (Some(dir), Format::Parquet) => Sink::tables(dir),
        _ => Sink::open(a.out.as_deref(), out_is_dir, inputs.len() == 1 && format == Format::Json),
    };
    let mut sink = match opened {
        Ok(s) => s,
        Err(e) => {
            eprintln!("pia-extract: {e}");
            return ExitCode::from(EXIT_OUTPUT_FAILED);
        }
    };
    let mut encoder = Encoder { format, pretty: a.pretty || sink.pretty(), csv_started: false };
    let bar = progress_bar(inputs.len(), a.quiet);
    let timeout = Duration::from_secs_f64(a.timeout.unwrap_or(DEFAULT_TIMEOUT).max(0.1));
    let memory = a.memory.map_or(corpus::CHILD_MEMORY, |mb| mb.saturating_mul(1 << 20));
    let mode = if a.isolate { Mode::Isolated { timeout, memory } } else { Mode::InProcess };
    let started = Instant::now();
    let mut summary = Summary::default();
    let window = rayon::current_num_threads() * WINDOW_PER_THREAD;
    corpus::run(
        &inputs,
        mode,
        window,
        |p| reused(&previous, p),
        |i, path, rec, size, reused| {
            summary.add(&rec, size);
            summary.reused += usize::from(reused);
            match sink.write(i, path, &rec, &mut encoder) {
                Ok(()) => {}
                // the reader of stdout is gone (`| head`): nothing more can be delivered
                Err(WriteError::BrokenPipe) => std::process::exit(i32::from(u8::from(summary.with_errors > 0) * EXIT_INPUT_FAILED)),
                Err(WriteError::Failed(e)) => {
                    eprintln!("pia-extract: {e}");
                    summary.output_errors += 1;
                }
            }
            bar.inc(1);
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!(
                "{:.1} MB/s, {:.0} pages/s",
                corpus::per_second(summary.bytes, secs) / 1e6,
                corpus::per_second(summary.pages, secs)
            ));
        },
    );
    bar.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();
    match sink.finish() {
        Ok(()) => {}
        Err(WriteError::BrokenPipe) => return exit_code(&summary),
        Err(WriteError::Failed(e)) => {
            eprintln!("pia-extract: {e}");
            summary.output_errors += 1;
        }
    }
    report(&mut summary, a);
    exit_code(&summary)
}

/// The summary on stderr (unless quiet) and in --summary FILE (a failure to write it is an
/// output error).
fn report(summary: &mut Summary, a: &RunArgs) {
    if let Some(p) = &a.summary {
        let t = serde_json::to_string_pretty(&*summary).expect("summary serializes");
        if let Err(e) = write_atomic(p, t.as_bytes()) {
            eprintln!("pia-extract: cannot write {}: {e}", p.display());
            summary.output_errors += 1;
        }
    }
    if !a.quiet {
        eprintln!("{}", summary.render());
    }
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
    // a closed stdout (`| head`) is no error: what was read is what was wanted
    let mut out = std::io::stdout().lock();
    let _ = if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&scores).expect("scores serialize"))
    } else {
        scores.iter().try_for_each(|s| write!(out, "{}", render(s)))
    };
    let ratio = pia_extract::score::Tally { total, right, ..Default::default() }.ratio();
    if let Some(m) = min
        && ratio < m
    {
        eprintln!("pia-extract score: {:.1}% right is under --min {:.1}%", ratio * 100.0, m * 100.0);
        return ExitCode::from(EXIT_USAGE);
    }
    ExitCode::SUCCESS
}
