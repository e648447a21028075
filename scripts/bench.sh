#!/usr/bin/env bash
# Benchmarks. `scripts/bench.sh` runs them in full and prints criterion's
# figures; `scripts/bench.sh --quick` runs each once, as a check that they work
# (CI runs this mode).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--quick" ]]; then
    cargo bench --bench reader -- --test
else
    cargo bench --bench reader
fi
