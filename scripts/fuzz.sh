#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (clang-16, ASan+UBSan) and runs each one for long:
# RUNS executions each (default 10 million), on the committed seeds plus what earlier runs found
# (build/fuzz/tests/fuzz/corpus/). Prints executions and coverage per harness. A finding stops
# the run with the crashing input saved as ./crash-*; fix it, then add that input to
# tests/fuzz/corpus/<harness>/ so that every later run replays it.
#   scripts/fuzz.sh [HARNESS...]      (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10000000}
harnesses=("$@")
((${#harnesses[@]})) ||
  harnesses=(json_validate key_upload version_body database_url config_and_tokens request_path
             path_query)

scripts/install-deps.sh --test
cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16 \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROOMKEYS_BUILD_TESTS=OFF -DROOMKEYS_FUZZ=ON \
      -DROOMKEYS_SANITIZE=address,undefined,fuzzer-no-link
cmake --build build/fuzz --target roomkeys_fuzzers -j"$(nproc)"

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=abort_on_error=1
for name in "${harnesses[@]}"; do
  work=build/fuzz/tests/fuzz/corpus/$name
  mkdir -p "$work"
  log=build/fuzz/$name.log
  start=$(date +%s)
  "build/fuzz/tests/fuzz/${name}_fuzz" -runs="$runs" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1 ||
    { tail -40 "$log"; echo "fuzz: $name found a problem (log: $log)" >&2; exit 1; }
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  executions=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  echo "$name: $executions executions in $(( $(date +%s) - start )) s; ${done_line#*DONE }"
done
