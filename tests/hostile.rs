//! Hostile inputs and faults (#14). Every case is generated here by a small generator (no big
//! file is committed), run through the binary in a child process under a memory limit
//! (`RLIMIT_AS`) and a wall-clock bound measured here, and must give a record with a stable,
//! truthful code (or, for output faults, a message and exit 3) without losing any other input.

mod common;

use common::pdf;
use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The memory bound of every run (address space of the child).
const MEMORY: u64 = 1 << 30;
/// The time bound of every run: 10 s for the release build; the unoptimized build `cargo
/// test` makes runs several times slower, so it gets more.
const SECONDS: f64 = if cfg!(debug_assertions) { 60.0 } else { 10.0 };

/// One bounded run at a time, so the time measured is the run's own.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pia-extract"))
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pia-hostile-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    secs: f64,
}

impl Outcome {
    /// The records on stdout (JSON Lines, or one pretty JSON).
    fn records(&self) -> Vec<Value> {
        if let Ok(v) = serde_json::from_str::<Value>(&self.stdout) {
            return vec![v];
        }
        self.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
    }
}

/// Runs `cmd` under the memory limit, with `stdin` fed to it; fails the test past the time
/// bound (the child is killed) or on a panic message.
fn bounded(mut cmd: Command, stdin: &[u8]) -> Outcome {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // SAFETY: setrlimit between fork and exec, on a stack value.
    unsafe {
        cmd.pre_exec(|| {
            let l = libc::rlimit { rlim_cur: MEMORY, rlim_max: MEMORY };
            if libc::setrlimit(libc::RLIMIT_AS, &raw const l) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let o = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let e = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed().as_secs_f64() > SECONDS {
            let _ = child.kill();
            let _ = child.wait();
            panic!("over {SECONDS} s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let secs = start.elapsed().as_secs_f64();
    let _ = feeder.join();
    let stdout = String::from_utf8_lossy(&o.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&e.join().unwrap()).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("memory allocation"), "over {MEMORY} bytes: {stderr}");
    Outcome { code: status.code(), stdout, stderr, secs }
}

fn run(args: &[&std::ffi::OsStr]) -> Outcome {
    let mut c = bin();
    c.args(args).arg("-q");
    bounded(c, b"")
}

fn codes(r: &Value) -> Vec<String> {
    r["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

fn has_code(r: &Value, code: &str) -> bool {
    codes(r).iter().any(|c| c == code)
}

fn seed(n: &str) -> PathBuf {
    std::fs::read_dir("fixtures/seeds")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(n))
        .unwrap()
}

// ---------------------------------------------------------------- generators

/// A zlib stream (fixed Huffman) of `prefix` then `zeros` zero bytes: a bomb of any size
/// in about zeros/250 bytes, without compressing anything here.
fn zlib_zeros(prefix: &[u8], zeros: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, v: u64, n: u32) {
            self.acc |= v << self.n;
            self.n += n;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// a Huffman code, most significant bit first
        fn code(&mut self, v: u32, n: u32) {
            let r = (0..n).fold(0u64, |a, i| a | (u64::from((v >> i) & 1) << (n - 1 - i)));
            self.put(r, n);
        }
        fn literal(&mut self, b: u8) {
            if b < 144 { self.code(0x30 + u32::from(b), 8) } else { self.code(0x190 + u32::from(b) - 144, 9) }
        }
    }
    let mut b = Bits { out: vec![0x78, 0x01], acc: 0, n: 0 };
    b.put(1, 1); // final block
    b.put(1, 2); // fixed Huffman
    let mut data_len = prefix.len();
    for &c in prefix {
        b.literal(c);
    }
    let mut left = zeros;
    if left > 0 {
        b.literal(0);
        left -= 1;
        data_len += 1;
    }
    while left >= 258 {
        b.code(0b1100_0101, 8); // length 258 (code 285)
        b.code(0, 5); // distance 1
        left -= 258;
        data_len += 258;
    }
    while left > 0 {
        b.literal(0);
        left -= 1;
        data_len += 1;
    }
    b.code(0, 7); // end of block
    if b.n > 0 {
        b.put(0, 8 - b.n);
    }
    // Adler-32 of prefix + zeros
    let (mut a, mut s) = (1u64, 0u64);
    for &c in prefix {
        a = (a + u64::from(c)) % 65521;
        s = (s + a) % 65521;
    }
    let z = (data_len - prefix.len()) as u64;
    s = (s + a * (z % 65521)) % 65521;
    let adler = ((s as u32) << 16) | a as u32;
    b.out.extend_from_slice(&adler.to_be_bytes());
    b.out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut o = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    o.extend_from_slice(data);
    o.extend_from_slice(b"\nendstream");
    o
}

/// One page showing text in font F1, whose ToUnicode is object 5 (given).
fn pdf_with_tounicode(tounicode: Vec<u8>) -> Vec<u8> {
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> >>".to_vec(),
        stream("", b"BT /F1 12 Tf 72 720 Td <0001000200030004> Tj ET"),
        tounicode,
        b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode 5 0 R /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>] >>".to_vec(),
    ])
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Runs `case` (a hostile file) between two good seeds: the case's record has `code`, and
/// the seeds' records are there, whole, in order.
fn case_among_good(tag: &str, name: &str, bytes: &[u8], code: &str) -> Value {
    let d = temp_dir(tag);
    let good = std::fs::read(seed("003")).unwrap();
    let a = write(&d, "a.txt", &good);
    let p = write(&d, name, bytes);
    if let Some(keep) = std::env::var_os("PIA_HOSTILE_KEEP") {
        // keep the generated case for a look by hand
        let _ = std::fs::write(Path::new(&keep).join(format!("{tag}-{name}")), bytes);
    }
    let z = write(&d, "z.txt", &good);
    let o = run(&[a.as_os_str(), p.as_os_str(), z.as_os_str(), "-j".as_ref(), "2".as_ref()]);
    let recs = o.records();
    assert_eq!(recs.len(), 3, "{}", o.stderr);
    assert!(!recs[0]["fields"].as_array().unwrap().is_empty() && !recs[2]["fields"].as_array().unwrap().is_empty());
    assert!(has_code(&recs[1], code), "{tag}: {:?} in {:.1} s", codes(&recs[1]), o.secs);
    eprintln!("{tag}: {code} in {:.2} s ({} bytes)", o.secs, bytes.len());
    let _ = std::fs::remove_dir_all(&d);
    recs[1].clone()
}

// ---------------------------------------------------------------- resource bombs

#[test]
fn tounicode_ranges_of_long_strings() {
    // 16 bfranges of 65,535 codes, each mapped to a 4,096-character string
    let dst = "0041".repeat(4096);
    let mut cmap = String::from("1 begincodespacerange <0000> <FFFF> endcodespacerange 16 beginbfrange\n");
    for _ in 0..16 {
        cmap.push_str(&format!("<0000> <FFFE> <{dst}>\n"));
    }
    cmap.push_str("endbfrange");
    let compressed = zlib_zeros(cmap.as_bytes(), 0);
    let r = case_among_good("cmap-long", "c.pdf", &pdf_with_tounicode(stream("/Filter /FlateDecode", &compressed)), "pdf_too_complex");
    assert!(r["diagnostics"].to_string().contains("ToUnicode mappings over the CMap budgets"));
}

#[test]
fn tounicode_many_ranges() {
    // 2,000 ranges of 65,535 one-character codes: more codes than any font has
    let mut cmap = String::from("1 begincodespacerange <0000> <FFFF> endcodespacerange 2000 beginbfrange\n");
    for _ in 0..2000 {
        cmap.push_str("<0000> <FFFE> <0041>\n");
    }
    cmap.push_str("endbfrange");
    case_among_good("cmap-many", "c.pdf", &pdf_with_tounicode(stream("", cmap.as_bytes())), "pdf_too_complex");
}

#[test]
fn tounicode_decompression_bomb() {
    // a ToUnicode stream inflating to 1 GB (about 4 MB here)
    let bomb = zlib_zeros(b"", 1 << 30);
    let r = case_among_good("cmap-bomb", "c.pdf", &pdf_with_tounicode(stream("/Filter /FlateDecode", &bomb)), "pdf_too_complex");
    // the font's text is unmapped, so the page has no text layer
    assert!(has_code(&r, "no_text_layer"), "{:?}", codes(&r));
}

#[test]
fn form_drawing_itself_over_a_big_stream() {
    // a Form XObject that draws itself ten times, over 60 MB of content
    let form = zlib_zeros(b"/X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do\n", 60 << 20);
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources 6 0 R >>".to_vec(),
        stream("", b"/X Do"),
        stream("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources 6 0 R /Filter /FlateDecode", &form),
        b"<< /XObject << /X 5 0 R >> >>".to_vec(),
    ]);
    let r = case_among_good("form-self", "f.pdf", &bytes, "too_large");
    assert!(r["diagnostics"].to_string().contains("content streams"), "{}", r["diagnostics"]);
}

