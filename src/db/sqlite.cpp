#include "db/sqlite.h"

#include <sqlite3.h>

#include <string>

namespace smartdairy::db {

Query::Query(Query&& other) noexcept : conn_(other.conn_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Query::~Query() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Query& Query::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Query& Query::bind(int index, std::string_view value) {
  sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Query& Query::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Query& Query::bind(int index, std::nullopt_t) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Query::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn_->last_error("step");
}

Status Query::run() {
  for (;;) {
    auto r = step();
    if (!r.ok()) return std::move(r).error();
    if (!*r) return {};
  }
}

int64_t Query::int64(int col) const { return sqlite3_column_int64(stmt_, col); }
double Query::real(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Query::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), n);
}
std::optional<std::string> Query::optional_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
std::optional<int64_t> Query::optional_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}
bool Query::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int Query::column_count() const { return sqlite3_column_count(stmt_); }
std::string Query::column_name(int col) const {
  const char* n = sqlite3_column_name(stmt_, col);
  return n == nullptr ? std::string() : std::string(n);
}

namespace {
// Process-wide SQLite settings, applied once before the first connection. Memory statistics
// off: with them on, every SQLite malloc and free takes a global mutex, and nothing here
// reads them. (If something initialised SQLite first, e.g. a VFS shim, they stay as they are.)
void configure_sqlite_once() {
  static const bool configured = [] {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  }();
  (void)configured;
}
}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, OpenMode mode) {
  configure_sqlite_once();
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |= mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                       : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Error::unavailable("database_unavailable",
                              "Cannot open the database at " + path + ": " + msg +
                                  ". Check that the data directory exists and is writable.");
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db, path));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

namespace {
// BEGIN, COMMIT, END, ROLLBACK (TO), or a SAVEPOINT that starts a transaction: the statements
// after which a transaction cache is stale.
bool ends_or_begins_transaction(std::string_view sql, bool in_transaction) {
  size_t i = sql.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return false;
  auto starts = [&](std::string_view word) {
    if (sql.size() - i < word.size()) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      if ((sql[i + k] & ~0x20) != word[k]) return false;
    }
    return true;
  };
  return starts("BEGIN") || starts("COMMIT") || starts("END") || starts("ROLLBACK") ||
         (!in_transaction && starts("SAVEPOINT"));
}
}  // namespace

Status Connection::exec(std::string_view sql) {
  if (ends_or_begins_transaction(sql, in_transaction())) tx_cache_ = {};
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    Error e = last_error("exec");
    sqlite3_free(err);
    return e;
  }
  return {};
}

Result<Query> Connection::prepare(std::string_view sql) {
  if (ends_or_begins_transaction(sql, in_transaction())) tx_cache_ = {};
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) return Query(this, it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return last_error("prepare");
  cache_.emplace(std::string(sql), stmt);
  return Query(this, stmt);
}

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

int Connection::last_error_code() const { return sqlite3_extended_errcode(db_); }

int64_t Connection::changes() const { return sqlite3_changes64(db_); }

Error Connection::last_error(std::string_view context) const {
  int code = sqlite3_extended_errcode(db_);
  std::string msg = std::string(context) + ": " + sqlite3_errmsg(db_);
  Error e;
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      e = Error::conflict("constraint_violation", msg);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      e = Error::unavailable("database_busy", "The database is busy; retry in a moment.");
      e.retry_after_seconds = 1;
      break;
    case SQLITE_INTERRUPT:
      e = Error::unprocessable("interrupted", msg);
      break;
    default:
      e = Error::internal(msg);
      e.code = "database_error";
      break;
  }
  e.details.push_back("sqlite_code=" + std::to_string(code));
  return e;
}

bool is_storage_failure(int sqlite_code) {
  switch (sqlite_code & 0xff) {
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return true;
    default:
      return false;
  }
}

}  // namespace smartdairy::db
