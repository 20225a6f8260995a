#!/usr/bin/env bash
# Benchmarks of the research outputs (release build, this machine, same synthetic corpus of
# $DOCS documents, default 1000, from tools/corpus/setup.sh):
#  - the CLI, JSON Lines, 2 jobs, against pia_extract.extract_many(paths, jobs=2) in Python
#    (records as dicts) on the same files: documents/s and the ratio
#  - the CLI with --format parquet -o DIR/ against JSON Lines: the overhead of the tables
# Needs: the package installed (pip install ./python), GNU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/corpus/setup.sh
JOBS=${JOBS:-2}
REPS=${REPS:-3}
best() { sort -n | head -n 1; }
cli_json=$(for r in $(seq "$REPS"); do /usr/bin/time -f "%e" -o "$work/t" "$bin" "$work/corpus" -o "$work/r.jsonl" -j "$JOBS" -q || true; tail -n 1 "$work/t"; done | best)
cli_pq=$(for r in $(seq "$REPS"); do rm -rf "$work/tables"; /usr/bin/time -f "%e" -o "$work/t" "$bin" "$work/corpus" --format parquet -o "$work/tables/" -j "$JOBS" -q || true; tail -n 1 "$work/t"; done | best)
python3 - "$work/corpus" "$JOBS" "$REPS" "$cli_json" "$cli_pq" <<'PY'
import os, sys, time, pia_extract
corpus, jobs, reps, cli_json, cli_pq = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs)
best = None
for _ in range(reps):
    t = time.perf_counter()
    n = sum(1 for _ in pia_extract.extract_many(paths, jobs=jobs))
    s = time.perf_counter() - t
    best = s if best is None else min(best, s)
assert n == len(paths)
print(f"{len(paths)} documents, {jobs} jobs, best of {reps}")
print(f"CLI → JSON Lines:            {cli_json:.2f} s, {len(paths)/cli_json:.0f} docs/s")
print(f"Python extract_many → dicts: {best:.2f} s, {len(paths)/best:.0f} docs/s, {cli_json/best:.2f}× the CLI's throughput")
print(f"CLI → Parquet tables:        {cli_pq:.2f} s, overhead over JSON Lines {100*(cli_pq/cli_json-1):+.1f}%")
PY
