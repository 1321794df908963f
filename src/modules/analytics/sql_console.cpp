#include "modules/analytics/sql_console.h"

#include <sqlite3.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstring>
#include <set>

namespace smartdairy::modules::analytics {

namespace json = boost::json;

// What the authorizer and the progress handler share with run(): the first refusal's reason
// and the deadline of the running statement.
struct SqlConsole::Guard {
  // Every relation the database really has (tables, views, eponymous virtual tables), read
  // before the authorizer is installed. A name SQLite asks about that is not among them is a
  // CTE or subquery of the statement itself, whose own reads are checked one by one.
  std::set<std::string, std::less<>> relations;
  std::string refusal;
  std::chrono::steady_clock::time_point deadline;
  bool timed_out = false;
};

namespace {

bool starts_with(const char* s, const char* prefix) {
  return std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

bool readable(const SqlConsole::Guard& guard, const char* name) {
  if (name == nullptr) return false;
  if (starts_with(name, "analytics_")) return true;
  // SQLite's own tables and the eponymous virtual tables (pragma_*, json_*, dbstat).
  if (starts_with(name, "sqlite_") || starts_with(name, "pragma_") || starts_with(name, "json_") ||
      std::strcmp(name, "dbstat") == 0) {
    return false;
  }
  return guard.relations.find(std::string_view(name)) == guard.relations.end();
}

const char* action_name(int action) {
  switch (action) {
    case SQLITE_INSERT:
      return "insert rows";
    case SQLITE_UPDATE:
      return "update rows";
    case SQLITE_DELETE:
      return "delete rows";
    case SQLITE_PRAGMA:
      return "run a PRAGMA";
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      return "attach a database";
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
      return "control transactions";
    default:
      return "change the database or its schema";
  }
}

int authorize(void* user, int action, const char* a1, const char* a2, const char* /*db*/,
              const char* /*trigger*/) {
  auto* guard = static_cast<SqlConsole::Guard*>(user);
  auto refuse = [guard](std::string why) {
    if (guard->refusal.empty()) guard->refusal = std::move(why);
    return SQLITE_DENY;
  };
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_READ:
      if (readable(*guard, a1)) return SQLITE_OK;
      return refuse("The console reads only the analytics tables (analytics_*); '" +
                    std::string(a1 != nullptr ? a1 : "?") + "' is not one of them.");
    case SQLITE_FUNCTION:
      if (a2 != nullptr && (std::strcmp(a2, "load_extension") == 0 ||
                            std::strcmp(a2, "sqlite_compileoption_get") == 0)) {
        return refuse("The function " + std::string(a2) + "() is not allowed in the console.");
      }
      return SQLITE_OK;
    default:
      return refuse(std::string("The console only reads: this statement would ") +
                    action_name(action) + ".");
  }
}

int progress(void* user) {
  auto* guard = static_cast<SqlConsole::Guard*>(user);
  if (std::chrono::steady_clock::now() < guard->deadline) return 0;
  guard->timed_out = true;
  return 1;
}

bool blank(const char* s) {
  for (; s != nullptr && *s != '\0'; ++s) {
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != ';') return false;
  }
  return true;
}

json::value cell(sqlite3_stmt* st, int col) {
  switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(st, col);
    case SQLITE_FLOAT:
      return sqlite3_column_double(st, col);
    case SQLITE_NULL:
      return nullptr;
    case SQLITE_BLOB: {
      static constexpr char kHex[] = "0123456789abcdef";
      const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, col));
      int n = sqlite3_column_bytes(st, col);
      std::string hex;
      hex.reserve(static_cast<size_t>(n) * 2);
      for (int i = 0; i < n; ++i) {
        hex.push_back(kHex[p[i] >> 4]);
        hex.push_back(kHex[p[i] & 15]);
      }
      return json::string(hex);
    }
    default: {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
      return json::string(t != nullptr ? t : "",
                          static_cast<size_t>(sqlite3_column_bytes(st, col)));
    }
  }
}

struct Finalize {
  sqlite3_stmt* st;
  ~Finalize() { sqlite3_finalize(st); }
};

}  // namespace

