#!/usr/bin/env bash
# The roomkeys benchmark: builds in Release, runs roomkeys-server on SQLite and on a throw-away
# MariaDB, drives each workload with wrk from another process, compares every figure with its
# physical limit, prints one table and writes it to bench/RESULTS.md with the machine's
# description. Run as root on Debian 12 (it installs wrk and MariaDB when missing):
#   bench/run.sh            full size: 100k-key upload, 100k and 1M-key restores
#   RK_BIG_KEYS=200000 bench/run.sh    a quicker run with a smaller "big" backup
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
big_keys=${RK_BIG_KEYS:-1000000}
read_seconds=${RK_READ_SECONDS:-5}
threads=${RK_SERVER_THREADS:-4}

scripts/install-deps.sh
if ! command -v wrk >/dev/null || ! command -v mariadbd >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk mariadb-server mariadb-client
fi
build=$root/build/bench-release  # not build/bench: that is bench/ inside a build in build/
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DROOMKEYS_BUILD_TESTS=OFF -DROOMKEYS_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
bin=$build/bin
work=$build/run
rm -rf "$work"
mkdir -p "$work"
export RK_LUA_DIR=$root/bench/lua RK_TOKEN=bench-token

default_mariadb_port=33416
source bench/mariadb_and_server.sh
source bench/wrk_helpers.sh

