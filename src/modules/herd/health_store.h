#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/money.h"
#include "core/result.h"
#include "db/sqlite.h"
#include "modules/herd/health.h"

// SQL for health records and withdrawals, and the few facts about an animal the health and
// breeding rules need. Returns domain types; decides no business rules.
namespace smartdairy::modules::herd::store {

// What the health and breeding rules read about an animal.
struct AnimalFacts {
  std::string id;
  std::string ear_tag;
  std::optional<std::string> name;
  std::string sex;
  std::string status;
  std::optional<Day> birth_date;
  std::optional<std::string> disposal_kind;
  std::optional<Day> last_calving_date;
  int64_t gestation_days = 283;  // the breed's, or 283 without a breed
};

Result<std::optional<AnimalFacts>> find_animal_facts(db::Connection& c, const std::string& id);

// Sets the animal's status, bumping its version. Requires: a write transaction.
Status set_animal_status(db::Connection& c, const std::string& id, const std::string& status,
                         int64_t now);

Result<std::optional<HealthRecord>> find_health_record(db::Connection& c, const std::string& id,
                                                       Currency currency);
// Requires: a write transaction.
Status insert_health_record(db::Connection& c, const HealthRecord& r);
// Writes status, follow_up_date, description and updated_at. Requires: a write transaction.
Status update_health_record(db::Connection& c, const HealthRecord& r);
// Newest first (by id), ids below q.before, at most q.limit + 1 rows.
Result<std::vector<HealthRecord>> list_health_records(db::Connection& c, const HealthQuery& q,
                                                      Currency currency);
// Animals (not disposed on `on`) whose milk or meat is withheld on `on`: records with
// day <= on < an end date, grouped by animal in ear-tag order.
Result<std::vector<AnimalWithdrawal>> withdrawals_on(db::Connection& c, Day on);

}  // namespace smartdairy::modules::herd::store
