#!/usr/bin/env python3
"""Cold start to ready: time from exec of `smartdairy serve` to the first 200 from /readyz.

Usage: cold_start.py BINARY DATA_DIR [RUNS]. The first run creates the database (migrations,
first admin); the others start on the existing file, which is the normal case.
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import time


def one_run(binary, data_dir):
    env = dict(os.environ, SMARTDAIRY_ADMIN_PASSWORD="bench-password-1234")
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir],
                            stdout=subprocess.PIPE, env=env, text=True)
    port = None
    startup_us = None
    for line in proc.stdout:
        rec = json.loads(line)
        if rec.get("msg") == "listening":
            port, startup_us = rec["port"], rec["startup_us"]
            break
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                break
        except OSError:
            pass
        time.sleep(0.0005)
    ready_ms = (time.perf_counter() - t0) * 1000
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)
    return ready_ms, startup_us


def main():
    binary, data_dir = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    first, us = one_run(binary, data_dir)
    print(f"first start (creates the database): {first:.1f} ms to ready (server: {us} us)")
    times = []
    for _ in range(runs):
        ms, us = one_run(binary, data_dir)
        times.append(ms)
        print(f"start on the existing database: {ms:.1f} ms to ready (server: {us} us)")
    times.sort()
    print(f"median {times[len(times) // 2]:.1f} ms over {runs} runs")


if __name__ == "__main__":
    main()
