//! Corpus runs: many inputs, in parallel, in input order, nothing lost.
//!
//! Inputs are processed in bounded chunks (memory is bounded by the documents in flight,
//! not by the corpus); each chunk runs on rayon and is written in input order, so the output
//! is the same whatever the thread count. A document's failure is its own error record.

use crate::diag::Code;
use crate::output::record::{Record, error_record, sha256_hex};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const EXTENSIONS: [&str; 5] = ["pdf", "txt", "md", "html", "htm"];

/// Expand files, folders (recursive, by extension, sorted) and `-` (paths on stdin).
pub fn expand_inputs(args: &[PathBuf], stdin: &mut dyn std::io::BufRead) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for a in args {
        if a.as_os_str() == "-" {
            let mut line = String::new();
            while stdin.read_line(&mut line).unwrap_or(0) > 0 {
                let t = line.trim_end_matches(['\n', '\r']);
                if !t.is_empty() {
                    out.push(PathBuf::from(t));
                }
                line.clear();
            }
        } else if a.is_dir() {
            let mut found = Vec::new();
            walk(a, &mut found);
            found.sort();
            out.extend(found);
        } else {
            out.push(a.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())) {
            out.push(p);
        }
    }
}

/// How one input is turned into a record.
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    InProcess,
    /// A child process per document (`pia-extract __one FILE`), killed after the timeout.
    Isolated {
        timeout: Duration,
    },
}

#[must_use]
pub fn process_one(path: &Path, mode: Mode) -> Record {
    let name = path.to_string_lossy().to_string();
    match mode {
        Mode::InProcess => match std::fs::read(path) {
            Ok(bytes) => crate::pipeline::extract(&bytes, &name),
            Err(e) => error_record(&name, &"0".repeat(64), "text", Code::Unreadable, &format!("cannot read {name}: {e}")),
        },
        Mode::Isolated { timeout } => isolated(path, &name, timeout),
    }
}

fn isolated(path: &Path, name: &str, timeout: Duration) -> Record {
    let sha = std::fs::read(path).map_or_else(|_| "0".repeat(64), |b| sha256_hex(&b));
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return error_record(name, &sha, "text", Code::IsolationFailed, &format!("cannot find own executable: {e}")),
    };
    let child = std::process::Command::new(exe)
        .arg("__one")
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return error_record(name, &sha, "text", Code::IsolationFailed, &format!("cannot start a child process: {e}")),
    };
    // read stdout on a thread so a large record cannot block the child
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
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
                return error_record(
                    name,
                    &sha,
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
                    &sha,
                    "text",
                    Code::Timeout,
                    &format!("reading this document took longer than {} s", timeout.as_secs_f64()),
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return error_record(name, &sha, "text", Code::IsolationFailed, &format!("cannot wait for the child process: {e}")),
        }
    }
}

#[derive(Debug, Default, Serialize, Clone, PartialEq)]
pub struct Summary {
    pub documents: usize,
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
        )
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
