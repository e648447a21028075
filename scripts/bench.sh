#!/usr/bin/env bash
# Benchmarks.
#   scripts/bench.sh          the full set, printed as a table (takes about 20 minutes
#                             with the natural voices installed, a few without)
#   scripts/bench.sh --quick  each benchmark once on small inputs, to check they run (CI)
#
# Full mode, all in one run so the ratios compare like with like:
# - reading: criterion's figures for `chapters` on a 1 MB leaflet and on the
#   reference leaflet;
# - a full build of the reference leaflet with 1 and 2 jobs (best of 3), against
#   the same chapter scripts narrated by the embedded voice on one thread with
#   no mastering or packaging: the parallel speed-up and what the rest costs;
# - a rebuild with nothing changed, and after one chapter was edited;
# - peak memory (/usr/bin/time) of one leaflet (the most demanding of the shared
#   leaflets, each built alone) and of a batch of 50 (copies of them with small edits);
# - the natural voices, when installed in target/voices (scripts/test.sh installs
#   them): seconds of audio per CPU-second of `heart` and `bf_emma` (1 job), and
#   the speed-up from 1 to 2 jobs, on the reference leaflet (about 13 minutes
#   more, most of it bf_emma; --quick: `heart` on a short fixture).
set -euo pipefail
cd "$(dirname "$0")/.."
# The built-in voice unless a measure names another: natural voices installed in
# the user's own folder would otherwise become the default.
export AUDIO_LEAFLET_VOICES=/nonexistent/audio-leaflet-voices
quick=false
[[ "${1:-}" == "--quick" ]] && quick=true
shared=../shared/leaflets
reference=$shared/osseointegration.txt
[ -f "$reference" ] || reference=examples/carpal-tunnel.txt

if $quick; then
    cargo bench --bench reader -- --test
    cargo bench --bench narrate -- examples/carpal-tunnel.txt
else
    cargo bench --bench reader
fi

cargo build --release --quiet
bin=target/release/audio-leaflet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Seconds a command takes, best of $runs, after `prepare` (run untimed) each time.
runs=3
$quick && runs=1
best() {
    local prepare=$1; shift
    local best=""
    for _ in $(seq "$runs"); do
        eval "$prepare"
        local start end took
        start=$(date +%s.%N)
        "$@" >/dev/null
        end=$(date +%s.%N)
        took=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
        if [ -z "$best" ] || awk -v t="$took" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$took; fi
    done
    printf '%.3f' "$best"
}
peak_kb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }

leaflet="$work/leaflet.txt"
cp "$reference" "$leaflet"
out="$work/out"
chapters=$("$bin" chapters --json "$leaflet" | grep -c '"index"')

