#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain, non-interactively (CI
# runs as root on Debian):
# - Debian's espeak-ng: the espeak-ng voices (Spanish and other languages);
# - Debian's jing: validates the DAISY books against the DAISY Consortium's
#   RELAX NG schemas (../shared/daisy202);
# - the daisy-dtb DAISY reader (PyPI), in a virtual environment at
#   target/daisy-venv, which tests/cli/daisy.rs drives through
#   scripts/daisy_reader.py to open and walk the books;
# - Debian's ffmpeg (for ffprobe) and sox: tests/cli/joined.rs checks that
#   both read leaflet.wav, the joined leaflet, cleanly, and ffprobe its chapters.
# Later checks (browser tests) add their packages here.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "setup: cargo is missing: install Rust from rustup" >&2; exit 1; }
command -v python3 >/dev/null || { echo "setup: python3 is missing: run \`apt-get install python3\`" >&2; exit 1; }

missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v jing >/dev/null || missing+=(jing)
command -v ffprobe >/dev/null || missing+=(ffmpeg)
command -v sox >/dev/null || missing+=(sox)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: ${missing[*]} missing: run \`sudo apt-get install ${missing[*]}\`" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The reader's environment is rebuilt whenever its pinned requirements change.
venv=target/daisy-venv
requirements=scripts/daisy-reader-requirements.txt
if ! cmp -s "$requirements" "$venv/requirements.txt"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
fi
