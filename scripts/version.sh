#!/usr/bin/env bash
# Prints MesChain's version: the one place it is set is [workspace.package] version in
# Cargo.toml. The extension reports it (phpversion('meschain'), Engine::version()), and the
# release stamps it into the Debian package and the module's install.json.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "version: no x.y.z version under [workspace.package] in Cargo.toml (got '$version')" >&2; exit 1; }
echo "$version"