SqlConsole::SqlConsole(std::string db_path, ConsoleOptions options)
    : path_(std::move(db_path)), options_(options), guard_(std::make_unique<Guard>()) {}

SqlConsole::~SqlConsole() = default;

Status SqlConsole::open() {
  if (conn_) return {};
  SD_ASSIGN_OR_RETURN(auto conn, db::Connection::open(path_, db::OpenMode::kReadOnly));
  SD_RETURN_IF_ERROR(conn->exec("PRAGMA query_only = ON"));
  guard_->relations.clear();
  {
    SD_ASSIGN_OR_RETURN(auto q, conn->query("SELECT name FROM sqlite_schema UNION "
                                            "SELECT name FROM sqlite_temp_schema"));
    for (;;) {
      SD_ASSIGN_OR_RETURN(bool has, q.step());
      if (!has) break;
      guard_->relations.insert(q.text(0));
    }
  }
  sqlite3* raw = conn->raw();
  sqlite3_db_config(raw, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_set_authorizer(raw, authorize, guard_.get());
  sqlite3_progress_handler(raw, 1000, progress, guard_.get());
  conn_ = std::move(conn);
  return {};
}

Result<json::object> SqlConsole::run(const std::string& sql) {
  if (blank(sql.c_str())) {
    return Error::invalid_field("sql_invalid", "Send one SELECT statement in 'sql'.", "sql");
  }
  if (sql.size() > options_.max_sql) {
    return Error::invalid_field(
        "sql_invalid",
        "The statement is longer than " + std::to_string(options_.max_sql) + " characters.", "sql");
  }
  std::lock_guard lock(mu_);
  SD_RETURN_IF_ERROR(open());
  sqlite3* raw = conn_->raw();
  guard_->refusal.clear();
  guard_->timed_out = false;
  guard_->deadline = std::chrono::steady_clock::now() + options_.time_limit;

  sqlite3_stmt* st = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(raw, sql.c_str(), static_cast<int>(sql.size()), 0, &st, &tail);
  Finalize fin{st};
  if (rc == SQLITE_AUTH || !guard_->refusal.empty()) {
    Error e = Error::forbidden(guard_->refusal.empty() ? "The console only reads analytics tables."
                                                       : guard_->refusal);
    e.code = "sql_not_allowed";
    return e;
  }
  if (rc != SQLITE_OK || st == nullptr) {
    if (guard_->timed_out) {
      return Error::invalid_field("sql_timeout", "The statement took too long to compile.", "sql");
    }
    return Error::invalid_field(
        "sql_invalid",
        "SQLite cannot run this statement: " + std::string(sqlite3_errmsg(raw)) + ".", "sql");
  }
  if (!blank(tail)) {
    return Error::invalid_field(
        "sql_invalid", "Send one statement at a time; remove what follows the first.", "sql");
  }
  if (sqlite3_stmt_readonly(st) == 0) {
    Error e = Error::forbidden("The console only reads; this statement would change something.");
    e.code = "sql_not_allowed";
    return e;
  }

  json::array columns;
  int n = sqlite3_column_count(st);
  for (int c = 0; c < n; ++c) {
    const char* name = sqlite3_column_name(st, c);
    columns.emplace_back(json::string(name != nullptr ? name : ""));
  }
  json::array rows;
  bool truncated = false;
  for (;;) {
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      if (guard_->timed_out || rc == SQLITE_INTERRUPT) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(options_.time_limit);
        return Error::invalid_field("sql_timeout",
                                    "The statement ran longer than " + std::to_string(ms.count()) +
                                        " ms and was stopped; narrow it with WHERE or LIMIT.",
                                    "sql");
      }
      return Error::invalid_field(
          "sql_invalid", "The statement failed: " + std::string(sqlite3_errmsg(raw)) + ".", "sql");
    }
    if (rows.size() == options_.max_rows) {
      truncated = true;
      break;
    }
    json::array row;
    row.reserve(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) row.push_back(cell(st, c));
    rows.push_back(std::move(row));
  }
  return json::object{
      {"columns", std::move(columns)}, {"rows", std::move(rows)}, {"truncated", truncated}};
}

}  // namespace smartdairy::modules::analytics
