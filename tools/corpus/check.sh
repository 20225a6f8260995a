#!/usr/bin/env bash
# The corpus-run acceptance check on a synthetic 1,000-document corpus (release build):
# every good document's record equals its single-file record, every corrupted one is an
# error record, the run exits 2, the summary adds up, and a run killed midway then resumed
# gives the same output as an uninterrupted one.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/corpus/setup.sh
set +e
"$bin" "$work/corpus" -o "$work/full.jsonl" -q --summary "$work/summary.json"; rc=$?
set -e
echo "full run exit code: $rc (expected 2)"
[ "$rc" = 2 ]
# kill a run midway, then resume
"$bin" "$work/corpus" -o "$work/resumed.jsonl" -q -j 1 & pid=$!
sleep 3; kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
partial=$(wc -l < "$work/resumed.jsonl.partial" 2>/dev/null || echo 0)
"$bin" "$work/corpus" -o "$work/resumed.jsonl" -q --resume --summary "$work/resume_summary.json" || true
cmp "$work/full.jsonl" "$work/resumed.jsonl" && echo "killed after $partial record(s), resumed: output identical to the uninterrupted run"
python3 - "$work" "$bin" <<'PY'
import json, subprocess, sys, os
work, binp = sys.argv[1], sys.argv[2]
man = {m["file"]: m for m in json.load(open(f"{work}/corpus/manifest.json"))}
recs = [json.loads(l) for l in open(f"{work}/full.jsonl")]
assert len(recs) == len(man), (len(recs), len(man))
bad = good = 0
sample = 0
for r in recs:
    name = os.path.basename(r["source"]["file"])
    err = any(d["level"] == "error" for d in r["diagnostics"])
    if man[name]["kind"] == "good":
        assert not err, name
        good += 1
    else:
        assert err, name
        bad += 1
# single-file records for a sample of documents (every 17th), re-run alone and compared
for r in recs[::17]:
    one = subprocess.run([binp, r["source"]["file"]], capture_output=True, text=True).stdout
    assert json.loads(one) == r, r["source"]["file"]
    sample += 1
s = json.load(open(f"{work}/summary.json"))
assert s["documents"] == len(recs) and sum(s["by_kind"].values()) == len(recs) and s["with_errors"] == bad
rs = json.load(open(f"{work}/resume_summary.json"))
print(f"{good} good documents, {bad} corrupted (all error records), {sample} sampled single-file records equal, summary adds up; resume reused {rs['reused']} record(s)")
PY
