#!/usr/bin/env bash
# Run one fuzz target with the settings used for this project's campaigns:
#   bash fuzz/run.sh TARGET SECONDS [MORE LIBFUZZER FLAGS]
# One process only (the machine is shared), a hang of 10 s is a finding,
# inputs up to 16 KiB (the real leaflets are 5 to 12 KiB). The toolchain is
# stable, so cargo fuzz's nightly flags need RUSTC_BOOTSTRAP=1. No sanitizer:
# the crate forbids unsafe code, and libFuzzer catches panics, hangs and
# memory blow-ups (-rss_limit_mb) without one, at twice the speed.
set -euo pipefail
target=$1
seconds=${2:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$root/fuzz/logs/$target"
[ -d "$root/fuzz/corpus/$target" ] || bash "$root/fuzz/seed.sh"
cd "$root/fuzz/logs/$target"
cargo fuzz run --fuzz-dir "$root/fuzz" --sanitizer none "$target" \
    "$root/fuzz/corpus/$target" -- \
    -jobs=1 -workers=1 -max_total_time="$seconds" -timeout=10 -max_len=16384 \
    -rss_limit_mb=2048 -dict="$root/fuzz/leaflet.dict" -print_final_stats=1 "${@:3}"
