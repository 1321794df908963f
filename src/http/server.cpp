#include "http/server.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/object.hpp>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/log.h"
#include "core/text.h"
#include "core/uuid.h"
#include "http/error_response.h"

namespace smartdairy::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
constexpr auto kTuple = asio::as_tuple(use_awaitable);

struct RouteStats {
  metrics::Counter* by_class[5] = {};
  metrics::Histogram* duration = nullptr;
};

namespace {

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

Method to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool is_json_content_type(std::string_view ct) {
  auto semi = ct.find(';');
  std::string_view media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (ascii_lower(media) != "application/json") return false;
  if (semi == std::string_view::npos) return true;
  std::string params = ascii_lower(ct.substr(semi + 1));
  return params.find("charset") == std::string::npos || params.find("utf-8") != std::string::npos;
}

// text/csv, optionally with charset=utf-8: the body of a spreadsheet import.
bool is_csv_content_type(std::string_view ct) {
  auto semi = ct.find(';');
  std::string_view media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (ascii_lower(media) != "text/csv") return false;
  if (semi == std::string_view::npos) return true;
  std::string params = ascii_lower(ct.substr(semi + 1));
  return params.find("charset") == std::string::npos || params.find("utf-8") != std::string::npos;
}

// A response ready to be written, with what serialisation needs from its request.
struct Outgoing {
  Response resp;
  std::string request_id;
  bool head = false;
};

// Header values come from our own code, but a stray CR or LF must never split a header.
void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  if (value.find_first_of("\r\n") == std::string_view::npos) {
    out.append(value);
  } else {
    for (char c : value) {
      if (c != '\r' && c != '\n') out.push_back(c);
    }
  }
  out.append("\r\n");
}

struct Conn {
  explicit Conn(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  std::atomic<bool> idle{true};
  // The response stream being written, if any. Touched only on the connection's executor.
  std::shared_ptr<ResponseStream> streaming;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, Router& r, Authenticator& a, metrics::Registry& m)
      : opts(std::move(o)), router(r), auth(a), reg(m), ioc(1), acceptor(ioc) {
    // One io_context per I/O thread: a connection lives on one thread, so it needs no
    // strand and its handlers never contend with another thread's.
    for (int i = 1; i < opts.threads; ++i) {
      extra.push_back(std::make_unique<asio::io_context>(1));
    }
    in_flight = &reg.gauge("smartdairy_http_requests_in_flight", "HTTP requests being handled.");
    connections = &reg.gauge("smartdairy_http_connections_open", "Open HTTP connections.");
    rejected = &reg.counter("smartdairy_http_connections_rejected_total",
                            "Connections refused because the connection cap was reached.");
    for (auto& route : router.routes()) {
      route->stats = make_stats(route->pattern);
    }
    if (Route* fallback = router.fallback_route()) fallback->stats = make_stats(fallback->pattern);
    unmatched = make_stats("unmatched");
  }

  RouteStats* make_stats(const std::string& route) {
    auto& s = stats_store.emplace_back();
    static constexpr const char* kClasses[5] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    for (int i = 0; i < 5; ++i) {
      s.by_class[i] = &reg.counter("smartdairy_http_requests_total",
                                   "HTTP requests by route template and status class.",
                                   {{"route", route}, {"code", kClasses[i]}});
    }
    s.duration = &reg.histogram("smartdairy_http_request_duration_seconds",
                                "Time from a complete request to its response, by route.",
                                metrics::latency_buckets_seconds(), {{"route", route}});
    return &s;
  }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(tcp::socket socket);
  asio::awaitable<void> write_stream(std::shared_ptr<Conn> conn, Outgoing& out, unsigned version);
  asio::awaitable<Response> dispatch(Request& req, RouteStats*& stats);
  asio::awaitable<Outgoing> handle(bhttp::request<bhttp::string_body>& breq,
                                   const std::string& remote);
  std::string serialize(Outgoing& out, unsigned version, bool keep_alive) const;
  void finish(Request& req, Response& resp, RouteStats* stats,
              std::chrono::steady_clock::time_point t0);
  Outgoing early_error(const Error& e, const std::string& remote);
  void begin_shutdown();

