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
  mariadb -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS \`${DB}_demo\`" 2>/dev/null
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
  # target/release holds the test build: refused without --test-build, nothing written.
  ! scripts/install-extension.sh --so "$SO" --ext-dir "$TMP/ext" --ini-dir "$TMP/conf.d" 2>/dev/null &&
  [ ! -e "$TMP/ext" ] &&
  scripts/install-extension.sh --so "$SO" --ext-dir "$TMP/ext" --ini-dir "$TMP/conf.d" --test-build &&
  PHP_INI_SCAN_DIR="$TMP/conf.d" php -m | grep -x meschain >/dev/null &&
  # Idempotent: a second run leaves one ini and a working module.
  scripts/install-extension.sh --so "$SO" --ext-dir "$TMP/ext" --ini-dir "$TMP/conf.d" --test-build &&
  [ "$(ls "$TMP/conf.d" | wc -l)" = 1 ] &&
  PHP_INI_SCAN_DIR="$TMP/conf.d" php -r 'exit(extension_loaded("meschain") ? 0 : 1);'
}

install_dry_run_writes_nothing() {
  local out; out=$(scripts/install-extension.sh --so "$SO" --ext-dir "$TMP/dry-ext" --ini-dir "$TMP/dry-conf" --dry-run --test-build) &&
  grep -q "would write $TMP/dry-conf/30-meschain.ini" <<<"$out" &&
  [ ! -e "$TMP/dry-ext" ] && [ ! -e "$TMP/dry-conf" ]
}

uninstall_removes_it() {
  scripts/install-extension.sh --ext-dir "$TMP/ext" --ini-dir "$TMP/conf.d" --uninstall &&
  ! PHP_INI_SCAN_DIR="$TMP/conf.d" php -m | grep -x meschain >/dev/null &&
  [ ! -e "$TMP/ext/meschain.so" ]
}

cli_migrate_and_status() {
  mariadb -h127.0.0.1 -uroot -e "CREATE DATABASE \`$DB\`" || return 1
  shop_config "$TMP/config.php" "$DB"
  php -d "extension=$SO" php/bin/meschain.php migrate --opencart="$TMP/config.php" | grep "applied: 1" >/dev/null &&
  php -d "extension=$SO" php/bin/meschain.php migrate --opencart="$TMP/config.php" | grep "applied: none" >/dev/null &&
  php -d "extension=$SO" php/bin/meschain.php status --opencart="$TMP/config.php" | grep "oc_trendyol_sync_queue *present" >/dev/null &&
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

# The main job on a small shop: every step reaches its end and the report adds up.
demo_runs_the_whole_job() {
  local out
  out=$(MESCHAIN_DEMO_DB="${DB}_demo" MESCHAIN_DEMO_PRODUCTS=300 MESCHAIN_DEMO_VAR="$TMP/demo" \
    MESCHAIN_LOG_DIR="$TMP/demo-logs" bash scripts/demo.sh 2>&1) || { echo "$out" | tail -30; return 1; }
  grep -q "the 15 edited products, nothing else" <<<"$out" &&
  grep -q "is Invoiced" <<<"$out" &&
  grep -Eq "OpenCart orders +[0-9]+ \(([0-9]+) packages, 0 doubled\)" <<<"$out" &&
  grep -Eq "^  queue +[0-9]+ done$" <<<"$out" &&
  [ -n "$(ls "$TMP/demo-logs")" ] || { echo "$out" | tail -30; return 1; }
}

# Every command-line script refuses when a web server runs it: serve the folders the way a shop
# that exposes them would (PHP's built-in server, its document root holding the scripts) and
# fetch each one. A refusal is a 403 with the message, and no job output.
web_fetched_scripts_refuse() {
  local port=$((20000 + $$ % 20000)) pid out code f bad=0
  mkdir -p "$TMP/www" && cp -r php/cron php/bin scripts "$TMP/www/" || return 1
  php -d "extension=$SO" -S "127.0.0.1:$port" -t "$TMP/www" >"$TMP/www.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  for f in $(cd php && ls cron/*.php) bin/meschain.php scripts/demo.php; do
    [ -f "$TMP/www/$f" ] || { echo "missing $f"; bad=1; continue; }
    out=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$port/$f?--help")
    code=${out##*$'\n'}
    if [ "$code" != 403 ] || ! grep -q "runs from the command line only" <<<"$out" || grep -q "Usage" <<<"$out"; then
      echo "$f answered $code: $out"; bad=1
    fi
  done
  # Every script the repository has is in the list above.
  # Every script the repository has holds the guard, or (a cron job) requires _bootstrap.php,
  # which holds it, as its first statement.
  for f in php/cron/*.php php/bin/*.php scripts/*.php; do
    grep -q "PHP_SAPI !== 'cli'" "$f" && continue
    [ "$(grep -vE "^(<\?php|declare|//|/\*\*| \*|$)" "$f" | head -n 1)" = "require __DIR__ . '/_bootstrap.php';" ] ||
      { echo "$f has no command-line guard"; bad=1; }
  done
  kill "$pid"; wait "$pid" 2>/dev/null
  # From the command line they still work.
  php -d "extension=$SO" php/bin/meschain.php version >/dev/null || { echo "meschain.php version failed on the CLI"; bad=1; }
  php -d "extension=$SO" php/cron/order_sync.php --help | grep -q "Usage" || { echo "order_sync.php --help failed on the CLI"; bad=1; }
  [ $bad = 0 ]
}

# Generated files are what their generator gives today (the packaged cron file comes from the
# engine's job registry).
generated_files_are_current() {
  target/release/meschain-tool cron-file --check packaging/deb/cron
}

check "php -r prints MesChain\\Engine::version()" version_prints
check "packaging/deb/cron is current (meschain-tool cron-file --output regenerates it)" generated_files_are_current
check "install-extension.sh into a conf.d makes php -m list meschain (twice)" install_into_temp_dirs
check "install-extension.sh --dry-run writes nothing" install_dry_run_writes_nothing
check "install-extension.sh --uninstall removes it" uninstall_removes_it
check "meschain.php migrate and status through config.php" cli_migrate_and_status
check "meschain.php exit codes" cli_exit_codes
check "php -l on every PHP file" php_files_lint
check "cron and CLI scripts fetched over the web refuse (403, no job)" web_fetched_scripts_refuse
check "the demo (scripts/demo.sh) runs the whole job on a 300-product shop" demo_runs_the_whole_job
check "php/meschain.stubs.php matches the extension (scripts/stubs.sh regenerates it)" stubs_match_the_extension

summary
