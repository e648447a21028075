#!/usr/bin/env bash
# The test command: install what the tests need (scripts/setup.sh), then run
# every test: cargo's, the web player's browser tests, and the quick benchmark check.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test
# `audio-leaflet say` (--features desktop-voice) against a private speech-dispatcher.
cargo test --features desktop-voice --test say
bash scripts/browser-tests.sh
bash scripts/bench.sh --quick
