#!/usr/bin/env python3
"""Load test of `audio-leaflet serve`: CLIENTS clients poll the leaflet list and the build
status (each once every INTERVAL seconds, as the pages do) while the server builds a batch
of LEAFLETS leaflets; then the same batch is built from the command line. Prints requests per
second, latencies, and the server's batch time against the command line's.

    python3 scripts/serve-load.py [--bin target/release/audio-leaflet] [--clients 20]
                                  [--leaflets 20] [--interval 1.0] [--jobs 2]

The leaflets are the shared real leaflets (../shared/leaflets, else the example) in turn, each
copy with every sentence changed, so that every chapter is narrated. The command line's batch
runs first, then the served one (the same leaflets, a fresh output folder each).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def leaflets(dir, n):
    """`n` leaflets: the shared real ones (or the example) in turn, each copy with every
    sentence changed, so that no chapter of one is in the cache from another."""
    shared = os.path.join(ROOT, "../shared/leaflets")
    sources = sorted(
        os.path.join(shared, f) for f in os.listdir(shared) if f.endswith(".txt")
    ) if os.path.isdir(shared) else []
    sources = sources or [os.path.join(ROOT, "examples/carpal-tunnel.txt")]
    paths = []
    for i in range(n):
        text = open(sources[i % len(sources)], encoding="utf-8").read()
        # Copy i says "(i)" after the first line and after every sentence.
        lines = text.split("\n")
        lines[0] = f"{lines[0]} ({i + 1})"
        body = "\n".join(lines).replace(". ", f" ({i + 1}). ")
        path = os.path.join(dir, f"leaflet-{i:03}.txt")
        open(path, "w", encoding="utf-8").write(body)
        paths.append(path)
    return paths


def upload(url, path):
    boundary = uuid.uuid4().hex
    data = open(path, "rb").read()
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{os.path.basename(path)}\"\r\n"
        f"Content-Type: text/plain\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url + "api/leaflets", data=body, method="POST")
    req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    with urllib.request.urlopen(req) as r:
        assert r.status == 201, r.status


def get_json(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.load(r)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=os.path.join(ROOT, "target/release/audio-leaflet"))
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--leaflets", type=int, default=20)
    p.add_argument("--interval", type=float, default=1.0)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args()
    env = dict(os.environ, AUDIO_LEAFLET_VOICES="/nonexistent/audio-leaflet-voices", SOURCE_DATE_EPOCH="1767225600")
    work = tempfile.mkdtemp()
    try:
        inputs = leaflets(os.path.join(work), args.leaflets)
        cli_out = os.path.join(work, "cli")
        started = time.perf_counter()
        subprocess.run([args.bin, "build", "--quiet", "--jobs", str(args.jobs), "--out", cli_out, *inputs],
                       check=True, env=env)
        cli_s = time.perf_counter() - started
        out = os.path.join(work, "served")
        server = subprocess.Popen(
            [args.bin, "serve", "--out", out, "--listen", "127.0.0.1:0", "--jobs", str(args.jobs)],
            stdout=subprocess.PIPE, env=env, text=True)
        url = re.search(r"open (\S+)", server.stdout.readline()).group(1)
        for path in inputs:
            upload(url, path)

        stop = threading.Event()
        latencies = []
        failures = []
        lock = threading.Lock()

        def client():
            while not stop.is_set():
                for path in ("api/leaflets", "api/status"):
                    started = time.perf_counter()
                    try:
                        get_json(url + path)
                        took = time.perf_counter() - started
                        with lock:
                            latencies.append(took)
                    except Exception as e:  # noqa: BLE001 - every failure is counted
                        with lock:
                            failures.append(str(e))
                stop.wait(args.interval)

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        started = time.perf_counter()
        req = urllib.request.Request(url + "api/build-all", method="POST")
        with urllib.request.urlopen(req) as r:
            assert r.status == 202, r.status
        for t in threads:
            t.start()
        while True:
            state = get_json(url + "api/leaflets")
            statuses = [l["status"] for l in state["leaflets"]]
            if all(s in ("built", "failed") for s in statuses):
                break
            time.sleep(0.2)
        served_s = time.perf_counter() - started
        stop.set()
        for t in threads:
            t.join()
        server.terminate()
        server.wait()
        failed = [l for l in statuses if l != "built"]
        assert not failed, f"{len(failed)} leaflets failed"


        n = len(latencies)
        lat = sorted(latencies)
        print(f"clients: {args.clients}, each polling the list and the status every {args.interval} s")
        print(f"batch: {args.leaflets} leaflets, --jobs {args.jobs}")
        print(f"requests: {n} in {served_s:.1f} s = {n / served_s:.1f} per second, {len(failures)} failed")
        print(f"latency: median {statistics.median(lat) * 1000:.1f} ms, "
              f"99th percentile {lat[int(n * 0.99) - 1] * 1000:.1f} ms, worst {lat[-1] * 1000:.1f} ms")
        print(f"batch time: served {served_s:.1f} s, command line {cli_s:.1f} s, "
              f"ratio {served_s / cli_s:.3f} (target <= 1.10)")
        return 0 if not failures else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
