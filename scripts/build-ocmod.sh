#!/usr/bin/env bash
# Builds meschain.ocmod.zip, the package OpenCart 4.0.2.3's Extensions > Installer takes.
#
#   scripts/build-ocmod.sh [output-dir]      (default: dist/)
#
# The zip holds opencart-module/ at its root (install.json first level, as the installer
# requires) plus, under system/library/meschain/, the cron scripts (php/cron/ → cron/) and bin/:
# the command line (php/bin/meschain*.php), the cron monitor, setup_cron_jobs.sh and the worker's
# systemd unit. OpenCart 4.0.2.3's installer extracts every path of the zip under
# extension/meschain/ (only image/ and system/storage/ go elsewhere); the module's install()
# copies cron/ and bin/ from there into the shop's system/library/meschain/, the paths the Setup
# tab's crontab and setup_cron_jobs.sh name. It is reproducible: entries sorted, fixed times and
# modes, no extra attributes, so the same sources always give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT_DIR=${1:-dist}
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
ZIP="$OUT_DIR/meschain.ocmod.zip"

command -v zip >/dev/null || { echo "build-ocmod: the zip command is missing (apt-get install zip)" >&2; exit 1; }
[ -f opencart-module/install.json ] || { echo "build-ocmod: opencart-module/install.json is missing" >&2; exit 1; }

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

# The module as it is, without its developer README.
(cd opencart-module && find . -type f ! -name README.md -print0 | LC_ALL=C sort -z | xargs -0 -I{} cp --parents {} "$STAGE/")

if compgen -G "php/cron/*.php" >/dev/null; then
  mkdir -p "$STAGE/system/library/meschain/cron"
  cp php/cron/*.php "$STAGE/system/library/meschain/cron/"
else
  echo "build-ocmod: note: php/cron/ has no scripts yet; the zip carries none" >&2
fi

# install.json carries the release's version (Cargo.toml, the one place it is set): the admin
# compares it with the loaded extension's and names the fix when they differ.
version=$(scripts/version.sh)
sed -i -E 's/("version"[[:space:]]*:[[:space:]]*")[^"]*"/\1'"$version"'"/' "$STAGE/install.json"
grep -q "\"version\": \"$version\"" "$STAGE/install.json" || { echo "build-ocmod: could not set the version in install.json" >&2; exit 1; }

mkdir -p "$STAGE/system/library/meschain/bin"
for f in php/bin/meschain*.php scripts/trendyol-cron-monitor scripts/setup_cron_jobs.sh scripts/meschain-worker.service; do
  [ -f "$f" ] || { echo "build-ocmod: $f is missing" >&2; exit 1; }
  cp "$f" "$STAGE/system/library/meschain/bin/"
done

# Every PHP file must at least parse: a broken file would only show once OpenCart runs it.
while IFS= read -r -d '' file; do
  php -l "$file" >/dev/null || { echo "build-ocmod: $file does not parse" >&2; exit 1; }
done < <(find "$STAGE" -name '*.php' -print0)

find "$STAGE" -type d -exec chmod 755 {} +
find "$STAGE" -type f -exec chmod 644 {} +
find "$STAGE" -exec touch -h -d '2024-01-01 00:00:00 UTC' {} +

rm -f "$ZIP"
(cd "$STAGE" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | TZ=UTC zip -X -q -D "$ZIP" -@)
echo "$ZIP"