  ServerOptions opts;
  Router& router;
  Authenticator& auth;
  metrics::Registry& reg;
  // Declared before `ioc` so that it is destroyed after it: handlers still queued on `ioc`
  // (an aborted accept) own sockets of these contexts and must be destroyed first.
  std::vector<std::unique_ptr<asio::io_context>> extra;  // the other I/O threads
  asio::io_context ioc;                                  // acceptor, signals, shutdown
  std::atomic<size_t> next_context{0};

  // The executor for the next accepted connection, round-robin over the threads.
  asio::any_io_executor next_executor() {
    size_t i = next_context.fetch_add(1, std::memory_order_relaxed) % (extra.size() + 1);
    return i == 0 ? ioc.get_executor() : extra[i - 1]->get_executor();
  }
  tcp::acceptor acceptor;
  std::atomic<bool> draining{false};
  std::atomic<int> open{0};
  metrics::Gauge* in_flight;
  metrics::Gauge* connections;
  metrics::Counter* rejected;
  std::deque<RouteStats> stats_store;
  RouteStats* unmatched;
  std::mutex conn_mu;
  uint64_t next_conn = 0;
  std::unordered_map<uint64_t, std::weak_ptr<Conn>> conns;
};

Server::Server(ServerOptions options, Router& router, Authenticator& auth,
               metrics::Registry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, auth, metrics)) {}

Server::~Server() = default;

asio::io_context& Server::io() { return impl_->ioc; }
bool Server::draining() const { return impl_->draining.load(); }

Result<uint16_t> Server::listen() {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(impl_->opts.host, ec);
  if (ec) {
    return Error::bad_request("invalid_listen_address",
                              "Cannot parse listen address '" + impl_->opts.host + "'.");
  }
  tcp::endpoint ep(addr, impl_->opts.port);
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error::unavailable("listen_failed", "Cannot listen on " + impl_->opts.host + ":" +
                                                   std::to_string(impl_->opts.port) + ": " +
                                                   ec.message());
  }
  return acc.local_endpoint().port();
}

void Server::run() {
  asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
  std::vector<std::thread> threads;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& ctx : impl_->extra) {
    guards.push_back(asio::make_work_guard(*ctx));
    threads.emplace_back([c = ctx.get()] { c->run(); });
  }
  impl_->ioc.run();
  // The main context stops once shutdown has drained (or the grace period ended).
  guards.clear();
  for (auto& ctx : impl_->extra) ctx->stop();
  for (auto& t : threads) t.join();
}

void Server::shutdown() {
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->begin_shutdown(); });
}

