#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::modules {

// The next number of `prefix` ("SO", "INV", "CN") formatted "SO-000042". Call inside the write
// transaction that creates the document: a rollback returns the number, so there are no gaps.
Result<std::string> next_document_number(db::Connection& tx, std::string_view prefix);

}  // namespace smartdairy::modules
