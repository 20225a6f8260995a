#!/usr/bin/env bash
# Benchmarks (release build, this machine, same files, side by side). Prints:
#  - text dumps: MB/s of pia-extract text→JSON, 1 and 2 jobs, on a synthetic corpus
#  - scaling 1 → 2 jobs, peak memory (max RSS) of each run
#  - PDF (when fixtures/pdf/*.pdf exist): pages/s of pia-extract PDF→JSON next to
#    pdftotext PDF→text on the same files, one process per file, and the ratio
# Needs: cargo, python3, GNU time (/usr/bin/time); poppler-utils for the PDF part.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/corpus/setup.sh
mb=$(du -sb "$work/corpus" | cut -f1)
echo "corpus: $DOCS documents, $(python3 -c "print(round($mb/1e6,1))") MB"
declare -A secs
for j in 1 2; do
  /usr/bin/time -f "%e %M" -o "$work/t$j" "$bin" "$work/corpus" -o "$work/r$j.jsonl" -j $j -q --summary "$work/s$j.json" || true
  read -r s rss < <(tail -n 1 "$work/t$j")
  secs[$j]=$s
  echo "text→JSON, $j job(s): ${s} s, $(python3 -c "print(round($mb/1e6/$s,1))") MB/s, $(python3 -c "print(round($DOCS/$s))") docs/s, peak RSS $((rss/1024)) MB"
done
cmp -s "$work/r1.jsonl" "$work/r2.jsonl" && echo "outputs of 1 and 2 jobs: identical"
echo "scaling 1 → 2 jobs: $(python3 -c "print(round(${secs[1]}/${secs[2]},2))")x"
shopt -s nullglob
pdfs=(fixtures/pdf/*.pdf)
if [ ${#pdfs[@]} -gt 0 ] && command -v pdftotext >/dev/null; then
  pages=0
  for f in "${pdfs[@]}"; do pages=$((pages + $(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/{print $2}'))); done
  reps=${REPS:-20}
  t0=$(date +%s.%N); for r in $(seq $reps); do for f in "${pdfs[@]}"; do pdftotext "$f" /dev/null 2>/dev/null || true; done; done; t1=$(date +%s.%N)
  for r in $(seq $reps); do for f in "${pdfs[@]}"; do "$bin" "$f" -q >/dev/null 2>&1 || true; done; done; t2=$(date +%s.%N)
  python3 - "$t0" "$t1" "$t2" "$pages" "$reps" <<'PY'
import sys
t0, t1, t2, pages, reps = map(float, sys.argv[1:])
a = pages * reps / (t1 - t0); b = pages * reps / (t2 - t1)
print(f"PDF, one process per file: pdftotext {a:.0f} pages/s, pia-extract {b:.0f} pages/s, ratio {b/a:.2f}")
PY
fi
