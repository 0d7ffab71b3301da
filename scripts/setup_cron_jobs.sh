#!/usr/bin/env bash
# Installs MesChain's Trendyol cron jobs for an OpenCart shop.
#
#   sudo scripts/setup_cron_jobs.sh --opencart /var/www/opencart [--php-path /usr/bin/php8.2]
#        [--cron-user www-data] [--log-dir /var/log/trendyol-cron] [--extension PATH]
#        [--alert-email ADDR] [--max-age JOB=MIN]... [--dry-run] [--uninstall]
#        [--crontab-file PATH] [--logrotate-dir /etc/logrotate.d] [--bin-dir /usr/local/bin]
#        [--unit-dir /etc/systemd/system]
#
# Writes the cron user's crontab (the five cron jobs, the daily maintenance and the hourly
# monitor, between
# "# BEGIN MesChain Trendyol" and "# END MesChain Trendyol"; other lines are left alone), the
# log directory owned by the cron user, <logrotate-dir>/meschain-trendyol (daily, 30 days,
# compressed) and <bin-dir>/trendyol-cron-monitor; with --unit-dir also the worker's systemd unit
# meschain-worker.service for the same user, PHP, shop and log directory. Every job gets
# --log-dir, so the jobs, the monitor and logrotate agree on one directory whatever the Log
# Directory setting says. The monitor reads the alert e-mail and the switched-off jobs from the
# settings (bin/meschain.php monitor-settings). Idempotent: a re-run replaces the block and
# the files. --uninstall removes the block, the logrotate file and the monitor, and keeps the
# logs. --dry-run prints every file and command instead of writing. --crontab-file edits a plain
# file instead of `crontab -u USER`. --alert-email and --max-age are passed to the monitor, where
# they override the settings.
# The jobs need the meschain extension (scripts/install-extension.sh), or --extension PATH.
# Exit codes: 0 ok, 1 failure, 2 bad usage.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
me=setup_cron_jobs

php_path=""
cron_user=www-data
log_dir=/var/log/trendyol-cron
opencart=""
extension=""
alert_email=""
max_ages=()
crontab_file=""
logrotate_dir=/etc/logrotate.d
bin_dir=/usr/local/bin
unit_dir=""
dry_run=0
uninstall=0

BEGIN_MARK="# BEGIN MesChain Trendyol"
END_MARK="# END MesChain Trendyol"
LOGROTATE_NAME=meschain-trendyol
MONITOR_NAME=trendyol-cron-monitor
UNIT_NAME=meschain-worker.service
# job and schedule, as the README lists them
JOBS=(
  "trendyol_sync|*/15 * * * *"
  "product_sync|0 * * * *"
  "order_sync|*/10 * * * *"
  "stock_sync|*/30 * * * *"
  "webhook_processor|*/5 * * * *"
  "maintenance|17 3 * * *"
)
# Hourly, a few minutes past the hour so the :00 runs have written their logs.
MONITOR_SCHEDULE="5 * * * *"

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }
usage_error() { echo "$me: $*" >&2; usage >&2; exit 2; }
die() { echo "$me: $*" >&2; exit 1; }
note() { echo "$me: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
    --php-path|--cron-user|--log-dir|--opencart|--extension|--alert-email|--max-age|--crontab-file|--logrotate-dir|--bin-dir|--unit-dir)
      if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi
      case "$1" in
        --php-path) php_path=$2 ;;
        --cron-user) cron_user=$2 ;;
        --log-dir) log_dir=$2 ;;
        --opencart) opencart=$2 ;;
        --extension) extension=$2 ;;
        --alert-email) alert_email=$2 ;;
        --max-age) max_ages+=("$2") ;;
        --crontab-file) crontab_file=$2 ;;
        --logrotate-dir) logrotate_dir=$2 ;;
        --bin-dir) bin_dir=$2 ;;
        --unit-dir) unit_dir=$2 ;;
      esac
      shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown option $1" ;;
  esac
done

