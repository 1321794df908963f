#pragma once

#include "core/clock.h"
#include "core/dates.h"
#include "core/money.h"
#include "db/database.h"

namespace smartdairy::modules {

// What the composition root hands every module.
struct ModuleContext {
  db::Database& db;
  const Clock& clock;
  Currency currency = kBDT;
  int utc_offset_minutes = kDhakaOffsetMinutes;  // the farm's time zone

  Day today() const { return local_day(clock.now_micros(), utc_offset_minutes); }
};

}  // namespace smartdairy::modules
