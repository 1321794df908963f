#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.h"

namespace smartdairy::http {

// The permission a route needs. Every route declares one: kPublic (no login),
// kAuthenticated (any logged-in user) or a named permission granted to roles.
struct Permission {
  std::string_view name;
};
inline constexpr Permission kPublic{"public"};
inline constexpr Permission kAuthenticated{"authenticated"};

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct RouteStats;  // per-route metrics, owned by the server

struct Route {
  Method method;
  std::string pattern;  // "/api/v1/users/{id}"
  Permission permission;
  Handler handler;
  std::vector<std::string> segments;
  RouteStats* stats = nullptr;
  bool accepts_csv = false;  // the body is text/csv (a spreadsheet import), not JSON
};

struct RouteMatch {
  enum Kind { kFound, kNotFound, kMethodNotAllowed } kind = kNotFound;
  Route* route = nullptr;
  std::unordered_map<std::string, std::string> params;
  std::string allow;  // for 405: the methods this path accepts
};

// Maps method + path to a handler. Registration is checked at start-up: a route without a
// known permission, a malformed pattern or a duplicate throws std::logic_error, so a
// server with an undeclared permission never starts (SR-01).
class Router {
 public:
  explicit Router(std::function<bool(std::string_view)> is_known_permission);

  void add(Method method, std::string pattern, Permission permission, Handler handler);
  // Lets an existing route take a `text/csv` body instead of JSON (spreadsheet imports).
  void accept_csv(Method method, std::string_view pattern);
  // Registers `alias` as another path for an existing route.
  void alias(Method method, std::string alias_pattern, std::string_view existing_pattern);

  // The handler for a GET or HEAD whose path matches no route (the web UI's pages and
  // assets). A path that some route serves with another method stays a 405. At most one.
  // `owns_pages` (optional) names the paths where a browser's page load (see match()) goes
  // to the fallback even when a route matches: the UI's /orders beside the seed's JSON
  // alias GET /orders.
  void fallback(std::string name, Permission permission, Handler handler,
                std::function<bool(std::string_view path)> owns_pages = {});

  // `page_load`: the request is a browser's top-level navigation (Sec-Fetch-Dest: document).
  RouteMatch match(Method method, std::string_view path, bool page_load = false);
  std::vector<std::unique_ptr<Route>>& routes() { return routes_; }
  Route* fallback_route() { return fallback_.get(); }

 private:
  void check_permission(const std::string& pattern, Permission permission) const;

  std::function<bool(std::string_view)> is_known_permission_;
  std::vector<std::unique_ptr<Route>> routes_;
  std::unique_ptr<Route> fallback_;
  std::function<bool(std::string_view)> fallback_owns_pages_;
};

}  // namespace smartdairy::http
