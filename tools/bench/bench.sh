#!/usr/bin/env bash
# The whole-run benchmark, everything measured in one run on the same files (release build,
# this machine). REPS rounds (default 3), each round running every measure once in turn;
# the medians are printed. The machine may be shared: CPU seconds (user+sys) per process
# are the steadier figure, wall seconds are printed beside them.
#  - text dumps: the floor (examples/floor.rs: decode + fold/key of every line, one
#    thread) and pia-extract text→JSON with 1 and 2 jobs on a synthetic corpus
#    (tools/corpus/make_corpus.py): MB/s, ratio to the floor, scaling 1 → 2 jobs
#  - memory: peak RSS of one process per document (the corpus's largest documents and the
#    fixture PDFs) above the base RSS (an empty input), per input byte
#  - PDF (fixtures/pdf/*.pdf): ms per page of pia-extract PDF→JSON and of pdftotext
#    PDF→text, one process per file; of pia-extract (-j 1, one process) and PyMuPDF's
#    get_text() (one python process) over all files; the ratios
# Needs: cargo, python3 (venv, pip), GNU time (/usr/bin/time), poppler-utils (pdftotext,
# pdfinfo). PyMuPDF is installed by this script into a virtualenv ($BENCH_VENV).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/corpus/setup.sh
REPS=${REPS:-3}
cargo build --release -q --example floor
floor=$PWD/target/release/examples/floor
venv=${BENCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/pia-bench-venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pymupdf' 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q pymupdf >/dev/null
fi
mb=$(du -sb "$work/corpus" | cut -f1)
echo "corpus: $DOCS documents, $(python3 -c "print(round($mb/1e6,1))") MB; $REPS rounds; medians"
shopt -s nullglob
pdfs=(fixtures/pdf/*.pdf)
pages=0
for f in "${pdfs[@]}"; do pages=$((pages + $(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/{print $2}'))); done
res=$work/results
: >"$res"
# one line per measure: name wall_s user_s sys_s max_rss_kb
timed() { local name=$1; shift; /usr/bin/time -f "$name %e %U %S %M" -a -o "$res" "$@" >/dev/null 2>&1 || true; }
for r in $(seq "$REPS"); do
  timed floor "$floor" "$work/corpus"
  timed j1 "$bin" "$work/corpus" -o "$work/r1.jsonl" -j 1 -q
  timed j2 "$bin" "$work/corpus" -o "$work/r2.jsonl" -j 2 -q
  timed ours_pdf_1proc "$bin" "${pdfs[@]}" -o "$work/p.jsonl" -j 1 -q
  # PyMuPDF times its own loop (CPU and wall), without python's start and imports
  "$venv/bin/python" -c '
import sys, time, pymupdf
c, w = time.process_time(), time.perf_counter()
for f in sys.argv[2:]:
    with pymupdf.open(f) as d:
        for p in d:
            p.get_text()
print("pymupdf", time.perf_counter() - w, time.process_time() - c, 0, 0, file=open(sys.argv[1], "a"))
' "$res" "${pdfs[@]}"
  for f in "${pdfs[@]}"; do timed pdftotext pdftotext "$f" /dev/null; done
  for f in "${pdfs[@]}"; do timed ours_pdf "$bin" "$f" -q; done
done
cmp -s "$work/r1.jsonl" "$work/r2.jsonl" && echo "records of 1 and 2 jobs: identical"
# memory: one process per document, above the base (a one-line text: the process with its
# templates loaded, reading next to nothing)
echo "特定個人情報保護評価書" >"$work/base.txt"
mem=$work/mem
: >"$mem"
for f in "$work/base.txt" $(ls -S "$work"/corpus/* | head -n 20) "${pdfs[@]}"; do
  /usr/bin/time -f "%M $(stat -c %s "$f") $f" -a -o "$mem" "$bin" "$f" -q >/dev/null 2>&1 || true
done
python3 - "$res" "$mem" "$mb" "$pages" "$REPS" <<'PY'
import sys, statistics as st
res, mem, mb, pages, reps = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rows = {}
for line in open(res):
    p = line.split()
    if len(p) != 5 or p[0].startswith("Command"):
        continue
    rows.setdefault(p[0], []).append((float(p[1]), float(p[2]) + float(p[3]), int(p[4])))
def per_round(name):
    """(wall, cpu) summed per round (a measure run once per file sums its files)."""
    v = rows.get(name, [])
    n = max(1, len(v) // reps)
    return [(sum(w for w, _, _ in v[i:i + n]), sum(c for _, c, _ in v[i:i + n])) for i in range(0, len(v), n)]
def med(name, k):
    return st.median(x[k] for x in per_round(name))
MB = mb / 1e6
fw, fc = med("floor", 0), med("floor", 1)
w1, c1 = med("j1", 0), med("j1", 1)
w2, c2 = med("j2", 0), med("j2", 1)
print(f"floor (decode + fold/key of every line), 1 thread: {fw:.2f} s wall, {fc:.2f} s CPU: {MB/fc:.1f} MB/s per core")
print(f"text→JSON, 1 job: {w1:.2f} s wall ({MB/w1:.1f} MB/s), {c1:.2f} s CPU: {MB/c1:.1f} MB/s per core; {c1/fc:.2f}× the floor's CPU time")
print(f"text→JSON, 2 jobs: {w2:.2f} s wall ({MB/w2:.1f} MB/s), {c2:.2f} s CPU")
print(f"scaling 1 → 2 jobs (wall): {w1/w2:.2f}×; CPU time of 2 jobs over 1 job: {c2/c1:.2f} (the scaling two idle cores would give: {2*c1/c2:.2f}×)")
print(f"peak RSS, whole run: {max(m for _, _, m in rows['j1'])//1024} MB (1 job), {max(m for _, _, m in rows['j2'])//1024} MB (2 jobs)")
if pages:
    pt, po = med("pdftotext", 1), med("ours_pdf", 1)
    pm, p1 = med("pymupdf", 1), med("ours_pdf_1proc", 1)
    print(f"PDF, {pages} pages, one process per file, CPU: pdftotext {1000*pt/pages:.2f} ms/page, pia-extract {1000*po/pages:.2f} ms/page: pia-extract takes {po/pt:.2f}× pdftotext's time")
    print(f"PDF, one process over all files, CPU: PyMuPDF get_text() {1000*pm/pages:.2f} ms/page (its loop only), pia-extract -j 1 {1000*p1/pages:.2f} ms/page (whole process, JSON written): {p1/pm:.2f}× PyMuPDF's time")
m = [l.split() for l in open(mem) if l[0].isdigit()]
base = int(m[0][0])
for kind in ("text", "pdf"):
    per = [((int(k) - base) * 1024 / int(b), p.rsplit('/', 1)[-1]) for k, b, p in m[1:] if int(b) > 0 and p.endswith(".pdf") == (kind == "pdf")]
    if per:
        print(f"memory, {kind}: peak RSS above the base ({base//1024} MB, a one-line input) per input byte, {len(per)} documents (one process each): median {st.median(x for x, _ in per):.1f}, max {max(per)[0]:.1f} ({max(per)[1]})")
PY
