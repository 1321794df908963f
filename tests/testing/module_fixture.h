#pragma once

// A temp-file database with every migration, a fake clock, and a connection on which a test
// runs service calls inside transactions — the way the writer runs them in the server.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "db/database.h"
#include "db/migrations.h"
#include "db/tests/db_test_util.h"
#include "events/outbox.h"
#include "modules/common/module_context.h"

namespace smartdairy::testing {

class ModuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db::DatabaseOptions options;
    options.path = dir_.file("app.db");
    options.readers = 1;
    auto db = db::Database::open(options, db::embedded_migrations());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    auto conn = db::open_write_connection(options.path);
    ASSERT_TRUE(conn.ok()) << conn.error().message;
    conn_ = std::move(*conn);
  }
  void TearDown() override {
    conn_.reset();
    if (db_) db_->close();
  }

  modules::ModuleContext ctx() { return {*db_, clock_}; }
  db::Connection& conn() { return *conn_; }

  // Runs fn in one transaction: committed when it succeeds, rolled back when it fails.
  template <class F>
  auto tx(F fn) -> decltype(fn(std::declval<db::Connection&>())) {
    EXPECT_TRUE(conn_->exec("BEGIN IMMEDIATE").ok());
    auto result = fn(*conn_);
    EXPECT_TRUE(conn_->exec(result.ok() ? "COMMIT" : "ROLLBACK").ok());
    return result;
  }

  int64_t scalar(const std::string& sql) {
    auto v = conn_->scalar_int64(sql);
    EXPECT_TRUE(v.ok());
    return v.ok() ? v->value_or(0) : -1;
  }

  // Every event of `type` so far, oldest first.
  std::vector<events::Event> events_of(const std::string& type) {
    auto all = events::read_after(*conn_, 0, 100000);
    std::vector<events::Event> out;
    if (!all.ok()) return out;
    for (auto& e : *all) {
      if (e.type == type) out.push_back(std::move(e));
    }
    return out;
  }

  db::test::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<db::Connection> conn_;
};

}  // namespace smartdairy::testing
