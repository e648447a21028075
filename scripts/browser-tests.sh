#!/usr/bin/env bash
# Browser tests of the web player (index.html): builds the example leaflet and a leaflet
# with hostile titles into a temporary folder, then drives Debian's headless Chromium over
# them with node's test runner (tests/browser). scripts/setup.sh installs chromium and the
# npm packages. Screenshots go to $PLAYER_SCREENSHOTS (default /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d tests/browser/node_modules ]; then
    echo "browser-tests: tests/browser/node_modules is missing: run \`bash scripts/setup.sh\`" >&2
    exit 1
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cargo run --quiet -- build --quiet --out "$out" \
    examples/carpal-tunnel.txt tests/fixtures/pdf-markup-emoji-and-rtl-in-headings.txt
cd tests/browser
PLAYER_OUT="$out" node --test player.test.js
