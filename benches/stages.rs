//! One benchmark per stage over the fixtures (`cargo bench`): decode, lines, flavour
//! detection, body (cover + form + bounds), scan, pieces (shared by the choice and checkbox
//! readers), fields (every reader: owners, texts, choices, checkboxes), PDF read, layout,
//! and the floor (decode + fold/key of every line) for comparison.

use pia_extract::bench;
use std::path::Path;

fn main() {
    // each sample runs a stage over all the fixtures: ten samples are enough
    divan::Divan::from_args().sample_count(10).sample_size(1).main();
}

/// The bytes of every file of the fixture folders `dirs` whose name ends with `ext`.
fn files(dirs: &[&str], ext: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for d in dirs {
        let mut names: Vec<_> = std::fs::read_dir(root.join(d)).map(|r| r.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        names.sort();
        out.extend(names.iter().filter(|p| p.to_string_lossy().ends_with(ext)).filter_map(|p| std::fs::read(p).ok()));
    }
    out
}

fn text_bytes() -> Vec<Vec<u8>> {
    files(&["seeds", "flavours"], ".txt")
}

fn texts() -> Vec<String> {
    text_bytes().iter().map(|b| bench::decode(b)).collect()
}

fn pdf_bytes() -> Vec<Vec<u8>> {
    files(&["pdf"], ".pdf")
}

fn input_len(v: &[Vec<u8>]) -> usize {
    v.iter().map(Vec::len).sum()
}

#[divan::bench]
fn floor(b: divan::Bencher) {
    let all = text_bytes();
    b.counter(divan::counter::BytesCount::new(input_len(&all)))
        .bench(|| all.iter().map(|x| bench::fold_floor(&bench::decode(divan::black_box(x)))).sum::<usize>());
}

#[divan::bench]
fn decode(b: divan::Bencher) {
    let all = text_bytes();
    b.counter(divan::counter::BytesCount::new(input_len(&all)))
        .bench(|| all.iter().map(|x| bench::decode(divan::black_box(x)).len()).sum::<usize>());
}

#[divan::bench]
fn flavour(b: divan::Bencher) {
    let all = texts();
    b.bench(|| all.iter().map(|t| bench::flavour(divan::black_box(t))).sum::<usize>());
}

#[divan::bench]
fn lines(b: divan::Bencher) {
    let all = texts();
    b.bench(|| all.iter().map(|t| bench::lines(divan::black_box(t)).len()).sum::<usize>());
}

#[divan::bench]
fn body(b: divan::Bencher) {
    let all = texts();
    b.with_inputs(|| all.iter().map(|t| bench::lines(t)).collect::<Vec<_>>())
        .bench_values(|ls| ls.into_iter().filter_map(bench::Lines::body).count());
}

fn bodies() -> Vec<bench::Body> {
    texts().iter().filter_map(|t| bench::lines(t).body()).collect()
}

#[divan::bench]
fn scan(b: divan::Bencher) {
    let all = bodies();
    b.bench(|| all.iter().map(bench::Body::scan).sum::<usize>());
}

#[divan::bench]
fn pieces(b: divan::Bencher) {
    let all = bodies();
    b.bench(|| all.iter().map(bench::Body::pieces).sum::<usize>());
}

#[divan::bench]
fn fields(b: divan::Bencher) {
    let all = bodies();
    b.bench(|| all.iter().map(bench::Body::fields).sum::<usize>());
}

#[divan::bench]
fn pdf_read(b: divan::Bencher) {
    let all = pdf_bytes();
    b.counter(divan::counter::BytesCount::new(input_len(&all)))
        .bench(|| all.iter().filter_map(|x| bench::pdf_read(divan::black_box(x))).map(|p| p.len()).sum::<usize>());
}

#[divan::bench]
fn layout(b: divan::Bencher) {
    let all = pdf_bytes();
    b.with_inputs(|| all.iter().filter_map(|x| bench::pdf_read(x)).collect::<Vec<_>>())
        .bench_refs(|pages| pages.iter().map(|p| bench::layout(p)).sum::<usize>());
}

#[divan::bench]
fn whole_text(b: divan::Bencher) {
    let all = text_bytes();
    b.counter(divan::counter::BytesCount::new(input_len(&all)))
        .bench(|| all.iter().map(|x| pia_extract::extract(divan::black_box(x), "bench").fields.len()).sum::<usize>());
}
