#pragma once

#include "http/idempotency.h"
#include "http/router.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::inventory {

// Stock levels, adjustments, moves and hand-made reservations under /api/v1/inventory.
// Orders reserve, release and ship through stock_service.h inside their own transactions.
class InventoryModule {
 public:
  InventoryModule(ModuleContext ctx, http::Idempotency& idempotency)
      : ctx_(ctx), idempotency_(idempotency) {}
  void register_routes(http::Router& router);

  ModuleContext ctx_;
  http::Idempotency& idempotency_;
};

}  // namespace smartdairy::modules::inventory
