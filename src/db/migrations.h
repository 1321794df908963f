#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::db {

// One schema change: id "<owner>/<NNNN_name>" (from src/<owner>/migrations/NNNN_name.sql).
struct Migration {
  std::string_view id;
  std::string_view sql;
};

// Every migration embedded in this binary, in application order (generated at build time).
const std::vector<Migration>& embedded_migrations();

// Applies the migrations not yet recorded in schema_migrations, all in one transaction;
// returns how many were applied. Requires: no open transaction on `conn`.
Result<int> apply_migrations(Connection& conn, const std::vector<Migration>& migrations);

// True when every migration in `migrations` is recorded as applied.
Result<bool> migrations_current(Connection& conn, const std::vector<Migration>& migrations);

}  // namespace smartdairy::db
