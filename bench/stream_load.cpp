// Order -> live stream latency: N clients hold GET /api/v1/stream open while orders are placed
// at a fixed rate (open loop, paced like order_load), on loopback, for a fixed time.
//
// Every client records when each order.created reaches it. Two latencies per delivery:
//   - from the commit: arrival (system clock) - the event's occurred_at (stamped in the
//     order's write transaction, just before its commit);
//   - from the request: arrival (steady clock) - when the POST for that order was sent.
// Both include the client's own parsing; the client runs on one thread of its own.
//
//   stream_load --port P --token T --customer ID --skus A,B,C,... [--rate 1000]
//               [--seconds 10] [--connections 16] [--clients 100]
//
// The server must allow --clients streams for the token's user (--sse-max-per-user).
#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
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
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "order_options.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

struct Options : bench::OrderOptions {
  Options() { connections = 16; }
  int clients = 100;
};

int64_t system_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2026-11-22T03:52:23.665097Z" -> microseconds since the epoch (UTC); -1 if malformed.
int64_t parse_rfc3339_micros(std::string_view s) {
  if (s.size() < 27) return -1;
  auto num = [&](size_t pos, size_t len) {
    int64_t v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  int64_t y = num(0, 4);
  const int64_t m = num(5, 2);
  const int64_t d = num(8, 2);
  // Days from civil (Howard Hinnant's algorithm).
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = era * 146097 + doe - 719468;
  const int64_t secs = days * 86400 + num(11, 2) * 3600 + num(14, 2) * 60 + num(17, 2);
  return secs * 1'000'000 + num(20, 6);
}

// The text after `"key":"` up to the next quote, or "".
std::string_view json_string(std::string_view text, std::string_view key_pattern) {
  auto p = text.find(key_pattern);
  if (p == std::string_view::npos) return {};
  p += key_pattern.size();
  auto q = text.find('"', p);
  return q == std::string_view::npos ? std::string_view() : text.substr(p, q - p);
}

struct Delivery {
  uint64_t order;  // hash of the order id
  Steady::time_point at;
};

// What one stream client saw. Only its own coroutine touches it until the run ends.
struct ClientStats {
  std::vector<int64_t> from_commit_us;
  std::vector<Delivery> deliveries;
  bool started = false;
  bool ended_early = false;  // the server closed the stream (dropped as too slow)
};

std::atomic<int> g_started{0};
std::atomic<bool> g_stop{false};
std::atomic<size_t> g_delivered{0};  // order.created received, all clients

asio::awaitable<void> stream_client(const Options& o, ClientStats& st) {
  auto ex = co_await asio::this_coro::executor;
  tcp::socket sock(ex);
  auto [cec] = co_await sock.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port), kTuple);
  if (cec) {
    st.ended_early = true;
    g_started.fetch_add(1);
    co_return;
  }
  std::string req = "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                    o.token + "\r\nAccept: text/event-stream\r\n\r\n";
  co_await asio::async_write(sock, asio::buffer(req), kTuple);
  std::string buf;
  std::vector<char> chunk(size_t{256} * 1024);
  bool head_done = false;
  for (;;) {
    auto [ec, n] = co_await sock.async_read_some(asio::buffer(chunk), kTuple);
    if (ec) {
      if (!g_stop.load()) st.ended_early = true;
      break;
    }
    const auto now = Steady::now();
    const int64_t now_us = system_micros();
    buf.append(chunk.data(), n);
    size_t pos = 0;
    if (!head_done) {
      auto end = buf.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      if (buf.compare(0, 12, "HTTP/1.1 200") != 0) {
        std::fprintf(stderr, "stream_load: stream refused: %.*s\n",
                     static_cast<int>(std::min<size_t>(end, 200)), buf.data());
        st.ended_early = true;
        g_started.fetch_add(1);
        co_return;
      }
      head_done = true;
      pos = end + 4;
    }
    for (;;) {
      auto end = buf.find("\n\n", pos);
      if (end == std::string::npos) break;
      std::string_view msg(buf.data() + pos, end - pos);
      pos = end + 2;
      if (!st.started && msg.starts_with("retry:")) {
        st.started = true;
        g_started.fetch_add(1);
        continue;
      }
      // "id: N\nevent: TYPE\n…": look at the second line only.
      const auto nl = msg.find('\n');
      if (nl == std::string_view::npos ||
          !msg.substr(nl + 1).starts_with("event: order.created\n")) {
        continue;
      }
      auto agg = json_string(msg, "\"aggregate_id\":\"");
      const int64_t at = parse_rfc3339_micros(json_string(msg, "\"occurred_at\":\""));
      if (agg.empty() || at < 0) continue;
      st.from_commit_us.push_back(now_us - at);
      st.deliveries.push_back({std::hash<std::string_view>{}(agg), now});
      g_delivered.fetch_add(1, std::memory_order_relaxed);
    }
    buf.erase(0, pos);
  }
  boost::system::error_code ignored;
  sock.close(ignored);
}

