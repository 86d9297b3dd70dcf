#!/usr/bin/env bash
# Run the whole test suite (unit, integration, browser). Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/pytest ] || bash scripts/install.sh
.venv/bin/ruff check src tests bench
.venv/bin/python -m pytest -q "$@"
