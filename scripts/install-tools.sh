#!/usr/bin/env bash
# Installs the project's tools into project-local, gitignored folders; idempotent and quick
# when everything is already there.
#
#   scripts/install-tools.sh python   the venv (.venv) with scripts/tools-requirements.txt
#   scripts/install-tools.sh aws      DynamoDB Local + moto (scripts/local-aws.sh install)
#   scripts/install-tools.sh arm64    the Rust std for aarch64-unknown-linux-gnu (rustup)
#   scripts/install-tools.sh all      all of the above (what `make tools` runs)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="${CALLWARDEN_VENV:-${ROOT}/.venv}"
REQS="${ROOT}/scripts/tools-requirements.txt"

log() { printf 'install-tools: %s\n' "$*" >&2; }

install_python() {
  local py stamp
  if [[ ! -x "${VENV_DIR}/bin/python" ]]; then
    py="$(command -v python3.11 || command -v python3)" || { log "python3 not found"; exit 1; }
    log "creating venv ${VENV_DIR}"
    "$py" -m venv "${VENV_DIR}"
    "${VENV_DIR}/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  fi
  # The stamp names the requirements' content, so editing the file reinstalls.
  stamp="${VENV_DIR}/.callwarden-tools-$(sha256sum "$REQS" | cut -c1-16)"
  if [[ -f "$stamp" ]]; then return 0; fi
  log "installing Python tools from ${REQS#"${ROOT}"/} into ${VENV_DIR#"${ROOT}"/}"
  "${VENV_DIR}/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS"
  touch "$stamp"
}

install_arm64() {
  local target=aarch64-unknown-linux-gnu
  if rustup target list --installed 2>/dev/null | grep -qx "$target"; then return 0; fi
  command -v rustup >/dev/null 2>&1 || { log "rustup not found; cannot add $target"; exit 1; }
  log "adding Rust target $target"
  # Bounded: where rustup's dist server is unreachable this fails instead of hanging.
  timeout "${CALLWARDEN_RUSTUP_TIMEOUT_SECS:-600}" rustup target add "$target"
}

case "${1:-all}" in
  python) install_python ;;
  aws) "${ROOT}/scripts/local-aws.sh" install ;;
  arm64) install_arm64 ;;
  all) install_python; "${ROOT}/scripts/local-aws.sh" install; install_arm64 ;;
  *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac
