#!/usr/bin/env bash
# Builds the Debian package of the extension: dist/meschain_<version>_<arch>.deb.
#
#   scripts/build-deb.sh [--so PATH] [--out DIR] [--php-config PATH]
#
# Takes the release build (dist/libmeschain.so from ./run release; a test build with
# MesChain\Testing is refused), stages the package tree from packaging/deb/ and runs
# `dpkg-deb --build` on it. The version is the one in Cargo.toml (the extension reports the
# same through phpversion('meschain')); the extension directory and the PHP API the package
# Depends on (phpapi-YYYYMMDD, which Debian's php8.2-cli provides) are read from php-config8.2
# at build time, so the package installs only where PHP can load it. The shared libraries it
# links against come from dpkg-shlibdeps. The build is reproducible: fixed owners, modes and
# times (SOURCE_DATE_EPOCH, by default the last commit's time).
#
# What goes where (every path agrees with packaging/deb/meschain.conf):
#   /usr/lib/php/<api>/meschain.so                 the extension
#   /etc/php/8.2/mods-available/meschain.ini       enabled by phpenmod in postinst
#   /etc/meschain/meschain.conf                    OPENCART, PHP, LOG_DIR (the owner sets OPENCART)
#   /etc/cron.d/meschain                           the jobs and the hourly monitor, as www-data
#   /etc/logrotate.d/meschain                      /var/log/trendyol-cron/*.log, daily, 30 days
#   /lib/systemd/system/meschain-worker.service    the queue worker, installed but not enabled
#   /usr/bin/meschain                              the operator command
#   /usr/share/meschain/                           the PHP command line it runs
#   /usr/lib/meschain/trendyol-cron-monitor        the monitor
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
me=build-deb

so=$ROOT/dist/libmeschain.so
out=$ROOT/dist
php_config=${PHP_CONFIG:-php-config8.2}
while [ $# -gt 0 ]; do
  case "$1" in
    --so) so=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --php-config) php_config=$2; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "$me: unknown option $1" >&2; exit 2 ;;
  esac
done

for tool in dpkg-deb dpkg-shlibdeps strip "$php_config"; do
  command -v "$tool" >/dev/null || { echo "$me: $tool is missing (apt-get install dpkg-dev binutils php8.2-dev)" >&2; exit 1; }
done
[ -f "$so" ] || { echo "$me: $so not found; build it with ./run release" >&2; exit 1; }
php_bin=$("$php_config" --php-binary)
if "$php_bin" -n -d "extension=$so" -r 'exit(class_exists("MesChain\\Testing") ? 0 : 1);' 2>/dev/null; then
  echo "$me: $so is a test build (it has MesChain\\Testing); package the one ./run release builds" >&2
  exit 1
fi

version=$(scripts/version.sh)
so_version=$("$php_bin" -n -d "extension=$so" -r 'echo phpversion("meschain");')
[ "$so_version" = "$version" ] ||
  { echo "$me: $so reports version $so_version but Cargo.toml says $version; rebuild with ./run release" >&2; exit 1; }
arch=$(dpkg --print-architecture)
ext_dir=$("$php_config" --extension-dir)
php_api=$(basename "$ext_dir")
php_minor=$("$php_config" --version | cut -d. -f1,2)
[ "$php_minor" = 8.2 ] || { echo "$me: $php_config is PHP $php_minor; the package is for PHP 8.2" >&2; exit 1; }
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/meschain
pkg=packaging/deb

install -d "$stage/DEBIAN"
install -D -m 0644 "$so" "$stage$ext_dir/meschain.so"
# Debian ships objects without debug symbols or the compiler's notes.
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage$ext_dir/meschain.so"