struct Run {
  Steady::time_point start;
  Steady::time_point end;
  std::chrono::nanoseconds period;
};

struct OrderStats {
  std::vector<std::pair<uint64_t, Steady::time_point>> sent;  // order id hash, POST sent at
  std::vector<int64_t> response_us;  // POST sent -> its 201 read, for comparison
  int64_t created = 0;
  int64_t other = 0;
  int64_t errors = 0;
};

asio::awaitable<void> order_connection(const Options& o, const Run& run, int k, OrderStats& st) {
  auto ex = co_await asio::this_coro::executor;
  tcp::socket sock(ex);
  bool connected = false;
  asio::steady_timer timer(ex);
  beast::flat_buffer buf;
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/api/v1/orders", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::authorization, "Bearer " + o.token);
  req.set(bhttp::field::content_type, "application/json");
  req.keep_alive(true);
  for (int64_t i = k;; i += o.connections) {
    const Steady::time_point due = run.start + run.period * i;
    if (due >= run.end) break;
    if (Steady::now() < due) {
      timer.expires_at(due);
      co_await timer.async_wait(kTuple);
    }
    if (!connected) {
      sock = tcp::socket(ex);
      auto [ec] = co_await sock.async_connect(
          tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port), kTuple);
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
    const auto sent_at = Steady::now();
    auto [wec, wn] = co_await bhttp::async_write(sock, req, kTuple);
    bhttp::response<bhttp::string_body> res;
    boost::system::error_code rec;
    if (!wec) std::tie(rec, std::ignore) = co_await bhttp::async_read(sock, buf, res, kTuple);
    if (wec || rec) {
      ++st.errors;
      boost::system::error_code ignored;
      sock.close(ignored);
      connected = false;
      continue;
    }
    if (res.result_int() == 201) {
      ++st.created;
      st.response_us.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - sent_at).count());
      auto id = json_string(res.body(), "\"id\":\"");
      st.sent.emplace_back(std::hash<std::string_view>{}(id), sent_at);
    } else {
      ++st.other;
    }
    if (!res.keep_alive()) {
      boost::system::error_code ignored;
      sock.close(ignored);
      connected = false;
    }
  }
  boost::system::error_code ignored;
  sock.close(ignored);
}

