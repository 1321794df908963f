#!/usr/bin/env python3
"""Figures for the order benchmarks, read from a running server on loopback.

  orders_report.py setup PORT TOKEN PRODUCTS     -> prints "CUSTOMER_ID SKU1,SKU2,..."
  orders_report.py invoices PORT TOKEN           -> order.created -> invoice.issued latency
  orders_report.py visible PORT TOKEN CUSTOMER SKUS SECONDS
                                                 -> beside the load, one order at a time: is its
                                                    invoice readable once its 201 has arrived?
  orders_report.py snapshot PORT FILE            -> saves /metrics to FILE (a baseline)
  orders_report.py sample PORT SECONDS           -> writer queue depth and requests in flight,
                                                    sampled every 100 ms (run beside the load)
  orders_report.py threads PID FILE              -> CPU per server thread: saves a baseline to
                                                    FILE, or prints the change since it
  orders_report.py fsync DIR                     -> this disk's fsync latency (200 x 4 KiB)
  orders_report.py metrics PORT [FILE]           -> writer batch size, commit duration, queue
                                                    and server CPU, since the baseline FILE

`invoices` first waits (up to 120 s) until the billing consumer has caught up, then reads
the whole event log and pairs each order.created (data.id) with its invoice.issued
(data.order_id) by their occurred_at timestamps.
"""
import http.client
import json
import math
import os
import sys
import time
from datetime import datetime


