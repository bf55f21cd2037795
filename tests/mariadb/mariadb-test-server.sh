#!/usr/bin/env bash
# A throw-away MariaDB server for the tests, on 127.0.0.1 with its own data directory.
#   mariadb-test-server.sh start DIR PORT   initialise DIR, start mariadbd, create the test user
#   mariadb-test-server.sh stop DIR         stop it and remove DIR
#   mariadb-test-server.sh pause DIR        stop mariadbd but keep DIR (outage tests)
#   mariadb-test-server.sh resume DIR PORT  start mariadbd on the kept DIR again
# The test user is roomkeys / "r00m:keys/p@ss%" (special characters on purpose: the URL that
# reaches roomkeys percent-encodes them) with all rights on databases named rk_*.
set -euo pipefail
action=$1
dir=$2
port=${3:-}
user=$(id -un)
source "$(dirname "$0")/../support/stop_mariadbd.sh"

wait_until_up() {
  for _ in $(seq 1 300); do
    mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -u"$user" ping >/dev/null 2>&1 && return 0
    if [[ -f "$dir/mysqld.pid" ]] && ! kill -0 "$(cat "$dir/mysqld.pid")" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "mariadbd did not come up; its log:" >&2
  tail -n 30 "$dir/error.log" >&2 || true
  return 1
}

# RK_MARIADB_OPTIONS: more mariadbd options, space-separated (the benchmarks' operator settings).
read -ra extra_options <<<"${RK_MARIADB_OPTIONS:-}"

run_server() {
  # setsid and closed descriptors: the server outlives this script and CTest does not wait on it.
  setsid mariadbd --no-defaults --user="$user" --datadir="$dir/data" --tmpdir="$dir/tmp" \
    --socket="$dir/mysqld.sock" --port="$port" --bind-address=127.0.0.1 \
    --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" --skip-name-resolve \
    --max-allowed-packet=64M --innodb-buffer-pool-size=256M --innodb-log-file-size=256M \
    --max-connections=500 "${extra_options[@]}" </dev/null >/dev/null 2>&1 &
  wait_until_up
}

stop_server() { stop_mariadbd "$dir/mysqld.pid"; }

case "$action" in
  start)
    stop_server 2>/dev/null || true
    rm -rf "$dir"
    # A tmpdir of its own, not the /tmp shared with other servers' bootstraps (galera-test-cluster.sh).
    mkdir -p "$dir/data" "$dir/tmp"
    mariadb-install-db --no-defaults --user="$user" --datadir="$dir/data" --tmpdir="$dir/tmp" \
      --skip-test-db \
      --auth-root-authentication-method=socket --auth-root-socket-user="$user" \
      >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
    run_server
    mariadb --no-defaults --socket="$dir/mysqld.sock" -u"$user" <<'SQL'
CREATE USER 'roomkeys'@'127.0.0.1' IDENTIFIED BY 'r00m:keys/p@ss%';
CREATE USER 'roomkeys'@'localhost' IDENTIFIED BY 'r00m:keys/p@ss%';
GRANT ALL PRIVILEGES ON `rk\_%`.* TO 'roomkeys'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `rk\_%`.* TO 'roomkeys'@'localhost';
SQL
    echo "mariadbd up on 127.0.0.1:$port (socket $dir/mysqld.sock)"
    ;;
  stop)
    stop_server
    rm -rf "$dir"
    ;;
  pause)
    stop_server
    ;;
  resume)
    run_server
    ;;
  *)
    echo "usage: $0 start|stop|pause|resume DIR [PORT]" >&2
    exit 2
    ;;
esac
