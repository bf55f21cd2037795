#!/usr/bin/env bash
# Installs what the tests need, builds everything warnings-as-errors, and runs every test; then,
# each in a build tree of its own:
# - every test but the lint and the package (which build their own trees) again under
#   AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer: a memory error, a leak or
#   undefined behaviour anywhere a test reaches fails that test;
# - the concurrency-heavy suites (storage with its write queue, group commit and pool; the module
#   stopping while requests run; the end-to-end and companion suites, whose servers run many
#   requests at once) under ThreadSanitizer;
# - every libFuzzer harness of tests/fuzz for a short bounded time (scripts/fuzz.sh: for long).
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
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizer/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
(cd build/sanitize && ctest --output-on-failure -j"$(nproc)" --timeout 600 -E '^(lint|package)\.')

cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROOMKEYS_BUILD_TESTS=ON \
      -DROOMKEYS_SANITIZE=thread
cmake --build build/tsan -j"$(nproc)" --target roomkeys_storage_tests roomkeys_abi_tests \
      roomkeys_e2e_tests roomkeys_companion_tests roomkeys-server roomkeys
# ignore_noninstrumented_modules: a libc call made by Debian's (uninstrumented) Pistache, such as
# the listener thread destroying a finished connection's parser when it drops the last reference
# to its Peer, is not checked: TSan cannot see that reference count's atomics and took the
# destruction for a race with the worker that served the connection (a CI failure under load).
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$PWD/tests/sanitizer/tsan.supp
(cd build/tsan && ctest --output-on-failure -j"$(nproc)" --timeout 600 \
   -R '^(storage|abi|e2e|companion)\.' -E '^abi\.header_compiles_as_c99$')

cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16 \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROOMKEYS_BUILD_TESTS=OFF -DROOMKEYS_FUZZ=ON \
      -DROOMKEYS_SANITIZE=address,undefined,fuzzer-no-link
cmake --build build/fuzz -j"$(nproc)" --target roomkeys_fuzzers
(cd build/fuzz && ctest --output-on-failure -j"$(nproc)" -R '^fuzz\.')
