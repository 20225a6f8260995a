//! Corpus runs: many inputs, in parallel, in input order, nothing lost.
//!
//! Inputs are processed in bounded chunks (memory is bounded by the documents in flight,
//! not by the corpus); each chunk runs on rayon and is written in input order, so the output
//! is the same whatever the thread count. A document's failure is its own error record.

use crate::diag::Code;
use crate::output::record::{Record, error_record, sha256_hex};
use crate::source::MAX_PDF_BYTES;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io::Read as _;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const EXTENSIONS: [&str; 5] = ["pdf", "txt", "md", "html", "htm"];

/// Files and folders met in a walk, by (device, inode): a folder reached twice (a symlink
/// cycle) is walked once, a file reached twice (a symlink, a hard link) is read once.
#[derive(Default)]
struct Seen {
    dirs: HashSet<(u64, u64)>,
    files: HashSet<(u64, u64)>,
}

fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    (m.dev(), m.ino())
}

/// Expand files, folders (recursive, by extension, sorted; symlinks followed, cycles not)
/// and `-` (paths on stdin, one a line, read as bytes so any file name passes). A folder
/// that cannot be read stays an input (its record says `unreadable`); a FIFO, socket or
/// device with a searched extension stays an input (its record says `not_a_file`).
pub fn expand_inputs(args: &[PathBuf], stdin: &mut dyn std::io::BufRead) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen = Seen::default();
    for a in args {
        if a.as_os_str() == "-" {
            let mut line = Vec::new();
            while stdin.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                let t = line.strip_suffix(b"\n").unwrap_or(&line);
                let t = t.strip_suffix(b"\r").unwrap_or(t);
                if !t.is_empty() {
                    out.push(PathBuf::from(OsStr::from_bytes(t)));
                }
                line.clear();
            }
        } else if a.is_dir() {
            let mut found = Vec::new();
            if let Ok(m) = std::fs::metadata(a) {
                seen.dirs.insert(file_id(&m));
            }
            walk(a, &mut found, &mut seen);
            found.sort();
            out.extend(found);
        } else {
            out.push(a.clone());
        }
    }
    out
}

fn searched(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut Seen) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        out.push(dir.to_path_buf());
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => {
                if seen.dirs.insert(file_id(&m)) {
                    walk(&p, out, seen);
                }
            }
            Ok(m) if m.is_file() => {
                if searched(&p) && seen.files.insert(file_id(&m)) {
                    out.push(p);
                }
            }
            // not a regular file, or a dangling link: its record says why
            _ => {
                if searched(&p) {
                    out.push(p);
                }
            }
        }
    }
}

/// A path as `source.file`: the path itself when it is UTF-8; otherwise each byte that is
/// not UTF-8 written `\xHH`, and the raw bytes in hex as the second value (lossless).
#[must_use]
pub fn display_name(path: &Path) -> (String, Option<String>) {
    let bytes = path.as_os_str().as_bytes();
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), None);
    }
    let mut name = String::new();
    for chunk in bytes.utf8_chunks() {
        name.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(name, "\\x{b:02X}");
        }
    }
    let hex = bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    });
    (name, Some(hex))
}

/// Reads at most `limit + 1` bytes (enough to know the input is over `limit`).
fn read_bounded(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    f.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The record of an input that is not a readable regular file within the size budget, or
/// None when it may be read.
fn refuse(path: &Path, name: &str) -> Option<Record> {
    let (code, message) = match std::fs::metadata(path) {
        Err(e) => (Code::Unreadable, format!("cannot read {name}: {e}")),
        Ok(m) if m.is_dir() => {
            let why = std::fs::read_dir(path).err().map_or_else(|| "it is a folder".to_string(), |e| e.to_string());
            (Code::Unreadable, format!("cannot read the folder {name}: {why}"))
        }
        Ok(m) if !m.is_file() => (Code::NotAFile, format!("{name} is not a regular file (a FIFO, socket or device); it is not read")),
        Ok(m) if m.len() > MAX_PDF_BYTES as u64 => (
            Code::TooLarge,
            format!("{name} has {} bytes, more than any input budget ({} MB); it is not read", m.len(), MAX_PDF_BYTES >> 20),
        ),
        Ok(_) => return None,
    };
    Some(error_record(name, None, "text", code, &message))
}

/// How one input is turned into a record.
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    InProcess,
    /// A child process per document (`pia-extract __one FILE`), killed after the timeout.
    Isolated {
        timeout: Duration,
        /// the child's address-space limit in bytes
        memory: u64,
    },
}

