#!/usr/bin/env bash
# The Synapse import at scale: one user with RK_IMPORT_KEYS keys (default 1,000,000) in a
# Synapse homeserver.db, imported by roomkeys-admin into a new roomkeys SQLite database, then
# imported again (the no-op repeat). Reports keys/s and the tool's peak RSS for each run.
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${RK_IMPORT_KEYS:-1000000}
scripts/install-deps.sh
apt-get install -y -qq --no-install-recommends time >/dev/null 2>&1 || true
build=build/bench-release
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DROOMKEYS_BUILD_TESTS=OFF \
      -DROOMKEYS_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target roomkeys-admin roomkeys-bench-synapse >/dev/null
work=$(mktemp -d /tmp/roomkeys-import-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "writing a Synapse database with $keys keys of one user"
"$build/bin/roomkeys-bench-synapse" "$work/homeserver.db" "$keys"
for run in first repeat; do
  sync  # the previous run's dirty pages are not this run's to write
  /usr/bin/time -f "%M %e" -o "$work/time" "$build/bin/roomkeys-admin" \
    --database "sqlite:$work/roomkeys.db" import-synapse "sqlite:$work/homeserver.db" \
    >"$work/report" 2>/dev/null
  read -r rss_kb seconds <"$work/time"
  # The rate by the wall clock: start to exit, the final checkpoint of the WAL included.
  rate=$(awk -v k="$keys" -v s="$seconds" 'BEGIN { printf "%.0f", k / s }')
  echo "$run import: $keys keys in $seconds s = $rate keys/s; peak RSS $((rss_kb / 1024)) MB"
  echo "  its summary: $(tail -n 1 "$work/report")"
done
