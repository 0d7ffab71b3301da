#!/usr/bin/env bash
# The main job, as a demo: a generated OpenCart shop on the local MariaDB, the Trendyol'sandbox
# on 127.0.0.1, the shop's webhook route served by PHP, and MesChain run through PHP with the
# built extension (scripts/demo.php drives the steps and prints the report). Safe to run again:
# the demo shop and the sandbox start afresh each time. Called by `./run demo` after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SO=$ROOT/target/release/libmeschain.so
VAR=${MESCHAIN_DEMO_VAR:-$ROOT/var}
SHOP=$VAR/demo-shop
DB=${MESCHAIN_DEMO_DB:-meschain_demo}
PRODUCTS=${MESCHAIN_DEMO_PRODUCTS:-2000}
LOG_DIR=${MESCHAIN_LOG_DIR:-/var/log/trendyol-cron}
php_ext() { php -d "extension=$SO" "$@"; }
step() { printf '\n\033[1m[%s] %s\033[0m\n' "$(date +%H:%M:%S)" "$*"; }
free_port() { php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];'; }

mkdir -p "$VAR"
# The default log directory; a user who may not create it gets one beside the demo shop.
if ! mkdir -p "$LOG_DIR" 2>/dev/null || [ ! -w "$LOG_DIR" ]; then
  echo "note: $LOG_DIR is not writable by $(id -un); logs go to $VAR/log instead"
  LOG_DIR=$VAR/log
  mkdir -p "$LOG_DIR"
fi

pids=()
# Children first: `php -S` with PHP_CLI_SERVER_WORKERS forks workers that a signal to the server
# alone leaves running.
cleanup() { for pid in "${pids[@]}"; do pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

step "creating the demo shop '$DB' ($PRODUCTS products, OpenCart 4.0.2.3 schema)"
"$ROOT/target/release/meschain-tool" shop --db-url "mysql://root@127.0.0.1:3306/$DB" \
  --products "$PRODUCTS" --with-try --config-dir "$SHOP" --recreate

step "starting trendyol-sandbox on 127.0.0.1 (Trendyol's rate limits on; review takes 3 s)"
rm -f "$VAR/sandbox.port"
"$ROOT/target/release/trendyol-sandbox" --port 0 --port-file "$VAR/sandbox.port" --seed 42 \
  --approval-delay-ms 3000 --batch-delay-ms 500 --reject-share 0.05 --webhook-retry-ms 2000 \
  >"$VAR/sandbox.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$VAR/sandbox.port" ] && break; sleep 0.1; done
[ -s "$VAR/sandbox.port" ] || { echo "the sandbox did not start:"; cat "$VAR/sandbox.log"; exit 1; }
SANDBOX_URL="http://127.0.0.1:$(cat "$VAR/sandbox.port")"
echo "sandbox at $SANDBOX_URL"

step "serving the shop's webhook route with PHP on 127.0.0.1"
hook_port=$(free_port)
MESCHAIN_WEBHOOK_SHOP=$SHOP PHP_CLI_SERVER_WORKERS=2 \
  php -d "extension=$SO" -S "127.0.0.1:$hook_port" php/tests/webhook_router.php >"$VAR/webhook-route.log" 2>&1 &
pids+=($!)
WEBHOOK_URL="http://127.0.0.1:$hook_port/index.php?route=extension/meschain/webhook/trendyol"
for _ in $(seq 1 100); do php -r 'exit(@fsockopen("127.0.0.1", (int) $argv[1]) ? 0 : 1);' "$hook_port" && break; sleep 0.1; done
echo "route at $WEBHOOK_URL"

step "installing MesChain's tables through PHP (twice: the second run changes nothing)"
mariadb -h127.0.0.1 -uroot "$DB" -e "INSERT INTO oc_setting (store_id, code, \`key\`, value, serialized)
  VALUES (0, 'module_meschain', 'module_meschain_log_dir', '$LOG_DIR', 0)"
php_ext php/bin/meschain.php migrate --opencart="$SHOP/config.php"
php_ext php/bin/meschain.php migrate --opencart="$SHOP/config.php"

php_ext scripts/demo.php --shop="$SHOP" --db="$DB" --sandbox="$SANDBOX_URL" \
  --webhook-url="$WEBHOOK_URL" --extension="$SO"

printf '  %-46s %s\n' 'logs' "$LOG_DIR ($(find "$LOG_DIR" -maxdepth 1 -type f | wc -l) files)"
printf '  %-46s %s\n' 'status' "php -d extension=$SO php/bin/meschain.php status --opencart=$SHOP/config.php"