install -D -m 0644 "$pkg/meschain.ini" "$stage/etc/php/8.2/mods-available/meschain.ini"
install -D -m 0644 "$pkg/meschain.conf" "$stage/etc/meschain/meschain.conf"
install -D -m 0644 "$pkg/cron" "$stage/etc/cron.d/meschain"
install -D -m 0644 "$pkg/logrotate" "$stage/etc/logrotate.d/meschain"
install -D -m 0755 "$pkg/meschain" "$stage/usr/bin/meschain"
install -D -m 0644 php/bin/meschain.php "$stage/usr/share/meschain/meschain.php"
for f in php/bin/meschain-*.php; do
  [ -e "$f" ] && install -D -m 0644 "$f" "$stage/usr/share/meschain/${f##*/}"
done
# Debian wants an absolute interpreter, not env.
sed '1s|^#!/usr/bin/env bash$|#!/bin/bash|' scripts/trendyol-cron-monitor >"$work/monitor"
install -D -m 0755 "$work/monitor" "$stage/usr/lib/meschain/trendyol-cron-monitor"

# The worker's unit is the one setup_cron_jobs.sh writes, with the paths of the package: the
# command reads OPENCART, PHP and LOG_DIR from /etc/meschain/meschain.conf itself.
sed -e '/^# Install (as root):/,/^# By hand:/c\
# Installed by the meschain package and not enabled: set OPENCART in /etc/meschain/meschain.conf,\
# then systemctl enable --now meschain-worker. A LOG_DIR other than /var/log/trendyol-cron also\
# needs ReadWritePaths changed (systemctl edit meschain-worker).' \
    -e '/^Environment=/d' \
    -e 's|^ExecStart=.*|ExecStart=/usr/bin/meschain worker|' \
    -e 's|^Documentation=.*|Documentation=man:meschain(1)|' \
    scripts/meschain-worker.service >"$work/unit"
grep -q '^ExecStart=/usr/bin/meschain worker$' "$work/unit" || { echo "$me: the worker unit's ExecStart was not rewritten" >&2; exit 1; }
install -D -m 0644 "$work/unit" "$stage/lib/systemd/system/meschain-worker.service"

doc=$stage/usr/share/doc/meschain
install -D -m 0644 "$pkg/copyright" "$doc/copyright"
{
  printf 'meschain (%s) unstable; urgency=medium\n\n  * MesChain %s.\n\n' "$version" "$version"
  printf ' -- MesChain <dev@meschain.invalid>  %s\n' "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} >"$work/changelog"
gzip -9 -n -c "$work/changelog" >"$doc/changelog.gz"
install -d "$stage/usr/share/man/man1"
gzip -9 -n -c "$pkg/meschain.1" >"$stage/usr/share/man/man1/meschain.1.gz"
install -D -m 0644 "$pkg/lintian-overrides" "$stage/usr/share/lintian/overrides/meschain"

for script in postinst prerm postrm; do
  install -m 0755 "$pkg/$script" "$stage/DEBIAN/$script"
done
(cd "$stage" && find etc -type f | sort | sed 's|^|/|') >"$stage/DEBIAN/conffiles"
chmod 0644 "$stage/DEBIAN/conffiles"

# The libraries the extension links (libc, libgcc); PHP's own symbols come from the PHP
# binary that loads it, which the phpapi dependency stands for.
mkdir -p "$work/src/debian"
printf 'Source: meschain\n\nPackage: meschain\nArchitecture: any\n' >"$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O --warnings=0 -e"$stage$ext_dir/meschain.so" 2>"$work/shlibdeps.err" | sed -n 's/^shlibs:Depends=//p') ||
  { cat "$work/shlibdeps.err" >&2; echo "$me: dpkg-shlibdeps failed" >&2; exit 1; }
[ -n "$shlibs" ] || { cat "$work/shlibdeps.err" >&2; echo "$me: dpkg-shlibdeps found no libraries" >&2; exit 1; }

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" \
    -e "s|@PHPAPI@|phpapi-$php_api|" -e "s|@SHLIBS@|$shlibs|" \
    "$pkg/control.in" >"$stage/DEBIAN/control"

(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums" "$stage/DEBIAN/control"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$out"
deb=$out/meschain_${version}_${arch}.deb
rm -f "$out"/meschain_*_"$arch".deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
