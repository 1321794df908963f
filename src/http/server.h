#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/metrics.h"
#include "core/result.h"
#include "http/router.h"

namespace boost::asio {
class io_context;
}

namespace smartdairy::http {

// Limits and timeouts (SECURITY.md SR-27).
struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  int threads = 2;
  size_t header_limit = size_t{8} * 1024;
  size_t body_limit = size_t{1024} * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{10'000};
  std::chrono::milliseconds idle_timeout{10'000};
  std::chrono::milliseconds write_timeout{30'000};
  int max_requests_per_connection = 1000;
  int max_connections = 1024;
  std::chrono::milliseconds shutdown_grace{4'000};
  bool behind_tls = false;  // adds HSTS; the session cookie gets Secure
  bool access_log = true;
};

// Establishes who is calling and what they may do; implemented by the auth module.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The principal of a valid session cookie or bearer token, or nullopt.
  virtual boost::asio::awaitable<std::optional<Principal>> authenticate(const Request& req) = 0;
  // True when the principal's role holds `permission`.
  virtual bool allowed(const Principal& principal, std::string_view permission) const = 0;
};

// The HTTP/1.1 server (Boost.Beast, C++20 coroutines): keep-alive, limits, timeouts,
// authentication and authorization before every handler, security headers, request ids,
// access log and metrics. Beast stays inside server.cpp.
class Server {
 public:
  Server(ServerOptions options, Router& router, Authenticator& auth, metrics::Registry& metrics);
  ~Server();

  // Binds and listens; returns the bound port (useful with port 0).
  Result<uint16_t> listen();
  // Runs the I/O threads; returns after shutdown() has drained or the grace period passed.
  void run();
  // Thread-safe, idempotent: stop accepting, let in-flight requests finish, close idle
  // connections, then stop the I/O threads.
  void shutdown();
  bool draining() const;
  boost::asio::io_context& io();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smartdairy::http
