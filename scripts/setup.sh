#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain. The embedded voice is
# pure Rust; the espeak-ng voices (Spanish and other languages) run Debian's
# espeak-ng program, so it is installed here, non-interactively (CI runs as
# root on Debian). Later checks (DAISY validation, browser tests) add their
# packages here.
set -euo pipefail
command -v cargo >/dev/null || { echo "setup: cargo is missing: install Rust from rustup" >&2; exit 1; }

if ! command -v espeak-ng >/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: espeak-ng is missing: run \`sudo apt-get install espeak-ng\`" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends espeak-ng
fi
