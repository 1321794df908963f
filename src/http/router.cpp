#include "http/router.h"

#include <stdexcept>

namespace smartdairy::http {

namespace {
// Views into `path`, so matching a request allocates only the vector.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  out.reserve(8);
  size_t i = 0;
  if (!path.empty() && path[0] == '/') i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_param(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

bool same_shape(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (is_param(a[i]) != is_param(b[i])) return false;
    if (!is_param(a[i]) && a[i] != b[i]) return false;
  }
  return true;
}
}  // namespace

Router::Router(std::function<bool(std::string_view)> is_known_permission)
    : is_known_permission_(std::move(is_known_permission)) {}

void Router::check_permission(const std::string& pattern, Permission permission) const {
  if (permission.name.empty()) {
    throw std::logic_error("route " + pattern + " declares no permission");
  }
  if (permission.name != kPublic.name && permission.name != kAuthenticated.name &&
      !is_known_permission_(permission.name)) {
    throw std::logic_error("route " + pattern + " declares unknown permission '" +
                           std::string(permission.name) + "'");
  }
}

void Router::add(Method method, std::string pattern, Permission permission, Handler handler) {
  check_permission(pattern, permission);
  if (pattern.empty() || pattern[0] != '/') {
    throw std::logic_error("route pattern must start with '/': " + pattern);
  }
  if (!handler) throw std::logic_error("route " + pattern + " has no handler");
  auto views = split_path(pattern);
  std::vector<std::string> segments(views.begin(), views.end());
  for (const auto& r : routes_) {
    if (r->method == method && same_shape(r->segments, segments)) {
      throw std::logic_error("duplicate route " + std::string(method_name(method)) + " " + pattern);
    }
  }
  auto route = std::make_unique<Route>();
  route->method = method;
  route->pattern = std::move(pattern);
  route->permission = permission;
  route->handler = std::move(handler);
  route->segments = std::move(segments);
  routes_.push_back(std::move(route));
}

void Router::alias(Method method, std::string alias_pattern, std::string_view existing_pattern) {
  for (const auto& r : routes_) {
    if (r->method == method && r->pattern == existing_pattern) {
      add(method, std::move(alias_pattern), r->permission, r->handler);
      return;
    }
  }
  throw std::logic_error("alias target not registered: " + std::string(existing_pattern));
}

void Router::accept_csv(Method method, std::string_view pattern) {
  for (const auto& r : routes_) {
    if (r->method == method && r->pattern == pattern) {
      r->accepts_csv = true;
      return;
    }
  }
  throw std::logic_error("accept_csv: route not registered: " + std::string(pattern));
}

void Router::fallback(std::string name, Permission permission, Handler handler,
                      std::function<bool(std::string_view)> owns_pages) {
  check_permission(name, permission);
  if (!handler) throw std::logic_error("fallback " + name + " has no handler");
  if (fallback_) throw std::logic_error("a fallback is already registered: " + fallback_->pattern);
  fallback_ = std::make_unique<Route>();
  fallback_->method = Method::kGet;
  fallback_->pattern = std::move(name);
  fallback_->permission = permission;
  fallback_->handler = std::move(handler);
  fallback_owns_pages_ = std::move(owns_pages);
}

RouteMatch Router::match(Method method, std::string_view path, bool page_load) {
  RouteMatch result;
  bool get = method == Method::kGet || method == Method::kHead;
  if (page_load && get && fallback_ && fallback_owns_pages_ && fallback_owns_pages_(path)) {
    result.kind = RouteMatch::kFound;
    result.route = fallback_.get();
    return result;
  }
  auto segments = split_path(path);
  std::string allow;
  Route* best = nullptr;
  int best_literals = -1;
  for (const auto& r : routes_) {
    if (r->segments.size() != segments.size()) continue;
    bool ok = true;
    int literals = 0;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      if (is_param(r->segments[i])) {
        ok = !segments[i].empty();
      } else {
        ok = r->segments[i] == segments[i];
        ++literals;
      }
    }
    if (!ok) continue;
    if (r->method == method || (method == Method::kHead && r->method == Method::kGet)) {
      // The most specific route wins: /items/export before /items/{id}, in any order.
      if (literals > best_literals) {
        best = r.get();
        best_literals = literals;
      }
      continue;
    }
    if (allow.find(method_name(r->method)) == std::string::npos) {
      if (!allow.empty()) allow += ", ";
      allow += method_name(r->method);
      if (r->method == Method::kGet) allow += ", HEAD";
    }
  }
  if (best != nullptr) {
    result.kind = RouteMatch::kFound;
    result.route = best;
    for (size_t i = 0; i < segments.size(); ++i) {
      if (is_param(best->segments[i])) {
        result.params.emplace(best->segments[i].substr(1, best->segments[i].size() - 2),
                              std::string(segments[i]));
      }
    }
    return result;
  }
  if (!allow.empty()) {
    result.kind = RouteMatch::kMethodNotAllowed;
    result.allow = std::move(allow);
  } else if (fallback_ && get) {
    result.kind = RouteMatch::kFound;
    result.route = fallback_.get();
  }
  return result;
}

}  // namespace smartdairy::http
