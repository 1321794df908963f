#pragma once

// A temp-file database with the embedded migrations plus a test table `applied`, in which
// test consumers record one row per event they handle.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "db/database.h"
#include "db/migrations.h"
#include "db/tests/db_test_util.h"
#include "events/event.h"
#include "events/outbox.h"

namespace smartdairy::events {

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(open()); }
  void TearDown() override {
    if (db_) db_->close();
  }

  // (Re)opens the database file; the writer is left for the test to start.
  void open() {
    if (db_) db_->close();
    db_.reset();
    db::DatabaseOptions options;
    options.path = dir_.file("app.db");
    options.readers = 1;
    auto db = db::Database::open(options, migrations());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
  }

  static std::vector<db::Migration> migrations() {
    std::vector<db::Migration> m = db::embedded_migrations();
    m.push_back({"test/9999_applied",
                 "CREATE TABLE applied (consumer TEXT NOT NULL, seq INTEGER NOT NULL)"});
    return m;
  }

  db::Writer& writer() { return db_->writer(); }
  std::string path() const { return dir_.file("app.db"); }

  static EventDraft draft(std::string type, std::string data = "{}") {
    EventDraft d;
    d.type = std::move(type);
    d.aggregate_type = "test";
    d.aggregate_id = "agg-1";
    d.actor = "tester";
    d.data = std::move(data);
    return d;
  }

  // Appends `n` events of `type` in one committed transaction.
  void append_committed(int n, const std::string& type = "test.happened") {
    Status st = db::test::run_write(writer(), [&](db::Connection& tx) {
      for (int i = 0; i < n; ++i) {
        if (!append(tx, draft(type), clock_).ok()) return false;
      }
      return true;
    });
    ASSERT_TRUE(st.ok());
  }

  // Records the event in `applied` for `consumer`: the effect of a test consumer.
  static Status record(db::Connection& tx, const std::string& consumer, const Event& ev) {
    return tx.execute("INSERT INTO applied (consumer, seq) VALUES (?, ?)", consumer, ev.seq);
  }

  int64_t query(const std::string& sql, const std::string& consumer) {
    auto conn = db::test::open_reader(path());
    return conn ? db::test::scalar(*conn, sql, consumer) : -1;
  }
  int64_t applied_rows(const std::string& consumer) {
    return query("SELECT count(*) FROM applied WHERE consumer = ?", consumer);
  }
  int64_t applied_distinct(const std::string& consumer) {
    return query("SELECT count(DISTINCT seq) FROM applied WHERE consumer = ?", consumer);
  }
  int64_t stored_cursor(const std::string& consumer) {
    return query("SELECT COALESCE(MAX(last_seq), 0) FROM consumer_offsets WHERE consumer = ?",
                 consumer);
  }

  db::test::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<db::Database> db_;
};

// Stops the writer when it goes out of scope. Declare it after the consumers and buses
// whose jobs and hooks the writer calls, so that it runs before they are destroyed.
class WriterStopper {
 public:
  explicit WriterStopper(db::Writer& writer) : writer_(writer) {}
  ~WriterStopper() { writer_.stop(); }
  WriterStopper(const WriterStopper&) = delete;
  WriterStopper& operator=(const WriterStopper&) = delete;

 private:
  db::Writer& writer_;
};

}  // namespace smartdairy::events
