#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the tests (Synapse's usual database), on 127.0.0.1 and ::1
# and a Unix socket in DIR, with its own data directory. initdb and postgres refuse to run as root, so they run as the
# unprivileged system user "postgres" (created by Debian's postgresql-common).
#   postgresql-test-server.sh start DIR PORT   initialise DIR, start postgres
#   postgresql-test-server.sh stop DIR         stop it and remove DIR
# The test user is synapse / "syn:apse@pw" (special characters on purpose: the URL that reaches
# roomkeys-admin percent-encodes them), owner of the database "synapse".
set -euo pipefail
action=$1
dir=$2
port=${3:-}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres() { runuser -u postgres -- "$@"; }

stop_server() {
  [[ -f "$dir/data/postmaster.pid" ]] || return 0
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

case "$action" in
  start)
    stop_server 2>/dev/null || true
    rm -rf "$dir"
    mkdir -p "$dir"
    chown postgres: "$dir"
    printf 'syn:apse@pw\n' >"$dir/pwfile"
    chown postgres: "$dir/pwfile"
    as_postgres "$bin/initdb" -D "$dir/data" -U synapse --pwfile="$dir/pwfile" \
      --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1,::1 -p $port -k $dir -c fsync=off" start >/dev/null ||
      { tail -n 30 "$dir/server.log" >&2; exit 1; }
    as_postgres "$bin/createdb" -h "$dir" -p "$port" -U synapse synapse
    echo "postgres up on 127.0.0.1:$port"
    ;;
  stop)
    stop_server
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