void print_latency(const char* what, std::vector<int64_t>& us) {
  std::sort(us.begin(), us.end());
  std::printf("%s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (n = %zu)\n", what,
              bench::pct_ms(us, 0.50, 1e3), bench::pct_ms(us, 0.99, 1e3),
              bench::pct_ms(us, 0.999, 1e3), bench::pct_ms(us, 1.0, 1e3), us.size());
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  bool ok = bench::parse_order_options(argc, argv, "stream_load", o,
                                       [&o](std::string_view key, const char* v) {
                                         if (key != "--clients") return false;
                                         o.clients = std::atoi(v);
                                         return true;
                                       });
  if (!ok || o.clients <= 0) {
    std::fprintf(stderr,
                 "usage: stream_load --port P --token T --customer ID --skus A,B,C[,...] "
                 "[--rate R] [--seconds S] [--connections N] [--clients K]\n");
    return 2;
  }
  // Stream clients on one thread, the order pacer on another: a busy reader never delays
  // an order's send, which would hide latency.
  asio::io_context sse_ctx(1);
  asio::io_context order_ctx(1);
  std::vector<ClientStats> clients(static_cast<size_t>(o.clients));
  for (auto& c : clients) asio::co_spawn(sse_ctx, stream_client(o, c), asio::detached);
  std::thread sse_thread([&] { sse_ctx.run(); });
  const auto wait_start = Steady::now();
  while (g_started.load() < o.clients && Steady::now() - wait_start < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (g_started.load() < o.clients) {
    std::fprintf(stderr, "stream_load: only %d of %d streams started\n", g_started.load(),
                 o.clients);
  }

  Run run;
  run.period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / o.rate));
  run.start = Steady::now() + std::chrono::milliseconds(50);
  run.end = run.start + std::chrono::nanoseconds(static_cast<int64_t>(o.seconds * 1e9));
  std::vector<OrderStats> orders(static_cast<size_t>(o.connections));
  for (int k = 0; k < o.connections; ++k) {
    asio::co_spawn(order_ctx, order_connection(o, run, k, orders[static_cast<size_t>(k)]),
                   asio::detached);
  }
  order_ctx.run();
  const double elapsed = std::chrono::duration<double>(Steady::now() - run.start).count();

  OrderStats all;
  for (auto& s : orders) {
    all.sent.insert(all.sent.end(), s.sent.begin(), s.sent.end());
    all.response_us.insert(all.response_us.end(), s.response_us.begin(), s.response_us.end());
    all.created += s.created;
    all.other += s.other;
    all.errors += s.errors;
  }
  // Let the last events reach every client, then end the streams.
  const auto expected = static_cast<size_t>(all.created);
  const auto drain_start = Steady::now();
  while (g_delivered.load() < expected * static_cast<size_t>(o.clients) &&
         Steady::now() - drain_start < std::chrono::seconds(15)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  g_stop.store(true);
  sse_ctx.stop();
  sse_thread.join();

  std::unordered_map<uint64_t, Steady::time_point> sent_at;
  sent_at.reserve(all.sent.size());
  for (auto& [id, t] : all.sent) sent_at.emplace(id, t);
  std::vector<int64_t> from_commit;
  std::vector<int64_t> from_request;
  size_t ended_early = 0;
  size_t received = 0;
  for (auto& c : clients) {
    ended_early += c.ended_early ? 1 : 0;
    received += c.deliveries.size();
    from_commit.insert(from_commit.end(), c.from_commit_us.begin(), c.from_commit_us.end());
    for (const auto& d : c.deliveries) {
      auto it = sent_at.find(d.order);
      if (it == sent_at.end()) continue;
      from_request.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(d.at - it->second).count());
    }
  }
  std::printf(
      "stream_load: %d stream clients; target %.0f orders/s for %.1f s over %d connections\n",
      o.clients, o.rate, o.seconds, o.connections);
  std::printf("orders: 201: %lld, other status: %lld, errors: %lld; achieved %.0f orders/s\n",
              static_cast<long long>(all.created), static_cast<long long>(all.other),
              static_cast<long long>(all.errors), static_cast<double>(all.created) / elapsed);
  std::printf(
      "stream: order.created received %zu of %zu expected (%d clients x %lld orders); "
      "streams ended by the server: %zu\n",
      received, expected * static_cast<size_t>(o.clients), o.clients,
      static_cast<long long>(all.created), ended_early);
  print_latency("order.created -> client, from commit (occurred_at)", from_commit);
  print_latency("order.created -> client, from sending the POST", from_request);
  print_latency("for comparison, POST -> its 201 response", all.response_us);
  return 0;
}
