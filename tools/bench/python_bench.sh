#!/usr/bin/env bash
# Benchmarks of the research outputs (release build, this machine, same synthetic corpus of
# $DOCS documents, default 1000, from tools/corpus/setup.sh), best of $REPS runs each, wall
# time and CPU time (user+sys, which other load on the machine disturbs less):
#  - the CLI, JSON Lines, $JOBS jobs, against pia_extract.extract_many(paths, jobs=$JOBS) in
#    Python (records as dicts) on the same files: documents/s and the ratio
#  - the CLI with --format parquet -o DIR/ against JSON Lines: the overhead of the tables
# Needs: the package installed (pip install ./python), GNU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/corpus/setup.sh
JOBS=${JOBS:-2}
REPS=${REPS:-3}
# best wall time and best CPU time of $REPS runs of a command: "WALL CPU"
timed() {
  for r in $(seq "$REPS"); do
    rm -rf "$work/tables" "$work/r.jsonl"
    /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" >/dev/null || true
    tail -n 1 "$work/t"
  done | awk 'NR==1||$1<w{w=$1} NR==1||$2+$3<c{c=$2+$3} END{print w, c}'
}
read -r cli_w cli_c < <(timed "$bin" "$work/corpus" -o "$work/r.jsonl" -j "$JOBS" -q)
read -r pq_w pq_c < <(timed "$bin" "$work/corpus" --format parquet -o "$work/tables/" -j "$JOBS" -q)
python3 - "$work/corpus" "$JOBS" "$REPS" "$cli_w" "$cli_c" "$pq_w" "$pq_c" <<'PY'
import os, resource, sys, time, pia_extract
corpus, jobs, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cli_w, cli_c, pq_w, pq_c = map(float, sys.argv[4:])
docs = (".pdf", ".txt", ".md", ".html", ".htm")
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.lower().endswith(docs))
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
wall, cpus = [], []
for _ in range(reps):
    t, c = time.perf_counter(), cpu()
    n = sum(1 for _ in pia_extract.extract_many(paths, jobs=jobs))
    wall.append(time.perf_counter() - t); cpus.append(cpu() - c)
assert n == len(paths)
w, c = min(wall), min(cpus)
print(f"{len(paths)} documents, {jobs} jobs, best of {reps} (wall s / CPU s)")
print(f"CLI → JSON Lines:            {cli_w:.2f} / {cli_c:.2f}, {len(paths)/cli_w:.0f} docs/s")
print(f"Python extract_many → dicts: {w:.2f} / {c:.2f}, {len(paths)/w:.0f} docs/s; throughput {cli_w/w:.2f}× the CLI's (CPU {cli_c/c:.2f}×)")
print(f"CLI → Parquet tables:        {pq_w:.2f} / {pq_c:.2f}; overhead over JSON Lines {100*(pq_w/cli_w-1):+.1f}% wall, {100*(pq_c/cli_c-1):+.1f}% CPU")
PY
