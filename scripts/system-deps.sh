#!/usr/bin/env bash
# Check for, and on Debian/Ubuntu as root install, the system packages planwatch needs:
#   python3-venv            creating .venv (Debian splits venv/ensurepip out of python3)
#   fonts-noto-cjk          Chinese text in report charts and PDFs
#   libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   WeasyPrint's PDF rendering
# Extra package names given as arguments are checked the same way (CI adds its test tools).
# Without root or apt it names what is missing and exits non-zero, so nothing half-works later.
set -euo pipefail
need=(python3-venv fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 "$@")

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian system; make sure these (or your system's equivalents) are installed:" >&2
  echo "  ${need[*]}" >&2
  exit 0
fi
missing=()
for p in "${need[@]}"; do installed "$p" || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "system-deps: missing Debian packages: ${missing[*]}" >&2
echo "  install them with: sudo apt-get install ${missing[*]}" >&2
exit 1
