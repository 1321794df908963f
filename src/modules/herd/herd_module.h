#pragma once

#include <atomic>
#include <memory>

#include "http/idempotency.h"
#include "http/router.h"
#include "modules/common/module_context.h"
#include "modules/herd/animal_import.h"
#include "modules/herd/animal_service.h"
#include "modules/herd/breed_service.h"
#include "modules/herd/breeding_service.h"
#include "modules/herd/calving_service.h"
#include "modules/herd/health_service.h"
#include "modules/herd/milk_service.h"

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

  // Registers animals from C++ (the demo herd); call inside a write transaction.
  const AnimalService& animals() const { return animals_; }

  // Queues one writer job that posts the saleable milk of every ended session into stock
  // (milk_posting.h). The server calls it every minute; a call while the previous job is
  // still queued does nothing. Failures are logged, not thrown.
  void post_ended_milk();

 private:
  // Each part's routes, in its own *_routes.cpp.
  void register_breed_routes(http::Router& router);
  void register_animal_routes(http::Router& router);
  void register_calving_routes(http::Router& router);
  void register_settings_routes(http::Router& router);
  void register_animal_import_routes(http::Router& router);
  void register_health_routes(http::Router& router);
  void register_breeding_routes(http::Router& router);
  // POST/GET /api/v1/herd/milk, /milk/batch, /milk/{id}, /milk/postings, /import/milk.
  void register_milk_routes(http::Router& router);

  ModuleContext ctx_;
  http::Idempotency& idempotency_;
  BreedService breeds_;
  AnimalService animals_;
  CalvingService calvings_;
  AnimalImport animal_import_;
  HealthService health_;
  BreedingService breeding_;
  MilkService milk_;
  std::shared_ptr<std::atomic<bool>> posting_queued_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace smartdairy::modules::herd
