//! The fuzz regression corpus (`fuzz/regressions/TARGET/`): every input the fuzzers found
//! crashing or slow, and the hand-made bombs, fed to the library entry point of its target.
//! Each must end without a panic and quickly (the fuzz runs themselves are `fuzz/run.sh`).

use std::path::PathBuf;
use std::time::Instant;

/// Seconds one regression input may take (unoptimized build).
const SECONDS: f64 = 20.0;

fn corpus(target: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(format!("fuzz/regressions/{target}"))
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn replay(target: &str, run: impl Fn(&[u8])) -> usize {
    let files = corpus(target);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let start = Instant::now();
        run(&bytes);
        let secs = start.elapsed().as_secs_f64();
        assert!(secs < SECONDS, "{}: {secs:.1} s", f.display());
    }
    files.len()
}

fn no_panic(r: &pia_extract::Record) {
    assert!(!r.diagnostics.iter().any(|d| d.code == "internal_panic"), "{:?}", r.diagnostics);
}

#[test]
fn pdf_regressions() {
    let n = replay("pdf", |b| {
        let _ = pia_extract::pdf::read(b);
        no_panic(&pia_extract::extract(b, "fuzz.pdf"));
    });
    assert!(n > 0);
}

#[test]
fn text_regressions() {
    replay("text", |b| no_panic(&pia_extract::extract(b, "fuzz.txt")));
}

#[test]
fn cmap_regressions() {
    let n = replay("cmap", |b| {
        let _ = pia_extract::pdf::fuzz_cmap(b);
    });
    assert!(n > 0);
}
