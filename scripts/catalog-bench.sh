#!/usr/bin/env bash
# The catalog benchmark in one command: builds the sandbox and the shop generator (their own
# processes during the run), then runs the bench, which writes bench/catalog.{md,json}.
#   scripts/catalog-bench.sh            100,000 and 1,000,000 products
#   scripts/catalog-bench.sh 20000      any sizes
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p trendyol-sandbox -p meschain-engine --bins --features meschain-engine/testing
exec cargo run --release -p meschain-engine --example catalog_bench -- "$@"
