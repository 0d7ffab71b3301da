#!/usr/bin/env bash
# Installs the built `meschain` extension into a PHP installation.
#
#   scripts/install-extension.sh [--so PATH] [--php-config PATH] [--ext-dir DIR] [--ini-dir DIR]
#                                [--dry-run] [--uninstall] [--test-build]
#
# Default (Debian/Ubuntu): copies the .so into `php-config --extension-dir`, writes
# /etc/php/X.Y/mods-available/meschain.ini and enables it for every SAPI present (cli, fpm,
# apache2) with phpenmod. With --ini-dir the ini is written straight into that conf.d directory
# instead (other distributions, or a PHP_INI_SCAN_DIR of your own). Restart php-fpm afterwards.
# Idempotent: re-running replaces the .so and leaves one ini. The default .so is dist/libmeschain.so
# from ./run release; a test build (./run build, with MesChain\Testing) is refused unless
# --test-build says it is meant.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
# The extension to ship, from ./run release (target/release/ holds the test build after
# ./run build).
so="$here/dist/libmeschain.so"
php_config=${PHP_CONFIG:-php-config}
ext_dir=""
ini_dir=""
dry_run=0
uninstall=0
test_build=0

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --so) so=$2; shift 2 ;;
    --php-config) php_config=$2; shift 2 ;;
    --ext-dir) ext_dir=$2; shift 2 ;;
    --ini-dir) ini_dir=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    --test-build) test_build=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install-extension: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

command -v "$php_config" >/dev/null || { echo "install-extension: $php_config not found (install php8.2-dev)" >&2; exit 2; }
[ -n "$ext_dir" ] || ext_dir=$("$php_config" --extension-dir)
php_version=$("$php_config" --version | cut -d. -f1,2)
php_bin=$("$php_config" --php-binary 2>/dev/null || command -v php)

run() {
  if [ "$dry_run" = 1 ]; then printf 'would run: %s\n' "$*"; else "$@"; fi
}
write_file() { # path content
  if [ "$dry_run" = 1 ]; then printf 'would write %s:\n%s\n' "$1" "$2"; else printf '%s\n' "$2" > "$1"; fi
}

ini_content="; MesChain: Trendyol sync engine for OpenCart
extension=$ext_dir/meschain.so"

if [ "$uninstall" = 1 ]; then
  if [ -n "$ini_dir" ]; then
    run rm -f "$ini_dir/30-meschain.ini"
  elif command -v phpdismod >/dev/null; then
    run phpdismod -v "$php_version" meschain || true
    run rm -f "/etc/php/$php_version/mods-available/meschain.ini"
  fi
  run rm -f "$ext_dir/meschain.so"
  echo "meschain removed from PHP $php_version"
  exit 0
fi

[ -f "$so" ] || { echo "install-extension: $so not found; build it with: ./run release" >&2; exit 2; }
# A test build carries test-only entry points (MesChain\Testing); a shop gets the release build.
if [ "$test_build" = 0 ] && "$php_bin" -n -d "extension=$so" -r 'exit(class_exists("MesChain\\Testing") ? 0 : 1);' 2>/dev/null; then
  echo "install-extension: $so is a test build (it has MesChain\\Testing); build the one to ship with ./run release (or pass --test-build)" >&2
  exit 2
fi

run mkdir -p "$ext_dir"
# Copy then rename, so a running php-fpm never maps a half-written file.
run cp "$so" "$ext_dir/.meschain.so.new"
run mv -f "$ext_dir/.meschain.so.new" "$ext_dir/meschain.so"

if [ -n "$ini_dir" ]; then
  run mkdir -p "$ini_dir"
  write_file "$ini_dir/30-meschain.ini" "$ini_content"
elif command -v phpenmod >/dev/null && [ -d "/etc/php/$php_version/mods-available" ]; then
  write_file "/etc/php/$php_version/mods-available/meschain.ini" "; priority=30
$ini_content"
  run phpenmod -v "$php_version" meschain
else
  conf_d=$("$php_bin" -r 'echo PHP_CONFIG_FILE_SCAN_DIR;')
  [ -n "$conf_d" ] || { echo "install-extension: PHP has no conf.d; pass --ini-dir" >&2; exit 2; }
  write_file "$conf_d/30-meschain.ini" "$ini_content"
fi

if [ "$dry_run" = 0 ]; then
  if [ -n "$ini_dir" ]; then
    PHP_INI_SCAN_DIR="$ini_dir" "$php_bin" -m | grep -x meschain >/dev/null
  else
    "$php_bin" -m | grep -x meschain >/dev/null
  fi || { echo "install-extension: PHP does not list meschain after installing" >&2; exit 1; }
  echo "meschain $("$php_bin" ${ini_dir:+-d extension="$ext_dir/meschain.so"} -r 'echo phpversion("meschain");' 2>/dev/null) installed for PHP $php_version"
  echo "restart php-fpm (e.g. systemctl restart php$php_version-fpm) so web requests load it"
fi
