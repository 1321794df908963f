#include "modules/herd/herd_module.h"

namespace smartdairy::modules::herd {

HerdModule::HerdModule(ModuleContext ctx, http::Idempotency& idempotency)
    : ctx_(ctx), idempotency_(idempotency) {}

void HerdModule::register_routes(http::Router& router) {
  // Each part of the module registers its routes here.
  (void)router;
}

}  // namespace smartdairy::modules::herd