void Server::Impl::begin_shutdown() {
  if (draining.exchange(true)) return;
  boost::system::error_code ec;
  acceptor.close(ec);
  // Idle keep-alive connections are closed now; busy ones finish their request first.
  std::vector<std::shared_ptr<Conn>> live;
  {
    std::lock_guard lock(conn_mu);
    for (auto& [id, weak] : conns) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (auto& c : live) {
    asio::post(c->stream.get_executor(), [c] {
      if (c->streaming) {
        // An event stream never finishes by itself: end it now, not at the grace period,
        // even when a client that stopped reading holds up its write.
        c->streaming->stop();
        boost::system::error_code ignored;
        c->stream.socket().cancel(ignored);
      } else if (c->idle.load()) {
        boost::system::error_code ignored;
        c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        c->stream.socket().close(ignored);
      }
    });
  }
  asio::co_spawn(
      ioc,
      [](Impl* self) -> asio::awaitable<void> {
        auto deadline = std::chrono::steady_clock::now() + self->opts.shutdown_grace;
        asio::steady_timer timer(self->ioc);
        while (self->open.load() > 0 && std::chrono::steady_clock::now() < deadline) {
          timer.expires_after(std::chrono::milliseconds(5));
          co_await timer.async_wait(kTuple);
        }
        if (self->open.load() > 0) {
          log::warn("shutdown grace period over; closing remaining connections",
                    {{"open_connections", self->open.load()}});
        }
        self->ioc.stop();
      }(this),
      asio::detached);
}

asio::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(next_executor(), kTuple);
    if (draining.load()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Out of file descriptors and the like: back off instead of spinning.
      log::warn("accept failed", {{"error", ec.message()}});
      asio::steady_timer t(ioc, std::chrono::milliseconds(50));
      co_await t.async_wait(kTuple);
      continue;
    }
    if (open.load() >= opts.max_connections) {
      rejected->inc();
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    auto ex = socket.get_executor();
    asio::co_spawn(ex, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Server::Impl::session(tcp::socket socket) {
  open.fetch_add(1);
  connections->add(1);
  auto conn = std::make_shared<Conn>(std::move(socket));
  uint64_t id;
  {
    std::lock_guard lock(conn_mu);
    id = next_conn++;
    conns.emplace(id, conn);
  }
  std::string remote;
  {
    boost::system::error_code ec;
    auto ep = conn->stream.socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
  }
  auto& stream = conn->stream;
  beast::flat_buffer buffer;
  for (int n = 0; n < opts.max_requests_per_connection && !draining.load(); ++n) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opts.header_limit));
    parser.body_limit(opts.body_limit);
    stream.expires_after(n == 0 ? opts.header_timeout : opts.idle_timeout);
    conn->idle.store(true);
    if (draining.load()) break;
    auto [ec, bytes] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    (void)bytes;
    conn->idle.store(false);
    std::optional<Error> early;
    if (!ec && !parser.is_done() &&
        beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      // curl and other clients wait for this before sending a large body.
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, parser.get().version()};
      stream.expires_after(opts.write_timeout);
      auto [cec, cbytes] = co_await bhttp::async_write(stream, cont, kTuple);
      (void)cbytes;
      ec = cec;
    }
    if (!ec && !parser.is_done()) {
      stream.expires_after(opts.body_timeout);
      auto [ec2, bytes2] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      (void)bytes2;
      ec = ec2;
    }
    if (ec) {
      if (ec == bhttp::error::header_limit) {
        early = Error::bad_request("headers_too_large",
                                   "The request headers exceed 8 KiB; send fewer or smaller "
                                   "headers.");
        early->kind = ErrorKind::kHeadersTooLarge;
      } else if (ec == bhttp::error::body_limit) {
        early = Error::bad_request("body_too_large", "The request body exceeds the " +
                                                         std::to_string(opts.body_limit / 1024) +
                                                         " KiB limit; send less data per request.");
        early->kind = ErrorKind::kPayloadTooLarge;
      } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
        early = Error::bad_request("malformed_request",
                                   "The request is not valid HTTP/1.1: " + ec.message() + ".");
      }
      if (early) {
        auto out = early_error(*early, remote);
        std::string wire = serialize(out, 11, false);
        stream.expires_after(opts.write_timeout);
        co_await asio::async_write(stream, asio::buffer(wire), kTuple);
      }
      break;
    }
    auto& breq = parser.get();
    bool keep = breq.keep_alive() && n + 1 < opts.max_requests_per_connection;
    unsigned version = breq.version();
    auto out = co_await handle(breq, remote);
    if (out.resp.stream) {
      co_await write_stream(conn, out, version);
      break;
    }
    keep = keep && !draining.load();
    // One buffer, one write: cheaper than Beast's serializer for our small responses.
    std::string wire = serialize(out, version, keep);
    stream.expires_after(opts.write_timeout);
    auto [wec, wbytes] = co_await asio::async_write(stream, asio::buffer(wire), kTuple);
    (void)wbytes;
    if (wec || !keep) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  {
    std::lock_guard lock(conn_mu);
    conns.erase(id);
  }
  connections->add(-1);
  open.fetch_sub(1);
}

