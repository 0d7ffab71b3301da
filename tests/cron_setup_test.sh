#!/usr/bin/env bash
# Tests of scripts/setup_cron_jobs.sh and scripts/trendyol-cron-monitor with Debian's cron and
# logrotate, against a temporary crontab file, logrotate directory, bin directory and log
# directory (nothing of the system's is touched, except a crontab for `nobody` that exists only
# during one test). Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
SETUP=$ROOT/scripts/setup_cron_jobs.sh
MONITOR=$ROOT/scripts/trendyol-cron-monitor
TMP=$(mktemp -d)
# logrotate switches to the cron user (`su`) before it looks at the logs, so that user must be
# able to reach them.
chmod 0755 "$TMP"
nobody_crontab=0

cleanup() {
  if [ "$nobody_crontab" = 1 ]; then crontab -u nobody -r 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=tests/lib.sh
source tests/lib.sh  # the scripts run from the repository root
skip() { echo "skip $1 ($2)"; }

JOBS=(trendyol_sync product_sync order_sync stock_sync webhook_processor maintenance)
if id -u www-data >/dev/null 2>&1; then USER_=www-data; else USER_=nobody; fi
GROUP_=$(id -gn "$USER_")
PHP=$(command -v php || echo /usr/bin/php)
OC=$TMP/opencart
mkdir -p "$OC/system/library/meschain/cron"
echo "<?php define('DB_PREFIX', 'oc_');" >"$OC/config.php"
for job in "${JOBS[@]}"; do echo "<?php // $job" >"$OC/system/library/meschain/cron/$job.php"; done
CRONTAB=$TMP/crontab
USER_LINE="17 3 * * * /usr/local/bin/backup-shop --quiet"
printf '%s\n' "# the shop's own jobs" "$USER_LINE" >"$CRONTAB"
ARGS=(--opencart "$OC" --php-path "$PHP" --cron-user "$USER_" --log-dir "$TMP/logs"
      --crontab-file "$CRONTAB" --logrotate-dir "$TMP/logrotate.d" --bin-dir "$TMP/bin")
LR=$TMP/logrotate.d/meschain-trendyol
BEGIN_MARK="# BEGIN MesChain Trendyol"

# The documented crontab block, with this test's paths.
expected_block() {
  cat <<EOF
*/15 * * * * $PHP $OC/system/library/meschain/cron/trendyol_sync.php --log-dir=$TMP/logs >> $TMP/logs/trendyol_sync.cron.log 2>&1
0 * * * * $PHP $OC/system/library/meschain/cron/product_sync.php --log-dir=$TMP/logs >> $TMP/logs/product_sync.cron.log 2>&1
*/10 * * * * $PHP $OC/system/library/meschain/cron/order_sync.php --log-dir=$TMP/logs >> $TMP/logs/order_sync.cron.log 2>&1
*/30 * * * * $PHP $OC/system/library/meschain/cron/stock_sync.php --log-dir=$TMP/logs >> $TMP/logs/stock_sync.cron.log 2>&1
*/5 * * * * $PHP $OC/system/library/meschain/cron/webhook_processor.php --log-dir=$TMP/logs >> $TMP/logs/webhook_processor.cron.log 2>&1
17 3 * * * $PHP $OC/system/library/meschain/cron/maintenance.php --log-dir=$TMP/logs >> $TMP/logs/maintenance.cron.log 2>&1
5 * * * * $TMP/bin/trendyol-cron-monitor --log-dir $TMP/logs --php-path $PHP --opencart $OC > /dev/null 2>> $TMP/logs/monitor.cron.log
EOF
}
block_of() { sed -n "/^$BEGIN_MARK\$/,/^# END MesChain Trendyol\$/p" "$1"; }

scripts_are_clean() {
  bash -n "$SETUP" && bash -n "$MONITOR" || return 1
  # This file's `a && b || fail` lines are deliberate; warnings and errors still count.
  if command -v shellcheck >/dev/null; then shellcheck "$SETUP" "$MONITOR" && shellcheck -S warning "$0"; else echo "(shellcheck not installed; bash -n only)"; fi
}

dry_run_writes_nothing() {
  local before; before=$(cat "$CRONTAB")
  "$SETUP" "${ARGS[@]}" --dry-run >"$TMP/dry.out" 2>"$TMP/dry.err" || { cat "$TMP/dry.err"; return 1; }
  for p in logs logrotate.d bin; do [ ! -e "$TMP/$p" ] || { echo "dry run created $TMP/$p"; return 1; }; done
  [ "$(cat "$CRONTAB")" = "$before" ] || { echo "dry run changed the crontab"; return 1; }
  grep -qxF "would write $CRONTAB:" "$TMP/dry.out" &&
  grep -qxF "would write $LR (mode 0644):" "$TMP/dry.out" &&
  grep -qxF "would run: install -m 0755 $ROOT/scripts/trendyol-cron-monitor $TMP/bin/trendyol-cron-monitor" "$TMP/dry.out" &&
  grep -qxF "would run: mkdir -p $TMP/logs" "$TMP/dry.out"
}

install_into_temp_dirs() {
  "$SETUP" "${ARGS[@]}" || return 1
  [ -f "$LR" ] && [ -x "$TMP/bin/trendyol-cron-monitor" ] && [ -d "$TMP/logs" ] || { echo "files missing"; return 1; }
  cmp "$TMP/bin/trendyol-cron-monitor" "$MONITOR" || return 1
  [ "$(stat -c %a "$TMP/logs")" = 750 ] || { echo "log dir mode $(stat -c %a "$TMP/logs")"; return 1; }
  if [ "$(id -u)" = 0 ]; then
    [ "$(stat -c %U:%G "$TMP/logs")" = "$USER_:$GROUP_" ] || { echo "log dir owner $(stat -c %U:%G "$TMP/logs")"; return 1; }
  fi
  # The documented lines, exactly, between the markers.
  diff <(expected_block) <(block_of "$CRONTAB" | grep -v '^#') || return 1
  grep -qxF "$USER_LINE" "$CRONTAB" || { echo "the user's own line is gone"; return 1; }
}

dry_run_prints_what_install_wrote() {
  # Same arguments, so the dry run's crontab and logrotate file are the installed ones verbatim.
  local dry; dry=$(cat "$TMP/dry.out")$'\n'
  [[ $dry == *"would write $CRONTAB:"$'\n'"$(cat "$CRONTAB")"$'\n'* ]] || { echo "crontab differs"; return 1; }
  [[ $dry == *"would write $LR (mode 0644):"$'\n'"$(cat "$LR")"$'\n'* ]] || { echo "logrotate file differs"; return 1; }
}

twice_leaves_one_block() {
  cp "$CRONTAB" "$TMP/crontab.first"
  "$SETUP" "${ARGS[@]}" >/dev/null 2>&1 || return 1
  "$SETUP" "${ARGS[@]}" >/dev/null 2>&1 || return 1
  [ "$(grep -cxF "$BEGIN_MARK" "$CRONTAB")" = 1 ] && [ "$(grep -cxF "# END MesChain Trendyol" "$CRONTAB")" = 1 ] || { cat "$CRONTAB"; return 1; }
  cmp "$CRONTAB" "$TMP/crontab.first" || { diff "$TMP/crontab.first" "$CRONTAB"; return 1; }
}

options_change_the_block() {
  # A second install with other options replaces the block rather than adding one.
  local ext=$TMP/ext/meschain.so
  "$SETUP" "${ARGS[@]}" --extension "$ext" --alert-email ops@example.test --max-age product_sync=0 >/dev/null 2>&1 || return 1
  [ "$(grep -cxF "$BEGIN_MARK" "$CRONTAB")" = 1 ] &&
  grep -qF "$PHP -d extension=$ext $OC/system/library/meschain/cron/order_sync.php" "$CRONTAB" &&
  grep -qF -- "--log-dir $TMP/logs --php-path $PHP --opencart $OC --extension $ext --alert-email ops@example.test --max-age product_sync=0 >" "$CRONTAB" || { cat "$CRONTAB"; return 1; }
  "$SETUP" "${ARGS[@]}" >/dev/null 2>&1 && cmp "$CRONTAB" "$TMP/crontab.first"
}

crontab_block_syntax() {
  local line n=0 f
  while IFS= read -r line; do
    case "$line" in ""|"#"*) continue ;; esac
    n=$((n + 1))
    read -r -a f <<<"$line"
    [ ${#f[@]} -ge 6 ] || { echo "too few fields: $line"; return 1; }
    for i in 0 1 2 3 4; do
      [[ ${f[$i]} =~ ^(\*|[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*)(/[0-9]+)?$ ]] || { echo "bad time field '${f[$i]}': $line"; return 1; }
    done
    [[ ${f[5]} == /* ]] || { echo "command is not an absolute path: $line"; return 1; }
    [[ $line != *%* ]] || { echo "unescaped % (cron turns it into a newline): $line"; return 1; }
  done < <(block_of "$CRONTAB")
  [ "$n" = 7 ] || { echo "want 7 entries, got $n"; return 1; }
}

real_crontab_accepts_it() {
  # Debian's crontab(1) checks every line before it installs a crontab.
  crontab -u nobody -l >/dev/null 2>&1 && { echo "(nobody has a crontab already; not touching it)"; return 0; }
  nobody_crontab=1
  "$SETUP" --opencart "$OC" --php-path "$PHP" --cron-user nobody --log-dir "$TMP/logs-nobody" \
    --logrotate-dir "$TMP/lr-nobody" --bin-dir "$TMP/bin-nobody" >/dev/null || return 1
  crontab -u nobody -l | grep -xF "$BEGIN_MARK" >/dev/null || { echo "block not in nobody's crontab"; return 1; }
  "$SETUP" --cron-user nobody --logrotate-dir "$TMP/lr-nobody" --bin-dir "$TMP/bin-nobody" --uninstall >/dev/null || return 1
  # Nothing else was in it, so the crontab is gone rather than left empty.
  ! crontab -u nobody -l >/dev/null 2>&1 || { echo "nobody still has a crontab"; return 1; }
  nobody_crontab=0
}

logrotate_accepts_config() {
  grep -qxF "$TMP/logs/*.log {" "$LR" || return 1
  for d in daily "rotate 30" compress delaycompress missingok notifempty "create 0640 $USER_ $GROUP_" "su $USER_ $GROUP_"; do
    grep -qxF "    $d" "$LR" || { echo "missing '$d'"; return 1; }
  done
  logrotate -d -s "$TMP/logrotate.state" "$LR" 2>&1 || return 1
  # A forced rotation really rotates: yesterday's file stays plain, the one before is compressed.
  echo "2026-01-01T00:00:00.000Z INFO  run=1 test: one" >"$TMP/logs/order_sync.log"
  logrotate -f -s "$TMP/logrotate.state" "$LR" || return 1
  echo "2026-01-02T00:00:00.000Z INFO  run=2 test: two" >>"$TMP/logs/order_sync.log"
  logrotate -f -s "$TMP/logrotate.state" "$LR" || return 1
  [ -f "$TMP/logs/order_sync.log.1" ] && [ -f "$TMP/logs/order_sync.log.2.gz" ] && [ -f "$TMP/logs/order_sync.log" ] ||
    { ls -l "$TMP/logs"; return 1; }
  rm -f "$TMP/logs"/order_sync.log*
}

uninstall_keeps_the_users_lines() {
  "$SETUP" --cron-user "$USER_" --log-dir "$TMP/logs" --crontab-file "$CRONTAB" \
    --logrotate-dir "$TMP/logrotate.d" --bin-dir "$TMP/bin" --uninstall || return 1
  diff <(printf '%s\n' "# the shop's own jobs" "$USER_LINE") "$CRONTAB" || return 1
  [ ! -e "$LR" ] && [ ! -e "$TMP/bin/trendyol-cron-monitor" ] || { echo "logrotate file or monitor left"; return 1; }
  [ -d "$TMP/logs" ] || { echo "logs were removed"; return 1; }
  # Again: nothing to remove is fine.
  local out
  out=$("$SETUP" --cron-user "$USER_" --crontab-file "$CRONTAB" --logrotate-dir "$TMP/logrotate.d" --bin-dir "$TMP/bin" --uninstall) &&
    grep -q "no MesChain block" <<<"$out"
}

unterminated_block_is_refused() {
  printf '%s\n' "$USER_LINE" "$BEGIN_MARK" "*/5 * * * * /bin/true" "1 1 * * * /usr/local/bin/after" >"$TMP/broken"
  cp "$TMP/broken" "$TMP/broken.orig"
  "$SETUP" --cron-user "$USER_" --crontab-file "$TMP/broken" --logrotate-dir "$TMP/lr-broken" --bin-dir "$TMP/bin-broken" --uninstall 2>&1
  [ $? = 1 ] || { echo "want exit 1"; return 1; }
  cmp "$TMP/broken" "$TMP/broken.orig"
}

bad_usage_exits_2() {
  local out
  out=$("$SETUP" --crontab-file "$TMP/x" 2>&1); [ $? = 2 ] && grep -q -- "--opencart" <<<"$out" || { echo "no --opencart: $out"; return 1; }
  out=$("$SETUP" --opencart "$TMP/nowhere" 2>&1); [ $? = 2 ] && grep -q "config.php not found" <<<"$out" || { echo "bad --opencart: $out"; return 1; }
  out=$("$SETUP" --frobnicate 2>&1); [ $? = 2 ] && grep -q "unknown option --frobnicate" <<<"$out" || { echo "unknown option: $out"; return 1; }
  out=$("$SETUP" --opencart "$OC" --log-dir 'relative/logs' 2>&1); [ $? = 2 ] && grep -q "absolute path" <<<"$out" || { echo "relative log dir: $out"; return 1; }
  out=$("$SETUP" --opencart "$OC" --log-dir '/var/log/a%b' 2>&1); [ $? = 2 ] || { echo "% in path: $out"; return 1; }
  out=$("$SETUP" --opencart "$OC" --log-dir /var/log 2>&1); [ $? = 2 ] || { echo "/var/log as log dir: $out"; return 1; }
  out=$("$SETUP" --opencart "$OC" --php-path 2>&1); [ $? = 2 ] && grep -q "needs a value" <<<"$out" || { echo "missing value: $out"; return 1; }
  out=$("$SETUP" --opencart "$OC" --max-age nojob=5 2>&1); [ $? = 2 ] || { echo "bad --max-age: $out"; return 1; }
  "$SETUP" --help | grep -- "--crontab-file" >/dev/null || { echo "--help"; return 1; }
  out=$("$MONITOR" --bogus 2>&1); [ $? = 2 ] && grep -q "unknown argument --bogus" <<<"$out" || { echo "monitor --bogus: $out"; return 1; }
  out=$("$MONITOR" --window x 2>&1); [ $? = 2 ] || { echo "monitor --window x: $out"; return 1; }
  out=$(MESCHAIN_MAX_AGE_ORDER_SYNC=soon "$MONITOR" --log-dir "$TMP" 2>&1); [ $? = 2 ] || { echo "monitor bad env: $out"; return 1; }
}

not_root_needs_writable_paths() {
  # The default targets (/etc/logrotate.d, /usr/local/bin, www-data's crontab) need root.
  runuser -u nobody -- bash "$SETUP" --opencart "$OC" --php-path "$PHP" >"$TMP/nonroot.out" 2>&1
  [ $? = 1 ] && grep -q "run as root" "$TMP/nonroot.out" || { cat "$TMP/nonroot.out"; return 1; }
}

# --- the monitor ---
M=$TMP/mlogs
fresh_logs() {
  rm -rf "$M"; mkdir -p "$M"
  for job in "${JOBS[@]}"; do
    echo "$(date -u +%Y-%m-%dT%H:%M:%S.000Z) INFO  run=1 meschain_engine::jobs: $job finished" >"$M/$job.log"
  done
}
LINE_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z (INFO |WARN |ERROR) trendyol-cron-monitor: '

monitor_quiet_when_fresh_and_clean() {
  fresh_logs
  # An old ERROR is outside the last hour.
  echo "$(date -u -d '-3 hours' +%Y-%m-%dT%H:%M:%S.000Z) ERROR run=1 meschain_engine::jobs: long ago" >>"$M/order_sync.log"
  local out; out=$("$MONITOR" --log-dir "$M") || { echo "exit $?: $out"; return 1; }
  [ -z "$out" ] || { echo "printed: $out"; return 1; }
  [ "$(wc -l <"$M/monitor.log")" = 1 ] && grep -qE "${LINE_RE}ok: " "$M/monitor.log" || { cat "$M/monitor.log"; return 1; }
}

monitor_reports_stale_log() {
  fresh_logs
  touch -d '3 hours ago' "$M/order_sync.log"
  local out; out=$("$MONITOR" --log-dir "$M"); [ $? = 1 ] || { echo "want exit 1"; return 1; }
  grep -q "order_sync.log last written 18[0-9] min ago (limit 20 min)" <<<"$out" || { echo "$out"; return 1; }
  grep -qE "${LINE_RE//(INFO |WARN |ERROR)/ERROR}order_sync.log last written" "$M/monitor.log" || { cat "$M/monitor.log"; return 1; }
  grep -q "no alert e-mail address set" "$M/monitor.log" || return 1
  # A job switched off is not checked; a generous limit from the environment is honoured.
  "$MONITOR" --log-dir "$M" --max-age order_sync=0 >/dev/null || { echo "--max-age order_sync=0 still fails"; return 1; }
  MESCHAIN_MAX_AGE_ORDER_SYNC=240 "$MONITOR" --log-dir "$M" >/dev/null || { echo "env limit ignored"; return 1; }
  rm "$M/stock_sync.log"
  out=$("$MONITOR" --log-dir "$M" --max-age order_sync=0); [ $? = 1 ] && grep -q "stock_sync.log is missing" <<<"$out" || { echo "missing log: $out"; return 1; }
}

monitor_reports_recent_error() {
  fresh_logs
  local long; long=$(printf 'x%.0s' $(seq 1 500))
  echo "$(date -u -d '-5 min' +%Y-%m-%dT%H:%M:%S.000Z) ERROR run=9 meschain_engine::trendyol: order 42 rejected $long" >>"$M/stock_sync.log"
  local out; out=$("$MONITOR" --log-dir "$M"); [ $? = 1 ] || { echo "want exit 1"; return 1; }
  grep -q "stock_sync.log: 1 ERROR line(s) in the last 60 min; last: .*order 42 rejected x*\.\.\.$" <<<"$out" || { echo "$out"; return 1; }
  # Quoted lines are cut short.
  [ "$(awk '{ print length }' <<<"$out" | sort -n | tail -1)" -lt 320 ] || { echo "line not truncated"; return 1; }
  grep -qE "${LINE_RE//(INFO |WARN |ERROR)/ERROR}stock_sync.log: 1 ERROR" "$M/monitor.log"
}

monitor_sends_mail() {
  fresh_logs
  touch -d '3 hours ago' "$M/webhook_processor.log"
  mkdir -p "$TMP/fakebin"
  # A stand-in sendmail that keeps the message.
  printf '#!/bin/sh\necho "ARGS: $*" >"%s"\ncat >>"%s"\n' "$TMP/mail.out" "$TMP/mail.out" >"$TMP/fakebin/sendmail"
  chmod +x "$TMP/fakebin/sendmail"
  PATH="$TMP/fakebin:$PATH" "$MONITOR" --log-dir "$M" --alert-email ops@example.test >/dev/null; [ $? = 1 ] || return 1
  grep -q "^ARGS: -oi -- ops@example.test$" "$TMP/mail.out" &&
  grep -q "^To: ops@example.test$" "$TMP/mail.out" &&
  grep -q "^Subject: MesChain Trendyol cron: 1 problem(s) on " "$TMP/mail.out" &&
  grep -q "webhook_processor.log last written" "$TMP/mail.out" &&
  grep -q "alert e-mail sent to ops@example.test" "$M/monitor.log" || { cat "$TMP/mail.out" "$M/monitor.log"; return 1; }
  # The address may come from the environment too.
  rm -f "$TMP/mail.out"
  MESCHAIN_ALERT_EMAIL=ops@example.test PATH="$TMP/fakebin:$PATH" "$MONITOR" --log-dir "$M" >/dev/null
  grep -q "^To: ops@example.test$" "$TMP/mail.out"
}

monitor_says_when_it_cannot_mail() {
  fresh_logs
  touch -d '3 hours ago' "$M/webhook_processor.log"
  "$MONITOR" --log-dir "$M" --alert-email ops@example.test >/dev/null; [ $? = 1 ] || return 1
  grep -q "alert e-mail NOT sent: no sendmail or mail command" "$M/monitor.log" || { cat "$M/monitor.log"; return 1; }
}

paths_agree_everywhere() {
  # One install with every path flag: the crontab, logrotate, the monitor's command line and the
  # worker's unit must all name the same log directory, PHP and cron user, and the monitor must
  # take the alert address and the switched-off jobs from the settings (through the module's
  # bin/meschain.php, here a stand-in that records how it was called).
  local d=$TMP/agree logs=$TMP/agree/var-logs
  mkdir -p "$d" "$OC/system/library/meschain/bin"
  cat >"$OC/system/library/meschain/bin/meschain.php" <<'PHP'
<?php
file_put_contents(getenv('AGREE_ARGS'), implode("\n", array_slice($argv, 1)) . "\n");
echo "alert_email=owner@example.test\nlog_dir=/elsewhere\nmax_age_product_sync=0\nmax_age_maintenance=0\n";
PHP
  printf '%s\n' "$USER_LINE" >"$d/crontab"
  "$SETUP" --opencart "$OC" --php-path "$PHP" --cron-user "$USER_" --log-dir "$logs" \
    --crontab-file "$d/crontab" --logrotate-dir "$d/lr" --bin-dir "$d/bin" --unit-dir "$d/units" >/dev/null || return 1
  local line n=0
  while IFS= read -r line; do
    case "$line" in ""|"#"*) continue ;; esac
    n=$((n + 1))
    if [[ $line == *trendyol-cron-monitor* ]]; then
      [[ $line == *"--log-dir $logs --php-path $PHP --opencart $OC "* ]] || { echo "monitor line: $line"; return 1; }
    else
      [[ $line == *" $PHP $OC/system/library/meschain/cron/"*".php --log-dir=$logs >> $logs/"*".cron.log 2>&1" ]] || { echo "job line: $line"; return 1; }
    fi
  done < <(block_of "$d/crontab")
  [ "$n" = 7 ] || { echo "want 7 entries, got $n"; return 1; }
  grep -qE "^17 3 \* \* \* $PHP $OC/system/library/meschain/cron/maintenance.php --log-dir=$logs " "$d/crontab" || { echo "no maintenance line"; return 1; }
  grep -qxF "$logs/*.log {" "$d/lr/meschain-trendyol" && grep -qxF "    su $USER_ $GROUP_" "$d/lr/meschain-trendyol" || { cat "$d/lr/meschain-trendyol"; return 1; }
  local unit=$d/units/meschain-worker.service
  for want in "User=$USER_" "Group=$GROUP_" "Environment=OPENCART=$OC" "Environment=PHP=$PHP" "Environment=LOG_DIR=$logs" "ReadWritePaths=$logs"; do
    grep -qxF "$want" "$unit" || { echo "unit lacks $want"; cat "$unit"; return 1; }
  done
  grep -q 'worker.php" --opencart="$OPENCART" --log-dir="$LOG_DIR"' "$unit" || { echo "unit ExecStart"; return 1; }
  # The monitor exactly as cron runs it, with a stand-in sendmail.
  local cmd
  cmd=$(block_of "$d/crontab" | grep trendyol-cron-monitor | cut -d' ' -f6- | sed 's/ > .*//')
  mkdir -p "$d/fakebin"
  printf '#!/bin/sh\necho "ARGS: $*" >"%s"\ncat >>"%s"\n' "$d/mail.out" "$d/mail.out" >"$d/fakebin/sendmail"
  chmod +x "$d/fakebin/sendmail"
  # shellcheck disable=SC2086  # the crontab's command line, split as /bin/sh splits it
  AGREE_ARGS=$d/args PATH="$d/fakebin:$PATH" $cmd >"$d/monitor.out"; [ $? = 1 ] || { echo "monitor: want exit 1"; return 1; }
  grep -qxF "monitor-settings" "$d/args" && grep -qxF -- "--opencart=$OC" "$d/args" && grep -qxF -- "--log-dir=$logs" "$d/args" || { cat "$d/args"; return 1; }
  [ -f "$logs/monitor.log" ] || { echo "monitor.log not in $logs"; return 1; }
  grep -q "order_sync.log is missing" "$d/monitor.out" || { cat "$d/monitor.out"; return 1; }
  ! grep -q "product_sync.log\|maintenance.log" "$d/monitor.out" || { echo "switched-off job checked"; cat "$d/monitor.out"; return 1; }
  grep -q "^To: owner@example.test$" "$d/mail.out" || { echo "no mail to the settings' address"; cat "$d/mail.out"; return 1; }
  # A flag still wins over the settings.
  # shellcheck disable=SC2086
  AGREE_ARGS=$d/args PATH="$d/fakebin:$PATH" $cmd --alert-email ops@example.test --max-age product_sync=60 >"$d/monitor.out"
  grep -q "^To: ops@example.test$" "$d/mail.out" && grep -q "product_sync.log is missing" "$d/monitor.out" || { cat "$d/monitor.out" "$d/mail.out"; return 1; }
  rm -f "$OC/system/library/meschain/bin/meschain.php"
}

check "bash -n and shellcheck on the scripts" scripts_are_clean
check "setup_cron_jobs.sh --dry-run writes nothing" dry_run_writes_nothing
check "setup_cron_jobs.sh installs crontab block, log dir, logrotate file and monitor into temp dirs" install_into_temp_dirs
check "--dry-run printed exactly the crontab and logrotate file the install wrote" dry_run_prints_what_install_wrote
check "running it again leaves exactly one block (idempotent)" twice_leaves_one_block
check "--extension, --alert-email and --max-age replace the block" options_change_the_block
check "every crontab entry has 5 time fields and an absolute command" crontab_block_syntax
check "--log-dir, --php-path and --cron-user agree in crontab, logrotate, monitor and unit; the monitor reads the settings" paths_agree_everywhere
if command -v crontab >/dev/null && [ "$(id -u)" = 0 ] && id -u nobody >/dev/null 2>&1; then
  check "crontab -u: Debian's crontab accepts the block; uninstall removes the crontab" real_crontab_accepts_it
else
  skip "crontab -u install" "needs root and Debian's cron (apt-get install cron)"
fi
if command -v logrotate >/dev/null; then
  check "logrotate -d accepts the config, and a forced rotation rotates and compresses" logrotate_accepts_config
else
  skip "logrotate -d accepts the config" "logrotate not installed (apt-get install logrotate)"
fi
check "--uninstall removes block, logrotate file and monitor; the user's lines stay" uninstall_keeps_the_users_lines
check "a BEGIN marker without END is refused, crontab untouched" unterminated_block_is_refused
check "bad usage exits 2 with a message" bad_usage_exits_2
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null && runuser -u nobody -- test -r "$SETUP" -a -r "$OC/config.php" 2>/dev/null; then
  check "without root, system paths are refused (exit 1)" not_root_needs_writable_paths
else
  skip "without root, system paths are refused" "needs root, runuser and a repository readable by nobody"
fi
check "monitor: fresh, clean logs: exit 0, nothing printed, one INFO line" monitor_quiet_when_fresh_and_clean
check "monitor: a log 3 hours old is reported (exit 1)" monitor_reports_stale_log
check "monitor: a recent ERROR line is reported, truncated" monitor_reports_recent_error
check "monitor: findings are e-mailed through sendmail" monitor_sends_mail
if ! PATH=$PATH:/usr/sbin:/sbin:/usr/lib command -v sendmail >/dev/null && ! command -v mail >/dev/null; then
  check "monitor: without sendmail or mail it says so in monitor.log" monitor_says_when_it_cannot_mail
else
  skip "monitor without a mail command" "this machine has sendmail or mail"
fi

summary
