#pragma once

// Calls a module's route in-process, without a server: the request as the server builds it
// (path, query, body, the caller's principal, an optional Idempotency-Key), the handler run to
// completion on a local io_context. A route that does not match fails the test.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <string>

#include "http/router.h"

namespace smartdairy::testing {

inline http::Response call_route(http::Router& router, http::Method method,
                                 const std::string& target, const std::string& body,
                                 const std::string& role, const std::string& idempotency_key = "") {
  http::Request req;
  req.method = method;
  req.target = target;
  req.path = target.substr(0, target.find('?'));
  req.query = target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
  req.body = body;
  http::Principal p;
  p.user_id = "user-" + role;
  p.username = role;
  p.role = role;
  req.principal = p;
  if (!idempotency_key.empty()) req.headers.emplace_back("idempotency-key", idempotency_key);
  http::RouteMatch match = router.match(method, req.path);
  EXPECT_EQ(match.kind, http::RouteMatch::kFound) << target;
  if (match.route == nullptr) return {};
  req.params = match.params;
  boost::asio::io_context io;
  http::Response out;
  out.status = -1;
  boost::asio::co_spawn(io, match.route->handler(req),
                        [&out](const std::exception_ptr& e, http::Response r) {
                          if (!e) out = std::move(r);
                        });
  io.run();
  return out;
}

}  // namespace smartdairy::testing
