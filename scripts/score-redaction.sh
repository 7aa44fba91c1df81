#!/usr/bin/env bash
# Score callwarden's PII redactor on the dev corpus (or another corpus in the same format).
#
#   scripts/score-redaction.sh                       # ../shared/pii/dev.jsonl
#   scripts/score-redaction.sh path/to/corpus.jsonl  # any corpus with the same fields
#   SHOW_LEAKS=30 scripts/score-redaction.sh         # also print 30 leaked examples
#
# Builds the CLI (bench profile: optimised, shares the benches' build), pipes the corpus through `callwarden redact` (which reads
# {"id","text","context"?} lines and ignores the other fields) and runs score.py on the
# output. Paths are relative to the repository root; the corpus is never copied into the repo.
set -euo pipefail

cd "$(dirname "$0")/.."
corpus="${1:-../shared/pii/dev.jsonl}"
score="${SCORE_PY:-$(dirname "$corpus")/score.py}"
[ -f "$score" ] || score="../shared/pii/score.py"

if [ ! -f "$corpus" ]; then
    echo "error: corpus $corpus not found (expected ../shared/pii/dev.jsonl next to the repo)" >&2
    exit 1
fi
if [ ! -f "$score" ]; then
    echo "error: score.py not found (set SCORE_PY=/path/to/score.py)" >&2
    exit 1
fi

cargo build --profile bench -p callwarden-cli   # release settings without LTO: the benches share its build
bin="${CARGO_TARGET_DIR:-target}/release/callwarden"

out="$(mktemp)"
trap 'rm -f "$out"' EXIT

start=$(python3 -c 'import time; print(time.time())')
"$bin" redact < "$corpus" > "$out"
python3 -c 'import sys, time; print("redacted %s records in %.3f s (wall, incl. process start and JSON I/O)" % (sys.argv[2], time.time() - float(sys.argv[1])))' "$start" "$(wc -l < "$out")"

python3 "$score" --corpus "$corpus" --pred "$out" --forms --show-leaks "${SHOW_LEAKS:-10}"
