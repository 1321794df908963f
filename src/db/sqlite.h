#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace smartdairy::db {

class Connection;

// A prepared statement borrowed from a connection's cache. Binds by position (1-based),
// steps, reads columns; resets itself and clears bindings when it goes out of scope.
class Query {
 public:
  Query(Connection* conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  ~Query();

  Query& bind(int index, int64_t value);
  Query& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Query& bind(int index, std::string_view value);
  Query& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Query& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Query& bind(int index, double value);
  Query& bind(int index, bool value) { return bind(index, static_cast<int64_t>(value)); }
  Query& bind(int index, std::nullopt_t);
  template <class T>
  Query& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }

  // Advances to the next row: true if a row is available, false when done.
  Result<bool> step();
  // Steps to completion, expecting no rows back (or ignoring them).
  Status run();

  int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::optional<std::string> optional_text(int col) const;
  std::optional<int64_t> optional_int64(int col) const;
  bool is_null(int col) const;
  int column_count() const;
  std::string column_name(int col) const;

 private:
  Connection* conn_;
  sqlite3_stmt* stmt_;
};

enum class OpenMode { kReadWriteCreate, kReadOnly };

// An SQLite connection with a prepared-statement cache. Not thread-safe: each connection
// belongs to one thread (the writer, or one reader).
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> open(const std::string& path, OpenMode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters (DDL, PRAGMA, BEGIN/COMMIT).
  Status exec(std::string_view sql);

  // Prepares (or takes from the cache) a statement and binds the arguments in order.
  template <class... Args>
  Result<Query> query(std::string_view sql, const Args&... args) {
    auto q = prepare(sql);
    if (!q.ok()) return std::move(q).error();
    int index = 1;
    (q->bind(index++, args), ...);
    return q;
  }
  // Runs a statement with arguments to completion.
  template <class... Args>
  Status execute(std::string_view sql, const Args&... args) {
    auto q = query(sql, args...);
    if (!q.ok()) return std::move(q).error();
    return q->run();
  }
  // Returns the first column of the first row, or nullopt when there is no row.
  template <class... Args>
  Result<std::optional<int64_t>> scalar_int64(std::string_view sql, const Args&... args) {
    auto q = query(sql, args...);
    if (!q.ok()) return std::move(q).error();
    auto has = q->step();
    if (!has.ok()) return std::move(has).error();
    if (!*has || q->is_null(0)) return std::optional<int64_t>{};
    return std::optional<int64_t>{q->int64(0)};
  }
  template <class... Args>
  Result<std::optional<std::string>> scalar_text(std::string_view sql, const Args&... args) {
    auto q = query(sql, args...);
    if (!q.ok()) return std::move(q).error();
    auto has = q->step();
    if (!has.ok()) return std::move(has).error();
    if (!*has) return std::optional<std::string>{};
    return q->optional_text(0);
  }

  Result<Query> prepare(std::string_view sql);
  int64_t changes() const;

  // Values that mirror rows of the current write transaction, kept to skip a query per use.
  // Cleared whenever a transaction begins or ends and on any rollback (to a savepoint too),
  // so a cached value never outlives the rows it mirrors, nor sees another process's commit.
  struct TransactionCache {
    std::optional<int64_t> last_event_seq;  // MAX(seq) of events_log, see events/outbox.cpp
  };
  // Only meaningful inside an explicit transaction: outside one, every statement commits on its
  // own and another connection may write in between, so callers check in_transaction().
  TransactionCache& transaction_cache() { return tx_cache_; }
  bool in_transaction() const;
  // The extended result code of the connection's last failed call.
  int last_error_code() const;
  sqlite3* raw() { return db_; }
  const std::string& path() const { return path_; }

  // Turns the connection's last error into an Error (constraint -> conflict, busy ->
  // unavailable, anything else -> internal).
  Error last_error(std::string_view context) const;

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  TransactionCache tx_cache_;
};

// True when the error came from an SQLite I/O, disk-full or corruption failure: the
// writer must stop (fail-stop) rather than carry on.
bool is_storage_failure(int sqlite_code);

}  // namespace smartdairy::db
