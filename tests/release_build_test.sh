#!/usr/bin/env bash
# The extension that ships has no test-only code: `./run release` builds it without the cargo
# feature `testing`, so it has no MesChain\Testing class (diagnosePanic) and the engine's
# fixtures are not compiled in; the test build (`./run build`) has the class. The release's
# Debian package, module zip and checksums carry Cargo.toml's version. Prints
# "N passed, N failed". Leaves the release build in target/release: run ./run build afterwards
# for the PHP tests.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
# shellcheck source=tests/lib.sh
source tests/lib.sh

SO=$ROOT/dist/libmeschain.so
has_testing() { # .so -> prints 1 when MesChain\Testing::diagnosePanic exists, 0 when not
  php -n -d "extension=$1" -r 'echo (class_exists("MesChain\\Testing") && method_exists("MesChain\\Testing", "diagnosePanic")) ? 1 : 0, (method_exists("MesChain\\Engine", "diagnosePanic") ? 1 : 0);'
}

check "the test build has MesChain\\Testing::diagnosePanic" test "$(has_testing "$ROOT/target/release/libmeschain.so")" = 10
check "./run release builds dist/libmeschain.so" ./run release
check "the release .so loads and has the engine" php -n -d "extension=$SO" -r 'exit(class_exists("MesChain\\Engine") ? 0 : 1);'
check "the release .so exposes no test function" test "$(has_testing "$SO")" = 00
# What cargo resolved for the shipped package: the engine without its `testing` feature.
check "the release build resolves meschain-engine without testing" \
  bash -c '! cargo tree -q -p meschain -e features -i meschain-engine --offline 2>&1 | grep -q "feature \"testing\""'
check "the test build resolves meschain-engine with testing" \
  bash -c 'cargo tree -q -p meschain -e features -i meschain-engine --features meschain/testing --offline 2>&1 | grep -q "feature \"testing\""'

# What ./run release puts beside the extension: one version everywhere, checksums that verify.
VERSION=$(scripts/version.sh)
DEB=dist/meschain_${VERSION}_$(dpkg --print-architecture).deb
check "the Debian package is dist/${DEB##*/}" test "$(dpkg-deb -f "$DEB" Version)" = "$VERSION"
check "the release .so reports $VERSION" test "$(php -n -d "extension=$SO" -r 'echo phpversion("meschain");')" = "$VERSION"
check "the module's install.json says $VERSION" bash -c "unzip -p dist/meschain.ocmod.zip install.json | grep -q '\"version\": \"$VERSION\"'"
check "SHA256SUMS covers and verifies the package, the zip and the .so" \
  bash -c 'cd dist && [ "$(wc -l <SHA256SUMS)" = 3 ] && sha256sum --quiet -c SHA256SUMS'
if command -v lintian >/dev/null; then
  check "lintian passes the package (errors and warnings)" lintian --fail-on error,warning "$DEB"
fi
summary
