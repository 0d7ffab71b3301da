#!/usr/bin/env bash
# The main job, as a demo: a generated OpenCart shop on the local MariaDB, the Trendyol sandbox
# on 127.0.0.1, and MesChain run through PHP with the built extension. Safe to run again: the
# demo shop is rebuilt each time. Called by `./run demo` after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SO=$ROOT/target/release/libmeschain.so
VAR=$ROOT/var
SHOP=$VAR/demo-shop
DB=${MESCHAIN_DEMO_DB:-meschain_demo}
PRODUCTS=${MESCHAIN_DEMO_PRODUCTS:-2000}
LOG_DIR=${MESCHAIN_LOG_DIR:-/var/log/trendyol-cron}
php_ext() { php -d "extension=$SO" "$@"; }
step() { printf '\n\033[1m[%s] %s\033[0m\n' "$(date +%H:%M:%S)" "$*"; }
started_ms=$(( $(date +%s%N) / 1000000 ))

mkdir -p "$VAR"
step "creating the demo shop '$DB' ($PRODUCTS products, OpenCart 4.0.2.3 schema)"
"$ROOT/target/release/meschain-tool" shop --db-url "mysql://root@127.0.0.1:3306/$DB" \
  --products "$PRODUCTS" --with-try --config-dir "$SHOP" --recreate

step "starting trendyol-sandbox on 127.0.0.1"
rm -f "$VAR/sandbox.port"
"$ROOT/target/release/trendyol-sandbox" --port 0 --port-file "$VAR/sandbox.port" --seed 42 \
  >"$VAR/sandbox.log" 2>&1 &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$VAR/sandbox.port" ] && break; sleep 0.1; done
[ -s "$VAR/sandbox.port" ] || { echo "the sandbox did not start:"; cat "$VAR/sandbox.log"; exit 1; }
SANDBOX_URL="http://127.0.0.1:$(cat "$VAR/sandbox.port")"
echo "sandbox at $SANDBOX_URL"

step "configuring MesChain in oc_setting (environment sandbox, demo credentials)"
mysql_shop() { mariadb -h127.0.0.1 -uroot "$DB" "$@"; }
mysql_shop <<SQL
DELETE FROM oc_setting WHERE code = 'module_meschain';
INSERT INTO oc_setting (store_id, code, \`key\`, value, serialized) VALUES
 (0, 'module_meschain', 'module_meschain_status', '1', 0),
 (0, 'module_meschain', 'module_meschain_environment', 'sandbox', 0),
 (0, 'module_meschain', 'module_meschain_sandbox_url', '$SANDBOX_URL', 0),
 (0, 'module_meschain', 'module_meschain_seller_id', '1001', 0),
 (0, 'module_meschain', 'module_meschain_api_key', 'demo-api-key', 0),
 (0, 'module_meschain', 'module_meschain_api_secret', 'demo-api-secret', 0),
 (0, 'module_meschain', 'module_meschain_log_dir', '$LOG_DIR', 0);
SQL

step "installing MesChain's tables through PHP (idempotent)"
php_ext php/bin/meschain.php migrate --opencart="$SHOP/config.php"
php_ext php/bin/meschain.php migrate --opencart="$SHOP/config.php"

step "asking Trendyol (the sandbox) what the admin and the order sync will ask"
php_ext scripts/demo_trendyol.php "$SHOP/config.php" "$SANDBOX_URL"

step "status"
php_ext php/bin/meschain.php status --opencart="$SHOP/config.php"

elapsed_ms=$(( $(date +%s%N) / 1000000 - started_ms ))
step "report"
products=$(mysql_shop -N -e "SELECT COUNT(*) FROM oc_product")
api_calls=$(mysql_shop -N -e "SELECT COALESCE(SUM(grants), 0) FROM oc_trendyol_rate_limits WHERE bucket LIKE '%:all:minute'")
tables=$(mysql_shop -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'oc\_trendyol\_%'")
cat <<TXT
  demo shop        $DB ($products products), config at $SHOP/config.php
  MesChain tables  $tables
  sandbox          $SANDBOX_URL
  API calls        $api_calls (shop-wide quota: 600 / min, 36,000 / h)
  logs             $LOG_DIR
  time             $((elapsed_ms / 1000)).$(printf %03d $((elapsed_ms % 1000)))s
TXT
