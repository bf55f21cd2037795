# Sourced by the benchmark scripts once `work` is set and `base` names the server (or proxy) to
# drive: wrk's RESULT lines, new backup versions and timed uploads.
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2" | tail -n 1; }

# A new backup version of the bench user, or of the token's (it becomes the current one);
# prints its id.
new_backup() {  # new_backup [TOKEN]
  curl -sf -H "Authorization: Bearer ${1:-$RK_TOKEN}" -X POST "$base/_matrix/client/v3/room_keys/version" \
    -d '{"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{"public_key":"bench"}}' |
    sed 's/.*"version":"\([0-9]*\)".*/\1/'
}

upload() {  # upload VERSION PREFIX CONNECTIONS REQUESTS_PER_CONNECTION -> wrk RESULT line
  local done_dir=$work/done
  rm -rf "$done_dir" && mkdir -p "$done_dir"
  RK_VERSION=$1 RK_PREFIX=$2 RK_REQUESTS=$4 RK_DONE_DIR=$done_dir \
    wrk -t"$3" -c"$3" -d3600s -s bench/lua/upload.lua "$base" >"$work/wrk.out" 2>&1 &
  local wrk_pid=$!
  until [[ $(ls "$done_dir" | wc -l) -ge $3 ]] || ! kill -0 "$wrk_pid" 2>/dev/null; do sleep 0.02; done
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" || true
  grep '^RESULT' "$work/wrk.out"
}
