// Open-loop order load: POST /api/v1/orders at a fixed total rate over N keep-alive
// connections, on loopback, for a fixed time. wrk cannot pace; this does.
//
// Request i is due at start + i / rate and goes on connection i mod N. A connection sends
// each of its requests at its due time, or at once if it is behind (its previous response
// came late), and measures latency from the due time, not from the actual send: time spent
// waiting behind a slow response counts, so a stall is not hidden (coordinated omission).
// Requests still unsent when the run ends are reported, not silently dropped.
//
//   order_load --port P --token T --customer ID --skus A,B,C,... [--rate 10000]
//              [--seconds 10] [--connections 64] [--threads 1]
//
// Prints: scheduled/sent/201/other counts, achieved rate, and latency p50/p99/p99.9/max.
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "order_options.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

struct Options : bench::OrderOptions {
  Options() { rate = 10'000; }
  int threads = 1;
};

struct Run {
  Clock::time_point start;
  Clock::time_point end;       // no request is due at or after this
  Clock::time_point deadline;  // connections give up here (end + grace)
  std::chrono::nanoseconds period;
};

// What one connection saw. Only its own coroutine touches it.
struct ConnStats {
  std::vector<int64_t> latency_ns;  // per response, from the due time
  int64_t sent = 0;
  int64_t created = 0;  // 201
  int64_t other = 0;    // any other status
  int64_t errors = 0;   // connect/read/write failures
  int64_t unsent = 0;   // due before `end` but not sent by the deadline
  int64_t in_window = 0;
  int64_t max_send_lag_ns = 0;  // how far behind schedule a send started, at worst
};

asio::awaitable<void> connection(const Options& o, const Run& run, int k, ConnStats& st) {
  auto ex = co_await asio::this_coro::executor;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), o.port);
  tcp::socket sock(ex);
  bool connected = false;
  asio::steady_timer timer(ex);
  beast::flat_buffer buf;
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/api/v1/orders", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::authorization, "Bearer " + o.token);
  req.set(bhttp::field::content_type, "application/json");
  req.keep_alive(true);
  const int64_t n = o.connections;
  for (int64_t i = k;; i += n) {
    const Clock::time_point due = run.start + run.period * i;
    if (due >= run.end) break;
    if (Clock::now() >= run.deadline) {
      // Everything from here to `end` on this connection was never sent.
      st.unsent +=
          (run.end - due + run.period * n - std::chrono::nanoseconds(1)) / (run.period * n);
      break;
    }
    if (Clock::now() < due) {
      timer.expires_at(due);
      co_await timer.async_wait(kTuple);
    }
    st.max_send_lag_ns = std::max<int64_t>(st.max_send_lag_ns, (Clock::now() - due).count());
    if (!connected) {
      sock = tcp::socket(ex);
      auto [ec] = co_await sock.async_connect(ep, kTuple);
      if (ec) {
        ++st.errors;
        continue;
      }
      sock.set_option(tcp::no_delay(true));
      connected = true;
      buf.clear();
    }
    req.body() = bench::order_body(o, i);
    req.prepare_payload();
    ++st.sent;
    auto [wec, wn] = co_await bhttp::async_write(sock, req, kTuple);
    bhttp::response<bhttp::string_body> res;
    boost::system::error_code rec;
    if (!wec) std::tie(rec, std::ignore) = co_await bhttp::async_read(sock, buf, res, kTuple);
    const Clock::time_point now = Clock::now();
    if (wec || rec) {
      ++st.errors;
      boost::system::error_code ignored;
      sock.close(ignored);
      connected = false;
      continue;
    }
    st.latency_ns.push_back((now - due).count());
    if (now <= run.end) ++st.in_window;
    if (res.result_int() == 201) {
      ++st.created;
    } else {
      ++st.other;
    }
    if (!res.keep_alive()) {  // the server closes after its per-connection request limit
      boost::system::error_code ignored;
      sock.close(ignored);
      connected = false;
    }
  }
  boost::system::error_code ignored;
  sock.close(ignored);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  bool ok = bench::parse_order_options(argc, argv, "order_load", o,
                                       [&o](std::string_view key, const char* v) {
                                         if (key != "--threads") return false;
                                         o.threads = std::atoi(v);
                                         return true;
                                       });
  if (!ok || o.threads <= 0) {
    std::fprintf(stderr,
                 "usage: order_load --port P --token T --customer ID --skus A,B,C[,...] "
                 "[--rate R] [--seconds S] [--connections N] [--threads T]\n");
    return 2;
  }
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int t = 0; t < o.threads; ++t) contexts.push_back(std::make_unique<asio::io_context>(1));
  std::vector<ConnStats> stats(static_cast<size_t>(o.connections));
  Run run;
  run.period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / o.rate));
  run.start = Clock::now() + std::chrono::milliseconds(50);
  run.end = run.start + std::chrono::nanoseconds(static_cast<int64_t>(o.seconds * 1e9));
  run.deadline = run.end + std::chrono::seconds(5);
  for (int k = 0; k < o.connections; ++k) {
    auto& ctx = *contexts[static_cast<size_t>(k % o.threads)];
    asio::co_spawn(ctx, connection(o, run, k, stats[static_cast<size_t>(k)]), asio::detached);
  }
  std::vector<std::thread> threads;
  for (auto& ctx : contexts) threads.emplace_back([c = ctx.get()] { c->run(); });
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - run.start).count();

  ConnStats all;
  for (auto& s : stats) {
    all.latency_ns.insert(all.latency_ns.end(), s.latency_ns.begin(), s.latency_ns.end());
    all.sent += s.sent;
    all.created += s.created;
    all.other += s.other;
    all.errors += s.errors;
    all.unsent += s.unsent;
    all.in_window += s.in_window;
    all.max_send_lag_ns = std::max(all.max_send_lag_ns, s.max_send_lag_ns);
  }
  std::sort(all.latency_ns.begin(), all.latency_ns.end());
  const auto scheduled = static_cast<int64_t>(std::ceil(o.seconds * o.rate));
  std::printf("order_load: target %.0f orders/s for %.1f s over %d connections (%d thread%s)\n",
              o.rate, o.seconds, o.connections, o.threads, o.threads == 1 ? "" : "s");
  std::printf(
      "scheduled %lld, sent %lld, 201: %lld, other status: %lld, errors: %lld, "
      "unsent at the deadline: %lld\n",
      static_cast<long long>(scheduled), static_cast<long long>(all.sent),
      static_cast<long long>(all.created), static_cast<long long>(all.other),
      static_cast<long long>(all.errors), static_cast<long long>(all.unsent));
  std::printf(
      "achieved %.0f responses/s within the %.1f s window (%.0f/s over %.1f s incl. "
      "the tail); worst send lag behind schedule %.1f ms\n",
      static_cast<double>(all.in_window) / o.seconds, o.seconds,
      static_cast<double>(all.latency_ns.size()) / elapsed, elapsed,
      static_cast<double>(all.max_send_lag_ns) / 1e6);
  std::printf("latency from intended send: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
              bench::pct_ms(all.latency_ns, 0.50, 1e6), bench::pct_ms(all.latency_ns, 0.99, 1e6),
              bench::pct_ms(all.latency_ns, 0.999, 1e6), bench::pct_ms(all.latency_ns, 1.0, 1e6));
  return 0;
}
