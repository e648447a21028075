#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain. Today that is nothing:
# the embedded voice is pure Rust and the tests use only cargo. Later checks
# (DAISY validation, browser tests) add their packages here.
set -euo pipefail
command -v cargo >/dev/null || { echo "setup: cargo is missing: install Rust from rustup" >&2; exit 1; }
