#!/usr/bin/env bash
# Upload rate as a backup grows, on what clients really send (bench/growth_workload.h): one user,
# RK_GROWTH_KEYS keys (default 1,000,000) in 100-key PUT bodies over 4 connections, shuffled
# across rooms; per tenth of the upload: keys/s, p50/p99 batch latency, next to the raw insert
# rate of the same rows in the same order (roomkeys-bench-growth raw). Also the server's CPU time
# per key and its peak RssAnon. On SQLite and on a throw-away MariaDB. Writes the tables to
# bench/GROWTH.md. Run as root on Debian 12 (bench/run.sh's build and MariaDB set-up).
#   bench/growth.sh                  both backends, 1M keys
#   RK_GROWTH_KEYS=100000 RK_GROWTH_BACKENDS=sqlite bench/growth.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
keys=${RK_GROWTH_KEYS:-1000000}
backends=${RK_GROWTH_BACKENDS:-"sqlite mariadb"}

scripts/install-deps.sh
command -v mariadbd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server
build=$root/build/bench-release
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DROOMKEYS_BUILD_TESTS=OFF -DROOMKEYS_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
bin=$build/bin
work=$build/growth
rm -rf "$work" && mkdir -p "$work"
default_mariadb_port=33417
# The MariaDB settings README.md recommends to operators: a buffer pool of 512 MB per million keys
# stored, a 1 GB redo log, and the I/O capacity of an SSD.
pool_mb=$(( (keys + 999999) / 1000000 * 512 ))
export RK_MARIADB_OPTIONS=${RK_MARIADB_OPTIONS:-"--innodb-buffer-pool-size=${pool_mb}M --innodb-log-file-size=1G --innodb-io-capacity=4000 --innodb-io-capacity-max=8000 --innodb-flush-neighbors=0"}
source bench/mariadb_and_server.sh

url_of() {  # url_of BACKEND NAME -> a fresh database
  if [[ $1 == sqlite ]]; then echo "sqlite:$work/$2.db"; return; fi
  mariadb --no-defaults --socket="$mariadb_dir/mysqld.sock" -u"$(id -un)" -e "CREATE DATABASE rk_$2"
  echo "$mariadb_url/rk_$2"
}

report=$work/report.md
{
  echo "# Upload rate as the backup grows"
  echo
  echo "\`bench/growth.sh\`, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo),"
  echo "$(lscpu | sed -n 's/^Model name: *//p'), commit $(git rev-parse --short HEAD)."
  echo "One user, $keys keys: 43-character random base64 session ids, ~1.2 KB incompressible session"
  echo "data, rooms of 10 to 3000 sessions, keys shuffled across rooms, 100-key bodies, 4 connections."
  echo "raw = the same rows in the same order and batches, inserted straight into the database"
  echo "(SQLite: one prepared statement per row; MariaDB: one multi-row statement per batch)."
  echo "MariaDB options: \`$RK_MARIADB_OPTIONS\`."
} >"$report"

for backend in $backends; do
  echo "== $backend"
  if [[ $backend == mariadb ]]; then bash tests/mariadb/mariadb-test-server.sh start "$mariadb_dir" "$mariadb_port" >/dev/null; fi
  url=$(url_of "$backend" served)
  "$bin/roomkeys-server" --listen 127.0.0.1:0 --database "$url" --token "growth-token=@growth:example.org" \
    --log-level warn >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 100); do grep -q 'listening on' "$work/server.out" && break; sleep 0.1; done
  base=$(sed -n 's/^listening on //p' "$work/server.out")
  version=$(curl -sf -H "Authorization: Bearer growth-token" -X POST "$base/_matrix/client/v3/room_keys/version" \
    -d '{"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{"public_key":"growth"}}' |
    sed 's/.*"version":"\([0-9]*\)".*/\1/')
  "$bin/roomkeys-bench-growth" http "$base" growth-token "$version" "$keys" "$server_pid" | tee "$work/$backend-http.txt"
  # The restore of what was just uploaded (keys stored in arrival order, read in key order).
  restore=$(curl -sf -o /dev/null -H "Authorization: Bearer growth-token" -w '%{size_download} %{time_total}\n' \
    "$base/_matrix/client/v3/room_keys/keys?version=$version" | awk '{ printf "%.1f", $1 / 1e6 / $2 }')
  echo "restore MB/s $restore"
  kill "$server_pid"; wait "$server_pid" || true; server_pid=""
  raw_url=$(url_of "$backend" raw)
  "$bin/roomkeys-bench-growth" raw "$raw_url" "@raw:example.org" "$keys" | tee "$work/$backend-raw.txt"
  raw_scan=$("$bin/roomkeys-bench-raw" scan "$raw_url" "@raw:example.org" 1 | awk '{ print $2 }')
  echo "raw scan MB/s $raw_scan"
  if [[ $backend == mariadb ]]; then bash tests/mariadb/mariadb-test-server.sh stop "$mariadb_dir" >/dev/null; fi

  {
    echo
    echo "## $backend"
    echo
    echo "| tenth | keys/s | p50 ms | p99 ms | p99/p50 | raw keys/s | ratio to raw |"
    echo "|---|---|---|---|---|---|---|"
    paste -d' ' <(grep '^tenth' "$work/$backend-http.txt") <(grep '^tenth' "$work/$backend-raw.txt") |
      awk '{ printf "| %s | %s | %s | %s | %.1f | %s | %.2f |\n", $2, $4, $6, $8, $8 / $6, $12, $4 / $12 }'
    first=$(awk '$1 == "tenth" && $2 == 1 { print $4 }' "$work/$backend-http.txt")
    last=$(awk '$1 == "tenth" && $2 == 10 { print $4 }' "$work/$backend-http.txt")
    echo
    echo "- last tenth / first tenth: $(awk -v a="$last" -v b="$first" 'BEGIN { printf "%.2f", a / b }') (target >= 0.80)"
    echo "- whole upload: $(awk '/^total/ { print $3 }' "$work/$backend-http.txt") keys/s; raw $(awk '/^total/ { print $3 }' "$work/$backend-raw.txt") keys/s"
    echo "- server CPU: $(awk '/^server_cpu/ { print $2 }' "$work/$backend-http.txt") µs per key (target <= 15)"
    echo "- server peak RssAnon: $(awk '/^peak_rss/ { print $2 }' "$work/$backend-http.txt") MB (target <= 256)"
    echo "- restore of the whole backup: $restore MB/s; raw scan of the raw user's rows: $raw_scan MB/s"
  } >>"$report"
done
cp "$report" bench/GROWTH.md
cat bench/GROWTH.md
