# Sourced by the benchmark scripts after they set `work` and `default_mariadb_port`: a throw-away
# MariaDB in $work/mariadb and the cleanup that stops it and any roomkeys-server left running.
mariadb_dir=$work/mariadb
mariadb_port=${RK_MARIADB_PORT:-$default_mariadb_port}
mariadb_url="mysql://roomkeys:r00m%3Akeys%2Fp%40ss%25@127.0.0.1:$mariadb_port"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  bash tests/mariadb/mariadb-test-server.sh stop "$mariadb_dir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
