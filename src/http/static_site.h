#pragma once

#include <span>
#include <string_view>

#include "http/router.h"

namespace smartdairy::http {

// One file of the web UI's build (web/dist), embedded in the binary at build time.
struct StaticFile {
  std::string_view path;  // URL path: "/index.html", "/assets/index-1a2b3c.js"
  std::string_view body;
};

// The Content-Type for a file name, by extension; application/octet-stream when unknown.
std::string_view content_type_for(std::string_view path);

// Serves `files` (which must outlive the router) for every GET or HEAD that no route matches:
// an existing file as itself, any other page path as /index.html so the UI's own router can
// show it. Paths of the API and the operations endpoints (/api/, /healthz, /readyz, /metrics,
// /query) and missing files under /assets/ stay a JSON 404. A browser's page load of a path
// that is also a JSON route outside those (the seed's GET /orders, /inventory/{sku}) gets the
// UI too; scripts and curl still get the JSON. Files under /assets/ have hashed
// names and are cached for a year; index.html is never cached. Public: the login page loads.
void register_static_site(Router& router, std::span<const StaticFile> files);

}  // namespace smartdairy::http
