#!/usr/bin/env bash
# A throw-away 3-node MariaDB Galera cluster for the tests, all on 127.0.0.1, no systemd.
#   galera-test-cluster.sh start DIR BASE    bootstrap node 1, join nodes 2 and 3, create the
#                                            test user; node N's SQL port is BASE+N-1
#   galera-test-cluster.sh stop DIR          stop every node and remove DIR
#   galera-test-cluster.sh kill DIR N        SIGKILL node N
#   galera-test-cluster.sh restart DIR N     recover node N's position, start it, wait until it
#                                            has caught up (IST) and is Synced
# Each node has its own data directory and its own SQL, group-communication (BASE+10+N), IST
# (BASE+20+N) and SST (BASE+30+N) ports; keep BASE below 32768-40 (the kernel hands out ports
# from 32768 up to outgoing connections). Nothing listens beyond loopback. Nodes run as the
# `mysql` user (rsync state transfer refuses to run as root), small: 64 MB buffer pool, 32 MB
# gcache. The test user is the one of mariadb-test-server.sh.
set -euo pipefail
action=$1
dir=$2
arg=${3:-}
run_as=mysql
source "$(dirname "$0")/../support/stop_mariadbd.sh"

node_dir() { echo "$dir/node$1"; }
base() { cat "$dir/base"; }
sql_port() { echo $(($(base) + $1 - 1)); }
gcomm_port() { echo $(($(base) + 10 + $1)); }
ist_port() { echo $(($(base) + 20 + $1)); }
sst_port() { echo $(($(base) + 30 + $1)); }

client() {  # client N [mariadb options...]
  local n=$1
  shift
  mariadb --no-defaults --socket="$(node_dir "$n")/mysqld.sock" -uroot "$@"
}

status_of() {  # status_of N VARIABLE
  client "$1" -N -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | awk '{print $2}'
}

wait_synced() {  # wait_synced N: up, Synced, and in a primary component of 3
  local n=$1 pid_file
  pid_file="$(node_dir "$n")/mysqld.pid"
  for _ in $(seq 1 600); do
    if [[ "$(status_of "$n" wsrep_local_state_comment)" == "Synced" &&
          "$(status_of "$n" wsrep_cluster_size)" == "3" &&
          "$(status_of "$n" wsrep_ready)" == "ON" ]]; then
      return 0
    fi
    if [[ -f "$pid_file" ]] && ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "galera node $n did not come up synced; its log:" >&2
  tail -n 40 "$(node_dir "$n")/error.log" >&2 || true
  return 1
}

node_options() {  # node_options N: the mariadbd command line of node N
  local n=$1 d members=""
  d=$(node_dir "$n")
  for m in 1 2 3; do members+="${members:+,}127.0.0.1:$(gcomm_port "$m")"; done
  echo --no-defaults --user="$run_as" --datadir="$d/data" --tmpdir="$d/tmp" --socket="$d/mysqld.sock" \
    --port="$(sql_port "$n")" --bind-address=127.0.0.1 --pid-file="$d/mysqld.pid" \
    --log-error="$d/error.log" --skip-name-resolve --max-allowed-packet=64M \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=48M --max-connections=300 \
    --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
    --wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so \
    --wsrep-cluster-name=roomkeys_test --wsrep-node-name="node$n" \
    --wsrep-cluster-address="gcomm://$members" \
    --wsrep-node-address="127.0.0.1:$(gcomm_port "$n")" \
    --wsrep-node-incoming-address="127.0.0.1:$(sql_port "$n")" \
    --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$(sst_port "$n")" \
    "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$n");ist.recv_addr=127.0.0.1:$(ist_port "$n");gcache.size=32M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT5S;evs.keepalive_period=PT1S"
}

start_node() {  # start_node N [extra options]: in the background, outliving this script
  local n=$1
  shift
  # shellcheck disable=SC2046
  setsid mariadbd $(node_options "$n") "$@" </dev/null >/dev/null 2>&1 &
}

stop_node() { stop_mariadbd "$(node_dir "$1")/mysqld.pid"; }

case "$action" in
  start)
    for n in 1 2 3; do stop_node "$n" 2>/dev/null || true; done
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "$arg" >"$dir/base"
    for n in 1 2 3; do
      # A tmpdir of its own: a bootstrap beside another server's once failed on a temporary
      # table in the shared /tmp ("Could not remove temporary table", then "Unknown table").
      mkdir -p "$(node_dir "$n")/data" "$(node_dir "$n")/tmp"
      chown "$run_as:$run_as" "$(node_dir "$n")/tmp"
      mariadb-install-db --no-defaults --user="$run_as" --datadir="$(node_dir "$n")/data" \
        --tmpdir="$(node_dir "$n")/tmp" \
        --skip-test-db --auth-root-authentication-method=socket --auth-root-socket-user=root \
        >"$(node_dir "$n")/install.log" 2>&1 || { cat "$(node_dir "$n")/install.log" >&2; exit 1; }
      chown -R "$run_as:$run_as" "$(node_dir "$n")"
    done
    chmod 755 "$dir"
    start_node 1 --wsrep-new-cluster
    # Node 1 alone first: it is Synced in a cluster of 1.
    for _ in $(seq 1 600); do
      [[ "$(status_of 1 wsrep_local_state_comment)" == "Synced" ]] && break
      sleep 0.1
    done
    client 1 <<'SQL'
CREATE USER 'roomkeys'@'127.0.0.1' IDENTIFIED BY 'r00m:keys/p@ss%';
CREATE USER 'roomkeys'@'localhost' IDENTIFIED BY 'r00m:keys/p@ss%';
GRANT ALL PRIVILEGES ON `rk\_%`.* TO 'roomkeys'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `rk\_%`.* TO 'roomkeys'@'localhost';
SQL
    start_node 2
    start_node 3
    for n in 1 2 3; do wait_synced "$n"; done
    echo "galera cluster up: 127.0.0.1:$(sql_port 1), :$(sql_port 2), :$(sql_port 3)"
    ;;
  stop)
    if [[ -f "$dir/base" ]]; then
      for n in 3 2 1; do stop_node "$n"; done
    fi
    rm -rf "$dir"
    ;;
  kill)
    kill -9 "$(cat "$(node_dir "$arg")/mysqld.pid")"
    ;;
  restart)
    # After SIGKILL the node recovers its last committed position from InnoDB, so that it
    # rejoins by IST (the missed write sets) rather than a full copy.
    d=$(node_dir "$arg")
    rm -f "$d/mysqld.pid"
    # shellcheck disable=SC2046
    mariadbd $(node_options "$arg") --wsrep-recover --log-error="$d/recover.log" \
      </dev/null >/dev/null 2>&1 || true
    position=$(grep -o 'Recovered position: [^ ]*' "$d/recover.log" | tail -1 | awk '{print $3}')
    start_node "$arg" ${position:+--wsrep-start-position="$position"}
    wait_synced "$arg"
    ;;
  *)
    echo "usage: $0 start DIR BASE | stop DIR | kill DIR N | restart DIR N" >&2
    exit 2
    ;;
esac
