#!/usr/bin/env bash
# Fuzz each target for a set time: fuzz/run.sh [SECONDS] [TARGET...]
# (default 1800 s, targets pdf text cmap). Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`). Targets run one after another unless PARALLEL=1, under nice.
#
# Seeds come from fixtures/ (copied into fuzz/corpus/TARGET, not committed). libFuzzer runs
# in fork mode and goes on after a crash, an out-of-memory (> 2 GB) or a slow input (> 10 s);
# each finding is left in fuzz/artifacts/TARGET/. Copy the minimized findings into
# fuzz/regressions/TARGET/ (committed): `cargo test --test fuzz_regressions` feeds every one
# of them to the library and checks it ends quickly without a panic.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-1800}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pdf text cmap)
seed() {
  local t=$1 dir=corpus/$1
  mkdir -p "$dir" "artifacts/$t"
  case $t in
    pdf) cp ../fixtures/pdf/*.pdf "$dir"/ ;;
    text) cp ../fixtures/seeds/*.txt ../fixtures/flavours/*.txt "$dir"/ 2>/dev/null || true ;;
    cmap) # hand-written CMaps seed it (the fixtures' ToUnicode streams are compressed)
          printf '1 begincodespacerange <0000> <FFFF> endcodespacerange\n2 beginbfchar <0003> <0020> <0010> <7279> endbfchar\n2 beginbfrange <0020> <0022> <3042> <0030> <0031> [<5B9A> <500B>] endbfrange\n' > "$dir/seed1"
          printf '/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange <00> <FF> <0041> endbfrange endcmap\n' > "$dir/seed2" ;;
  esac
  cp "regressions/$t"/* "$dir"/ 2>/dev/null || true
}
cargo +nightly fuzz build
bin=target/x86_64-unknown-linux-gnu/release
run() {
  local t=$1
  seed "$t"
  nice -n 19 "$bin/$t" "corpus/$t" \
    -max_total_time="$secs" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
    -rss_limit_mb=2048 -timeout=10 -max_len=1048576 -artifact_prefix="artifacts/$t/" \
    > "artifacts/$t.log" 2>&1 || true
  echo "$t: $(grep -c . "artifacts/$t.log") log lines; findings: $(ls "artifacts/$t" | wc -l)"
  grep -E '^#[0-9]+.*(DONE|pulse)' "artifacts/$t.log" | tail -1 || true
}
if [ "${PARALLEL:-0}" = 1 ]; then
  for t in "${targets[@]}"; do run "$t" & done
  wait
else
  for t in "${targets[@]}"; do run "$t"; done
fi
