# $1 is 0 on erase, 1 on upgrade.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
  systemctl stop roomkeys-server.service >/dev/null 2>&1 || :
  systemctl disable roomkeys-server.service >/dev/null 2>&1 || :
fi
