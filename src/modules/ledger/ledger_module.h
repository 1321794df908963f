#pragma once

#include "http/router.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::ledger {

// GET /api/v1/ledger/trial-balance?as_of= and /api/v1/ledger/accounts/{code}/entries.
// Other modules post through ledger_service.h inside their own transactions.
class LedgerModule {
 public:
  explicit LedgerModule(ModuleContext ctx) : ctx_(ctx) {}
  void register_routes(http::Router& router);

  ModuleContext ctx_;
};

}  // namespace smartdairy::modules::ledger