full2=$(best "rm -rf $out" "$bin" build "$leaflet" --out "$out" --quiet --jobs 2)
full1=$(best "rm -rf $out" "$bin" build "$leaflet" --out "$out" --quiet --jobs 1)
narrate=$(cargo bench --quiet --bench narrate -- "$leaflet" | sed -n 's/^narrate_only_s=\([0-9.]*\).*/\1/p')
"$bin" build "$leaflet" --out "$out" --quiet
noop=$(best "true" "$bin" build "$leaflet" --out "$out" --quiet)
# Edit one sentence of one chapter (a different word each run).
n=0
edit_one() {
    n=$((n + 1))
    python3 - "$leaflet" "$n" <<'PY'
import sys
path, n = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
marker = text.find(". ", len(text) // 2)
open(path, "w", encoding="utf-8").write(text[:marker] + f" (edit {n})" + text[marker:])
PY
}
one=$(best "edit_one" "$bin" build "$leaflet" --out "$out" --quiet)

# One leaflet: the most demanding of those the batch is made of, each built
# alone (the peak follows the longest chapter, not the leaflet's length).
mem_one=0
one_name=""
for f in "$shared"/*.txt examples/carpal-tunnel.txt; do
    [ -f "$f" ] || continue
    kb=$(peak_kb "$bin" build "$f" --out "$work/mem1" --quiet --force)
    if [ "$kb" -gt "$mem_one" ]; then mem_one=$kb; one_name=$(basename "$f"); fi
done
batch=$work/batch
mkdir -p "$batch"
count=50
$quick && count=4
i=0
while [ "$i" -lt "$count" ]; do
    for f in "$shared"/*.txt examples/carpal-tunnel.txt; do
        [ -f "$f" ] || continue
        [ "$i" -lt "$count" ] || break
        sed "s/ the / the ($i) /" "$f" > "$batch/leaflet-$i.txt"
        i=$((i + 1))
    done
done
mem_batch=$(peak_kb "$bin" build "$batch" --out "$work/mem50" --quiet)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", 100 * a / b }'; }
printf '\n%-52s %12s  %s\n' "measure ($chapters chapters, reference leaflet)" "value" "target"
printf '%-52s %11ss\n' "full build, 2 jobs" "$full2"
printf '%-52s %11ss\n' "full build, 1 job" "$full1"
printf '%-52s %11ss\n' "narration only, 1 thread, no mastering/packaging" "$narrate"
printf '%-52s %11sx  >= 1.8x\n' "speed-up with 2 jobs (1 job / 2 jobs)" "$(ratio "$full1" "$full2")"
printf '%-52s %11sx\n' "1-job build / narration only (overhead)" "$(ratio "$full1" "$narrate")"
printf '%-52s %11ss  %s\n' "rebuild, nothing changed" "$noop" "< 5% of full"
printf '%-52s %11s%%\n' "  as a share of the full build (2 jobs)" "$(percent "$noop" "$full2")"
printf '%-52s %11ss  %s\n' "rebuild, one chapter edited" "$one" "< 2/N of full"
printf '%-52s %11s%%  < %s%%\n' "  as a share of the full build (2 jobs)" "$(percent "$one" "$full2")" "$(percent 2 "$chapters")"
printf '%-52s %9s KB\n' "peak memory, one leaflet (largest: $one_name)" "$mem_one"
printf '%-52s %9s KB\n' "peak memory, batch of $count leaflets" "$mem_batch"
printf '%-52s %11sx  <= 1.5x\n' "  batch / one" "$(ratio "$mem_batch" "$mem_one")"

# The natural voices: audio seconds per CPU-second with 1 job, and the speed-up
# from 1 to 2 jobs, each a full narration (--force) of the same leaflet.
voices=target/voices
if [ -f "$voices/hibari/installed.json" ] && [ -f "$voices/kokoro/installed.json" ]; then
    # voice:leaflet pairs. bf_emma narrates the reference leaflet in about 8
    # minutes on one core: a short leaflet's first chapter (narrated last, as
    # it announces the total time) would be most of the 2-job run's tail.
    natural_runs="heart:$reference bf_emma:$reference"
    $quick && natural_runs="heart:tests/fixtures/natural-voice-short.md"
    printf '\n%-52s %12s  %s\n' "natural voices" "value" "target"
    for run in $natural_runs; do
        v=${run%%:*}
        natural_text=${run#*:}
        declare -A wall=()
        # Untimed first: the model files read from disk once, as in a warm run.
        rm -rf "$work/nat"
        env AUDIO_LEAFLET_VOICES="$voices" "$bin" build tests/fixtures/natural-voice-short.md \
            --out "$work/nat" --quiet --voice "$v" > /dev/null
        for jobs in 1 2; do
            rm -rf "$work/nat"
            timing=$( { /usr/bin/time -f 'TIME %e %U %S' env AUDIO_LEAFLET_VOICES="$voices" \
                "$bin" build "$natural_text" --out "$work/nat" --quiet --voice "$v" \
                --jobs "$jobs" --report json > "$work/nat.json"; } 2>&1 | grep '^TIME')
            read -r _ w u sy <<<"$timing"
            wall[$jobs]=$w
            if [ "$jobs" = 1 ]; then
                audio=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["leaflets"][0]["audio_s"])' "$work/nat.json")
                cpu=$(awk -v a="$u" -v b="$sy" 'BEGIN { print a + b }')
                printf '%-52s %11sx\n' "$v: seconds of audio per CPU-second (1 job)" "$(ratio "$audio" "$cpu")"
                printf '%-52s %11ss\n' "  ($(basename "$natural_text"), ${audio} s of audio, 1 job)" "$w"
            fi
        done
        printf '%-52s %11sx  >= 1.8x\n' "$v: speed-up with 2 jobs (1 job / 2 jobs)" "$(ratio "${wall[1]}" "${wall[2]}")"
        unset wall
    done
else
    echo "natural voices: not installed in $voices (run \`audio-leaflet voices install --voices-dir $voices\`): not measured"
fi
