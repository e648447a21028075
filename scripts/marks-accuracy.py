#!/usr/bin/env python3
"""How close each utterance mark in a package's manifest lies to the
boundary of speech in the audio itself.

    python3 scripts/marks-accuracy.py PACKAGE_DIR [PACKAGE_DIR ...]

For every chapter, the chapter file is decoded (WAV read directly, MP3
through ffmpeg, which honours the LAME Info tag) and cut into 5 ms frames.
A frame is speech when its RMS is above -45 dBFS (40 dB under a typical
mastered speech level). Around each mark the script looks for the nearest
change between quiet and speech: for a start mark, the first speech frame
after a quiet stretch; for an end mark, the last speech frame before one.
It prints, per package, the worst and the 95th-percentile distance in
milliseconds and how many marks lie more than 30 ms from their boundary,
then the five worst marks. Only marks at pauses are measured (the start of
an utterance after a pause of 80 ms or more, the end of one before such a
pause): between utterances with no pause, speech runs on and there is no
boundary in the sound to measure against.

Needs python3 and, for MP3 packages, ffmpeg. Exits 1 when a mark is more
than 30 ms off.
"""

import json
import math
import os
import subprocess
import sys
import wave
from array import array

FRAME_MS = 5
THRESHOLD_DBFS = -45.0
SEARCH_MS = 250
LIMIT_MS = 30
MIN_PAUSE_MS = 80


def samples_of(path, rate):
    if path.endswith(".wav"):
        with wave.open(path) as w:
            data = array("h", w.readframes(w.getnframes()))
    else:
        raw = subprocess.run(
            ["ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"],
            check=True,
            capture_output=True,
        ).stdout
        data = array("h", raw)
    if sys.byteorder != "little":
        data.byteswap()
    return data


def speech_frames(samples, rate):
    n = rate * FRAME_MS // 1000
    floor = (10 ** (THRESHOLD_DBFS / 20) * 32768) ** 2
    out = []
    for i in range(0, len(samples) - n + 1, n):
        block = samples[i : i + n]
        out.append(sum(s * s for s in block) / n > floor)
    return out, n


def nearest_boundary(frames, n, at, kind):
    """Sample position of the nearest quiet->speech (start) or speech->quiet
    (end) change within SEARCH_MS of `at`, or None."""
    f = at // n
    reach = SEARCH_MS // FRAME_MS
    best = None
    for d in range(0, reach + 1):
        for g in (f - d, f + d):
            if 0 < g < len(frames):
                if kind == "start" and frames[g] and not frames[g - 1]:
                    return g * n
                if kind == "end" and frames[g - 1] and not frames[g]:
                    return g * n
    return best


def measure(package):
    m = json.load(open(os.path.join(package, "manifest.json")))
    rate = m["audio"]["sample_rate"]
    found = []
    missing = 0
    for ch in m["chapters"]:
        samples = samples_of(os.path.join(package, ch["file"]), rate)
        frames, n = speech_frames(samples, rate)
        u = ch["utterances"]
        for i, utt in enumerate(u):
            gap_before = utt["start"] - (u[i - 1]["end"] if i else 0)
            gap_after = (u[i + 1]["start"] if i + 1 < len(u) else len(samples)) - utt["end"]
            for kind, at, gap in (("start", utt["start"], gap_before), ("end", utt["end"], gap_after)):
                if gap * 1000 < MIN_PAUSE_MS * rate:
                    continue
                b = nearest_boundary(frames, n, at, kind)
                if b is None:
                    missing += 1
                    found.append((float("inf"), ch["file"], kind, utt["text"][:50]))
                    continue
                found.append((abs(at - b) * 1000 / rate, ch["file"], kind, utt["text"][:50]))
    return m, found, missing


def main():
    worst_all = 0.0
    for package in sys.argv[1:]:
        m, found, missing = measure(package)
        errs = sorted(e[0] for e in found)
        p95 = errs[min(len(errs) - 1, math.ceil(0.95 * len(errs)) - 1)] if errs else 0
        over = sum(1 for e in errs if e > LIMIT_MS)
        worst = errs[-1] if errs else 0
        worst_all = max(worst_all, worst)
        print(
            f"{package}: {m['audio']['format']} {m['audio']['sample_rate']} Hz, "
            f"{len(errs)} marks at pauses: worst {worst:.1f} ms, 95th percentile {p95:.1f} ms, "
            f"{over} over {LIMIT_MS} ms, {missing} with no boundary within {SEARCH_MS} ms"
        )
        for e in sorted(found, reverse=True)[:5]:
            print(f"    {e[0]:7.1f} ms  {e[2]:5}  {e[1]}  {e[3]!r}")
    sys.exit(1 if worst_all > LIMIT_MS else 0)


if __name__ == "__main__":
    main()
