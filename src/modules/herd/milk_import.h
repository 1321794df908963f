#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"
#include "modules/herd/milk_service.h"

namespace smartdairy::modules::herd {

// Milk records from a spreadsheet (CSV with a header row). Columns, in any order: ear_tag,
// day (YYYY-MM-DD), session, quantity_ml (whole ml) or quantity_litres (up to 3 decimals),
// and optionally fat, snf, protein (% with up to 2 decimals), temperature (°C, 1 decimal),
// scc (thousand cells/ml), lactometer (CLR, up to 2 decimals), notes. Empty cells are "not
// measured".
struct ImportError {
  size_t line = 0;  // 1 is the header
  std::string field;
  std::string message;
};

struct ImportReport {
  int64_t rows = 0;
  int64_t created = 0;
  int64_t unchanged = 0;  // the same record was already there (a file imported again)
  std::vector<ImportError> errors;
  bool ok() const { return errors.empty(); }
};

// Every row through the milk rules (MilkService::record), all or none: with any error,
// nothing is saved and the report lists every row's error. An existing record with the same
// values is unchanged; a different one is a row error (correct it with the API). Two rows
// for the same animal, day and session are a row error. Requires: a write transaction.
Result<ImportReport> import_milk_csv(db::Connection& tx, const MilkService& milk,
                                     std::string_view csv, const std::string& actor);

// The bulk import of history (the CLI `smartdairy herd import-milk`): the same checks of
// each value, animal (female, born by the day), day and session, the same grade and
// withdrawal hold, but the animal's status today is not required (history predates it),
// records are taken as already accounted for in stock (never posted) and no per-record
// events are appended. All or none; at most `max_errors` errors are listed.
// Requires: a write transaction.
Result<ImportReport> import_milk_history(db::Connection& tx, const ModuleContext& ctx,
                                         std::string_view csv, const std::string& actor,
                                         size_t max_errors = 100);

}  // namespace smartdairy::modules::herd
