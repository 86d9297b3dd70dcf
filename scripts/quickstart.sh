#!/usr/bin/env bash
# Quick start: install, then run the main job on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
mkdir -p out/extract
.venv/bin/planwatch extract data/seeds/*.txt --out out/extract
.venv/bin/planwatch extract data/seeds/*.txt
