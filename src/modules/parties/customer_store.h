#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/parties/customer.h"

namespace smartdairy::modules::parties::store {

Status insert(db::Connection& tx, const Customer& c);
Status update(db::Connection& tx, const Customer& c);
Result<std::optional<Customer>> find(db::Connection& conn, std::string_view id);

// Name or email starting with `prefix` (case-insensitive), ids after `after`, oldest first.
Result<std::vector<Customer>> list(db::Connection& conn, const std::string& prefix,
                                   std::optional<bool> archived, const std::string& after,
                                   int64_t limit);

}  // namespace smartdairy::modules::parties::store
