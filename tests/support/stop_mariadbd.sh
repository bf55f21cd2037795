# Sourced by the test database scripts.
# stop_mariadbd PID_FILE: SIGTERM to the server named in PID_FILE (if any), then wait up to 30 s
# for it to finish writing, then SIGKILL.
stop_mariadbd() {
  [[ -f "$1" ]] || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}
