# Sourced by tools/bench/bench.sh and tools/corpus/check.sh: from the repository root, build
# the release binary ($bin) and a synthetic corpus of $DOCS documents in $work/corpus (a
# temporary folder removed on exit).
set -euo pipefail
DOCS=${DOCS:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release -q
bin=$PWD/target/release/pia-extract
python3 tools/corpus/make_corpus.py "$work/corpus" --docs "$DOCS" >/dev/null
