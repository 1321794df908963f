#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/listing.h"
#include "modules/common/module_context.h"
#include "modules/herd/health.h"

namespace smartdairy::modules::herd {

// A saved record and the warnings about how it was saved (a withdrawal raised to the
// off-label minimum).
struct RecordedHealth {
  HealthRecord record;
  std::vector<std::string> warnings;
};

// Business rules for health records and withdrawals. No SQL (health_store), no HTTP.
// Field errors are 422 "invalid_field" with details = {field}.
class HealthService {
 public:
  explicit HealthService(const ModuleContext& ctx) : ctx_(ctx) {}

  // Records a health event of a living, kept animal (409 "animal_disposed" otherwise) and
  // appends `health.recorded`. A treatment sets the milk and meat withdrawal ends (see
  // withdrawal.h); kind "treatment" requires one. Requires: a write transaction.
  Result<RecordedHealth> record(db::Connection& tx, NewHealthRecord in, const std::string& actor);

  // Changes status, follow_up_date or description and appends `health.updated`; nothing
  // else of a record changes once saved. 404 "health_record_not_found".
  // Requires: a write transaction.
  Result<HealthRecord> update(db::Connection& tx, const std::string& id, HealthChanges changes,
                              const std::string& actor);

  Result<HealthRecord> get(db::Connection& c, const std::string& id) const;
  Result<Listing<HealthRecord>> list(db::Connection& c, const HealthQuery& q) const;

  // Animals whose milk or meat is withheld on `on`.
  Result<std::vector<AnimalWithdrawal>> withdrawals(db::Connection& c, Day on) const;

 private:
  ModuleContext ctx_;
};

}  // namespace smartdairy::modules::herd