/// One input's record. Its `source.file` is [`display_name`] of the path.
#[must_use]
pub fn process_one(path: &Path, mode: Mode) -> Record {
    let (name, raw) = display_name(path);
    let mut r = if let Some(r) = refuse(path, &name) {
        r
    } else {
        match mode {
            Mode::InProcess => match read_bounded(path, MAX_PDF_BYTES) {
                Ok(bytes) => crate::pipeline::extract(&bytes, &name),
                Err(e) if e.kind() == std::io::ErrorKind::OutOfMemory => {
                    error_record(&name, None, "text", Code::TooLarge, &format!("cannot read {name} within the memory available: {e}"))
                }
                Err(e) => error_record(&name, None, "text", Code::Unreadable, &format!("cannot read {name}: {e}")),
            },
            Mode::Isolated { timeout, memory } => isolated(path, &name, Child { timeout, memory }),
        }
    };
    r.source.file_bytes = raw;
    r
}

/// Address space of an `--isolate` child unless `--memory` says otherwise: a document over
/// it ends as `too_large`. 1 GB is over 40× the peak of the largest real document.
pub const CHILD_MEMORY: u64 = 1 << 30;
/// Bytes of a child's stderr kept (enough for the allocator's message).
const CHILD_STDERR_KEPT: u64 = 64 << 10;

/// In the child before exec: the memory limit, and death with the parent (a killed run
/// leaves no child behind).
fn child_limits(memory: u64) -> std::io::Result<()> {
    let limit = libc::rlimit { rlim_cur: memory, rlim_max: memory };
    // SAFETY: plain system calls on a stack value; async-signal-safe.
    unsafe {
        if libc::setrlimit(libc::RLIMIT_AS, &raw const limit) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // the parent may have died before prctl: then die now
        if libc::getppid() == 1 {
            libc::_exit(1);
        }
    }
    Ok(())
}

/// The bounds of one `--isolate` child.
#[derive(Clone, Copy)]
struct Child {
    timeout: Duration,
    memory: u64,
}

fn isolated(path: &Path, name: &str, bounds: Child) -> Record {
    let Child { timeout, memory } = bounds;
    let sha = read_bounded(path, MAX_PDF_BYTES).ok().map(|b| sha256_hex(&b));
    let sha = sha.as_deref();
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return error_record(name, sha, "text", Code::IsolationFailed, &format!("cannot find own executable: {e}")),
    };
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("__one").arg(path).stdin(std::process::Stdio::null()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    // SAFETY: between fork and exec the child only calls async-signal-safe functions
    // (setrlimit, prctl, getppid) on values it owns.
    unsafe { cmd.pre_exec(move || child_limits(memory)) };
    let child = cmd.spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return error_record(name, sha, "text", Code::IsolationFailed, &format!("cannot start a child process: {e}")),
    };
    // read stdout and stderr on threads so a large record cannot block the child
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
        s
    });
    let stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.take(CHILD_STDERR_KEPT).read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let out = reader.join().unwrap_or_default();
                if (status.success() || status.code() == Some(2))
                    && let Ok(r) = serde_json::from_str::<Record>(&out)
                {
                    return r;
                }
                if errors.join().unwrap_or_default().contains("memory allocation") {
                    let message = format!("reading this document needs more than the {} MB memory budget of --isolate", memory >> 20);
                    return error_record(name, sha, "text", Code::TooLarge, &message);
                }
                return error_record(
                    name,
                    sha,
                    "text",
                    Code::Crashed,
                    &format!("the child process reading this document ended abnormally ({status})"),
                );
            }
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return error_record(
                    name,
                    sha,
                    "text",
                    Code::Timeout,
                    &format!("reading this document took longer than {} s", timeout.as_secs_f64()),
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return error_record(name, sha, "text", Code::IsolationFailed, &format!("cannot wait for the child process: {e}")),
        }
    }
}