/// `n` pages sharing one content stream of `content_zeros` bytes.
fn shared_pages(n: usize, content_zeros: usize) -> Vec<u8> {
    let mut objs = vec![b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()];
    let kids: String = (0..n).map(|i| format!("{} 0 R ", i + 4)).collect();
    objs.push(format!("<< /Type /Pages /Kids [{kids}] /Count {n} >>").into_bytes());
    objs.push(stream("/Filter /FlateDecode", &zlib_zeros(b"0 0 m 10 0 l S\n", content_zeros)));
    for _ in 0..n {
        objs.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>".to_vec());
    }
    pdf(&objs)
}

#[test]
fn many_pages_sharing_a_big_stream() {
    // over the page budget
    case_among_good("pages-many", "p.pdf", &shared_pages(20_000, 1 << 10), "too_large");
    // under it, but 1,000 pages drawing one 60 MB stream: the content budget
    let r = case_among_good("pages-shared", "p.pdf", &shared_pages(1_000, 60 << 20), "too_large");
    assert!(r["diagnostics"].to_string().contains("content streams"), "{}", r["diagnostics"]);
}

#[test]
fn page_tree_cycle_and_self_referencing_object_stream_are_unreadable() {
    let cycle = pdf(&[b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(), b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>".to_vec()]);
    case_among_good("tree-cycle", "t.pdf", &cycle, "pdf_unreadable");
    let objstm = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        stream("/Type /ObjStm /N 1 /First 4 /Extends 3 0 R", b"3 0 3 0 R"),
    ]);
    case_among_good("objstm-self", "o.pdf", &objstm, "pdf_unreadable");
}

