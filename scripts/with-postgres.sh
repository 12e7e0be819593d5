#!/usr/bin/env bash
# Run COMMAND against a private, throw-away PostgreSQL server:
#
#   scripts/with-postgres.sh COMMAND [ARGS...]
#
# Makes a new cluster in a fresh temporary folder, starts it on 127.0.0.1 on a free port
# (no durability: fsync off), creates the database "goldenthread", exports
#   DATABASE_URL=postgres://postgres@127.0.0.1:PORT/goldenthread
# runs COMMAND, then always stops the server and deletes the folder. Exits with COMMAND's
# status. Needs Debian's PostgreSQL server packages (/usr/lib/postgresql/N/bin). As root the
# server runs as the "postgres" user (PostgreSQL refuses to run as root).
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
  echo "with-postgres: no PostgreSQL server found under /usr/lib/postgresql/*/bin" \
    "(apt-get install postgresql)" >&2
  exit 1
fi

as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  as_owner=(runuser -u postgres --)
fi

dir="$(mktemp -d /tmp/gt-postgres.XXXXXX)"
[[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
started=""

cleanup() {
  if [[ -n "$started" ]]; then
    "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

"${as_owner[@]}" "$pg_bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
  --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

started=1
"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

"${as_owner[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres goldenthread

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/goldenthread"
echo "with-postgres: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on $DATABASE_URL" >&2

status=0
"$@" || status=$?
exit "$status"
