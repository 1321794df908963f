#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/dates.h"
#include "core/result.h"
#include "db/sqlite.h"
#include "modules/herd/animal.h"

// SQL for herd_animals, and the reads of the other herd tables that the animal page shows.
// `today` (the farm's day) decides whether a treatment still withholds an animal's milk.
namespace smartdairy::modules::herd::store {

Result<std::optional<Animal>> find_animal(db::Connection& c, const std::string& id, Day today);
Result<std::optional<Animal>> find_animal_by_tag(db::Connection& c, const std::string& tag,
                                                 Day today);
Result<std::optional<std::string>> find_animal_id_by_rfid(db::Connection& c,
                                                          const std::string& rfid);
// Requires: a write transaction.
Status insert_animal(db::Connection& c, const Animal& a);
// Writes every mutable column of `a` (with a.version, the new version) where the row still
// has `previous_version`; 409 "animal_changed" when it does not. Requires: a write transaction.
Status update_animal(db::Connection& c, const Animal& a, int64_t previous_version);
// True when `candidate` descends from `ancestor` through sire_id/dam_id, at any depth.
Result<bool> is_descendant(db::Connection& c, const std::string& ancestor,
                           const std::string& candidate);
// The earliest birth date among the animal's offspring.
Result<std::optional<Day>> earliest_offspring_birth(db::Connection& c, const std::string& id);
// Animals matching `q` in ear-tag order after q.after, at most q.limit + 1 rows.
Result<std::vector<Animal>> list_animals(db::Connection& c, const AnimalQuery& q, Day today);

// The animal page: fills everything but `animal` for `a`.
Status read_detail(db::Connection& c, AnimalDetail& d, Day today);

// The breeding service a calving closes.
struct ServiceRow {
  std::string id;
  std::string animal_id;
  Day day = 0;
  std::optional<std::string> sire_id;
  std::string pregnancy_status;
};
Result<std::optional<ServiceRow>> find_service_row(db::Connection& c, const std::string& id);
Status mark_service_calved(db::Connection& c, const std::string& id, int64_t now);

struct CalvingRow {
  std::string id;
  std::string dam_id;
  std::optional<std::string> service_id;
  Day day = 0;
  int64_t difficulty = 1;
  std::optional<std::string> calf_id;
  std::optional<std::string> notes;
  std::string recorded_by;
  int64_t created_at = 0;
};
Status insert_calving(db::Connection& c, const CalvingRow& r);

}  // namespace smartdairy::modules::herd::store
