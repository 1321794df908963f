#pragma once

#include "core/metrics.h"
#include "db/database.h"
#include "http/router.h"

namespace smartdairy::app {

// /healthz, /readyz, /metrics and GET /api/v1/events.
void register_platform_routes(http::Router& router, db::Database& db, metrics::Registry& registry);

}  // namespace smartdairy::app
