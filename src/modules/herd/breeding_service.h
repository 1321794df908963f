#pragma once

#include <string>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/listing.h"
#include "modules/common/module_context.h"
#include "modules/herd/breeding.h"

namespace smartdairy::modules::herd {

// Business rules for services, pregnancy checks and the breeding calendar. No SQL
// (breeding_store), no HTTP. Field errors are 422 "invalid_field" with details = {field}.
class BreedingService {
 public:
  explicit BreedingService(const ModuleContext& ctx) : ctx_(ctx) {}

  // Records a service of a kept female heifer, lactating or dry cow and appends
  // `breeding.serviced`. 409 "animal_not_breedable" for any other animal, 409
  // "service_open" while a confirmed service is open or a pending one is younger than
  // kReturnToHeatDays (an older pending one becomes negative). Expected calving = day +
  // the breed's gestation; a warning (saved anyway) inside the voluntary waiting period.
  // Requires: a write transaction.
  Result<RecordedService> serve(db::Connection& tx, NewService in, const std::string& actor);

  // Records a pregnancy check of a pending or confirmed service (409 "service_closed"
  // otherwise) and moves the service and the animal's status; appends `breeding.checked`
  // and, when the status moved, `animal.status_changed`. Requires: a write transaction.
  Result<RecordedCheck> check(db::Connection& tx, const std::string& service_id, NewCheck in,
                              const std::string& actor);

  // The service with its checks. 404 "service_not_found".
  Result<Service> get(db::Connection& c, const std::string& id) const;
  Result<Listing<Service>> list(db::Connection& c, const ServiceQuery& q) const;

  // Checks due (and overdue), calvings due and dry-offs due from `from` to `to`
  // (at most kMaxCalendarDays apart).
  Result<Calendar> calendar(db::Connection& c, Day from, Day to) const;
  static constexpr int64_t kMaxCalendarDays = 400;

 private:
  ModuleContext ctx_;
};

}  // namespace smartdairy::modules::herd
