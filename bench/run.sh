#!/usr/bin/env bash
# Platform (issue 2), order to cash (issue 3), live stream (issue 4) and herd and farm KPIs (issue 5)
# benchmarks. Prints
# figures for docs/benchmarks.md; never fails on a figure. Everything runs on loopback, with a
# temp data dir, and stops by itself.
#   bench/run.sh [BUILD_DIR]      BENCH_SECONDS=10 BENCH_CONNECTIONS=64 BENCH_BUILD_TIME=1
#                                 BENCH_SECTIONS="platform orders stream browser herd farm"
#                                 BENCH_ORDER_RATES="10000 1000"
#                                 BENCH_STREAM_RATES="2500 1000 500" BENCH_STREAM_CLIENTS=100
#                                 BENCH_BROWSER_ORDERS=200
#                                 BENCH_HERD_BATCHES=100 BENCH_HERD_YEARS=10
set -euo pipefail
BUILD=${1:-build}
BIN=$BUILD/smartdairy
HERE=$(dirname "$0")
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-64}
SECTIONS=${BENCH_SECTIONS:-platform orders stream browser herd farm}
ORDER_RATES=${BENCH_ORDER_RATES:-10000 1000}
# The issue asks for 10 k orders/s; on the 2-core machine order placement tops out near 5 k/s
# alone and near 2.2 k/s beside 100 stream readers, so the first rate is about the most it
# sustains with them. stream_load prints the rate actually achieved.
STREAM_RATES=${BENCH_STREAM_RATES:-2500 1000 500}
STREAM_CLIENTS=${BENCH_STREAM_CLIENTS:-100}
DIR=$(mktemp -d /tmp/sd-bench-XXXXXX)
PW="bench-password-1234"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

echo "== machine"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "memory: $(free -h | awk '/Mem:/{print $2}'), kernel $(uname -r)"
echo "binary: $($BIN version)"
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"

section() { [[ " $SECTIONS " == *" $1 "* ]]; }

# Starts a server on a free loopback port with data in $DATA; SERVER_ENV (an array of
# NAME=VALUE) goes into its environment only.
DATA=$DIR/data
SERVER_ENV=()
start_server() {
  (
    [ ${#SERVER_ENV[@]} -eq 0 ] || export "${SERVER_ENV[@]}"
    SMARTDAIRY_ADMIN_PASSWORD=$PW exec "$BIN" serve --listen 127.0.0.1:0 --data-dir "$DATA" "$@"
  ) > "$DIR/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 500); do
    PORT=$(grep -o '"msg":"listening".*"port":[0-9]*' "$DIR/server.log" 2>/dev/null |
      grep -o '"port":[0-9]*' | cut -d: -f2 || true)
    [ -n "${PORT:-}" ] && break
    sleep 0.01
  done
  [ -n "${PORT:-}" ] || { echo "server did not start"; cat "$DIR/server.log"; exit 1; }
}
stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=""
}

# Logs in as the admin and creates a bearer token: sets TOKEN.
admin_token() {
  LOGIN=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" -c "$DIR/cookies" \
    -H 'content-type: application/json' -d "{\"username\":\"admin\",\"password\":\"$PW\"}")
  CSRF=$(echo "$LOGIN" | sed 's/.*"csrf_token":"\([^"]*\)".*/\1/')
  TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/tokens" -b "$DIR/cookies" \
    -H "X-CSRF-Token: $CSRF" -H 'content-type: application/json' -d '{"name":"bench"}' |
    sed 's/.*"token":"\([^"]*\)".*/\1/')
}

if section platform; then
echo
echo "== cold start to ready (exec -> first 200 from /readyz)"
python3 "$HERE/cold_start.py" "$BIN" "$DIR/coldstart" 5

echo
echo "== HTTP: wrk, $CONNS connections, ${SECS}s each (server and wrk share the machine)"
start_server
admin_token
echo "idle RSS after start-up and login: $(grep VmRSS /proc/$SERVER_PID/status | awk '{print $2, $3}')"
echo "-- GET /healthz"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "http://127.0.0.1:$PORT/healthz" | grep -E 'Requests/sec|50%|99%|Socket errors|Non-2xx'
echo "-- GET /api/v1/auth/me with a bearer token"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/api/v1/auth/me" | grep -E 'Requests/sec|50%|99%|Socket errors|Non-2xx'
sleep 1
echo "RSS after the load: $(grep VmRSS /proc/$SERVER_PID/status | awk '{print $2, $3}')"
stop_server

echo
echo "== writer: trivial durable commands (group commit, synchronous=FULL)"
"$BUILD/bench/writer_bench" --seconds 5 --clients 512 --dir "$DIR/writer"
"$BUILD/bench/writer_bench" --seconds 5 --clients 64 --dir "$DIR/writer64"
fi

