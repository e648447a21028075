#!/usr/bin/env bash
# Browser tests of the web player (index.html), of the EPUB (leaflet.epub, in foliate-js, the
# Foliate e-book reader's engine) and of the staff web app (`audio-leaflet serve`): builds the reference leaflet, the example and a leaflet
# with hostile titles into a temporary folder, then drives Debian's headless Chromium over
# them with node's test runner (tests/browser). scripts/setup.sh installs chromium and the
# npm packages. Screenshots go to $PLAYER_SCREENSHOTS (default /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
# The built-in voice unless a measure names another: natural voices installed in
# the user's own folder would otherwise become the default.
export AUDIO_LEAFLET_VOICES=/nonexistent/audio-leaflet-voices
if [ ! -d tests/browser/node_modules ]; then
    echo "browser-tests: tests/browser/node_modules is missing: run \`bash scripts/setup.sh\`" >&2
    exit 1
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# The reference leaflet (beside the project, as in CI) is the one the tests drive;
# the example stands in where ../shared is not there.
inputs=(examples/carpal-tunnel.txt tests/fixtures/pdf-markup-emoji-and-rtl-in-headings.txt)
[ -f ../shared/leaflets/osseointegration.txt ] && inputs+=(../shared/leaflets/osseointegration.txt)
cargo run --quiet -- build --quiet --out "$out" "${inputs[@]}"
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/audio-leaflet"
cd tests/browser
PLAYER_OUT="$out" SERVE_BIN="$bin" node --test player.test.js epub.test.js serve.test.js