#[test]
fn big_texts_are_refused_or_read_within_bounds() {
    // over the text budget: refused, never gigabytes
    let big = "特定個人情報保護評価書\n".repeat((17 << 20) / 34);
    case_among_good("text-big", "big.txt", big.as_bytes(), "too_large");
    // one long line, and repeated labels, under the budget (4 MB here; memory and time
    // grow linearly, the release build reads 15 MB of either in about a second)
    let line = "あ".repeat((4 << 20) / 3);
    case_among_good("text-line", "line.txt", line.as_bytes(), "not_a_pia");
    let labels =
        "Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策\nリスク１：　目的外の入手が行われるリスク\n".repeat((4 << 20) / 150);
    case_among_good("text-labels", "labels.txt", labels.as_bytes(), "no_fields");
}

// ---------------------------------------------------------------- inputs lost or repeated

#[test]
fn symlink_cycles_give_each_file_once() {
    let d = temp_dir("symlinks");
    std::fs::create_dir_all(d.join("c/sub")).unwrap();
    std::fs::copy(seed("003"), d.join("c/a.txt")).unwrap();
    std::fs::copy(seed("004"), d.join("c/sub/b.txt")).unwrap();
    std::os::unix::fs::symlink(d.join("c"), d.join("c/self")).unwrap();
    std::os::unix::fs::symlink(d.join("c"), d.join("c/sub/up")).unwrap();
    std::os::unix::fs::symlink(d.join("c/a.txt"), d.join("c/link.txt")).unwrap();
    let o = run(&[d.join("c").as_os_str()]);
    let files: Vec<String> = o.records().iter().map(|r| r["source"]["file"].as_str().unwrap().to_string()).collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let _ = std::fs::remove_dir_all(&d);
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

#[test]
fn fifos_are_not_files() {
    let d = temp_dir("fifo");
    std::fs::copy(seed("003"), d.join("a.txt")).unwrap();
    mkfifo(&d.join("f.txt"));
    std::fs::copy(seed("004"), d.join("z.txt")).unwrap();
    for isolate in [false, true] {
        // in a folder, and given directly
        for args in [vec![d.as_os_str().to_owned()], vec![d.join("a.txt").into(), d.join("f.txt").into(), d.join("z.txt").into()]] {
            let mut args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsString::as_os_str).collect();
            if isolate {
                args.extend(["--isolate", "--timeout", "5"].map(std::ffi::OsStr::new));
            }
            let recs = run(&args).records();
            assert_eq!(recs.len(), 3);
            assert!(has_code(&recs[1], "not_a_file"), "{:?}", codes(&recs[1]));
            // no bytes were read, so no hash is claimed; the readable neighbours keep theirs
            assert!(recs[1]["source"]["sha256"].is_null(), "{}", recs[1]["source"]);
            assert_eq!(recs[0]["source"]["sha256"].as_str().map(str::len), Some(64));
            assert!(!recs[0]["fields"].as_array().unwrap().is_empty() && !recs[2]["fields"].as_array().unwrap().is_empty());
        }
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn stdin_paths_are_bytes_and_names_stay_lossless() {
    let d = temp_dir("names");
    let good = std::fs::read(seed("003")).unwrap();
    let mut names = Vec::new();
    for raw in [&b"a.txt"[..], b"b\xff.txt", b"b\xfe.txt", b"c.txt"] {
        let p = d.join(std::ffi::OsStr::from_bytes(raw));
        std::fs::write(&p, &good).unwrap();
        names.push(p);
    }
    let mut list = Vec::new();
    for p in &names {
        list.extend_from_slice(p.as_os_str().as_bytes());
        list.push(b'\n');
    }
    let mut c = bin();
    c.args(["-", "-q"]);
    let recs = bounded(c, &list).records();
    assert_eq!(recs.len(), 4, "a non-UTF-8 line must not end the list");
    let files: Vec<&str> = recs.iter().map(|r| r["source"]["file"].as_str().unwrap()).collect();
    assert!(files[1].ends_with("b\\xFF.txt") && files[2].ends_with("b\\xFE.txt"), "{files:?}");
    // the raw bytes are kept: hex of the whole path, for non-UTF-8 names only
    let hex: String = names[1].as_os_str().as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(recs[1]["source"]["file_bytes"].as_str(), Some(hex.as_str()));
    assert!(recs[0]["source"].get("file_bytes").is_none());
    let _ = std::fs::remove_dir_all(&d);
}

/// The binary copied into the test's folder `d` (opened to all), where the user `nobody` can
/// run it: the build folder itself may be private (a clone in a `mktemp -d` folder is 0700).
fn nobody_bin(d: &Path) -> Command {
    use std::os::unix::fs::PermissionsExt;
    let p = d.join("pia-extract");
    std::fs::copy(env!("CARGO_BIN_EXE_pia-extract"), &p).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    Command::new(p)
}

/// Runs `cmd` as the unprivileged user `nobody` (when the tests run as root, permissions
/// would not apply to them).
fn as_nobody(cmd: &mut Command) {
    // SAFETY: geteuid/setgid/setuid between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::geteuid() == 0 && (libc::setgid(65534) != 0 || libc::setuid(65534) != 0) {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

fn open_dir(d: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut p = d.to_path_buf();
    while p.starts_with(std::env::temp_dir()) {
        let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755));
        if !p.pop() {
            break;
        }
    }
}

#[test]
fn an_unreadable_folder_has_a_record() {
    use std::os::unix::fs::PermissionsExt;
    let d = temp_dir("unreadable");
    open_dir(&d);
    std::fs::create_dir_all(d.join("c/locked")).unwrap();
    open_dir(&d.join("c"));
    std::fs::copy(seed("003"), d.join("c/a.txt")).unwrap();
    std::fs::copy(seed("004"), d.join("c/locked/b.txt")).unwrap();
    std::fs::set_permissions(d.join("c/a.txt"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(d.join("c/locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut c = nobody_bin(&d);
    c.arg(d.join("c")).arg("-q");
    as_nobody(&mut c);
    let recs = bounded(c, b"").records();
    assert_eq!(recs.len(), 2);
    let locked = recs.iter().find(|r| r["source"]["file"].as_str().unwrap().ends_with("locked")).expect("a record for the folder");
    assert!(has_code(locked, "unreadable"), "{:?}", codes(locked));
    assert!(locked["source"]["sha256"].is_null(), "an unread input claims no hash: {}", locked["source"]);
    std::fs::set_permissions(d.join("c/locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn output_folder_mirrors_inputs() {
    let d = temp_dir("mirror");
    std::fs::create_dir_all(d.join("in/a")).unwrap();
    std::fs::create_dir_all(d.join("in/b")).unwrap();
    let good = std::fs::read(seed("003")).unwrap();
    for f in ["in/a/x.txt", "in/b/x.txt", "in/x.txt", "in/x.md"] {
        std::fs::write(d.join(f), &good).unwrap();
    }
    let out = d.join("out/");
    let ax = d.join("in/a/x.txt");
    let o = run(&[d.join("in").as_os_str(), ax.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let mut files = Vec::new();
    let mut stack = vec![d.join("out")];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(p).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else if e.path().extension().is_some_and(|x| x == "json") {
                let r: Value = serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap();
                files.push(r["source"]["file"].as_str().unwrap().to_string());
            }
        }
    }
    files.sort();
    // five inputs (one given twice), five outputs
    assert_eq!(files.len(), 5, "{files:?}");
    let _ = std::fs::remove_dir_all(&d);
}

// ---------------------------------------------------------------- outputs lost

#[test]
fn a_read_only_output_folder_is_an_output_error() {
    use std::os::unix::fs::PermissionsExt;
    let d = temp_dir("readonly");
    open_dir(&d);
    let input = d.join("a.txt");
    std::fs::copy(seed("003"), &input).unwrap();
    std::fs::set_permissions(&input, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    let mut c = nobody_bin(&d);
    c.arg(&input).arg("-o").arg(format!("{}/", out.display()));
    as_nobody(&mut c);
    let o = bounded(c, b"");
    assert_eq!(o.code, Some(3), "{}", o.stderr);
    assert!(o.stderr.contains("Permission denied") || o.stderr.contains("permission denied"), "{}", o.stderr);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_full_stdout_is_an_output_error() {
    let mut c = bin();
    c.arg(seed("003")).arg("-q").stdout(std::fs::File::create("/dev/full").unwrap());
    let st = c.output().unwrap();
    assert_eq!(st.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&st.stderr).contains("No space left"), "{}", String::from_utf8_lossy(&st.stderr));
}

#[test]
fn a_second_run_on_the_same_output_is_refused() {
    use std::os::fd::AsRawFd;
    let d = temp_dir("lock");
    let out = d.join("r.jsonl");
    // a run in progress holds the lock
    let lock = std::fs::File::create(d.join("r.jsonl.lock")).unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) }, 0);
    let o = run(&[seed("003").as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(o.code, Some(3));
    assert!(o.stderr.contains("another run"), "{}", o.stderr);
    assert!(!out.exists());
    drop(lock);
    // once that run is gone (however it ended) the output is free again
    let o = run(&[seed("003").as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    // two runs at once: one writes, the other stops; the output is whole
    let start = |_| bin().arg("fixtures/seeds").args(["-q", "-j", "1", "-o"]).arg(&out).stderr(Stdio::piped()).spawn().unwrap();
    let runs: Vec<_> = (0..2).map(start).collect();
    let codes: Vec<i32> = runs.into_iter().map(|c| c.wait_with_output().unwrap().status.code().unwrap()).collect();
    assert!(codes.contains(&0) && codes.iter().all(|c| *c == 0 || *c == 3), "{codes:?}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains('\0'));
    assert_eq!(text.lines().filter(|l| serde_json::from_str::<Value>(l).is_ok()).count(), 5);
    let _ = std::fs::remove_dir_all(&d);
}

/// Runs `args`, reads one line of its stdout and closes it.
fn read_one_line(args: &[&str]) -> (Option<i32>, String) {
    let mut child = bin().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut b = [0u8; 1];
    while out.read(&mut b).unwrap_or(0) == 1 && b[0] != b'\n' {}
    drop(out);
    let o = child.wait_with_output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn broken_pipes_end_quietly() {
    let (code, err) = read_one_line(&["fixtures/seeds", "fixtures/seeds", "fixtures/seeds", "-q", "-j", "1"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
    let rec = std::env::temp_dir().join(format!("pia-hostile-score-{}.json", std::process::id()));
    let o = bin().arg(seed("001")).arg("-q").output().unwrap();
    std::fs::write(&rec, o.stdout).unwrap();
    let key = "golden/keys/001_4659e5c1cf513e63.json";
    let (code, err) = read_one_line(&["score", rec.to_str().unwrap(), key, key, key, key, "--json"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let _ = std::fs::remove_file(rec);
}

// ---------------------------------------------------------------- partial documents

#[test]
fn a_cut_document_says_where_it_ends() {
    let s = std::fs::read(seed("001")).unwrap();
    let cut = &s[..s.len() / 3];
    let r = case_among_good("cut", "cut.txt", cut, "truncated");
    let found: Vec<&str> = r["completeness"]["found"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let msg = r["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "truncated").unwrap()["message"].to_string();
    assert!(msg.contains(&format!("section {}", found.last().unwrap())), "{msg}");
    assert!(found.len() < r["completeness"]["sections"].as_array().unwrap().len());
    // the whole document is whole, and the fragment 000 says it is one
    let whole = run(&[seed("001").as_os_str()]).records().remove(0);
    assert!(!has_code(&whole, "truncated") && !has_code(&whole, "fragment"));
    assert_eq!(whole["completeness"]["found"], whole["completeness"]["sections"]);
    let frag = run(&[seed("000").as_os_str()]).records().remove(0);
    assert!(has_code(&frag, "fragment"), "{:?}", codes(&frag));
    // the summary counts them
    let d = temp_dir("cut-summary");
    let p = write(&d, "cut.txt", cut);
    let summary = d.join("s.json");
    run(&[p.as_os_str(), seed("001").as_os_str(), "--summary".as_ref(), summary.as_os_str()]);
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(s["warnings"]["truncated"], 1);
    let _ = std::fs::remove_dir_all(&d);
}

// ---------------------------------------------------------------- usage

#[test]
fn usage_errors_exit_1() {
    let seed3 = seed("003");
    let s = seed3.to_str().unwrap();
    for args in [
        vec!["--no-such-flag", s],
        vec![s, "--timeout", "5"],
        vec![s, "--format", "csv", "-o", "/tmp/x.csv", "--resume"],
        vec![s, "--format", "csv", "-o", "/tmp/pia-hostile-dir/"],
    ] {
        let o = bin().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(!o.stderr.is_empty());
    }
    assert_eq!(bin().arg("--help").output().unwrap().status.code(), Some(0));
}

#[test]
fn a_csv_output_name_writes_csv() {
    let d = temp_dir("csvname");
    let out = d.join("f.csv");
    let o = run(&[seed("003").as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("\u{FEFF}file,sha256"), "{}", &text[..40.min(text.len())]);
    let _ = std::fs::remove_dir_all(&d);
}

// ---------------------------------------------------------------- --isolate

/// Pids of live processes whose command line holds `needle`.
fn processes_with(needle: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
        let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        let zombie = stat.rsplit(')').next().is_some_and(|s| s.trim_start().starts_with('Z'));
        if !zombie && String::from_utf8_lossy(&cmd).contains(needle) {
            out.push(pid);
        }
    }
    out
}

#[test]
fn isolated_children_die_with_their_parent() {
    let d = temp_dir("orphans");
    // a text that takes the child a while (under the budget)
    let p = write(&d, "slow.txt", "リスク１：　目的外の入手が行われるリスク\n①事務\n".repeat((12 << 20) / 70).as_bytes());
    let needle = p.to_string_lossy().to_string();
    let mut parent = bin().arg(&p).args(["-q", "--isolate", "--timeout", "600"]).stdout(Stdio::null()).spawn().unwrap();
    let start = Instant::now();
    while processes_with(&needle).len() < 2 && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let children: Vec<u32> = processes_with(&needle).into_iter().filter(|&p| p != parent.id()).collect();
    assert!(!children.is_empty(), "the child did not start");
    parent.kill().unwrap();
    let _ = parent.wait();
    let start = Instant::now();
    while !processes_with(&needle).is_empty() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(processes_with(&needle).is_empty(), "a child outlived its parent");
    let _ = std::fs::remove_dir_all(&d);
}

/// `--isolate` bounds each child's memory: a document that needs more than `--memory` gives
/// `too_large` naming that budget, and the documents beside it are read as usual.
#[test]
fn isolate_bounds_each_childs_memory() {
    let d = temp_dir("isolate-memory");
    let one = std::fs::read(seed("001")).unwrap();
    std::fs::write(d.join("a.txt"), &one).unwrap();
    // 40 copies of a real dump: 11 MB, within the text budget, but its reading needs far
    // more than 64 MB of address space
    std::fs::write(d.join("b.txt"), one.repeat(40)).unwrap();
    std::fs::copy(seed("004"), d.join("c.txt")).unwrap();
    let recs = run(&[d.as_os_str(), "--isolate".as_ref(), "--memory".as_ref(), "64".as_ref()]).records();
    assert_eq!(recs.len(), 3);
    assert!(has_code(&recs[1], "too_large"), "{:?}", codes(&recs[1]));
    let message =
        recs[1]["diagnostics"].as_array().unwrap().iter().find(|x| x["code"] == "too_large").unwrap()["message"].as_str().unwrap();
    assert!(message.contains("64 MB"), "{message}");
    for r in [&recs[0], &recs[2]] {
        assert!(codes(r).iter().all(|c| c != "too_large" && c != "crashed"), "{:?}", codes(r));
        assert!(r["fields"].as_array().unwrap().len() > 100);
    }
    // the same big document with the default budget is read whole
    let whole = run(&[d.join("b.txt").as_os_str(), "--isolate".as_ref()]).records();
    assert!(!has_code(&whole[0], "too_large") && whole[0]["fields"].as_array().unwrap().len() > 100);
    // under the least budget a child can run in, the flag is a usage error
    let low = run(&[d.join("a.txt").as_os_str(), "--isolate".as_ref(), "--memory".as_ref(), "8".as_ref()]);
    assert_eq!(low.code, Some(1), "{}", low.stderr);
    let _ = std::fs::remove_dir_all(&d);
}
