#include "modules/herd/herd_module.h"

namespace smartdairy::modules::herd {

HerdModule::HerdModule(ModuleContext ctx, http::Idempotency& idempotency)
    : ctx_(ctx), idempotency_(idempotency), health_(ctx_), breeding_(ctx_) {}

void HerdModule::register_routes(http::Router& router) {
  // Each part of the module registers its routes here.
  register_health_routes(router);
  register_breeding_routes(router);
}

}  // namespace smartdairy::modules::herd
