#!/usr/bin/env bash
# The Debian package on this machine, as a hosting admin uses it: `dpkg -i` the
# dist/meschain_<version>_<arch>.deb (./run release builds it; this test builds it from
# dist/libmeschain.so when it is missing), then PHP lists meschain for the CLI (and PHP-FPM where
# installed), every file lands where the others expect it, and `meschain doctor` judges a fresh
# shop database: problems with their fixes first, none once the shop is configured against the
# sandbox, its webhook registered and a job run. Then `dpkg -r` leaves nothing enabled and
# `dpkg -P` leaves no file. Needs root. Prints "N passed, N failed".
#
# Other tests load the extension with `php -d extension=<path>`: the package is removed again
# whatever happens (trap), and PHP's module list and conf.d links are compared with how they
# were before. Safe to run twice; a package left by an interrupted run is purged first.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
# shellcheck source=tests/lib.sh
source tests/lib.sh

[ "$(id -u)" = 0 ] || { echo "package_test: dpkg -i needs root"; exit 1; }
VERSION=$(scripts/version.sh)
ARCH=$(dpkg --print-architecture)
DEB=${MESCHAIN_DEB:-$ROOT/dist/meschain_${VERSION}_${ARCH}.deb}
SANDBOX_BIN=${MESCHAIN_SANDBOX:-$ROOT/target/release/trendyol-sandbox}
TMP=$(mktemp -d)
DB="meschain_t_package_$$"
SANDBOX_PID=""

php_state() { # what PHP loads and which conf.d links exist: must be the same after the test
  php -m 2>&1
  find /etc/php/8.2 -path '*/conf.d/*' -name '*meschain*' 2>/dev/null | sort
}