namespace {
// Ends `stream` as soon as the client closes its side (or sends anything: an event stream
// takes no further requests), so a reload frees its slot at once instead of at the next
// failed write.
asio::awaitable<void> watch_peer(std::shared_ptr<Conn> conn,
                                 std::shared_ptr<ResponseStream> stream) {
  auto [ec] = co_await conn->stream.socket().async_wait(tcp::socket::wait_read, kTuple);
  (void)ec;  // readable, closed or cancelled: the stream is over either way
  stream->stop();
}
}  // namespace

// Writes a streaming response: the head and first body part, then each chunk of the stream
// with its own write timeout. The connection closes afterwards (no Content-Length).
asio::awaitable<void> Server::Impl::write_stream(std::shared_ptr<Conn> conn, Outgoing& out,
                                                 unsigned version) {
  auto stream = out.resp.stream;
  auto& tcp_stream = conn->stream;
  // Each chunk is whole messages, written as soon as they exist: Nagle would hold a chunk
  // while the previous one is unacknowledged, and the client's delayed ACK (40 ms on Linux)
  // would then show up as the stream's tail latency.
  boost::system::error_code nodelay_ec;
  tcp_stream.socket().set_option(tcp::no_delay(true), nodelay_ec);
  std::string wire = serialize(out, version, false);
  tcp_stream.expires_after(opts.write_timeout);
  auto [ec, n] = co_await asio::async_write(tcp_stream, asio::buffer(wire), kTuple);
  (void)n;
  if (ec || out.head) {
    stream->stop();
    co_return;
  }
  conn->streaming = stream;
  if (draining.load()) stream->stop();
  asio::co_spawn(tcp_stream.get_executor(), watch_peer(conn, stream), asio::detached);
  for (;;) {
    tcp_stream.expires_never();
    auto chunk = co_await stream->next();
    if (!chunk) break;
    tcp_stream.expires_after(opts.write_timeout);
    auto [wec, wn] = co_await asio::async_write(tcp_stream, asio::buffer(*chunk), kTuple);
    (void)wn;
    if (wec) break;
  }
  stream->stop();
  conn->streaming.reset();
  boost::system::error_code ignored;
  tcp_stream.socket().cancel(ignored);  // ends watch_peer
}

Outgoing Server::Impl::early_error(const Error& e, const std::string& remote) {
  Request req;
  req.request_id = new_uuid_v7();
  req.remote_ip = remote;
  req.route = "unmatched";
  Response resp = error_response(e, req);
  finish(req, resp, unmatched, std::chrono::steady_clock::now());
  return Outgoing{std::move(resp), req.request_id, false};
}

asio::awaitable<Outgoing> Server::Impl::handle(bhttp::request<bhttp::string_body>& breq,
                                               const std::string& remote) {
  auto t0 = std::chrono::steady_clock::now();
  in_flight->add(1);
  Request req;
  req.method = to_method(breq.method());
  req.target = std::string(breq.target());
  auto q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  req.headers.reserve(8);
  for (const auto& f : breq) {
    req.headers.emplace_back(ascii_lower(f.name_string()), std::string(f.value()));
  }
  req.body = std::move(breq.body());
  req.remote_ip = remote;
  auto rid = req.header("x-request-id");
  req.request_id = valid_request_id(rid) ? std::string(rid) : new_uuid_v7();

  RouteStats* stats = unmatched;
  Response resp;
  try {
    resp = co_await dispatch(req, stats);
  } catch (const std::exception& ex) {
    resp = exception_response(ex, req);
  }
  finish(req, resp, stats, t0);
  in_flight->add(-1);
  co_return Outgoing{std::move(resp), std::move(req.request_id), req.method == Method::kHead};
}