# Paths go into crontab lines, which /bin/sh runs and where `%` means newline: rather than
# quote, accept only plain absolute paths.
plain_path() { # option value
  [[ $2 =~ ^/[A-Za-z0-9._/+@:,=-]*$ ]] ||
    usage_error "$1 must be an absolute path without spaces, quotes, % or shell characters (got '$2')"
}
[[ $cron_user =~ ^[a-z_][a-z0-9_.-]*[$]?$ ]] || usage_error "--cron-user: '$cron_user' is not a user name"
plain_path --log-dir "$log_dir"
log_dir=${log_dir%/}
case "$log_dir" in
  ""|/var|/var/log|/tmp|/etc|/usr|/home|/root|/var/www|/var/tmp)
    usage_error "--log-dir $log_dir would hand a system directory to $cron_user; pick a directory of its own" ;;
esac
plain_path --logrotate-dir "$logrotate_dir"
plain_path --bin-dir "$bin_dir"
[ -z "$unit_dir" ] || plain_path --unit-dir "$unit_dir"
[ -z "$crontab_file" ] || plain_path --crontab-file "$crontab_file"
[ -z "$alert_email" ] || [[ $alert_email =~ ^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+$ ]] ||
  usage_error "--alert-email: '$alert_email' is not a plain user@host address"
for m in ${max_ages[@]+"${max_ages[@]}"}; do
  [[ $m =~ ^(trendyol_sync|product_sync|order_sync|stock_sync|webhook_processor|maintenance)=[0-9]+$ ]] ||
    usage_error "--max-age wants JOB=MINUTES with JOB one of trendyol_sync product_sync order_sync stock_sync webhook_processor maintenance (got '$m')"
done

if [ "$uninstall" = 0 ]; then
  [ -n "$opencart" ] || usage_error "--opencart /path/to/opencart is required (the directory with config.php)"
  # Owners may point at config.php itself.
  if [ -f "$opencart" ] && [ "${opencart##*/}" = config.php ]; then opencart=$(dirname "$opencart"); fi
  [ -f "$opencart/config.php" ] || usage_error "--opencart: $opencart/config.php not found"
  opencart=$(cd "$opencart" && pwd)
  plain_path --opencart "$opencart"
  if [ -z "$php_path" ]; then
    php_path=$(command -v php) || usage_error "php not found in PATH; pass --php-path /usr/bin/php8.2"
  fi
  plain_path --php-path "$php_path"
  [ -x "$php_path" ] || usage_error "--php-path: $php_path is not an executable"
  if [ -n "$extension" ]; then
    plain_path --extension "$extension"
    [ -f "$extension" ] || note "warning: --extension $extension does not exist (yet)"
  fi
fi

is_root() { [ "$(id -u)" = 0 ]; }
user_exists() { id -u "$cron_user" >/dev/null 2>&1; }
self=$(id -un)

# --- what gets written ---------------------------------------------------------------------

