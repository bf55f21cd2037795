#!/usr/bin/env bash
# Builds roomkeys and runs roomkeys-server on SQLite. Extra arguments go to roomkeys-server,
# e.g. scripts/run-server.sh --listen 0.0.0.0:8008 --token secret=@me:example.org
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DROOMKEYS_BUILD_TESTS=OFF
cmake --build build/release -j"$(nproc)"
exec build/release/bin/roomkeys-server --database "sqlite:${ROOMKEYS_DB:-roomkeys.db}" "$@"
