#!/usr/bin/env bash
# Scale-out figures (docs/SCALE_OUT.md): roomkeys-server behind HAProxy on one MariaDB server,
# then on a 3-node Galera cluster with 1, 2 and 3 roomkeys servers (server N on node N), all on
# this machine's loopback. For each: uploads by 8 users at once, one user's 16 devices uploading
# at once (conflicts on that user: transactions re-run per 1000 uploads), and version reads.
# Prints a table and appends it to bench/RESULTS.md. Run as root on Debian 12:
#   bench/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/install-deps.sh --test
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
build=$root/build/bench-release
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DROOMKEYS_BUILD_TESTS=OFF -DROOMKEYS_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
bin=$build/bin
work=$build/cluster
rm -rf "$work"
mkdir -p "$work"
export RK_LUA_DIR=$root/bench/lua RK_TOKEN=bench-token
single_port=23516 galera_base=23530
credentials="roomkeys:r00m%3Akeys%2Fp%40ss%25"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  bash tests/galera/galera-test-cluster.sh stop "$work/galera" >/dev/null 2>&1 || true
  bash tests/mariadb/mariadb-test-server.sh stop "$work/mariadb" >/dev/null 2>&1 || true
}
trap cleanup EXIT
source bench/wrk_helpers.sh

rows=()

start_servers() {  # start_servers DATABASE_URL... : one roomkeys-server each, HAProxy in front
  local n=0 url ports=()
  for url in "$@"; do
    n=$((n + 1))
    local tokens=()
    for t in $(seq 0 15); do tokens+=(--token "$RK_TOKEN-$t=@bench$t:example.org"); done
    "$bin/roomkeys-server" --listen 127.0.0.1:0 --database "$url" --threads 4 \
      --token "$RK_TOKEN=@bench:example.org" "${tokens[@]}" --metrics-listen 127.0.0.1:0 \
      --log-level warn >"$work/server$n.out" 2>"$work/server$n.err" &
    pids+=($!)
    for _ in $(seq 1 100); do grep -q 'listening on' "$work/server$n.out" && break; sleep 0.1; done
    ports+=("$(sed -n 's/^listening on http:\/\/127.0.0.1://p' "$work/server$n.out")")
  done
  haproxy_port=23599
  {
    printf 'global\n  maxconn 2000\ndefaults\n  mode http\n  timeout connect 2s\n'
    printf '  timeout client 60s\n  timeout server 60s\n  timeout check 10s\n  retries 3\n'
    printf '  option redispatch\nfrontend roomkeys\n  bind 127.0.0.1:%s\n' "$haproxy_port"
    printf '  default_backend servers\nbackend servers\n  balance roundrobin\n'
    printf '  option httpchk GET /_roomkeys/health\n  http-check expect status 200\n'
    printf '  default-server inter 500ms fall 3 rise 2\n'
    for i in "${!ports[@]}"; do printf '  server s%d 127.0.0.1:%s check\n' "$i" "${ports[$i]}"; done
  } >"$work/haproxy.cfg"
  haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
  pids+=($!)
  sleep 1.5
  base="http://127.0.0.1:$haproxy_port"
  servers=$n
}

stop_servers() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}

retries_total() {  # the sum of roomkeys_db_retries_total over the running servers
  local total=0 n port
  for n in $(seq 1 "$servers"); do
    port=$(sed -n 's/^metrics on port //p' "$work/server$n.out")
    total=$((total + $(curl -s "127.0.0.1:$port/metrics" | awk '/^roomkeys_db_retries_total / { print int($2) }')))
  done
  echo "$total"
}


measure() {  # measure TOPOLOGY: the three workloads through $base
  local name=$1 r v keys_per_s race_per_s retried reads
  for t in $(seq 0 7); do v=$(new_backup "$RK_TOKEN-$t"); done
  r=$(RK_TOKEN_PER_THREAD=1 upload "$v" m 8 100)
  keys_per_s=$(awk -v n="$(field requests "$r")" -v s="$(field seconds "$r")" 'BEGIN { printf "%.0f", n * 100 / s }')
  [[ $(field non2xx "$r") == 0 ]] || echo "  warning: $(field non2xx "$r") non-2xx uploads" >&2
  v=$(new_backup "$RK_TOKEN")
  local before; before=$(retries_total)
  r=$(upload "$v" race 16 25)
  race_per_s=$(awk -v n="$(field requests "$r")" -v s="$(field seconds "$r")" 'BEGIN { printf "%.0f", n * 100 / s }')
  retried=$(awk -v d="$(($(retries_total) - before))" -v n="$(field requests "$r")" 'BEGIN { printf "%.0f", d * 1000 / n }')
  [[ $(field non2xx "$r") == 0 ]] || echo "  warning: $(field non2xx "$r") non-2xx racing uploads" >&2
  r=$(RK_PATH=/_matrix/client/v3/room_keys/version wrk -t2 -c16 -d5s -s bench/lua/get.lua "$base" 2>&1 | grep '^RESULT')
  reads=$(awk -v n="$(field requests "$r")" -v s="$(field seconds "$r")" 'BEGIN { printf "%.0f", n / s }')
  rows+=("$name|$keys_per_s|$race_per_s|$retried|$reads")
  printf '  %-34s %10s %12s %10s %10s\n' "$name" "$keys_per_s" "$race_per_s" "$retried" "$reads"
}

printf '  %-34s %10s %12s %10s %10s\n' topology "8 users" "1 user x16" "re-runs" "reads/s"
bash tests/mariadb/mariadb-test-server.sh start "$work/mariadb" "$single_port" >/dev/null
mariadb --no-defaults --socket="$work/mariadb/mysqld.sock" -e "CREATE DATABASE rk_b1"
start_servers "mysql://$credentials@127.0.0.1:$single_port/rk_b1"
measure "MariaDB, 1 node, 1 server"
stop_servers
bash tests/mariadb/mariadb-test-server.sh stop "$work/mariadb" >/dev/null

bash tests/galera/galera-test-cluster.sh start "$work/galera" "$galera_base" >/dev/null
for n in 1 2 3; do
  mariadb --no-defaults --socket="$work/galera/node1/mysqld.sock" -uroot -e "CREATE DATABASE rk_g$n"
  urls=()
  for i in $(seq 1 "$n"); do urls+=("mysql://$credentials@127.0.0.1:$((galera_base + i - 1))/rk_g$n"); done
  start_servers "${urls[@]}"
  measure "Galera, 3 nodes, $n server(s)"
  stop_servers
done

{
  echo
  echo "## Scale-out (\`bench/cluster.sh\`, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
  echo
  echo "Everything on this machine ($(nproc) cores): HAProxy, the roomkeys servers (4 threads each),"
  echo "the database (one MariaDB, or 3 Galera nodes of 64 MB buffer pool each) and wrk. Uploads are"
  echo "100-key requests of ~1.2 KB keys; \"8 users\": 8 connections, one user each, 80,000 keys;"
  echo "\"1 user x16\": 16 connections of one user (its devices), 40,000 keys, and the transactions"
  echo "re-run after a conflict (deadlock or Galera certification) per 1000 of those uploads;"
  echo "reads: GET /room_keys/version over 16 connections for 5 s."
  echo
  echo "| topology | upload keys/s, 8 users | upload keys/s, 1 user x16 | re-runs / 1000 | version reads/s |"
  echo "|---|---|---|---|---|"
  for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
} >>bench/RESULTS.md