cleanup() {
  [ -z "$SANDBOX_PID" ] || kill "$SANDBOX_PID" 2>/dev/null
  dpkg -s meschain >/dev/null 2>&1 && dpkg -P meschain >/dev/null 2>&1
  mariadb -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

if dpkg -s meschain >/dev/null 2>&1; then
  echo "note: purging a meschain package an earlier run left installed"
  dpkg -P meschain >/dev/null
fi
BEFORE=$(php_state)

if [ ! -f "$DEB" ]; then
  [ -f dist/libmeschain.so ] || { echo "package_test: neither $DEB nor dist/libmeschain.so (run ./run release)"; exit 1; }
  bash scripts/build-ocmod.sh dist >/dev/null && bash scripts/build-deb.sh --so dist/libmeschain.so --out dist >/dev/null ||
    { echo "package_test: building the package failed"; exit 1; }
fi
[ -f dist/meschain.ocmod.zip ] || bash scripts/build-ocmod.sh dist >/dev/null

# --- the package itself -------------------------------------------------------------------

control_fields() {
  local control; control=$(dpkg-deb -f "$DEB") || return 1
  grep -qx "Version: $VERSION" <<<"$control" &&
  grep -q "^Depends: .*phpapi-$(basename "$(php-config8.2 --extension-dir)")" <<<"$control" &&
  grep -q "^Depends: .*libc6" <<<"$control" || { printf '%s\n' "$control"; return 1; }
}
check "the package is $VERSION and depends on PHP 8.2's API and libc" control_fields

check "dpkg -i installs it" dpkg -i "$DEB"
check "php -m lists meschain for the CLI" bash -c 'php -m | grep -qx meschain'
check "the CLI loads version $VERSION" test "$(php -r 'echo phpversion("meschain");')" = "$VERSION"
check "phpenmod linked the ini into cli/conf.d" test -L /etc/php/8.2/cli/conf.d/30-meschain.ini
if [ -x /usr/sbin/php-fpm8.2 ]; then
  check "php-fpm8.2 -m lists meschain" bash -c '/usr/sbin/php-fpm8.2 -m | grep -qx meschain'
  check "phpenmod linked the ini into fpm/conf.d" test -L /etc/php/8.2/fpm/conf.d/30-meschain.ini
else
  echo "skip php-fpm8.2 is not installed here"
fi

installed_files() {
  local f
  for f in /usr/bin/meschain /usr/share/meschain/meschain.php /usr/lib/meschain/trendyol-cron-monitor \
           /etc/meschain/meschain.conf /etc/cron.d/meschain /etc/logrotate.d/meschain \
           /lib/systemd/system/meschain-worker.service "$(php-config8.2 --extension-dir)/meschain.so" \
           /usr/share/man/man1/meschain.1.gz /usr/share/doc/meschain/copyright; do
    [ -e "$f" ] || { echo "missing: $f"; return 1; }
  done
  [ -d /var/log/trendyol-cron ] || { echo "no log directory"; return 1; }
}
check "every file is where the others expect it" installed_files

worker_not_enabled() {
  ! find /etc/systemd/system -name meschain-worker.service 2>/dev/null | grep -q . &&
  grep -qx 'ExecStart=/usr/bin/meschain worker' /lib/systemd/system/meschain-worker.service &&
  grep -qx 'ReadWritePaths=/var/log/trendyol-cron' /lib/systemd/system/meschain-worker.service
}
check "the worker's unit is installed, not enabled, and runs meschain worker" worker_not_enabled

# The package's schedule is the one setup_cron_jobs.sh writes into a crontab.
cron_schedules_agree() {
  local entry job schedule
  while IFS= read -r entry; do
    job=${entry%%|*}; schedule=${entry#*|}
    grep -Eq "^$(sed 's/\*/\\*/g' <<<"$schedule") +www-data /usr/bin/meschain cron $job\$" /etc/cron.d/meschain ||
      { echo "/etc/cron.d/meschain lacks '$schedule ... cron $job'"; return 1; }
  done < <(sed -n '/^JOBS=(/,/^)/s/^ *"\(.*\)"$/\1/p' scripts/setup_cron_jobs.sh)
}
check "/etc/cron.d/meschain schedules the jobs as setup_cron_jobs.sh does" cron_schedules_agree
check "logrotate accepts /etc/logrotate.d/meschain" logrotate -d -s "$TMP/logrotate.state" /etc/logrotate.d/meschain
check "the cron jobs stay quiet until OPENCART is set" bash -c '[ -z "$(/usr/bin/meschain cron order_sync 2>&1)" ]'

unconfigured_doctor() {
  local out code
  out=$(/usr/bin/meschain doctor 2>&1); code=$?
  [ "$code" = 1 ] && grep -q "OPENCART" <<<"$out" && grep -Eq "^ok +extension \(cli\)" <<<"$out" || { echo "exit $code"; printf '%s\n' "$out"; return 1; }
}
check "meschain doctor without a shop: exit 1 and the fix names OPENCART" unconfigured_doctor
usage_exit() { /usr/bin/meschain frobnicate >/dev/null 2>&1; [ $? = 2 ]; }
check "an unknown command exits 2" usage_exit

# --- a fresh shop --------------------------------------------------------------------------

make_shop() {
  mariadb -h127.0.0.1 -uroot -e "CREATE DATABASE \`$DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci" &&
  sed 's/{prefix}/oc_/g' engine/src/fixtures/opencart_schema.sql | mariadb -h127.0.0.1 -uroot "$DB" &&
  # The shop's language, lira and default customer group, which a job checks its settings against.
  mariadb -h127.0.0.1 -uroot "$DB" -e "INSERT INTO oc_language (language_id, name, code, locale, extension, sort_order, status) VALUES (1, 'English', 'en-gb', 'en-gb,en', '', 1, 1);
    INSERT INTO oc_currency (currency_id, title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES (1, 'Turkish Lira', 'TRY', '', 'TL', 2, 1, 1, NOW());
    INSERT INTO oc_customer_group (customer_group_id, approval, sort_order) VALUES (1, 0, 1);
    INSERT INTO oc_customer_group_description (customer_group_id, language_id, name, description) VALUES (1, 1, 'Default', '');
    INSERT INTO oc_setting (store_id, code, \`key\`, value, serialized) VALUES (0, 'config', 'config_customer_group_id', '1', 0), (0, 'config', 'config_currency', 'TRY', 0)" || return 1
  mkdir -p "$TMP/shop/extension/meschain" "$TMP/logs"
  shop_config "$TMP/shop/config.php" "$DB" http://127.0.0.1/
  # Where OpenCart's Installer puts the module's install.json.
  unzip -p dist/meschain.ocmod.zip install.json >"$TMP/shop/extension/meschain/install.json" &&
  printf 'OPENCART=%s\nPHP=/usr/bin/php8.2\nLOG_DIR=%s\n' "$TMP/shop" "$TMP/logs" >"$TMP/meschain.conf"
}
check "a fresh shop database and its config" make_shop
export MESCHAIN_CONF=$TMP/meschain.conf

check "meschain migrate creates the tables" bash -c '/usr/bin/meschain migrate | grep -q "applied: 1, "'

fresh_doctor() {
  local out code
  out=$(/usr/bin/meschain doctor 2>&1); code=$?
  printf '%s\n' "$out" >"$TMP/doctor-fresh.txt"
  [ "$code" = 1 ] &&
  grep -Eq "^ok +tables +schema" <<<"$out" &&
  grep -Eq "^ok +module +OpenCart module $VERSION" <<<"$out" &&
  grep -Eq "^fail cron +no job has ever run" <<<"$out" &&
  grep -Eq "^fail webhook" <<<"$out" &&
  grep -Eq "^skip clock +no Trendyol seller id" <<<"$out" &&
  grep -q "fix: " <<<"$out" &&
  ! grep -q $'\033' <<<"$out" || { echo "exit $code"; printf '%s\n' "$out"; return 1; }
}
check "meschain doctor on a fresh shop: exit 1, cron and webhook named with fixes, no colours in a pipe" fresh_doctor

doctor_json() {
  local out; out=$(/usr/bin/meschain doctor --json)
  php -r '
    $d = json_decode(stream_get_contents(STDIN), true);
    $by = array_column($d["checks"], "status", "check");
    exit($d["ok"] === false && $d["problems"] >= 2 && $by["tables"] === "ok" && $by["cron"] === "fail" ? 0 : 1);' <<<"$out" ||
    { printf '%s\n' "$out"; return 1; }
}
check "meschain doctor --json says the same" doctor_json

start_sandbox() {
  [ -x "$SANDBOX_BIN" ] || { echo "no $SANDBOX_BIN (./run build)"; return 1; }
  "$SANDBOX_BIN" --port 0 --port-file "$TMP/sandbox.port" >/dev/null 2>&1 &
  SANDBOX_PID=$!
  for _ in $(seq 1 100); do [ -s "$TMP/sandbox.port" ] && return 0; sleep 0.1; done
  return 1
}
configure_shop() {
  local url key value
  url="http://127.0.0.1:$(cat "$TMP/sandbox.port")"
  for pair in status=1 environment=sandbox "sandbox_url=$url" seller_id=1001 api_key=demo-api-key \
              api_secret=demo-api-secret webhook_auth=basic webhook_username=hook-user \
              webhook_password=Hook-pass-2026-long-enough "log_dir=$TMP/logs"; do
    key=${pair%%=*}; value=${pair#*=}
    mariadb -h127.0.0.1 -uroot "$DB" -e "INSERT INTO oc_setting (store_id, code, \`key\`, value, serialized) VALUES (0, 'module_meschain', 'module_meschain_$key', '$value', 0)" || return 1
  done
}
# Started only now, so the fresh shop's checks above could not reach a Trendyol at all.
start_sandbox
check "the sandbox runs" test -s "$TMP/sandbox.port"
check "the shop's settings point at it" configure_shop

check "meschain register-webhook registers it" bash -c '/usr/bin/meschain register-webhook | grep -q "^status: *active"'
check "meschain run order_sync runs a job" /usr/bin/meschain run order_sync --force

healthy_doctor() {
  local out code
  out=$(/usr/bin/meschain doctor 2>&1); code=$?
  printf '%s\n' "$out" >"$TMP/doctor-healthy.txt"
  [ "$code" = 0 ] && grep -q "no problems found" <<<"$out" &&
  grep -Eq "^ok +webhook +active" <<<"$out" && grep -Eq "^ok +clock" <<<"$out" && grep -Eq "^ok +cron" <<<"$out" ||
    { echo "exit $code"; printf '%s\n' "$out"; return 1; }
}
check "meschain doctor on the configured shop: exit 0, webhook active, clock and cron ok" healthy_doctor

status_json() {
  local out; out=$(/usr/bin/meschain status --json)
  php -r '
    $s = json_decode(stream_get_contents(STDIN), true);
    exit(is_array($s) && isset($s["jobs"]["order_sync"], $s["queue"]["pending"], $s["dead_letters"]["total"], $s["quota"]["calls_per_hour"])
      && $s["jobs"]["order_sync"]["last_run"] !== null && $s["quota"]["calls_today"] > 0 ? 0 : 1);' <<<"$out" ||
    { printf '%s\n' "$out"; return 1; }
}
check "meschain status --json parses: jobs, queue, dead letters, quota" status_json
check "meschain status prints the jobs" bash -c '/usr/bin/meschain status | grep -Eq "^  order_sync +idle"'
check "meschain replay with nothing dead replays nothing" bash -c '/usr/bin/meschain replay | grep -q "^0 dead job"'
unset MESCHAIN_CONF

# --- removal -------------------------------------------------------------------------------

check "dpkg -r removes it" dpkg -r meschain
check "php -m no longer lists meschain" bash -c '! php -m | grep -qx meschain'
check "no conf.d link is left" bash -c '! find /etc/php/8.2 -path "*/conf.d/*" -name "*meschain*" | grep -q .'
check "the unit and the command are gone" bash -c '[ ! -e /lib/systemd/system/meschain-worker.service ] && [ ! -e /usr/bin/meschain ]'
check "the configuration is kept until purge" test -f /etc/meschain/meschain.conf
check "dpkg -P purges it" dpkg -P meschain
no_files_left() {
  local f left=0
  while IFS= read -r f; do
    f=${f#.}
    if [ -n "$f" ] && [ ! -d "$f" ] && [ -e "$f" ]; then echo "left: $f"; left=1; fi
  done < <(dpkg-deb --fsys-tarfile "$DEB" | tar -t)
  for f in /etc/meschain /usr/share/meschain /usr/lib/meschain /etc/php/8.2/mods-available/meschain.ini; do
    [ ! -e "$f" ] || { echo "left: $f"; left=1; }
  done
  find /var/lib/php/modules -name meschain 2>/dev/null | grep . && left=1
  [ "$left" = 0 ]
}
check "dpkg -P leaves no file" no_files_left
check "PHP is as it was before the test" test "$(php_state)" = "$BEFORE"
summary
