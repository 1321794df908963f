#pragma once

#include "http/idempotency.h"
#include "http/router.h"
#include "modules/common/module_context.h"
#include "modules/herd/breeding_service.h"
#include "modules/herd/health_service.h"

namespace smartdairy::modules::herd {

// Herd management (issue 5): breeds, animals and pedigree, milk recording, health and
// withdrawal, breeding and calving, and saleable milk into stock. Permissions: herd.read,
// herd.write (farm staff: animals and milk), herd.health (vets: health and breeding),
// herd.calving, herd.settings; farm.kpis for the farm's KPIs.
class HerdModule {
 public:
  // `idempotency` is shared by every module's creating POSTs and must outlive the module.
  HerdModule(ModuleContext ctx, http::Idempotency& idempotency);

  void register_routes(http::Router& router);

 private:
  // Health records and withdrawals (health_routes.cpp).
  void register_health_routes(http::Router& router);
  // Services, pregnancy checks and the breeding calendar (breeding_routes.cpp).
  void register_breeding_routes(http::Router& router);

  ModuleContext ctx_;
  http::Idempotency& idempotency_;
  HealthService health_;
  BreedingService breeding_;
};

}  // namespace smartdairy::modules::herd