# Order to cash (issue 3): one run on a fresh database. Sets up a customer and 10 stocked
# products, runs the load ("$@"; with PROBE=1 a probe beside it places one order at a time
# and reads its invoice as soon as the 201 arrives), then prints the writer's histograms and the order ->
# invoice.issued latency from the event log once the billing consumer has caught up.
orders_run() {
  DATA=$DIR/orders-data
  start_server
  admin_token
  local setup
  setup=$(python3 "$HERE/orders_report.py" setup "$PORT" "$TOKEN" 10)
  CUSTOMER=${setup% *}
  SKUS=${setup#* }
  python3 "$HERE/orders_report.py" snapshot "$PORT" "$DIR/metrics-before.json"
  python3 "$HERE/orders_report.py" sample "$PORT" "$SECS" > "$DIR/sample.txt" &
  local sampler=$!
  : > "$DIR/visible.txt"
  local prober=""
  if [ "${PROBE:-0}" = 1 ]; then
    python3 "$HERE/orders_report.py" visible "$PORT" "$TOKEN" "$CUSTOMER" "$SKUS" "$SECS" \
      > "$DIR/visible.txt" &
    prober=$!
  fi
  python3 "$HERE/orders_report.py" threads "$SERVER_PID" "$DIR/threads-before.json"
  "$@"
  python3 "$HERE/orders_report.py" threads "$SERVER_PID" "$DIR/threads-before.json"
  wait "$sampler" || true
  [ -z "$prober" ] || wait "$prober" || true
  cat "$DIR/sample.txt" "$DIR/visible.txt"
  python3 "$HERE/orders_report.py" metrics "$PORT" "$DIR/metrics-before.json"
  python3 "$HERE/orders_report.py" invoices "$PORT" "$TOKEN"
  stop_server
  grep -h '^slow_fsync_vfs' "$DIR/server.log" || true
  rm -rf "$DATA"
  DATA=$DIR/data
}
orders_wrk() {
  wrk -t2 -c"$CONNS" -d"${SECS}s" -s "$HERE/orders.lua" "http://127.0.0.1:$PORT" \
    -- "$TOKEN" "$CUSTOMER" "$SKUS" | grep -E '^(orders|latency):'
}
orders_paced() {
  "$BUILD/bench/order_load" --port "$PORT" --token "$TOKEN" --customer "$CUSTOMER" \
    --skus "$SKUS" --rate "$RATE" --seconds "$SECS" --connections "$CONNS"
}
orders_section() {
  echo "-- closed loop: wrk -t2 -c$CONNS, ${SECS}s, POST /api/v1/orders with 3 lines"
  orders_run orders_wrk
  for RATE in $ORDER_RATES; do
    echo "-- open loop: order_load at $RATE orders/s, $CONNS connections, ${SECS}s"
    PROBE=1 orders_run orders_paced
  done
}

if section orders; then
  echo
  python3 "$HERE/orders_report.py" fsync "$DIR"
  echo
  echo "== the storage floor: one order's SQL alone (order_rows: same schema and writer, no HTTP)"
  for B in 32 64 1024; do "$BUILD/bench/order_rows" --batch "$B" --dir "$DIR/rows"; done
  echo
  echo "== orders: POST /api/v1/orders (3 lines of 10 products), invoice by the billing consumer"
  orders_section
  SHIM=(LD_PRELOAD="$(realpath "$BUILD/bench/libslow_fsync_vfs.so")" FSYNC_DELAY_US=2000)
  echo
  echo "== slow_fsync_vfs check: 100 orders/s for 3 s (batches of ~1), without and with the shim"
  for env_set in none shim; do
    if [ $env_set = shim ]; then SERVER_ENV=("${SHIM[@]}"); fi
    RATE=100 SECS=3 orders_run orders_paced | grep -E '^(writer|slow_fsync_vfs):'
  done
  echo
  echo "== orders with every SQLite fsync delayed by 2 ms (LD_PRELOAD slow_fsync_vfs: Pi SD/USB)"
  SERVER_ENV=("${SHIM[@]}")
  orders_section
  SERVER_ENV=()
fi

# Live stream (issue 4): STREAM_CLIENTS clients hold GET /api/v1/stream open (one admin
# token; the per-user cap raised to fit) while orders are placed at a paced rate; latency of
# each order.created to each client, from its commit and from sending its POST.
if section stream; then
  echo
  echo "== stream: order.created -> $STREAM_CLIENTS GET /api/v1/stream clients, ${SECS}s per rate"
  for RATE in $STREAM_RATES; do
    DATA=$DIR/stream-data
    start_server --sse-max-per-user $((STREAM_CLIENTS + 8))
    admin_token
    setup=$(python3 "$HERE/orders_report.py" setup "$PORT" "$TOKEN" 10)
    CUSTOMER=${setup% *}
    SKUS=${setup#* }
    echo "-- $RATE orders/s, $CONNS order connections"
    "$BUILD/bench/stream_load" --port "$PORT" --token "$TOKEN" --customer "$CUSTOMER" \
      --skus "$SKUS" --rate "$RATE" --seconds "$SECS" --connections "$CONNS" \
      --clients "$STREAM_CLIENTS"
    echo "dropped stream clients: $(curl -s "http://127.0.0.1:$PORT/metrics" |
      awk '/^smartdairy_sse_dropped_total/{print $2}')"
    echo "server RSS after the run: $(grep VmRSS /proc/$SERVER_PID/status | awk '{print $2, $3}')"
    stop_server
    rm -rf "$DATA"
  done
  DATA=$DIR/data
fi

# In-browser submit -> dashboard update (issue 4): the e2e latency test alone, in Chromium.
if section browser; then
  echo
  echo "== browser: submit click -> dashboard tile update in a second open page (web/e2e)"
  if command -v node >/dev/null && [ -d "$HERE/../web/node_modules" ]; then
    BIN_ABS=$(realpath "$BIN")
    (cd "$HERE/../web" && SMARTDAIRY_BIN=$BIN_ABS SD_E2E_RESULTS="$DIR/e2e_latency.json" \
      SD_E2E_LATENCY_ORDERS=${BENCH_BROWSER_ORDERS:-200} \
      node --test --test-name-pattern=latency e2e/ui.test.mjs 2>&1 | grep -E 'p50|^# (pass|fail)' || true)
    cat "$DIR/e2e_latency.json" 2>/dev/null || echo "no result (see the test output above)"
  else
    echo "skipped: run 'make web' first (needs web/node_modules)"
  fi
fi

# Herd (issue 5): bulk milk entry over HTTP, then the offline bulk import of a herd's years
# of milk history.
if section herd; then
  echo
  echo "== herd: POST /api/v1/herd/milk/batch, 500 records (250 cows x 2 sessions, one day) each"
  DATA=$DIR/herd-data
  start_server
  admin_token
  python3 "$HERE/herd_cows.py" api "$PORT" "$TOKEN" 250 "$DATA/smartdairy.db"
  python3 "$HERE/herd_load.py" "$PORT" "$TOKEN" "${BENCH_HERD_BATCHES:-100}" 250
  echo "server RSS after the run: $(grep VmRSS /proc/$SERVER_PID/status | awk '{print $2, $3}')"
  stop_server
  rm -rf "$DATA"
  YEARS=${BENCH_HERD_YEARS:-10}
  echo
  echo "== herd: smartdairy herd import-milk, $YEARS years x 250 cows x 2 sessions (one file)"
  DATA=$DIR/herd-import
  "$BIN" migrate --data-dir "$DATA" >/dev/null
  python3 "$HERE/herd_cows.py" db "$DATA/smartdairy.db" 250
  python3 "$HERE/gen_milk_csv.py" "$DIR/milk.csv" "$YEARS" 250
  echo "file: $(du -h "$DIR/milk.csv" | cut -f1)"
  /usr/bin/time -v "$BIN" herd import-milk --data-dir "$DATA" "$DIR/milk.csv" 2> "$DIR/time.txt"
  grep -E 'Elapsed \(wall|Maximum resident' "$DIR/time.txt" | sed 's/^[[:space:]]*//'
  echo "database: $(du -h "$DATA/smartdairy.db" | cut -f1)"
  echo "-- the farm views and KPIs recomputed from that history (smartdairy analytics rebuild)"
  /usr/bin/time -v "$BIN" analytics rebuild --data-dir "$DATA" 2> "$DIR/time.txt" >/dev/null
  grep -E 'Elapsed \(wall|Maximum resident' "$DIR/time.txt" | sed 's/^[[:space:]]*//'
  echo "-- the same file again (every row already there: nothing changes)"
  /usr/bin/time -v "$BIN" herd import-milk --data-dir "$DATA" "$DIR/milk.csv" 2> "$DIR/time.txt"
  grep -E 'Elapsed \(wall|Maximum resident' "$DIR/time.txt" | sed 's/^[[:space:]]*//'
  rm -rf "$DATA" "$DIR/milk.csv"
  DATA=$DIR/data
fi

if section farm; then
  echo
  echo "== farm: 250 cows, 10 years of milk (~1.8 M records): analytics rebuild, GET /api/v1/herd/kpis"
  python3 "$HERE/farm_kpis.py" "$BIN" 250 10
fi

if [ "${BENCH_BUILD_TIME:-0}" = 1 ]; then
  echo
  echo "== clean Release build on $(nproc) cores"
  t0=$(date +%s)
  cmake -S . -B "$DIR/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$DIR/build" -j "$(nproc)" >/dev/null
  echo "clean build (all targets incl. tests and benches): $(($(date +%s) - t0)) s"
fi
