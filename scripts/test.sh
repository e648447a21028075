#!/usr/bin/env bash
# The test command: install what the tests need (scripts/setup.sh), then run
# every test, including the quick benchmark check.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test
bash scripts/bench.sh --quick
