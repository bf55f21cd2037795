#!/usr/bin/env bash
# Installs what the tests need, builds everything warnings-as-errors, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROOMKEYS_BUILD_TESTS=ON \
      -DROOMKEYS_WARNINGS_AS_ERRORS=ON
cmake --build build/test -j"$(nproc)"
cd build/test
ctest --output-on-failure -j"$(nproc)" --timeout 300
