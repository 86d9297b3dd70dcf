#!/usr/bin/env bash
# Create .venv and install planwatch into it. Idempotent, and repairs a half-made .venv
# (e.g. one left by a python3 without the venv/ensurepip module).
#   bash scripts/install.sh          runtime dependencies only (what the quick start needs)
#   bash scripts/install.sh --dev    plus the test and lint tools (what scripts/test.sh needs)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"

if ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  bash scripts/system-deps.sh python3-venv || {
    echo "install: $PY cannot create virtual environments: install the Debian package python3-venv" >&2
    exit 1
  }
fi
# A .venv without a working pip is broken (an interrupted or failed creation): start it again.
if [ -d .venv ] && ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  echo "install: .venv is incomplete; recreating it" >&2
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".${extra}"
