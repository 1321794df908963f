#pragma once

// Helpers for tests that use a real SQLite file: a temporary directory, synchronous writes
// through the Writer, and small read helpers. Shared by the db, events and auth tests.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "core/result.h"
#include "db/sqlite.h"
#include "db/writer.h"

namespace smartdairy::db::test {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sd_test_XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Submits `run` as one write job and waits until its batch has committed (or failed).
// Returns the commit status, or the submit error. `run` returning false is still an ok
// commit: only its savepoint was rolled back.
inline Status run_write(Writer& writer, std::function<bool(Connection&)> run) {
  std::promise<Status> done;
  auto committed = done.get_future();
  Status submitted = writer.submit(
      WriteJob{std::move(run), [&done](const Status& commit) { done.set_value(commit); }});
  if (!submitted.ok()) return submitted;
  return committed.get();
}

// Runs `fn(tx)` (returning a Result<T> or a Status) in a write job, keeping its changes
// only when it succeeds, and returns its result, or the commit error.
template <class F>
auto transact(Writer& writer, F fn) -> decltype(fn(std::declval<Connection&>())) {
  using R = decltype(fn(std::declval<Connection&>()));
  std::optional<R> out;
  Status commit = run_write(writer, [&](Connection& tx) {
    out.emplace(fn(tx));
    return out->ok();
  });
  if (!commit.ok()) return R(commit.error());
  if (!out) return R(Error::internal("the write job threw before returning a result"));
  return std::move(*out);
}

// Opens a read-only connection, failing the test when it cannot.
inline std::unique_ptr<Connection> open_reader(const std::string& path) {
  auto conn = Connection::open(path, OpenMode::kReadOnly);
  EXPECT_TRUE(conn.ok()) << (conn.ok() ? "" : conn.error().message);
  return conn.ok() ? std::move(*conn) : nullptr;
}

// The first column of the first row as an integer; -1 when there is no row or on error.
template <class... Args>
int64_t scalar(Connection& conn, std::string_view sql, const Args&... args) {
  auto v = conn.scalar_int64(sql, args...);
  EXPECT_TRUE(v.ok()) << sql << ": " << (v.ok() ? "" : v.error().message);
  if (!v.ok() || !v->has_value()) return -1;
  return **v;
}

// Polls `done` every millisecond until it holds or `timeout` passes; returns its last value.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace smartdairy::db::test
