#!/usr/bin/env bash
# `make serve`: Golden Thread as a service, on this machine. Migrates, collects the static
# files, starts one task worker beside the app servers and runs gunicorn (gunicorn.conf.py)
# in the foreground; Ctrl-C or SIGTERM stops both. The database is DATABASE_URL's (SQLite
# db.sqlite3 if unset). Production settings: README, "Production settings".
#
#   GT_BIND=0.0.0.0:8000 GT_WORKERS=4 DATABASE_URL=postgres://… make serve
#   GT_DEMO=1 make serve      # load the demo data too, if the database is empty
#   GT_WORKER=0 make serve    # no worker here: workers run on other machines
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=".venv/bin/python"

# Async-safety checks stay on in a service, whatever the shell had for the tests.
unset DJANGO_ALLOW_ASYNC_UNSAFE
# The service's defaults; the environment wins.
export GT_TASKS="${GT_TASKS:-database}"
export GT_COLLECTED_STATIC="${GT_COLLECTED_STATIC:-1}"
export GT_LOG_FORMAT="${GT_LOG_FORMAT:-json}"
export GT_LOG_LEVEL="${GT_LOG_LEVEL:-INFO}"

"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput --verbosity 0
if [[ "${GT_DEMO:-0}" == 1 ]]; then
  "$PY" manage.py load_demo --if-empty
fi

worker_pid=""
gunicorn_pid=""
stop() {
  [[ -n "$gunicorn_pid" ]] && kill -TERM "$gunicorn_pid" 2>/dev/null || true
  [[ -n "$worker_pid" ]] && kill -TERM "$worker_pid" 2>/dev/null || true
  wait || true
}
trap stop EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

if [[ "${GT_WORKER:-1}" != 0 && "$GT_TASKS" == database ]]; then
  "$PY" manage.py run_worker &
  worker_pid=$!
fi
.venv/bin/gunicorn goldenthread.wsgi &
gunicorn_pid=$!
# Whichever stops first stops the other (through the EXIT trap).
wait -n
