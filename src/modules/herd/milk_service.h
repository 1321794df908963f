#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/listing.h"
#include "modules/common/module_context.h"
#include "modules/herd/herd.h"
#include "modules/herd/milk.h"

namespace smartdairy::modules::herd {

// The measured values' rules that need no database: ranges, and that snf and lactometer
// exclude each other and the lactometer needs fat. 422 invalid_field naming the field.
Status check_milk_values(const MilkInput& in);

// SNF in hundredths from a lactometer reading (CLR in hundredths) and fat (hundredths) with
// the farm's formula: CLR / divisor + fat_factor * fat + constant, rounded half up.
int64_t snf_from_lactometer(const HerdSettings& s, int64_t clr, int64_t fat);

// A record's grade. R when the temperature is above reject_temp_dc. Otherwise the best of
// A, B, C whose thresholds every measured value meets (fat and SNF at least, SCC at most);
// values not measured do not count, but A needs both fat and SNF measured. None met: R.
std::string milk_grade(const HerdSettings& s, const MilkRecord& r);

// The record as JSON (the API's shape; percentages as numbers with two decimals).
boost::json::object milk_record_json(const MilkRecord& r);

enum class BatchMode { kAllOrNothing, kPerRow };

struct BatchRow {
  size_t index = 0;
  std::optional<MilkRecord> record;  // created, corrected or unchanged
  MilkOutcome outcome = MilkOutcome::kCreated;
  std::optional<Error> error;
};

struct BatchReport {
  int64_t saved = 0;
  int64_t failed = 0;
  bool rolled_back = false;  // all_or_nothing with a failed row: nothing was saved
  std::vector<BatchRow> rows;
};

// Milk recording rules: which animal may give milk on which day and session, the grade, the
// withdrawal hold, one record per animal, day and session, corrections with their audit
// trail, and the events. No SQL (milk_store) and no HTTP.
class MilkService {
 public:
  explicit MilkService(const ModuleContext& ctx) : ctx_(ctx) {}

  struct Recorded {
    MilkRecord record;
    MilkOutcome outcome = MilkOutcome::kCreated;
  };

  // Records one milking (milk.recorded), or with a correction reason replaces the values of
  // the existing record of that animal, day and session (milk.corrected; the old values go
  // to herd_milk_corrections). 404 animal_not_found; 409 not_female, animal_not_lactating,
  // milk_already_recorded (details: session and the existing record's id); 422 for fields.
  // With `same_is_unchanged` (imports), an existing record with exactly the same values is
  // no conflict but kUnchanged. Requires: a write transaction.
  Result<Recorded> record(db::Connection& tx, const MilkInput& in, const std::string& actor,
                          bool same_is_unchanged = false) const;

  // Each row as record() in one transaction. A row naming the same animal, day and session
  // as an earlier row of the batch is a row error. kAllOrNothing: any failed row rolls every
  // row back (rolled_back); kPerRow: the good rows are kept. Requires: a write transaction.
  // A row given as an error (the client's JSON could not be read) is reported as that
  // row's error. `same_is_unchanged` as for record(). `validate_only`: check every row and
  // write nothing (an import whose file has unreadable rows still reports the others).
  Result<BatchReport> batch(db::Connection& tx, const std::vector<Result<MilkInput>>& rows,
                            BatchMode mode, const std::string& actor,
                            bool same_is_unchanged = false, bool validate_only = false) const;

  // 404 milk_record_not_found.
  Result<MilkRecord> get(db::Connection& c, const std::string& id) const;
  Result<std::vector<MilkCorrection>> corrections(db::Connection& c, const std::string& id) const;
  Result<Listing<MilkRecord>> list(db::Connection& c, const MilkQuery& q) const;

  // The farm's local minute of the day now (0..1439).
  int local_minute() const;

 private:
  ModuleContext ctx_;
};

}  // namespace smartdairy::modules::herd
