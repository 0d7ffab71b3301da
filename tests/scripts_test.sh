#!/usr/bin/env bash
# Tests of the shell-facing pieces with the real PHP and the built extension:
# scripts/install-extension.sh and php/bin/meschain.php. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SO=$ROOT/target/release/libmeschain.so
TMP=$(mktemp -d)
DB="meschain_t_scripts_$$"

cleanup() {
  mariadb -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=tests/lib.sh
source tests/lib.sh  # the scripts run from the repository root

version_prints() {
  local v; v=$(php -d "extension=$SO" -r 'echo MesChain\Engine::version();')
  [[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "got: $v"; return 1; }
}

install_into_temp_dirs() {
  scripts/install-extension.sh --so "$SO" --ext-dir "$TMP/ext" --ini-dir "$TMP/conf.d" &&
  PHP_INI_SCAN_DIR="$TMP/conf.d" php -m | grep -qx meschain &&
  # Idempotent: a second run leaves one ini and a working module.
  scripts/install-extension.sh --so "$SO" --ext-dir "$TMP/ext" --ini-dir "$TMP/conf.d" &&
  [ "$(ls "$TMP/conf.d" | wc -l)" = 1 ] &&
  PHP_INI_SCAN_DIR="$TMP/conf.d" php -r 'exit(extension_loaded("meschain") ? 0 : 1);'
}

install_dry_run_writes_nothing() {
  local out; out=$(scripts/install-extension.sh --so "$SO" --ext-dir "$TMP/dry-ext" --ini-dir "$TMP/dry-conf" --dry-run) &&
  grep -q "would write $TMP/dry-conf/30-meschain.ini" <<<"$out" &&
  [ ! -e "$TMP/dry-ext" ] && [ ! -e "$TMP/dry-conf" ]
}

uninstall_removes_it() {
  scripts/install-extension.sh --ext-dir "$TMP/ext" --ini-dir "$TMP/conf.d" --uninstall &&
  ! PHP_INI_SCAN_DIR="$TMP/conf.d" php -m | grep -qx meschain &&
  [ ! -e "$TMP/ext/meschain.so" ]
}

cli_migrate_and_status() {
  mariadb -h127.0.0.1 -uroot -e "CREATE DATABASE \`$DB\`" || return 1
  cat > "$TMP/config.php" <<PHP
<?php
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', '127.0.0.1');
define('DB_USERNAME', 'root');
define('DB_PASSWORD', '');
define('DB_DATABASE', '$DB');
define('DB_PORT', '3306');
define('DB_PREFIX', 'oc_');
PHP
  php -d "extension=$SO" php/bin/meschain.php migrate --opencart="$TMP/config.php" | grep -q "applied: 1" &&
  php -d "extension=$SO" php/bin/meschain.php migrate --opencart="$TMP/config.php" | grep -q "applied: none" &&
  php -d "extension=$SO" php/bin/meschain.php status --opencart="$TMP/config.php" | grep -q "oc_trendyol_sync_queue *present" &&
  php -d "extension=$SO" php/bin/meschain.php status --json --opencart="$TMP/config.php" | php -r 'exit(json_decode(stream_get_contents(STDIN), true)["schema_version"] >= 1 ? 0 : 1);'
}

cli_exit_codes() {
  php -d "extension=$SO" php/bin/meschain.php status >/dev/null 2>&1; [ $? = 2 ] || { echo "no --opencart: want 2"; return 1; }
  php -d "extension=$SO" php/bin/meschain.php status --opencart=/nonexistent/config.php >/dev/null 2>&1; [ $? = 1 ] || { echo "missing file: want 1"; return 1; }
  php php/bin/meschain.php version >/dev/null 2>&1; [ $? = 3 ] || { echo "no extension: want 3"; return 1; }
  php -d "extension=$SO" php/bin/meschain.php frobnicate --opencart="$TMP/config.php" >/dev/null 2>&1; [ $? = 2 ] || { echo "unknown command: want 2"; return 1; }
}

php_files_lint() {
  local bad=0
  while IFS= read -r f; do php -l "$f" >/dev/null || { echo "php -l failed: $f"; bad=1; }; done < <(git ls-files '*.php'; find php opencart-module -name '*.php' 2>/dev/null)
  [ $bad = 0 ]
}

stubs_match_the_extension() {
  diff <(php -d "extension=$SO" tests/stubs_check.php ext) <(php tests/stubs_check.php stubs)
}

check "php -r prints MesChain\\Engine::version()" version_prints
check "install-extension.sh into a conf.d makes php -m list meschain (twice)" install_into_temp_dirs
check "install-extension.sh --dry-run writes nothing" install_dry_run_writes_nothing
check "install-extension.sh --uninstall removes it" uninstall_removes_it
check "meschain.php migrate and status through config.php" cli_migrate_and_status
check "meschain.php exit codes" cli_exit_codes
check "php -l on every PHP file" php_files_lint
check "php/meschain.stubs.php matches the extension (scripts/stubs.sh regenerates it)" stubs_match_the_extension

summary
