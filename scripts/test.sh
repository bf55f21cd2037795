#!/usr/bin/env bash
# Installs what the tests need, builds everything warnings-as-errors, and runs every test; then
# builds again with AddressSanitizer and UndefinedBehaviorSanitizer and runs every test but the
# lint and the package (which build their own trees) once more: a memory error or undefined
# behaviour anywhere a test reaches aborts that test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROOMKEYS_BUILD_TESTS=ON \
      -DROOMKEYS_WARNINGS_AS_ERRORS=ON
cmake --build build/test -j"$(nproc)"
(cd build/test && ctest --output-on-failure -j"$(nproc)" --timeout 300)

cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DROOMKEYS_BUILD_TESTS=ON \
      -DROOMKEYS_SANITIZE=address,undefined
cmake --build build/sanitize -j"$(nproc)"
# Leak checking is off until the leak run of issue 15; everything else stops the test.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
(cd build/sanitize && ctest --output-on-failure -j"$(nproc)" --timeout 600 -E '^(lint|package)\.')
