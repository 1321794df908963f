"""Bulk milk entry against a running server (issue 5): N batches of 500 records, POST
/api/v1/herd/milk/batch (all_or_nothing), each batch one day of COWS cows x 2 sessions,
one batch at a time on one keep-alive connection. Latency is measured from just before
the request is sent to the full response (the JSON is built beforehand). Starts nothing.

  herd_load.py PORT TOKEN [BATCHES=50] [COWS=250]

Prints: batches, records saved, latency p50/p99/max in ms.
"""
import datetime
import http.client
import json
import sys
import time


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def main():
    port, token = int(sys.argv[1]), sys.argv[2]
    batches = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    cows = int(sys.argv[4]) if len(sys.argv) > 4 else 250
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    today = datetime.date.today()
    bodies = []
    for b in range(batches):
        day = (today - datetime.timedelta(days=batches + 5 - b)).isoformat()
        records = []
        for i in range(1, cows + 1):
            for session, base in (("morning", 7000), ("evening", 5500)):
                records.append({"ear_tag": "BENCH-%04d" % i, "day": day, "session": session,
                                "quantity_ml": base + (i * 37 + b * 11) % 3000,
                                "fat": round(3.2 + (i % 15) / 10.0, 2), "snf": 8.45,
                                "temperature": 6.5})
        bodies.append(json.dumps({"records": records, "mode": "all_or_nothing"}))
    latencies = []
    saved = 0
    for body in bodies:
        t0 = time.perf_counter()
        conn.request("POST", "/api/v1/herd/milk/batch", body, headers)
        resp = conn.getresponse()
        data = resp.read()
        latencies.append((time.perf_counter() - t0) * 1000.0)
        if resp.status != 200:
            sys.exit("herd_load: batch answered %d: %s" % (resp.status, data[:300]))
        saved += json.loads(data)["saved"]
    latencies.sort()
    print("herd batches: %d of %d records, %d saved" % (batches, 2 * cows, saved))
    print("latency ms: p50 %.1f  p99 %.1f  max %.1f" % (
        percentile(latencies, 50), percentile(latencies, 99), latencies[-1]))


if __name__ == "__main__":
    main()
