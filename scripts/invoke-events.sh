#!/usr/bin/env bash
# Runs every event in events/ (or the files given) through the real Lambda binaries with
# cargo-lambda's local Lambda emulator, the way `sam local invoke -e` would on a machine with
# Docker. Used by `make invoke`.
#
#   scripts/invoke-events.sh [EVENT.json ...]
#
# It must run with local AWS endpoints (`make invoke` wraps it in `scripts/local-aws.sh run`):
# it creates a table (pk/sk, TTL on expires_at) and a queue there, starts
# `cargo lambda watch` on a free loopback port with the environment from events/env.json
# (SAM `--env-vars` format: {"WebhookFunction": {...}, "WorkerFunction": {...}}) plus
# TABLE_NAME/QUEUE_URL, and invokes each event with `cargo lambda invoke`:
#   * SQS events (Records[].eventSource == "aws:sqs") go to `worker` and pass when
#     `batchItemFailures` is empty; a file whose name contains `poison` passes when some,
#     but not all, of its records fail;
#   * everything else goes to `webhook` and passes on a 2xx `statusCode`; a file whose name
#     contains `.status-NNN.` (e.g. `bad-signature.status-401.json`) must answer exactly NNN.
# Prints one line per event and closes with "N passed, N failed".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV_PY="${ROOT}/.venv/bin/python"
export PATH="${ROOT}/.venv/bin:${PATH}"

