#pragma once

#include <boost/json/fwd.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::modules::analytics {

struct ConsoleOptions {
  std::chrono::milliseconds time_limit{2000};
  size_t max_rows = 10'000;
  size_t max_sql = 10'000;  // characters
};

// The read-only SQL console (DESIGN.md §8, SECURITY.md): one statement at a time on a
// read-only connection whose SQLite authorizer lets it read the analytics_* tables and
// nothing else — no other table, no schema, no PRAGMA, ATTACH, write or load_extension —
// enforced by the engine while it compiles the statement, not by looking at the text. A
// progress handler stops a statement that runs past the time limit; rows past the cap are
// cut off and the answer says so.
class SqlConsole {
 public:
  SqlConsole(std::string db_path, ConsoleOptions options);
  ~SqlConsole();

  // {"columns": [...], "rows": [[...]], "truncated": bool}. Refused statements are 403
  // `sql_not_allowed` naming what was refused; syntax errors 422 `sql_invalid`; the time
  // limit 422 `sql_timeout`. Thread-safe (one statement runs at a time).
  Result<boost::json::object> run(const std::string& sql);

  // Called by SQLite's authorizer; public for the C callback only.
  struct Guard;

 private:
  Status open();

  std::string path_;
  ConsoleOptions options_;
  std::mutex mu_;
  std::unique_ptr<db::Connection> conn_;
  std::unique_ptr<Guard> guard_;
};

}  // namespace smartdairy::modules::analytics
