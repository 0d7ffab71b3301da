#!/usr/bin/env bash
# Checks scripts/meschain-worker.service: `systemd-analyze verify` accepts it where systemd is
# installed, and its keys say what the worker needs (a small parser, everywhere).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib.sh
. "$here/lib.sh"
unit=$here/../scripts/meschain-worker.service

value() { # section key -> the key's values, one a line
  awk -v s="[$1]" -v k="$2" '
    /^\[/ { inside = ($0 == s); next }
    inside && index($0, k "=") == 1 { print substr($0, length(k) + 2) }' "$unit"
}

check "Restart=on-failure" [ "$(value Service Restart)" = on-failure ]
check "KillSignal=SIGTERM" [ "$(value Service KillSignal)" = SIGTERM ]
check "TimeoutStopSec set" [ -n "$(value Service TimeoutStopSec)" ]
check "User=www-data" [ "$(value Service User)" = www-data ]
check "the shop root is an Environment" grep -q '^OPENCART=/' <<<"$(value Service Environment)"
check "ExecStart runs worker.php with --opencart" grep -q 'worker.php" --opencart=' <<<"$(value Service ExecStart)"
check "hardened: NoNewPrivileges" [ "$(value Service NoNewPrivileges)" = yes ]
check "hardened: ProtectSystem=strict" [ "$(value Service ProtectSystem)" = strict ]
check "installable: WantedBy" [ "$(value Install WantedBy)" = multi-user.target ]
check "no unknown section" [ -z "$(grep -E '^\[' "$unit" | grep -vE '^\[(Unit|Service|Install)\]$')" ]

if command -v systemd-analyze >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # verify resolves ExecStart's binary and the unit's user; point it at what exists here.
  cp "$unit" "$tmp/meschain-worker.service"
  out=$(systemd-analyze verify "$tmp/meschain-worker.service" 2>&1)
  # Outside a booted systemd (containers, CI) verify may complain about the manager itself; only
  # lines naming our unit count.
  bad=$(grep -i 'meschain-worker.service' <<<"$out" | grep -viE 'Documentation|file:///' || true)
  check "systemd-analyze verify accepts the unit" [ -z "$bad" ]
  [ -z "$bad" ] || printf '%s\n' "$out" >&2
else
  echo "systemd-analyze not installed: key checks only"
fi
summary
