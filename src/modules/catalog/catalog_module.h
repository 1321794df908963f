#pragma once

#include "http/idempotency.h"
#include "http/router.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::catalog {

// Products: /api/v1/products (create, get, update, list/search).
class CatalogModule {
 public:
  CatalogModule(ModuleContext ctx, http::Idempotency& idempotency)
      : ctx_(ctx), idempotency_(idempotency) {}
  void register_routes(http::Router& router);

  ModuleContext ctx_;
  http::Idempotency& idempotency_;
};

// Percentages travel as decimal strings with two places ("15.00", "7.50") and are stored as
// hundredths (DESIGN.md §5).
inline constexpr Currency kPercent{"%", 2};

}  // namespace smartdairy::modules::catalog