asio::awaitable<Response> Server::Impl::dispatch(Request& req, RouteStats*& stats) {
  // A browser loading a page (rather than a script fetching data) may get the web UI on a
  // path that is also a JSON route, such as the seed's GET /orders.
  auto dest = req.header("sec-fetch-dest");
  bool page_load =
      dest.empty() ? req.header("accept").starts_with("text/html") : dest == "document";
  auto m = router.match(req.method, req.path, page_load);
  if (m.kind == RouteMatch::kNotFound) {
    co_return error_response(Error::not_found("not_found", "There is nothing at " + req.path +
                                                               ". See docs/api.md for the "
                                                               "endpoints."),
                             req);
  }
  if (m.kind == RouteMatch::kMethodNotAllowed) {
    Response r =
        error_response(Error{ErrorKind::kMethodNotAllowed,
                             "method_not_allowed",
                             (req.method == Method::kOther ? std::string("This method")
                                                           : std::string(method_name(req.method))) +
                                 " is not allowed on " + req.path + "; use " + m.allow + ".",
                             {},
                             0},
                       req);
    r.set_header("Allow", m.allow);
    co_return r;
  }
  Route& route = *m.route;
  stats = route.stats != nullptr ? route.stats : unmatched;
  req.route = route.pattern;
  req.params = std::move(m.params);

  // SR-09: JSON only, never compressed.
  auto te = req.header("transfer-encoding");
  bool coded_transfer = false;
  if (!te.empty()) {
    std::string lower = ascii_lower(te);
    lower.erase(std::remove(lower.begin(), lower.end(), ' '), lower.end());
    coded_transfer = lower != "chunked";
  }
  if (req.has_header("content-encoding") || coded_transfer) {
    co_return error_response(Error{ErrorKind::kUnsupportedMedia,
                                   "unsupported_media_type",
                                   "Compressed request bodies are not accepted; send plain "
                                   "JSON without Content-Encoding.",
                                   {},
                                   0},
                             req);
  }
  if (!req.body.empty() && route.accepts_csv) {
    if (!is_csv_content_type(req.header("content-type"))) {
      co_return error_response(Error{ErrorKind::kUnsupportedMedia,
                                     "unsupported_media_type",
                                     "Send the file as CSV with 'Content-Type: text/csv' "
                                     "(UTF-8).",
                                     {},
                                     0},
                               req);
    }
  } else if (!req.body.empty() && !is_json_content_type(req.header("content-type"))) {
    co_return error_response(Error{ErrorKind::kUnsupportedMedia,
                                   "unsupported_media_type",
                                   "Send the body as JSON with 'Content-Type: "
                                   "application/json'.",
                                   {},
                                   0},
                             req);
  }

  if (route.permission.name != kPublic.name) {
    auto principal = co_await auth.authenticate(req);
    if (!principal) {
      co_return error_response(
          Error::unauthorized("Log in first (POST /api/v1/auth/login) or send an API token as "
                              "'Authorization: Bearer <token>'."),
          req);
    }
    req.principal = std::move(principal);
    if (req.principal->via_session && is_unsafe(req.method)) {
      auto sent = req.header("x-csrf-token");
      const auto& want = req.principal->csrf_token;
      // SR-20: browsers say where a request comes from; a cross-site one is refused even
      // if it somehow carries the token.
      auto site = req.header("sec-fetch-site");
      bool same_origin = site.empty() || site == "same-origin" || site == "none";
      bool match = same_origin && sent.size() == want.size() && !want.empty();
      unsigned diff = 0;
      for (size_t i = 0; match && i < want.size(); ++i) {
        diff |= static_cast<unsigned char>(sent[i] ^ want[i]);
      }
      if (!match || diff != 0) {
        log::warn("csrf check failed", {{"request_id", req.request_id},
                                        {"user", req.principal->username},
                                        {"route", req.route}});
        Error e = Error::forbidden(
            "Missing or wrong X-CSRF-Token header. Send the csrf_token you received at login "
            "with every POST, PUT, PATCH and DELETE.");
        e.code = "csrf_token_invalid";
        co_return error_response(e, req);
      }
    }
    if (route.permission.name != kAuthenticated.name &&
        !auth.allowed(*req.principal, route.permission.name)) {
      log::warn("authorization failure", {{"request_id", req.request_id},
                                          {"user", req.principal->username},
                                          {"role", req.principal->role},
                                          {"route", req.route},
                                          {"permission", route.permission.name}});
      co_return error_response(
          Error::forbidden("Your role (" + req.principal->role + ") does not allow this (needs '" +
                           std::string(route.permission.name) +
                           "'). Ask an administrator for access."),
          req);
    }
  }
  co_return co_await route.handler(req);
}

