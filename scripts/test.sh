#!/usr/bin/env bash
# Run the whole test suite (unit, integration, browser). Installs the test tools when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/pytest ] && [ -x .venv/bin/ruff ] || bash scripts/install.sh --dev
.venv/bin/ruff check src tests bench
.venv/bin/python -m pytest -q "$@"
