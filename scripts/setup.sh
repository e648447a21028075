#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain. The embedded voice is
# pure Rust; the espeak-ng voices (Spanish and other languages) run Debian's
# espeak-ng program, so it is installed here, non-interactively (CI runs as
# root on Debian). The web player's browser tests need Debian's chromium and the npm
# packages pinned in tests/browser/package-lock.json. Later checks add their packages here.
set -euo pipefail
command -v cargo >/dev/null || { echo "setup: cargo is missing: install Rust from rustup" >&2; exit 1; }

cd "$(dirname "$0")/.."

# Debian packages that are missing, installed in one apt-get run.
missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: ${missing[*]} missing: run \`sudo apt-get install ${missing[*]}\`" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The browser tests' npm packages, at the versions in package-lock.json. playwright-core
# downloads no browser: the tests run Debian's chromium.
if [ ! -d tests/browser/node_modules ]; then
    (cd tests/browser && npm ci --no-audit --no-fund)
fi
