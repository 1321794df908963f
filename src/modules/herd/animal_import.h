#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"
#include "modules/herd/animal_service.h"

namespace smartdairy::modules::herd {

// The columns an animal CSV may have; ear_tag and sex are required, the rest optional and in
// any order.
inline constexpr std::string_view kAnimalImportColumns[] = {
    "ear_tag",  "name",    "sex",  "birth_date",       "breed_code",       "status",
    "sire_tag", "dam_tag", "rfid", "acquisition_kind", "acquisition_date", "acquisition_cost"};

struct ImportRowError {
  int line = 0;
  std::string field;  // a column name, or "" for the whole row
  std::string message;
};

struct ImportRow {
  int line = 0;
  std::string ear_tag;
  std::string result;  // created, unchanged
  std::string animal_id;
};

// All rows saved, or none: `errors` empty means `rows` were applied.
struct ImportOutcome {
  std::vector<ImportRowError> errors;
  int created = 0;
  int unchanged = 0;
  std::vector<ImportRow> rows;
};

// Imports animals from a CSV file (csv.h) through AnimalService::register_animal, so every
// animal rule applies to every row. Parents (sire_tag, dam_tag) may be animals of the herd or
// rows earlier in the file. A row whose ear tag is already in the herd with the same values
// (every non-empty column compared) is unchanged; with other values it is a row error naming
// what differs — so re-importing a file changes nothing. Any row error rolls the whole file
// back (a savepoint inside the caller's transaction). A file that cannot be read at all is a
// 422 "invalid_csv" error. Requires: a write transaction.
class AnimalImport {
 public:
  AnimalImport(const ModuleContext& ctx, const AnimalService& animals)
      : ctx_(ctx), animals_(animals) {}

  Result<ImportOutcome> import_csv(db::Connection& tx, std::string_view text,
                                   const std::string& actor) const;

 private:
  ModuleContext ctx_;
  const AnimalService& animals_;
};

}  // namespace smartdairy::modules::herd
