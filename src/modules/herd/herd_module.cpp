#include "modules/herd/herd_module.h"

namespace smartdairy::modules::herd {

HerdModule::HerdModule(ModuleContext ctx, http::Idempotency& idempotency)
    : ctx_(ctx),
      idempotency_(idempotency),
      breeds_(ctx_),
      animals_(ctx_),
      calvings_(ctx_, animals_),
      animal_import_(ctx_, animals_),
      health_(ctx_),
      breeding_(ctx_) {}

void HerdModule::register_routes(http::Router& router) {
  register_breed_routes(router);
  register_animal_routes(router);
  register_calving_routes(router);
  register_settings_routes(router);
  register_animal_import_routes(router);
  register_health_routes(router);
  register_breeding_routes(router);
}

}  // namespace smartdairy::modules::herd
