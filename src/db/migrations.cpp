#include "db/migrations.h"

#include <string>

namespace smartdairy::db {

namespace {
constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " id TEXT PRIMARY KEY,"
    " applied_at INTEGER NOT NULL)";
}  // namespace

Result<int> apply_migrations(Connection& conn, const std::vector<Migration>& migrations) {
  SD_RETURN_IF_ERROR(conn.exec(kCreateTable));
  SD_RETURN_IF_ERROR(conn.exec("BEGIN IMMEDIATE"));
  int applied = 0;
  for (const auto& m : migrations) {
    auto seen = conn.scalar_int64("SELECT 1 FROM schema_migrations WHERE id = ?", m.id);
    Status st = seen.ok() ? Status{} : Status{seen.error()};
    if (st.ok() && !seen->has_value()) {
      st = conn.exec(m.sql);
      if (st.ok()) {
        st = conn.execute(
            "INSERT INTO schema_migrations (id, applied_at) VALUES (?, "
            "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER))",
            m.id);
      }
      if (st.ok()) ++applied;
    }
    if (!st.ok()) {
      (void)conn.exec("ROLLBACK");
      Error e = st.error();
      e.message = "Migration " + std::string(m.id) + " failed: " + e.message;
      return e;
    }
  }
  SD_RETURN_IF_ERROR(conn.exec("COMMIT"));
  return applied;
}

Result<bool> migrations_current(Connection& conn, const std::vector<Migration>& migrations) {
  SD_ASSIGN_OR_RETURN(auto exists,
                      conn.scalar_int64("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                        "AND name = 'schema_migrations'"));
  if (!exists || *exists == 0) return false;
  for (const auto& m : migrations) {
    SD_ASSIGN_OR_RETURN(auto seen,
                        conn.scalar_int64("SELECT 1 FROM schema_migrations WHERE id = ?", m.id));
    if (!seen) return false;
  }
  return true;
}

}  // namespace smartdairy::db
