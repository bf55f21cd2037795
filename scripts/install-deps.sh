#!/usr/bin/env bash
# Installs what roomkeys needs from Debian 12 packages. `--test` adds what the tests need.
# Runs apt-get only when something is missing, so repeated runs are quick and work offline.
set -euo pipefail

packages=(build-essential cmake pkg-config libpistache-dev libsoci-dev libboost-dev
          nlohmann-json3-dev libspdlog-dev libsqlite3-dev sqlite3 libmariadb-dev libpq-dev
          libcurl4-openssl-dev libssl-dev prometheus-cpp-dev)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libgtest-dev binutils mariadb-server mariadb-client postgresql-15 curl
             dpkg-dev rpm lintian file clang-tidy nginx caddy openssl
             libmicrohttpd-dev clang-16 libfuzzer-16-dev libclang-rt-16-dev
             galera-4 rsync lsof haproxy)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing packages: ${missing[*]} (run as root, or apt-get install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