def call(port, method, path, token=None, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {}
    if token:
        headers["Authorization"] = "Bearer " + token
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def must(port, method, path, token, body, want):
    status, data = call(port, method, path, token, body)
    if status != want:
        sys.exit(f"{method} {path}: HTTP {status}: {data[:300]!r}")
    return json.loads(data)


def setup(port, token, products):
    stamp = int(time.time() * 1000)
    cust = must(port, "POST", "/api/v1/customers", token,
                {"name": "Bench Dairy Shop", "email": f"bench-{stamp}@example.com"}, 201)
    skus = []
    for i in range(products):
        sku = f"BENCH-{i + 1:02d}"
        must(port, "POST", "/api/v1/products", token,
             {"sku": sku, "name": f"Bench product {i + 1}", "price": f"{50 + 5 * i}.00",
              "unit_cost": f"{30 + 3 * i}.00"}, 201)
        must(port, "POST", "/api/v1/inventory", token,
             {"sku": sku, "on_hand": 1000000000, "reorder_point": 0}, 201)
        skus.append(sku)
    print(cust["id"], ",".join(skus))


def scrape(port):
    status, data = call(port, "GET", "/metrics")
    if status != 200:
        sys.exit(f"GET /metrics: HTTP {status}")
    samples = {}
    for line in data.decode().splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.rpartition(" ")
        samples[name] = float(value)
    return samples


def consumer_lag(samples):
    return sum(v for k, v in samples.items() if k.startswith("smartdairy_consumer_lag_events"))


def hist(samples, name):
    """Cumulative buckets [(le, count)], count and sum of one unlabelled histogram."""
    buckets = []
    for k, v in samples.items():
        if k.startswith(name + "_bucket{"):
            le = k.split('le="')[1].split('"')[0]
            buckets.append((float("inf") if le == "+Inf" else float(le), v))
    buckets.sort()
    return buckets, samples.get(name + "_count", 0), samples.get(name + "_sum", 0)


def bucket_quantile(buckets, count, q):
    """Upper bound of the bucket holding quantile q (what a histogram can tell)."""
    for le, cum in buckets:
        if cum >= q * count:
            return le
    return float("inf")


def metrics(port, baseline=None):
    s = scrape(port)
    if baseline:
        with open(baseline) as f:
            base = json.load(f)
        for k in s:
            if k.split("{")[0].endswith(("_bucket", "_count", "_sum", "_total")):
                s[k] -= base.get(k, 0)
    b, bn, bsum = hist(s, "smartdairy_writer_batch_size")
    d, dn, dsum = hist(s, "smartdairy_writer_commit_duration_seconds")
    if bn == 0 or dn == 0:
        print("writer: no commits yet")
        return
    print(f"writer: {int(dn)} commits, mean batch {bsum / bn:.1f} commands "
          f"(p50 <= {bucket_quantile(b, bn, 0.5):g}, p99 <= {bucket_quantile(b, bn, 0.99):g}); "
          f"commit BEGIN..COMMIT mean {1000 * dsum / dn:.2f} ms "
          f"(p50 <= {1000 * bucket_quantile(d, dn, 0.5):g} ms, "
          f"p99 <= {1000 * bucket_quantile(d, dn, 0.99):g} ms); "
          f"busy {dsum:.1f} s in total; queue depth now "
          f"{int(s.get('smartdairy_writer_queue_depth', 0))}")
    cpu = s.get("process_cpu_seconds_total")
    if cpu is not None:
        print(f"server CPU: {cpu:.2f} s" + (" during the load" if baseline else " since start"))


def sample(port, seconds):
    depth, flight = [], []
    end = time.time() + seconds
    while time.time() < end:
        try:
            s = scrape(port)
        except OSError:
            break
        depth.append(s.get("smartdairy_writer_queue_depth", 0))
        flight.append(s.get("smartdairy_http_requests_in_flight", 0))
        time.sleep(0.1)
    if depth:
        print(f"sampled every 100 ms during the load: writer queue depth mean "
              f"{sum(depth) / len(depth):.1f}, max {max(depth):.0f}; HTTP requests in flight mean "
              f"{sum(flight) / len(flight):.1f}, max {max(flight):.0f}")


def thread_cpu(pid):
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        out[tid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return out


def threads(pid, baseline):
    now = thread_cpu(pid)
    if not os.path.exists(baseline):
        with open(baseline, "w") as f:
            json.dump(now, f)
        return
    with open(baseline) as f:
        base = json.load(f)
    os.unlink(baseline)
    used = sorted((v - base.get(t, 0) for t, v in now.items()), reverse=True)
    print(f"server CPU by thread during the load: busiest (the writer) {used[0]:.2f} s, "
          f"all others {sum(used[1:]):.2f} s")


def fsync_probe(directory):
    path = os.path.join(directory, "fsync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    times = []
    try:
        for _ in range(200):
            os.write(fd, b"x" * 4096)
            t = time.perf_counter()
            os.fsync(fd)
            times.append((time.perf_counter() - t) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    times.sort()
    print(f"fsync of a 4 KiB append in the temp dir: p50 {pct(times, 0.5):.2f} ms, "
          f"p99 {pct(times, 0.99):.2f} ms")


def micros(ts):
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1e6


def pct(sorted_vals, q):
    rank = math.ceil(q * len(sorted_vals))
    return sorted_vals[min(len(sorted_vals), max(1, rank)) - 1]


def invoices(port, token):
    t0 = time.time()
    while True:
        lag = consumer_lag(scrape(port))
        if lag == 0 or time.time() - t0 > 120:
            break
        time.sleep(0.2)
    waited = time.time() - t0
    created, issued = {}, {}
    after = 0
    while True:
        page = must(port, "GET", f"/api/v1/events?after={after}&limit=1000", token, None, 200)
        for ev in page["items"]:
            if ev["type"] == "order.created":
                created[ev["data"]["id"]] = micros(ev["occurred_at"])
            elif ev["type"] == "invoice.issued" and ev["data"].get("order_id"):
                issued[ev["data"]["order_id"]] = micros(ev["occurred_at"])
        if page["next_cursor"] is None:
            break
        after = int(page["next_cursor"])
    lat = sorted((issued[o] - t) / 1000 for o, t in created.items() if o in issued)
    print(f"consumer caught up {waited:.1f} s after the load (lag {int(lag)} events left); "
          f"{len(created)} orders, {len(lat)} with an invoice")
    if lat:
        print(f"order.created -> invoice.issued (occurred_at): p50 {pct(lat, 0.5):.2f} ms, "
              f"p99 {pct(lat, 0.99):.2f} ms, max {lat[-1]:.2f} ms")


def visible(port, token, customer, skus, seconds):
    """Places orders one at a time for `seconds` and, as soon as each 201 arrives, reads the
    order's invoice, again until it is there: the latency a client sees from "order
    acknowledged" to "invoice readable" (none when the invoice committed with the order)."""
    skus = skus.split(",")
    deadline = time.time() + seconds
    reads = []  # reads each order needed until its invoice was there
    while time.time() < deadline:
        order = must(port, "POST", "/api/v1/orders", token,
                     {"customer_id": customer,
                      "items": [{"sku": skus[len(reads) % len(skus)], "qty": 1}]}, 201)
        n = 1
        while not must(port, "GET", f"/api/v1/invoices?order_id={order['id']}", token, None,
                       200)["items"]:
            n += 1
            time.sleep(0.0005)
        reads.append(n)
    if reads:
        print(f"invoice readable once the order's 201 arrived (probe beside the load, "
              f"{len(reads)} orders one at a time): {reads.count(1)} of {len(reads)} on the "
              f"first read, at most {max(reads)} reads")


def main():
    cmd = sys.argv[1]
    port = int(sys.argv[2]) if cmd != "fsync" else 0
    if cmd == "setup":
        setup(port, sys.argv[3], int(sys.argv[4]))
    elif cmd == "invoices":
        invoices(port, sys.argv[3])
    elif cmd == "visible":
        visible(port, sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6]))
    elif cmd == "threads":
        threads(port, sys.argv[3])
    elif cmd == "fsync":
        fsync_probe(sys.argv[2])
    elif cmd == "sample":
        sample(port, float(sys.argv[3]))
    elif cmd == "snapshot":
        with open(sys.argv[3], "w") as f:
            json.dump(scrape(port), f)
    elif cmd == "metrics":
        metrics(port, sys.argv[3] if len(sys.argv) > 3 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
