#pragma once

#include <span>

#include "http/static_site.h"

namespace smartdairy::app {

// The web UI (web/dist) as embedded at build time by cmake/embed_web.cmake; empty when the
// UI was not built.
std::span<const http::StaticFile> web_assets();

}  // namespace smartdairy::app
