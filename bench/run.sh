#!/usr/bin/env bash
# Platform benchmarks (issue 2). Prints figures for docs/benchmarks.md; never fails on a
# figure. Everything runs on loopback, with a temp data dir, and stops by itself.
#   bench/run.sh [BUILD_DIR]      BENCH_SECONDS=10 BENCH_CONNECTIONS=64 BENCH_BUILD_TIME=1
set -euo pipefail
BUILD=${1:-build}
BIN=$BUILD/smartdairy
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-64}
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

start_server() {
  SMARTDAIRY_ADMIN_PASSWORD=$PW "$BIN" serve --listen 127.0.0.1:0 --data-dir "$DIR/data" \
    "$@" > "$DIR/server.log" 2>&1 &
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

echo
echo "== cold start to ready (exec -> first 200 from /readyz)"
python3 "$(dirname "$0")/cold_start.py" "$BIN" "$DIR/coldstart" 5

echo
echo "== HTTP: wrk, $CONNS connections, ${SECS}s each (server and wrk share the machine)"
start_server
LOGIN=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" -c "$DIR/cookies" \
  -H 'content-type: application/json' -d "{\"username\":\"admin\",\"password\":\"$PW\"}")
CSRF=$(echo "$LOGIN" | sed 's/.*"csrf_token":"\([^"]*\)".*/\1/')
TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/tokens" -b "$DIR/cookies" \
  -H "X-CSRF-Token: $CSRF" -H 'content-type: application/json' -d '{"name":"bench"}' |
  sed 's/.*"token":"\([^"]*\)".*/\1/')
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

if [ "${BENCH_BUILD_TIME:-0}" = 1 ]; then
  echo
  echo "== clean Release build on $(nproc) cores"
  t0=$(date +%s)
  cmake -S . -B "$DIR/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$DIR/build" -j "$(nproc)" >/dev/null
  echo "clean build (all targets incl. tests and benches): $(($(date +%s) - t0)) s"
fi
