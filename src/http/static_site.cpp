#include "http/static_site.h"

#include <memory>
#include <string>
#include <unordered_map>

#include "core/text.h"
#include "http/error_response.h"

namespace smartdairy::http {

namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

bool starts_with_segment(std::string_view path, std::string_view prefix) {
  return path == prefix ||
         (path.size() > prefix.size() && path.starts_with(prefix) && path[prefix.size()] == '/');
}

// Paths that belong to the server, never to the UI: an unknown one is a JSON 404.
bool reserved_path(std::string_view path) {
  return starts_with_segment(path, "/api") || starts_with_segment(path, "/healthz") ||
         starts_with_segment(path, "/readyz") || starts_with_segment(path, "/metrics") ||
         starts_with_segment(path, "/query");
}

struct Site {
  std::unordered_map<std::string_view, std::string_view> files;
  const std::string_view* index = nullptr;
};

Response file_response(std::string_view path, std::string_view body) {
  Response r;
  r.content_type = std::string(content_type_for(path));
  r.body = std::string(body);
  if (path.starts_with("/assets/")) {
    r.set_header("Cache-Control", std::string(kImmutable));
  } else if (path != "/index.html") {
    // Unhashed files (the icon): cached briefly, revalidated after.
    r.set_header("Cache-Control", "public, max-age=3600");
  }
  // index.html keeps the server's default, Cache-Control: no-store. A page path may also be
  // a JSON route (the seed's GET /orders): which one answers depends on these headers.
  if (path == "/index.html") r.set_header("Vary", "Sec-Fetch-Dest, Accept");
  return r;
}

boost::asio::awaitable<Response> serve(std::shared_ptr<const Site> site, Request& req) {
  const std::string& path = req.path;
  if (reserved_path(path)) {
    co_return error_response(Error::not_found("not_found", "There is nothing at " + path +
                                                               ". See docs/api.md for the "
                                                               "endpoints."),
                             req);
  }
  if (auto it = site->files.find(path); it != site->files.end()) {
    co_return file_response(path, it->second);
  }
  if (path.starts_with("/assets/") || site->index == nullptr) {
    co_return error_response(
        Error::not_found("not_found",
                         site->index == nullptr
                             ? "This binary was built without the web UI (web/dist was empty); "
                               "build it with 'make build'."
                             : "There is no file " + path +
                                   "; reload the page to get the "
                                   "current version of the UI."),
        req);
  }
  co_return file_response("/index.html", *site->index);
}

}  // namespace

std::string_view content_type_for(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
  };
  auto slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  auto dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string ext = ascii_lower(name.substr(dot));
    for (const auto& [e, type] : kTypes) {
      if (e == ext) return type;
    }
  }
  return "application/octet-stream";
}

void register_static_site(Router& router, std::span<const StaticFile> files) {
  auto site = std::make_shared<Site>();
  for (const auto& f : files) site->files.emplace(f.path, f.body);
  if (auto it = site->files.find("/index.html"); it != site->files.end()) {
    site->index = &it->second;
  }
  router.fallback(
      "web_ui", kPublic,
      [site = std::shared_ptr<const Site>(site)](Request& r) { return serve(site, r); },
      [](std::string_view path) { return !reserved_path(path) && !path.starts_with("/assets/"); });
}

}  // namespace smartdairy::http
