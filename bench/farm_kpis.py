#!/usr/bin/env python3
"""The farm's KPIs on a big herd: 250 cows with 10 years of milk (two sessions a day, about
1.8 M records), treatments and services, written straight into a fresh database; then
`smartdairy analytics rebuild` (time and peak RSS) and GET /api/v1/herd/kpis (latency over
200 requests, the server's peak RSS).

Usage: farm_kpis.py BINARY [COWS] [YEARS]
"""
import datetime
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))


def fill(db_path, cows, years, today):
    rng = random.Random(5)
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA synchronous = OFF")
    statuses = (["lactating"] * 60 + ["dry"] * 12 + ["pregnant"] * 18 + ["heifer"] * 6 +
                ["calf"] * 4)
    animals = []
    for i in range(cows):
        aid = str(uuid.UUID(int=rng.getrandbits(128)))
        animals.append(aid)
        db.execute("INSERT INTO herd_animals (id, ear_tag, sex, status, acquisition_kind, "
                   "created_at, updated_at) VALUES (?, ?, 'female', ?, 'purchased', 0, 0)",
                   (aid, f"BD-{i:04d}", statuses[i % len(statuses)]))
    days = [today - datetime.timedelta(days=n) for n in range(int(years * 365.25))]
    grades = "AAAAABBBCR"
    n = 0
    # Ids in the order of recording, as UUIDv7 ids are.
    for d in reversed(days):
        ds = d.isoformat()
        rows = []
        for aid in animals:
            for session in ("morning", "evening"):
                rows.append((f"{n:012x}-{aid[13:]}", aid, ds, session, rng.randint(3000, 9000),
                             grades[rng.randrange(10)], 1 if rng.random() < 0.01 else 0))
                n += 1
        db.executemany("INSERT INTO herd_milk_records (id, animal_id, day, session, quantity_ml, "
                       "grade, withheld, recorded_by, created_at, updated_at) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, 'bench', 0, 0)", rows)
    for i in range(cows * 3 * years):
        d = days[rng.randrange(len(days))]
        end = d + datetime.timedelta(days=rng.randint(0, 6))
        db.execute("INSERT INTO herd_health_records (id, animal_id, day, kind, cost_minor, "
                   "last_dose_date, milk_withdrawal_end, recorded_by, created_at, updated_at) "
                   "VALUES (?, ?, ?, 'treatment', ?, ?, ?, 'bench', 0, 0)",
                   (str(uuid.uuid4()), animals[rng.randrange(cows)], d.isoformat(),
                    rng.randint(0, 500000), d.isoformat(), end.isoformat()))
    for i, aid in enumerate(animals):
        d = today - datetime.timedelta(days=rng.randint(0, 280))
        db.execute("INSERT INTO herd_services (id, animal_id, day, method, semen_batch, "
                   "pregnancy_status, check_due, expected_calving, recorded_by, created_at, "
                   "updated_at) VALUES (?, ?, ?, 'ai', 'B', ?, ?, ?, 'bench', 0, 0)",
                   (str(uuid.uuid4()), aid, d.isoformat(), "pending" if i % 3 else "confirmed",
                    (d + datetime.timedelta(days=35)).isoformat(),
                    (d + datetime.timedelta(days=283)).isoformat()))
    db.commit()
    db.close()
    return n


def main():
    binary = os.path.abspath(sys.argv[1])
    cows = int(sys.argv[2]) if len(sys.argv) > 2 else 250
    years = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    os.environ["SMARTDAIRY_BIN"] = binary
    import harness  # noqa: E402 (needs SMARTDAIRY_BIN)

    # FARM_BENCH_DATA=DIR keeps the data directory (and reuses it when it exists).
    keep = os.environ.get("FARM_BENCH_DATA")
    tmp = None if keep else tempfile.mkdtemp(prefix="sd-farm-bench-")
    data = keep or os.path.join(tmp, "data")
    if not os.path.exists(os.path.join(data, "smartdairy.db")):
        subprocess.run([binary, "migrate", "--data-dir", data], check=True, capture_output=True)
        today = (datetime.datetime.now(datetime.timezone.utc) +
                 datetime.timedelta(hours=6)).date()
        t0 = time.perf_counter()
        records = fill(os.path.join(data, "smartdairy.db"), cows, years, today)
        print(f"farm: {cows} cows, {records} milk records over {years} years written in "
              f"{time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    subprocess.run([binary, "analytics", "rebuild", "--data-dir", data], check=True,
                   capture_output=True)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"farm: analytics rebuild {time.perf_counter() - t0:.2f} s, peak RSS {rss / 1024:.0f} MiB")

    server = harness.Server(data_dir=data)
    server.start()
    try:
        token = harness.admin_token(server)
        times = []
        with server.client() as c:
            for _ in range(200):
                t = time.perf_counter()
                r = c.get("/api/v1/herd/kpis", auth=token)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status == 200, str(r)
            k = r.body
        times.sort()
        time.sleep(0.5)  # the last request's log line
        served = sorted(r["us"] / 1000 for r in server.records(all_runs=False)
                        if r.get("msg") == "request" and r.get("route") == "/api/v1/herd/kpis")
        with open(f"/proc/{server.proc.pid}/status") as f:
            hwm = next(line.split()[1] for line in f if line.startswith("VmHWM"))
        print(f"farm: GET /api/v1/herd/kpis x200 p50 {statistics.median(times):.2f} ms, "
              f"p99 {times[197]:.2f} ms, max {times[-1]:.2f} ms; server peak RSS "
              f"{int(hwm) / 1024:.0f} MiB")
        print(f"farm: the same in the server (request log): p50 {statistics.median(served):.2f} "
              f"ms, p99 {served[int(len(served) * 0.99) - 1]:.2f} ms")
        print(f"farm: litres_today {k['litres_today']}, lactating {k['lactating']}, "
              f"in_withdrawal {len(k['in_withdrawal'])}, checks_due {len(k['checks_due'])}, "
              f"calvings_due_30d {len(k['calvings_due_30d'])}")
    finally:
        server.stop()
        server.cleanup()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