cron_block() {
  local entry job schedule ext_arg="" monitor_args="--log-dir $log_dir --php-path $php_path --opencart $opencart"
  [ -z "$extension" ] || ext_arg=" -d extension=$extension"
  [ -z "$extension" ] || monitor_args+=" --extension $extension"
  [ -z "$alert_email" ] || monitor_args+=" --alert-email $alert_email"
  for m in ${max_ages[@]+"${max_ages[@]}"}; do monitor_args+=" --max-age $m"; done
  echo "$BEGIN_MARK"
  echo "# Managed by scripts/setup_cron_jobs.sh: re-run it to change this block, --uninstall to remove it."
  echo "# Each job logs to $log_dir/<job>.log itself; <job>.cron.log keeps what PHP prints (fatal errors)."
  for entry in "${JOBS[@]}"; do
    job=${entry%%|*}; schedule=${entry#*|}
    echo "$schedule $php_path$ext_arg $opencart/system/library/meschain/cron/$job.php --log-dir=$log_dir >> $log_dir/$job.cron.log 2>&1"
  done
  # The monitor writes its findings to monitor.log; only its own failures are kept here.
  echo "$MONITOR_SCHEDULE $bin_dir/$MONITOR_NAME $monitor_args > /dev/null 2>> $log_dir/monitor.cron.log"
  echo "$END_MARK"
}

logrotate_conf() {
  local group=$1
  cat <<EOF
# MesChain Trendyol cron logs; written by scripts/setup_cron_jobs.sh.
# No postrotate signal or copytruncate: the engine notices a moved log file and reopens it by
# itself, and cron opens each <job>.cron.log anew on every run.
$log_dir/*.log {
    daily
    rotate 30
    compress
    delaycompress
    missingok
    notifempty
    create 0640 $cron_user $group
    su $cron_user $group
}
EOF
}

# The worker's unit (scripts/meschain-worker.service) for this user, PHP, shop and log directory.
unit_file() {
  local group=$1 ext_arg=""
  [ -z "$extension" ] || ext_arg=" -d extension=$extension"
  sed -e "s|^User=.*|User=$cron_user|" \
      -e "s|^Group=.*|Group=$group|" \
      -e "s|^Environment=OPENCART=.*|Environment=OPENCART=$opencart|" \
      -e "s|^Environment=PHP=.*|Environment=PHP=$php_path|" \
      -e "s|^Environment=LOG_DIR=.*|Environment=LOG_DIR=$log_dir|" \
      -e "s|^ReadWritePaths=.*|ReadWritePaths=$log_dir|" \
      -e "s|^ExecStart=/bin/sh -c 'exec \"\$PHP\" |ExecStart=/bin/sh -c 'exec \"\$PHP\"$ext_arg |" \
      "$here/$UNIT_NAME"
}

# Prints the crontab without our block. Fails (3) when a BEGIN has no END, rather than
# dropping the user's lines after it.
strip_block() {
  awk -v b="$BEGIN_MARK" -v e="$END_MARK" '
    { line = $0; sub(/[ \t\r]+$/, "", line) }
    line == b { inside = 1; next }
    line == e && inside { inside = 0; next }
    !inside { print }
    END { if (inside) exit 3 }'
}

# --- the crontab ---------------------------------------------------------------------------

crontab_cmd() { # crontab arguments for the cron user
  if [ "$cron_user" = "$self" ] && ! is_root; then crontab "$@"; else crontab -u "$cron_user" "$@"; fi
}

read_crontab() {
  if [ -n "$crontab_file" ]; then
    if [ -f "$crontab_file" ]; then cat -- "$crontab_file"; fi
    return 0
  fi
  command -v crontab >/dev/null || die "crontab not found: install cron (apt-get install cron)"
  local out err
  err=$(mktemp)
  if out=$(crontab_cmd -l 2>"$err"); then
    rm -f "$err"; printf '%s\n' "$out"; return 0
  fi
  if grep -qi "no crontab" "$err"; then rm -f "$err"; return 0; fi
  if [ "$dry_run" = 1 ]; then
    note "cannot read $cron_user's crontab ($(head -c 200 "$err")); showing it as if empty"
    rm -f "$err"; return 0
  fi
  local msg; msg=$(head -c 300 "$err"); rm -f "$err"
  die "cannot read $cron_user's crontab: $msg"
}

write_crontab() { # content
  local content=$1 tmp
  if [ -n "$crontab_file" ]; then
    if [ "$dry_run" = 1 ]; then printf 'would write %s:\n%s\n' "$crontab_file" "$content"; return; fi
    mkdir -p "$(dirname "$crontab_file")"
    tmp="$crontab_file.tmp.$$"
    printf '%s\n' "$content" >"$tmp" && mv -f "$tmp" "$crontab_file"
    return
  fi
  if [ "$dry_run" = 1 ]; then
    printf 'would write the crontab of %s (crontab -u %s FILE):\n%s\n' "$cron_user" "$cron_user" "$content"; return
  fi
  tmp=$(mktemp)
  printf '%s\n' "$content" >"$tmp"
  # crontab(1) checks the syntax and refuses a bad file, leaving the old crontab in place.
  crontab_cmd "$tmp" || { rm -f "$tmp"; die "crontab refused the new crontab of $cron_user"; }
  rm -f "$tmp"
}

# --- helpers in install-extension.sh's style ------------------------------------------------

run() {
  if [ "$dry_run" = 1 ]; then printf 'would run: %s\n' "$*"; else "$@"; fi
}
write_file() { # path mode content; replaced by rename, so readers never see half a file
  if [ "$dry_run" = 1 ]; then printf 'would write %s (mode %s):\n%s\n' "$1" "$2" "$3"; return; fi
  local tmp; tmp="$(dirname "$1")/.${1##*/}.tmp.$$"
  printf '%s\n' "$3" >"$tmp" && chmod "$2" "$tmp" && mv -f "$tmp" "$1"
}

