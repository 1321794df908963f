#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"
#include "modules/herd/animal.h"
#include "modules/herd/animal_service.h"

namespace smartdairy::modules::herd {

struct NewCalf {
  std::string ear_tag;
  std::string sex;
  std::optional<std::string> name;
  std::optional<std::string> rfid;
};

// POST /api/v1/herd/calvings as the service takes it.
struct NewCalving {
  std::string dam_id;
  Day day = 0;
  int64_t difficulty = 1;
  std::optional<std::string> service_id;
  std::optional<std::string> sire_id;
  std::optional<NewCalf> calf;  // none: a stillbirth
  std::optional<std::string> notes;
};

struct Calving {
  std::string id;
  std::string dam_id;
  Day day = 0;
  int64_t difficulty = 1;
  std::optional<std::string> service_id;
  std::optional<std::string> sire_id;
  std::optional<std::string> notes;
  std::optional<Animal> calf;
  Animal dam;  // after the calving
};

// A calving, in one transaction: the dam (female, not disposed, old enough to have calved:
// heifer, pregnant, dry or lactating; born before the day; no calving of hers on or after
// the day) becomes lactating with last_calving_date = day; the service (hers, pending or
// confirmed) becomes calved and gives the sire; a live calf is registered as born on the day
// with the dam and sire. Events: calving.recorded, animal.registered (calf),
// animal.status_changed (dam, when her status changes).
class CalvingService {
 public:
  CalvingService(const ModuleContext& ctx, const AnimalService& animals)
      : ctx_(ctx), animals_(animals) {}

  // Requires: a write transaction.
  Result<Calving> record(db::Connection& tx, const NewCalving& in, const std::string& actor) const;

 private:
  ModuleContext ctx_;
  const AnimalService& animals_;
};

}  // namespace smartdairy::modules::herd
