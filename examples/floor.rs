//! The floor of the text path, for `tools/bench/bench.sh`: read every file under the given
//! folders, decode it and fold/key every line (what any reader of the text must at least
//! do), one file after another on one thread. Prints the bytes read and the seconds taken.
use std::path::{Path, PathBuf};
use std::time::Instant;

fn walk(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p).map(|r| r.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        v.sort();
        for x in v {
            walk(&x, out);
        }
    } else {
        out.push(p.to_path_buf());
    }
}

fn main() {
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        walk(Path::new(&a), &mut files);
    }
    let t = Instant::now();
    let (mut bytes, mut keys) = (0usize, 0usize);
    for f in &files {
        let Ok(b) = std::fs::read(f) else { continue };
        bytes += b.len();
        keys += pia_extract::bench::fold_floor(&pia_extract::bench::decode(&b));
    }
    println!("{bytes} {:.3} {keys}", t.elapsed().as_secs_f64());
}