void Server::Impl::finish(Request& req, Response& resp, RouteStats* stats,
                          std::chrono::steady_clock::time_point t0) {
  auto elapsed = std::chrono::steady_clock::now() - t0;
  int cls = std::clamp(resp.status / 100, 1, 5) - 1;
  stats->by_class[cls]->inc();
  stats->duration->observe_seconds(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed));
  if (opts.access_log && log::enabled(log::Level::kInfo)) {
    // Built by hand: this runs for every request (see docs/benchmarks.md).
    thread_local std::string line;
    line.clear();
    line.append("\"msg\":\"request\",\"method\":\"");
    line.append(method_name(req.method));
    line.append("\",\"route\":\"");
    log::append_json_escaped(line, req.route.empty() ? std::string_view("unmatched") : req.route);
    line.append("\",\"status\":");
    line.append(std::to_string(resp.status));
    line.append(",\"us\":");
    line.append(
        std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
    line.append(",\"request_id\":\"");
    log::append_json_escaped(line, req.request_id);
    line.append("\",\"remote\":\"");
    log::append_json_escaped(line, req.remote_ip);
    line.push_back('"');
    if (req.principal) {
      line.append(",\"user\":\"");
      log::append_json_escaped(line, req.principal->username);
      line.push_back('"');
    }
    log::write_fields_line(line);
  }
}

std::string Server::Impl::serialize(Outgoing& out, unsigned version, bool keep_alive) const {
  const Response& resp = out.resp;
  std::string buf;
  buf.reserve(768 + (out.head ? 0 : resp.body.size()));
  buf.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  buf.append(std::to_string(resp.status));
  buf.push_back(' ');
  buf.append(bhttp::obsolete_reason(static_cast<bhttp::status>(resp.status)));
  buf.append("\r\n");
  bool has_cache_control = false;
  for (const auto& [k, v] : resp.headers) {
    if (beast::iequals(k, "cache-control")) has_cache_control = true;
    append_header(buf, k, v);
  }
  if (!resp.content_type.empty()) append_header(buf, "Content-Type", resp.content_type);
  buf.append(
      "X-Content-Type-Options: nosniff\r\n"
      "Referrer-Policy: no-referrer\r\n"
      "X-Frame-Options: DENY\r\n"
      "Cross-Origin-Opener-Policy: same-origin\r\n"
      "Cross-Origin-Resource-Policy: same-origin\r\n");
  append_header(buf, "Content-Security-Policy", kCsp);
  if (!has_cache_control) buf.append("Cache-Control: no-store\r\n");
  if (opts.behind_tls) {
    buf.append("Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n");
  }
  append_header(buf, "X-Request-Id", out.request_id);
  if (resp.stream) {
    // Proxies (nginx) must pass events on as they come, not buffer them.
    buf.append("X-Accel-Buffering: no\r\n");
  } else if (resp.status != 204 && resp.status >= 200) {
    append_header(buf, "Content-Length", std::to_string(resp.body.size()));
  }
  if (version == 10 && keep_alive) buf.append("Connection: keep-alive\r\n");
  if (version != 10 && !keep_alive) buf.append("Connection: close\r\n");
  buf.append("\r\n");
  if (!out.head) buf.append(resp.body);
  return buf;
}

}  // namespace smartdairy::http
