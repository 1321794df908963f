#pragma once

#include "http/idempotency.h"
#include "http/router.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::sales {

// Sales orders under /api/v1/orders (and the seed's /orders).
class SalesModule {
 public:
  SalesModule(ModuleContext ctx, http::Idempotency& idempotency)
      : ctx_(ctx), idempotency_(idempotency) {}
  void register_routes(http::Router& router);

  ModuleContext ctx_;
  http::Idempotency& idempotency_;
};

}  // namespace smartdairy::modules::sales