#[derive(Debug, Default, Serialize, Clone, PartialEq)]
pub struct Summary {
    pub documents: usize,
    /// outputs that could not be written (each printed with its OS error; exit 3)
    pub output_errors: usize,
    pub reused: usize,
    pub with_errors: usize,
    pub by_kind: BTreeMap<String, usize>,
    pub errors: BTreeMap<String, usize>,
    pub warnings: BTreeMap<String, usize>,
    pub pages: u64,
    pub bytes: u64,
    pub seconds: f64,
}

impl Summary {
    pub fn add(&mut self, r: &Record, bytes: u64) {
        self.documents += 1;
        self.bytes += bytes;
        *self.by_kind.entry(r.document.kind.clone().unwrap_or_else(|| "(unknown)".into())).or_default() += 1;
        if r.has_error() {
            self.with_errors += 1;
        }
        for d in &r.diagnostics {
            match d.level.as_str() {
                "error" => *self.errors.entry(d.code.clone()).or_default() += 1,
                "warning" => *self.warnings.entry(d.code.clone()).or_default() += 1,
                _ => {}
            }
        }
        self.pages += u64::from(r.source.pages.unwrap_or(0));
    }

    #[must_use]
    pub fn render(&self) -> String {
        let list = |m: &BTreeMap<String, usize>| {
            if m.is_empty() { "none".to_string() } else { m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ") }
        };
        format!(
            "{} document(s) in {:.2} s ({} reused), {} with errors\n  kinds: {}\n  errors: {}\n  warnings: {}\n  pages: {}, {:.1} MB, {:.1} MB/s",
            self.documents,
            self.seconds,
            self.reused,
            self.with_errors,
            list(&self.by_kind),
            list(&self.errors),
            list(&self.warnings),
            self.pages,
            per_second(self.bytes, 1.0) / 1e6,
            per_second(self.bytes, self.seconds) / 1e6
        ) + &if self.output_errors > 0 { format!("\n  output errors: {} (see above)", self.output_errors) } else { String::new() }
    }
}

/// Run `inputs` on the current rayon pool; `emit` receives every record in input order
/// (with the input's byte size and whether it was reused). Workers take the next input as
/// soon as they are free, but never run more than `window` inputs ahead of the writer, so
/// memory is bounded by the documents in flight. `reuse` may answer a record for an input
/// without processing it (resume).
pub fn run<F, R>(inputs: &[PathBuf], mode: Mode, window: usize, reuse: R, mut emit: F)
where
    F: FnMut(usize, &Path, Record, u64, bool),
    R: Fn(&Path) -> Option<Record> + Sync,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, mpsc};
    let window = window.max(1);
    let next = AtomicUsize::new(0);
    let written = (Mutex::new(0usize), Condvar::new());
    let (tx, rx) = mpsc::channel::<(usize, Record, u64, bool)>();
    let threads = rayon::current_num_threads().max(1);
    rayon::in_place_scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, written, reuse) = (&next, &written, &reuse);
            s.spawn(move |_| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= inputs.len() {
                        break;
                    }
                    {
                        let (m, cv) = written;
                        let mut w = m.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        while i >= *w + window {
                            w = cv.wait(w).unwrap_or_else(std::sync::PoisonError::into_inner);
                        }
                    }
                    let p = &inputs[i];
                    let size = std::fs::metadata(p).map_or(0, |m| m.len());
                    let item = match reuse(p) {
                        Some(r) => (i, r, size, true),
                        None => (i, process_one(p, mode), size, false),
                    };
                    if tx.send(item).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // the writer: reorder and emit in input order
        let mut pending: BTreeMap<usize, (Record, u64, bool)> = BTreeMap::new();
        let mut done = 0usize;
        for (i, r, size, reused) in &rx {
            pending.insert(i, (r, size, reused));
            while let Some((r, size, reused)) = pending.remove(&done) {
                emit(done, &inputs[done], r, size, reused);
                done += 1;
                let (m, cv) = &written;
                *m.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = done;
                cv.notify_all();
            }
        }
    });
}

/// `count` per second (0 when no time has passed).
#[must_use]
#[allow(clippy::cast_precision_loss)] // counts of a run, far below 2^52
pub fn per_second(count: u64, secs: f64) -> f64 {
    if secs > 0.0 { count as f64 / secs } else { 0.0 }
}
