#!/usr/bin/env bash
# Package test, as an operator meets roomkeys: build the .deb and .rpm packages from this build,
# check their contents and metadata, lint the debs, install the debs for real, run the installed
# server with the installed module, back up and read a key, purge, and check nothing is left.
# The rpm is installed into a scratch root. Needs root (it installs packages on this machine).
set -euo pipefail
# (Output is read whole before grep -q looks at it: a producer cut short by grep's early exit
# would fail the pipeline under pipefail.)
build_dir=$1
out=$(mktemp -d /tmp/roomkeys-packages-XXXXXX)
scratch=$(mktemp -d /tmp/roomkeys-rpmroot-XXXXXX)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  dpkg --purge roomkeys-server roomkeys-module roomkeys-dev >/dev/null 2>&1 || true
  rm -rf "$out" "$scratch"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
check() { echo "ok: $*"; }

[[ $(id -u) -eq 0 ]] || fail "the package test installs packages and must run as root"

echo "== building packages"
(cd "$build_dir" && cpack -G "DEB;RPM" -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log"; fail "cpack"; }
deb() { ls "$out"/$1_*.deb; }
rpmfile() { ls "$out"/$1-*.rpm; }

echo "== deb contents and metadata"
contents=$(dpkg-deb -c "$(deb roomkeys-module)")
grep -q ' ./usr/lib/roomkeys/modules/roomkeys.so$' <<<"$contents" || fail "module path"
grep -q ' ./usr/share/roomkeys/sql/sqlite/0001_initial.sql$' <<<"$contents" || fail "sqlite migrations"
grep -q ' ./usr/share/roomkeys/sql/mysql/0001_initial.sql$' <<<"$contents" || fail "mysql migrations"
grep -q ' ./usr/share/doc/roomkeys-module/copyright$' <<<"$contents" || fail "module copyright"
check "module deb holds roomkeys.so, migrations and docs"
contents=$(dpkg-deb -c "$(deb roomkeys-server)")
for path in ./usr/bin/roomkeys-server ./usr/bin/roomkeys-admin ./usr/share/man/man1/roomkeys-admin.1.gz \
            ./usr/lib/systemd/system/roomkeys-server.service \
            ./etc/roomkeys/roomkeys-server.conf ./usr/share/man/man1/roomkeys-server.1.gz \
            ./usr/share/doc/roomkeys-server/changelog.Debian.gz \
            ./usr/share/doc/roomkeys-server/examples/nginx-roomkeys.conf \
            ./usr/share/doc/roomkeys-server/examples/Caddyfile \
            ./usr/share/doc/roomkeys-server/examples/haproxy-roomkeys.cfg; do
  grep -q " $path\$" <<<"$contents" || fail "server deb lacks $path"
done
check "server deb holds the binary, unit, config, man page, docs and proxy recipes"
contents=$(dpkg-deb -c "$(deb roomkeys-dev)")
grep -q ' ./usr/include/roomkeys/mxm_module.h$' <<<"$contents" || fail "dev header"
grep -q ' ./usr/share/pkgconfig/roomkeys-module.pc$' <<<"$contents" || fail "dev pkg-config"
check "dev deb holds the header and pkg-config file"
info=$(dpkg-deb -I "$(deb roomkeys-server)")
grep -q '^ Depends: .*roomkeys-module (= ' <<<"$info" || fail "server must depend on the module"
grep -q 'libpistache0' <<<"$info" || fail "server shlibdeps"
[[ $(dpkg-deb -f "$(deb roomkeys-server)" Package) == roomkeys-server ]] || fail "name"
conffiles=$(dpkg-deb --ctrl-tarfile "$(deb roomkeys-server)" | tar -xO ./conffiles)
grep -qx /etc/roomkeys/roomkeys-server.conf <<<"$conffiles" || fail "config is not a conffile"
grep -q 'libsoci-mysql4.0' <<<"$(dpkg-deb -f "$(deb roomkeys-module)" Depends)" || fail "module shlibdeps"
check "dependencies computed; the config file is a conffile"

echo "== the module: no SONAME, stripped, one exported symbol"
extract=$out/module-extract
dpkg-deb -x "$(deb roomkeys-module)" "$extract"
so=$extract/usr/lib/roomkeys/modules/roomkeys.so
grep -q SONAME <<<"$(readelf -d "$so")" && fail "module has a SONAME"
grep -q ', stripped' <<<"$(file "$so")" || fail "module is not stripped"
[[ $(nm -D --defined-only "$so" | wc -l) -eq 1 ]] || fail "module exports more than one symbol"
check "module has no SONAME, is stripped and exports one symbol"

echo "== lintian"
lintian --fail-on error "$out"/*.deb || fail "lintian reports errors"
check "lintian: no errors"

echo "== install the debs for real"
dpkg --purge roomkeys-server roomkeys-module roomkeys-dev >/dev/null 2>&1 || true
dpkg -i "$(deb roomkeys-module)" "$(deb roomkeys-server)" "$(deb roomkeys-dev)" >"$out/dpkg.log" 2>&1 ||
  { cat "$out/dpkg.log"; fail "dpkg -i"; }
[[ -x /usr/bin/roomkeys-server && -f /usr/lib/roomkeys/modules/roomkeys.so ]] || fail "installed files"
[[ $(pkg-config --modversion roomkeys-module) == "$(dpkg-deb -f "$(deb roomkeys-dev)" Version | cut -d- -f1)" ]] ||
  fail "pkg-config version"
[[ -f "$(pkg-config --variable=includedir roomkeys-module)/roomkeys/mxm_module.h" ]] ||
  fail "pkg-config includedir"
[[ -f "$(pkg-config --variable=moduledir roomkeys-module)/roomkeys.so" ]] || fail "pkg-config moduledir"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /usr/lib/systemd/system/roomkeys-server.service 2>"$out/verify.log" ||
    { cat "$out/verify.log"; fail "systemd-analyze verify"; }
  check "systemd-analyze verify accepts the unit"
fi
check "debs installed"

echo "== run the installed server with the installed module"
data=$out/data
mkdir -p "$data"
/usr/bin/roomkeys-server --config /etc/roomkeys/roomkeys-server.conf --listen 127.0.0.1:0 \
  --database "sqlite:$data/roomkeys.db" --token pkg-token=@operator:example.org \
  >"$out/server.out" 2>"$out/server.err" &
server_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$out/server.out" && break; sleep 0.1; done
grep -q 'loaded module room_keys .* from /usr/lib/roomkeys/modules/roomkeys.so' "$out/server.err" ||
  { cat "$out/server.err"; fail "the installed server did not load the installed module"; }
base=$(sed -n 's/^listening on //p' "$out/server.out")/_matrix/client/v3
auth="Authorization: Bearer pkg-token"
version=$(curl -sf -H "$auth" -X POST "$base/room_keys/version" \
  -d '{"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{"public_key":"k"}}')
[[ $version == '{"version":"1"}' ]] || fail "create version: $version"
curl -sf -H "$auth" -X PUT "$base/room_keys/keys/%21room%3Aexample.org/session1?version=1" \
  -d '{"first_message_index":0,"forwarded_count":0,"is_verified":true,"session_data":{"ciphertext":"c"}}' >/dev/null ||
  fail "upload"
key=$(curl -sf -H "$auth" "$base/room_keys/keys/!room:example.org/session1?version=1")
[[ $key == *'"ciphertext":"c"'* ]] || fail "read back: $key"
kill "$server_pid"
wait "$server_pid" || fail "the server did not exit 0 on SIGTERM"
server_pid=""
check "installed server backed up and read a key"
/usr/bin/roomkeys-admin --database "sqlite:$data/roomkeys.db" purge-user @operator:example.org \
  >"$out/admin.out" 2>&1 || { cat "$out/admin.out"; fail "installed roomkeys-admin"; }
check "installed roomkeys-admin runs on the server's database"

echo "== purge leaves nothing behind"
dpkg --purge roomkeys-server roomkeys-module roomkeys-dev >"$out/purge.log" 2>&1 ||
  { cat "$out/purge.log"; fail "purge"; }
for path in /usr/bin/roomkeys-server /usr/lib/roomkeys /usr/share/roomkeys /etc/roomkeys \
            /usr/lib/systemd/system/roomkeys-server.service /usr/include/roomkeys \
            /usr/share/doc/roomkeys-server /usr/share/doc/roomkeys-module /var/lib/roomkeys; do
  [[ -e $path ]] && fail "$path is left after purge"
done
grep -q '^ii' <<<"$(dpkg -l 'roomkeys-*' 2>/dev/null)" && fail "packages still installed"
check "purge removed every file, the config and the state directory"

echo "== rpm contents, metadata and a scratch-root install"
grep -qx /usr/lib/roomkeys/modules/roomkeys.so <<<"$(rpm -qpl "$(rpmfile roomkeys-module)")" || fail "rpm module path"
grep -qx /usr/lib/systemd/system/roomkeys-server.service <<<"$(rpm -qpl "$(rpmfile roomkeys-server)")" || fail "rpm unit"
flags=$(rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$(rpmfile roomkeys-server)")
grep -qx '/etc/roomkeys/roomkeys-server.conf cn' <<<"$flags" || fail "rpm config is not %config(noreplace)"
grep -q '^License *: Apache-2.0' <<<"$(rpm -qpi "$(rpmfile roomkeys-server)")" || fail "rpm license"
grep -q '^roomkeys-module = ' <<<"$(rpm -qp --requires "$(rpmfile roomkeys-server)")" || fail "rpm requires"
grep -q 'libsoci_core' <<<"$(rpm -qp --requires "$(rpmfile roomkeys-module)")" || fail "rpm autoreq"
grep -q 'daemon-reload' <<<"$(rpm -qp --scripts "$(rpmfile roomkeys-server)")" || fail "rpm scripts"
rpm --root "$scratch" --initdb
rpm --root "$scratch" -i --nodeps --noscripts "$out"/*.rpm >"$out/rpm.log" 2>&1 ||
  { cat "$out/rpm.log"; fail "rpm --root install"; }
for path in /usr/bin/roomkeys-server /usr/lib/roomkeys/modules/roomkeys.so \
            /etc/roomkeys/roomkeys-server.conf /usr/include/roomkeys/mxm_module.h; do
  [[ -e $scratch$path ]] || fail "rpm scratch root lacks $path"
done
[[ $(rpm --root "$scratch" -qa 'roomkeys-*' | wc -l) -eq 3 ]] || fail "rpm database"
check "rpm layout and %config(noreplace) as expected"

echo "1 passed, 0 failed"
