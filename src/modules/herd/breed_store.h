#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/herd/breed.h"

// SQL for herd_breeds; no business rules.
namespace smartdairy::modules::herd::store {

Result<std::optional<Breed>> find_breed(db::Connection& c, const std::string& id);
Result<std::optional<Breed>> find_breed_by_code(db::Connection& c, const std::string& code);
// Requires: a write transaction.
Status insert_breed(db::Connection& c, const Breed& b);
Status update_breed(db::Connection& c, const Breed& b);
// Breeds in code order after `after_code`, at most `limit` rows.
Result<std::vector<Breed>> list_breeds(db::Connection& c, const std::string& after_code,
                                       int64_t limit);

}  // namespace smartdairy::modules::herd::store
