#!/usr/bin/env bash
# Instruction counts of the redactor (callgrind): repeatable on a shared, loaded machine,
# where wall-clock benches are not. Prints instructions per `redact_json` call on the
# bench's ~200 KB end-of-call report and per byte of `redact_text` over the dev corpus.
#
#   scripts/redact-instructions.sh
#
# Needs valgrind (Debian package `valgrind`) and ../shared/pii/dev.jsonl next to the repo
# (the bench falls back to a few built-in utterances without it, which is not comparable).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "error: valgrind not found (apt-get install valgrind)" >&2; exit 1; }

bin=$(cargo bench -p callwarden --bench redact --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "redact" and m.get("executable"):
        print(m["executable"])' | tail -n 1)
[ -n "$bin" ] || { echo "error: could not build the redact bench" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

count() { # $1 = function glob to collect, $2 = bench filter, $3 = output file
  (cd shared && valgrind --tool=callgrind --callgrind-out-file="$3" --toggle-collect="$1" \
      "$bin" --bench --profile-time 2 "$2" >/dev/null 2>&1)
}
count '*Redactor*redact_json*' 'redact_json/' "$out/json.cg"
count '*Redactor*redact_text*' 'redact_text/' "$out/text.cg"

python3 - "$out/json.cg" "$out/text.cg" <<'PY'
import json, re, sys

def calls_and_total(path, callee):
    names, cur, calls, total = {}, None, 0, 0
    for line in open(path):
        m = re.match(r'(c?fn)=\((\d+)\)(?: (.*))?', line)
        if m:
            if m.group(3):
                names[m.group(2)] = m.group(3).strip()
            cur = names.get(m.group(2)) if m.group(1) == 'cfn' else None
            continue
        if line.startswith('summary:') or line.startswith('totals:'):
            total = int(line.split()[1])
        elif line.startswith('calls=') and cur == callee:
            calls += int(line.split('=')[1].split()[0])
    return calls, total

calls, total = calls_and_total(sys.argv[1], 'callwarden::redact::Redactor::redact_json')
print(f"redact_json: {total / max(calls, 1) / 1e6:.2f} M instructions per call ({calls} calls)")

texts = [json.loads(l)["text"] for l in open("../shared/pii/dev.jsonl") if l.strip()]
size = sum(len(t.encode()) for t in texts)
calls, total = calls_and_total(sys.argv[2], 'callwarden::redact::Redactor::redact_text')
passes = calls / len(texts)
print(f"redact_text: {total / passes / size:.1f} instructions per byte "
      f"({total / passes / 1e6:.2f} M per pass over {len(texts)} texts, {size} bytes; {passes:.1f} passes)")
PY
