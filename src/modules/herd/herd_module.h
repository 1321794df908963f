#pragma once

#include <atomic>
#include <memory>

#include "http/idempotency.h"
#include "http/router.h"
#include "modules/common/module_context.h"
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

  // Queues one writer job that posts the saleable milk of every ended session into stock
  // (milk_posting.h). The server calls it every minute; a call while the previous job is
  // still queued does nothing. Failures are logged, not thrown.
  void post_ended_milk();

 private:
  // POST/GET /api/v1/herd/milk, /milk/batch, /milk/{id}, /milk/postings, /import/milk
  // (milk_routes.cpp).
  void register_milk_routes(http::Router& router);

  ModuleContext ctx_;
  http::Idempotency& idempotency_;
  MilkService milk_;
  std::shared_ptr<std::atomic<bool>> posting_queued_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace smartdairy::modules::herd