# A non-root run works only where every target is writable (tests, a user's own crontab).
nearest_existing() { local p=$1; while [ ! -e "$p" ]; do p=$(dirname "$p"); done; printf '%s' "$p"; }
check_permissions() {
  is_root && return 0
  local missing=() p
  if [ -z "$crontab_file" ] && [ "$cron_user" != "$self" ]; then
    missing+=("the crontab of $cron_user (crontab -u needs root)")
  fi
  for p in "$logrotate_dir" "$bin_dir" ${unit_dir:+"$unit_dir"} ${crontab_file:+"$(dirname "$crontab_file")"}; do
    [ -w "$(nearest_existing "$p")" ] || missing+=("$p")
  done
  if [ "$uninstall" = 0 ] && [ ! -w "$(nearest_existing "$log_dir")" ]; then missing+=("$log_dir"); fi
  [ ${#missing[@]} -eq 0 ] ||
    die "run as root (sudo): cannot write ${missing[*]}; or point --crontab-file, --logrotate-dir, --bin-dir and --log-dir at writable places"
}

# --- uninstall -----------------------------------------------------------------------------

if [ "$uninstall" = 1 ]; then
  [ "$dry_run" = 1 ] || check_permissions
  current=$(read_crontab)
  rest=$(printf '%s\n' "$current" | strip_block) ||
    die "the crontab has \"$BEGIN_MARK\" without \"$END_MARK\"; fix it by hand (crontab -u $cron_user -e)"
  if [ "$rest" = "$current" ]; then
    echo "no MesChain block in the crontab of $cron_user"
  elif [ -z "$crontab_file" ] && [ -z "${rest//[[:space:]]/}" ]; then
    # Nothing of the user's own is left: remove the crontab instead of leaving an empty one.
    run crontab -u "$cron_user" -r
  else
    write_crontab "$rest"
  fi
  run rm -f "$logrotate_dir/$LOGROTATE_NAME"
  [ "$bin_dir/$MONITOR_NAME" -ef "$here/$MONITOR_NAME" ] || run rm -f "$bin_dir/$MONITOR_NAME"
  [ -z "$unit_dir" ] || run rm -f "$unit_dir/$UNIT_NAME"
  [ "$dry_run" = 1 ] || echo "MesChain cron jobs removed for $cron_user; logs kept in $log_dir"
  exit 0
fi

# --- install -------------------------------------------------------------------------------

[ -f "$here/$MONITOR_NAME" ] || die "$here/$MONITOR_NAME is missing (the monitor's source)"
if [ "$dry_run" = 0 ]; then
  check_permissions
  if ! user_exists && [ -z "$crontab_file" ]; then
    die "user $cron_user does not exist; create it or pass --cron-user"
  fi
fi

if [ ! -f "$opencart/system/library/meschain/cron/trendyol_sync.php" ]; then
  note "warning: $opencart/system/library/meschain/cron/trendyol_sync.php is missing: install the MesChain OpenCart module (meschain.ocmod.zip) before the first run"
fi
if ! "$php_path" ${extension:+-d "extension=$extension"} -r 'exit(extension_loaded("meschain") ? 0 : 1);' >/dev/null 2>&1; then
  note "warning: $php_path does not load the meschain extension; run scripts/install-extension.sh or pass --extension PATH"
fi

if user_exists; then group=$(id -gn "$cron_user"); else group=$cron_user; fi

# 1. The log directory, owned by the cron user: the jobs and the monitor write there.
run mkdir -p "$log_dir"
run chmod 0750 "$log_dir"
if is_root && user_exists; then
  run chown "$cron_user:$group" "$log_dir"
  # Files a job run by hand as root left behind would stop the cron user from appending.
  for f in "$log_dir"/*.log; do
    if [ -f "$f" ] && [ "$(stat -c %U -- "$f")" != "$cron_user" ]; then run chown "$cron_user:$group" "$f"; fi
  done
elif ! user_exists; then
  note "note: user $cron_user does not exist here; $log_dir keeps its owner ($self)"
elif [ "$cron_user" != "$self" ]; then
  note "note: not root; $log_dir keeps its owner ($self) instead of $cron_user"
fi

# 2. Log rotation.
lr_conf=$(logrotate_conf "$group")
if [ "$dry_run" = 0 ]; then
  # Checked before the config, the monitor and the crontab are installed, so a rejected config
  # leaves no half install (only the log directory, which uninstall keeps anyway).
  # -d only reads (syntax, users, whether the cron user can reach the logs); the private state
  # file keeps the system's logrotate state out of it.
  if command -v logrotate >/dev/null; then
    lr_tmp=$(mktemp -d)
    printf '%s\n' "$lr_conf" >"$lr_tmp/$LOGROTATE_NAME"
    chmod 0644 "$lr_tmp/$LOGROTATE_NAME"
    lr_ok=1
    lr_out=$(logrotate -d -s "$lr_tmp/state" "$lr_tmp/$LOGROTATE_NAME" 2>&1) || lr_ok=0
    rm -rf "$lr_tmp"
    [ "$lr_ok" = 1 ] ||
      die "logrotate -d rejects the config: $(printf '%s\n' "$lr_out" | grep -i 'error' | head -3 | tr '\n' ' ')"
  else
    note "warning: logrotate not found (apt-get install logrotate); the config is written but nothing rotates the logs"
  fi
fi
run mkdir -p "$logrotate_dir"
write_file "$logrotate_dir/$LOGROTATE_NAME" 0644 "$lr_conf"

# 3. The monitor.
run mkdir -p "$bin_dir"
if [ "$bin_dir/$MONITOR_NAME" -ef "$here/$MONITOR_NAME" ]; then
  # Run from the module's own bin/ with --bin-dir pointing there: the monitor is in place.
  run chmod 0755 "$bin_dir/$MONITOR_NAME"
else
  run install -m 0755 "$here/$MONITOR_NAME" "$bin_dir/$MONITOR_NAME"
fi

# 4. The worker's unit, when asked for (systemctl daemon-reload && systemctl enable --now
#    meschain-worker afterwards).
if [ -n "$unit_dir" ]; then
  [ -f "$here/$UNIT_NAME" ] || die "$here/$UNIT_NAME is missing (the unit's source)"
  run mkdir -p "$unit_dir"
  write_file "$unit_dir/$UNIT_NAME" 0644 "$(unit_file "$group")"
fi

# 5. The crontab: ours replaces the previous block, the user's own lines stay as they were.
current=$(read_crontab)
rest=$(printf '%s\n' "$current" | strip_block) ||
  die "the crontab has \"$BEGIN_MARK\" without \"$END_MARK\"; fix it by hand (crontab -u $cron_user -e)"
# Drop trailing blank lines so repeated runs do not grow the file.
rest=$(printf '%s\n' "$rest" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')
if [ -n "$rest" ]; then new="$rest"$'\n'"$(cron_block)"; else new=$(cron_block); fi
write_crontab "$new"

if [ "$dry_run" = 0 ]; then
  echo "MesChain cron jobs installed for $cron_user: ${#JOBS[@]} jobs + $MONITOR_NAME, logs in $log_dir"
  [ -z "$unit_dir" ] || echo "worker unit written to $unit_dir/$UNIT_NAME: systemctl daemon-reload && systemctl enable --now meschain-worker"
  if [ -z "$crontab_file" ] && ! pidof cron >/dev/null 2>&1; then
    note "note: cron does not seem to run; start it (systemctl enable --now cron)"
  fi
fi
