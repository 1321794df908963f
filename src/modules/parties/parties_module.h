#pragma once

#include "http/idempotency.h"
#include "http/router.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::parties {

// Customers: /api/v1/customers (create, get, update, list/search, archive).
class PartiesModule {
 public:
  PartiesModule(ModuleContext ctx, http::Idempotency& idempotency)
      : ctx_(ctx), idempotency_(idempotency) {}
  void register_routes(http::Router& router);

  ModuleContext ctx_;
  http::Idempotency& idempotency_;
};

}  // namespace smartdairy::modules::parties