rows=()  # "backend|figure|value|limit|ratio|target"
row() { rows+=("$1|$2|$3|$4|$5|$6"); printf '  %-40s %14s %14s %8s  (%s)\n' "$2" "$3" "$4" "$5" "$6"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
per_second() { awk -v n="$(field requests "$1")" -v s="$(field seconds "$1")" 'BEGIN { printf "%.0f", n / s }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

start_server() {  # start_server DATABASE_URL
  "$bin/roomkeys-server" --listen 127.0.0.1:0 --database "$1" --threads "$threads" \
    --token "$RK_TOKEN=@bench:example.org" --token "$RK_TOKEN-0=@bench0:example.org" \
    --token "$RK_TOKEN-1=@bench1:example.org" --token "$RK_TOKEN-2=@bench2:example.org" \
    --token "$RK_TOKEN-3=@bench3:example.org" --log-level warn >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 100); do grep -q 'listening on' "$work/server.out" && break; sleep 0.1; done
  base=$(sed -n 's/^listening on //p' "$work/server.out")
  [[ -n "$base" ]] || { cat "$work/server.err"; exit 1; }
}
stop_server() { kill "$server_pid"; wait "$server_pid" || true; server_pid=""; }
# Anonymous memory only: pages of the memory-mapped SQLite file are the kernel's page cache.
rss_anon_mb() { awk '/RssAnon/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status"; }

restore() {  # restore VERSION -> "MB/s bytes"
  curl -sf -o /dev/null -H "Authorization: Bearer $RK_TOKEN" \
    -w '%{size_download} %{time_total}\n' "$base/_matrix/client/v3/room_keys/keys?version=$1" |
    awk '{ printf "%.1f %d\n", $1 / 1e6 / $2, $1 }'
}

bench_backend() {  # bench_backend NAME URL RAW_URL
  local name=$1 url=$2 raw_url=$3
  echo "== $name"
  start_server "$url"
  # One user's backups in order of creation: 1 = the 100k upload, 2 = growth at 1k, 3 = big.
  # Only the newest version takes uploads, so each is filled before the next is created.
  local v_upload="" v_small v_big r round
  # Upload: three rounds, each into a fresh version (only the newest takes uploads) and, for
  # the limit, for a fresh raw user; the medians count (this machine's runs vary by +-15%).
  local ups=() raws=()
  for round in 1 2 3; do
    local v; v=$(new_backup)
    [[ -n "$v_upload" ]] || v_upload=$v
    r=$(upload "$v" "u$round" 4 250)
    ups+=("$(awk -v n="$(field requests "$r")" -v s="$(field seconds "$r")" 'BEGIN { printf "%.0f", n * 100 / s }')")
    raws+=("$("$bin/roomkeys-bench-raw" insert "$raw_url" 100000 100 4 "@raw$round:bench" | awk '{ print $2 }')")
  done
  local keys_per_s raw; keys_per_s=$(median "${ups[@]}"); raw=$(median "${raws[@]}")
  echo "  upload rounds: ${ups[*]} keys/s; raw: ${raws[*]}"
  row "$name" "upload keys/s (100k keys, 100/request, 4 clients)" "$keys_per_s" "$raw" "$(ratio "$keys_per_s" "$raw")" ">= 0.50"
  # The same, the 4 clients being 4 users: one user's writes are serialised (exact counts and
  # the replacement rule), different users' run side by side.
  local users_ups=()
  for round in 1 2 3; do
    local t v=""
    for t in 0 1 2 3; do v=$(new_backup "$RK_TOKEN-$t"); done  # the same id for each new user
    r=$(RK_TOKEN_PER_THREAD=1 upload "$v" "m$round" 4 250)
    users_ups+=("$(awk -v n="$(field requests "$r")" -v s="$(field seconds "$r")" 'BEGIN { printf "%.0f", n * 100 / s }')")
  done
  echo "  upload rounds, 4 users: ${users_ups[*]} keys/s"
  keys_per_s=$(median "${users_ups[@]}")
  row "$name" "upload keys/s, the 4 clients as 4 users" "$keys_per_s" "$raw" "$(ratio "$keys_per_s" "$raw")" "context"

  # Per-session reads and version info at 16 connections against the empty Pistache route,
  # three rounds of each, interleaved.
  "$bin/roomkeys-bench-empty" 0 "$threads" >"$work/empty.out" &
  local empty_pid=$!
  for _ in $(seq 1 50); do grep -q listening "$work/empty.out" && break; sleep 0.1; done
  local empty_base; empty_base=$(sed -n 's/^listening on //p' "$work/empty.out")
  local sessions=() p50s=() p99s=() empties=() empty_p50s=() empty_p99s=() versions=()
  for round in 1 2 3; do
    r=$(RK_VERSION=$v_upload RK_PREFIX=u1 RK_UPLOAD_THREADS=4 RK_KEYS_PER_THREAD=25000 \
        wrk -t2 -c16 -d"${read_seconds}s" -s bench/lua/get_session.lua "$base" 2>&1 | grep '^RESULT')
    [[ $(field non2xx "$r") == 0 ]] || echo "  warning: $(field non2xx "$r") non-2xx answers" >&2
    sessions+=("$(per_second "$r")"); p50s+=("$(field p50_us "$r")"); p99s+=("$(field p99_us "$r")")
    r=$(RK_PATH=/ wrk -t2 -c16 -d"${read_seconds}s" -s bench/lua/get.lua "$empty_base" 2>&1 | grep '^RESULT')
    empties+=("$(per_second "$r")"); empty_p50s+=("$(field p50_us "$r")"); empty_p99s+=("$(field p99_us "$r")")
    r=$(RK_PATH=/_matrix/client/v3/room_keys/version \
        wrk -t2 -c16 -d"${read_seconds}s" -s bench/lua/get.lua "$base" 2>&1 | grep '^RESULT')
    versions+=("$(per_second "$r")")
  done
  kill "$empty_pid"; wait "$empty_pid" 2>/dev/null || true
  # The database's own rate for the same per-session statement, 16 threads, no HTTP.
  local lookups
  lookups=$("$bin/roomkeys-bench-raw" lookup "$url" @bench:example.org "$v_upload" u1 16 "$read_seconds" | awk '{ print $2 }')
  echo "  read rounds (req/s): per-session ${sessions[*]}; empty route ${empties[*]}; version ${versions[*]}"
  local session_rps empty_rps version_rps
  session_rps=$(median "${sessions[@]}"); empty_rps=$(median "${empties[@]}"); version_rps=$(median "${versions[@]}")
  row "$name" "per-session GET req/s (16 connections)" "$session_rps" "$empty_rps" "$(ratio "$session_rps" "$empty_rps")" ">= 0.50"
  row "$name" "per-session GET req/s vs the database's lookups/s" "$session_rps" "$lookups" "$(ratio "$session_rps" "$lookups")" "context"
  row "$name" "per-session GET p50 / p99 (us)" "$(median "${p50s[@]}") / $(median "${p99s[@]}")" \
      "$(median "${empty_p50s[@]}") / $(median "${empty_p99s[@]}")" "-" "latency"
  row "$name" "GET /room_keys/version req/s (16 conn.)" "$version_rps" "$empty_rps" "$(ratio "$version_rps" "$empty_rps")" ">= 0.50"

  # Growth: one 100-key upload into a 1k-key backup, then into the big one.
  v_small=$(new_backup)
  upload "$v_small" s 1 10 >/dev/null
  r=$(upload "$v_small" g 1 50); local at_small; at_small=$(field mean_us "$r")
  v_big=$(new_backup)
  echo "  filling a $big_keys-key backup..."
  upload "$v_big" b 4 $((big_keys / 400)) >/dev/null
  r=$(upload "$v_big" g 1 50); local at_big; at_big=$(field mean_us "$r")
  row "$name" "one upload at 1k keys vs $big_keys keys (ms)" \
      "$(awk -v v="$at_big" 'BEGIN { printf "%.2f", v / 1000 }')" \
      "$(awk -v v="$at_small" 'BEGIN { printf "%.2f", v / 1000 }')" "$(ratio "$at_big" "$at_small")" "<= 1.50"

  # Restores, on a fresh server so that its memory is the restore's.
  stop_server
  start_server "$url"
  local label version restores scans
  for label in "100k keys:$v_upload" "$big_keys keys:$v_big"; do
    version=${label#*:}
    restores=() scans=()
    for round in 1 2 3; do
      restores+=("$(restore "$version" | awk '{ print $1 }')")
      scans+=("$("$bin/roomkeys-bench-raw" scan "$url" @bench:example.org "$version" | awk '{ print $2 }')")
    done
    echo "  restore rounds (MB/s), ${label%%:*}: ${restores[*]}; scan ${scans[*]}"
    row "$name" "restore MB/s (${label%%:*})" "$(median "${restores[@]}")" "$(median "${scans[@]}")" \
        "$(ratio "$(median "${restores[@]}")" "$(median "${scans[@]}")")" ">= 0.50"
  done
  row "$name" "server RssAnon MB after the restores" "$(rss_anon_mb)" "256" "$(ratio "$(rss_anon_mb)" 256)" "<= 1.00"
  stop_server
}

bench_backend SQLite "sqlite:$work/roomkeys.db" "sqlite:$work/raw.db"
bash tests/mariadb/mariadb-test-server.sh start "$mariadb_dir" "$mariadb_port" >/dev/null
mariadb --no-defaults --socket="$mariadb_dir/mysqld.sock" -e "CREATE DATABASE rk_bench; CREATE DATABASE rk_raw"
bench_backend MariaDB "$mariadb_url/rk_bench" "$mariadb_url/rk_raw"

# The table, with the machine it ran on.
{
  echo "# roomkeys benchmark results"
  echo
  echo "Produced by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
  echo
  echo "Machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)),"
  echo "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory, $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")."
  echo "roomkeys-server with --threads $threads; wrk $(wrk --version 2>&1 | head -n 1 | awk '{ print $2 }') as the driver on the same machine;"
  echo "SQLite $(sqlite3 --version | awk '{ print $1 }') (WAL, synchronous=FULL); $(mariadbd --version | awk '{ print $3 }') (throw-away, InnoDB defaults but a 256 MiB buffer pool)."
  echo
  echo "Limits: upload vs the same rows inserted straight through SOCI in the same 100-row batches"
  echo "from 4 threads; restore vs a plain SOCI scan of the same rows (MB of key rows); reads vs a"
  echo "Pistache route answering {} with no database, and per-session reads also vs the database's"
  echo "own rate for the same statement through SOCI (16 threads, no HTTP); growth vs the same upload"
  echo "into a 1k-key backup. Upload, read and restore figures are medians of three interleaved rounds."
  echo
  echo "| backend | figure | value | limit | ratio | target |"
  echo "|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
  echo
  cat bench/ANALYSIS.md
} >bench/RESULTS.md
echo
cat bench/RESULTS.md