log() { printf 'invoke-events: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -n "${AWS_ENDPOINT_URL_DYNAMODB:-}" && -n "${AWS_ENDPOINT_URL_SQS:-}" ]] \
  || die "no local AWS endpoints; run through: scripts/local-aws.sh run -- $0"
[[ -x "$VENV_PY" ]] || die ".venv missing; run: make tools"
command -v cargo-lambda >/dev/null 2>&1 || die "cargo-lambda missing; run: make tools"

if [[ $# -gt 0 ]]; then
  events=("$@")
else
  mapfile -t events < <(find events -maxdepth 2 -name '*.json' ! -name 'env.json' | sort)
fi
[[ ${#events[@]} -gt 0 ]] || die "no events found under events/"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/callwarden-invoke.XXXXXX")"
WATCH_PID=""
cleanup() {
  if [[ -n "$WATCH_PID" ]] && kill -0 "$WATCH_PID" 2>/dev/null; then
    kill -TERM -- "-$WATCH_PID" 2>/dev/null || kill -TERM "$WATCH_PID" 2>/dev/null || true
    wait "$WATCH_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Local table and queue, named per run.
suffix="$(date +%s)-$$"
"$VENV_PY" - "$suffix" >"${WORK}/resources.env" <<'PY'
import os, sys, boto3
suffix = sys.argv[1]
ddb = boto3.client("dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL_DYNAMODB"])
table = "callwarden-invoke-" + suffix
ddb.create_table(
    TableName=table, BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                          {"AttributeName": "sk", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
               {"AttributeName": "sk", "KeyType": "RANGE"}])
ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})
sqs = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL_SQS"])
queue = sqs.create_queue(QueueName="callwarden-invoke-" + suffix,
                         Attributes={"MaximumMessageSize": "1048576"})["QueueUrl"]
print("TABLE_NAME=" + table)
print("QUEUE_URL=" + queue)
PY

# Function environment: events/env.json (both functions merged), with TABLE_NAME and
# QUEUE_URL replaced by the local resources just created.
"$VENV_PY" - "${WORK}/resources.env" >"${WORK}/functions.env" <<'PY'
import json, os, sys
env = {}
if os.path.exists("events/env.json"):
    with open("events/env.json") as f:
        doc = json.load(f)
    for key in ("Parameters", "WebhookFunction", "WorkerFunction"):
        for k, v in (doc.get(key) or {}).items():
            env[k] = str(v)
with open(sys.argv[1]) as f:
    for line in f:
        k, _, v = line.rstrip("\n").partition("=")
        env[k] = v
for k, v in sorted(env.items()):
    if "\n" in v:
        raise SystemExit("events/env.json: %s has a newline" % k)
    print("%s=%s" % (k, v))
PY

log "building webhook and worker (debug)"
cargo build --quiet -p webhook -p worker

port="$("$VENV_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
setsid cargo lambda watch --quiet --ignore-changes --invoke-address 127.0.0.1 --invoke-port "$port" \
  --env-file "${WORK}/functions.env" </dev/null >"${WORK}/watch.log" 2>&1 &
WATCH_PID=$!

# Ready when the emulator answers HTTP (bounded).
"$VENV_PY" - "$port" "$WATCH_PID" <<'PY' || { cat "${WORK}/watch.log" >&2; die "cargo lambda watch did not start"; }
import os, sys, time, urllib.request, urllib.error
port, pid = int(sys.argv[1]), int(sys.argv[2])
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    try:
        urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=1)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except Exception:
        time.sleep(0.2)
sys.exit(1)
PY

passed=0
failed=0
for event in "${events[@]}"; do
  fn="$("$VENV_PY" - "$event" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    doc = json.load(f)
records = doc.get("Records") if isinstance(doc, dict) else None
print("worker" if records and all(r.get("eventSource") == "aws:sqs" for r in records) else "webhook")
PY
)"
  out="${WORK}/out.json"
  if ! cargo lambda invoke "$fn" --invoke-address 127.0.0.1 --invoke-port "$port" \
        --data-file "$event" --output-format json >"$out" 2>"${WORK}/invoke.err"; then
    echo "FAIL $event ($fn): invoke error: $(head -c 300 "${WORK}/invoke.err")"
    failed=$((failed + 1))
    continue
  fi
  verdict="$("$VENV_PY" - "$fn" "$event" "$out" <<'PY'
import json, re, sys
fn, event, path = sys.argv[1:4]
with open(path) as f:
    text = f.read()
try:
    out = json.loads(text)
except ValueError:
    print("FAIL not JSON: " + text[:200]); sys.exit()
if fn == "worker":
    failures = out.get("batchItemFailures") if isinstance(out, dict) else None
    with open(event) as f:
        records = len(json.load(f)["Records"])
    if "poison" in event.rsplit("/", 1)[-1]:
        # A poison batch: its poison record(s) fail, the good ones complete.
        good = isinstance(failures, list) and 0 < len(failures) < records
        print("ok %d of %d failed" % (len(failures), records) if good
              else "FAIL want some but not all records failed, got %s" % json.dumps(failures)[:200])
    else:
        print("ok" if failures == [] else "FAIL batchItemFailures=%s" % json.dumps(failures)[:200])
else:
    status = out.get("statusCode") if isinstance(out, dict) else None
    m = re.search(r"\.status-(\d{3})\.", event)
    want_ok = (status == int(m.group(1))) if m else (isinstance(status, int) and 200 <= status < 300)
    print("ok %s" % status if want_ok else "FAIL statusCode=%s body=%s" % (status, str(out.get("body"))[:200]))
PY
)"
  if [[ "$verdict" == ok* ]]; then
    echo "ok   $event ($fn)${verdict#ok}"
    passed=$((passed + 1))
  else
    echo "FAIL $event ($fn): ${verdict#FAIL }"
    failed=$((failed + 1))
  fi
done

# For the eye: what the webhook put on the local queue (one message per accepted delivery).
"$VENV_PY" - "$(sed -n 's/^QUEUE_URL=//p' "${WORK}/resources.env")" <<'PY' || true
import os, sys, boto3
sqs = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL_SQS"])
attrs = sqs.get_queue_attributes(QueueUrl=sys.argv[1], AttributeNames=["ApproximateNumberOfMessages"])
print("invoke-events: local queue holds %s message(s)" % attrs["Attributes"]["ApproximateNumberOfMessages"])
PY

echo "invoke-events: ${passed} passed, ${failed} failed"
[[ $failed -eq 0 ]]
