#!/usr/bin/env bash
# What the MP3 chapter files cost in predicted naturalness against the WAVs
# they are encoded from.
#
#   scripts/mp3-quality.sh [LEAFLET] [--voice NAME]
#
# Builds LEAFLET (default: the reference leaflet, else the example) twice,
# with --audio wav and with --audio mp3 (the bit rate the program picks for the
# voice's sample rate: src/audio/mp3.rs), decodes each MP3 with FFmpeg, and
# scores both sets with ../shared/tools/mos.py (DistillMOS, 1 to 5; its first
# run builds a 6 GB virtual environment, so this is for measuring, not for CI).
# Prints the score of every chapter in both forms and the mean of each; the
# tool's own README says differences under about 0.2 are noise.
#
# Needs ffmpeg (apt-get install ffmpeg); builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
leaflet=${1:-../shared/leaflets/osseointegration.txt}
[ -f "$leaflet" ] || leaflet=examples/carpal-tunnel.txt
shift || true
mos=../shared/tools/mos.py
[ -f "$mos" ] || { echo "mp3-quality: $mos is missing" >&2; exit 2; }
command -v ffmpeg > /dev/null || { echo "mp3-quality: needs ffmpeg (apt-get install ffmpeg)" >&2; exit 2; }
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/audio-leaflet

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for audio in wav mp3; do
    "$bin" build "$leaflet" --out "$work/$audio" --audio "$audio" --formats audio --quiet "$@"
done
mkdir -p "$work/decoded"
for f in "$work"/mp3/*/*.mp3; do
    ffmpeg -v error -i "$f" "$work/decoded/$(basename "${f%.mp3}").wav"
done
for set in wav decoded; do
    find "$work/$set" -name '*.wav' | sort > "$work/$set.list"
    # One line a file: mos, min, max, windows, seconds, path; then the mean.
    xargs -a "$work/$set.list" -d '\n' python3 "$mos" --threads 2 2> /dev/null |
        grep -v '^#' > "$work/$set.txt" || true
done
printf '%-58s %6s %6s\n' "chapter (DistillMOS)" "WAV" "MP3"
join -j 1 \
    <(awk '{ n = $NF; sub(".*/", "", n); print n, $1 }' "$work/wav.txt" | sort) \
    <(awk '{ n = $NF; sub(".*/", "", n); print n, $1 }' "$work/decoded.txt" | sort) |
    sort -k1,1 | awk '{ printf "%-58s %6s %6s\n", substr($1, 1, 58), $2, $3 }'
