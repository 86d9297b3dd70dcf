#!/usr/bin/env bash
# Quick start: install into .venv, build the demo register on the embedded
# default (SQLite under var/, the five seed plans and the national plan with
# their real published figures), add demo accounts and start the web console.
# Re-running it starts the server on the existing register: plans users have
# revised are never re-imported.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh   # python3-venv, CJK fonts and pango (reports); installs them as root on Debian
bash scripts/install.sh       # runtime dependencies only
PW=.venv/bin/planwatch
"$PW" demo
# Demo accounts. The published password is accepted only through --demo, which makes each account change it at
# its first sign-in; PLANWATCH_DEMO_PASSWORD sets your own instead (it must pass the password policy).
# Existing accounts are left as they are (--exist-ok), so a changed password survives re-running this script.
if [ -n "${PLANWATCH_DEMO_PASSWORD:-}" ]; then
  DEMO_PASSWORD=$PLANWATCH_DEMO_PASSWORD; DEMO_FLAG=()
else
  DEMO_PASSWORD=planwatch-demo; DEMO_FLAG=(--demo)
fi
"$PW" user add admin --role admin --name 管理员 --password "$DEMO_PASSWORD" --exist-ok "${DEMO_FLAG[@]}"
"$PW" user add planner --role planner --name 规划科 --password "$DEMO_PASSWORD" --exist-ok "${DEMO_FLAG[@]}"
"$PW" user add leader --role viewer --name 分管领导 --password "$DEMO_PASSWORD" --exist-ok "${DEMO_FLAG[@]}"
"$PW" plans
echo
echo "登录 sign in: admin / planner / leader (风险看板 risk dashboard), password: $DEMO_PASSWORD   (公众门户 public portal: /public)"
if [ ${#DEMO_FLAG[@]} -gt 0 ]; then
  echo "首次登录须修改演示密码 / you will be asked to choose your own password at first sign-in"
fi
echo "其他机器访问 serve other machines: PLANWATCH_HOST=0.0.0.0 bash scripts/quickstart.sh"
exec "$PW" serve --host "${PLANWATCH_HOST:-127.0.0.1}" --port "${PLANWATCH_PORT:-8000}"
