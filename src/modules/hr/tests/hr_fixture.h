#pragma once

// A temp-file database with the embedded migrations, a running writer, a fake clock and an
// EmployeeService, shared by the hr unit tests.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "db/database.h"
#include "db/migrations.h"
#include "db/tests/db_test_util.h"
#include "events/outbox.h"
#include "modules/hr/employee_service.h"

namespace smartdairy::modules::hr {

inline const Actor kAdmin{"admin", true};
inline const Actor kManager{"manager", false};

inline Money bdt(int64_t minor) { return Money::from_minor(minor, kBDT); }

// A valid new employee; tests change what they are about.
inline NewEmployee rahim() {
  NewEmployee in;
  in.name = "Rahim Uddin";
  in.email = "rahim@farm.example";
  in.role = "milker";
  return in;
}

// Each test gets a fresh database; helpers run service calls in their own transaction.
class EmployeeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db::DatabaseOptions options;
    options.path = dir_.file("app.db");
    options.readers = 1;
    auto db = db::Database::open(options, db::embedded_migrations());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    db_->writer().start();
    ctx_ = std::make_unique<ModuleContext>(ModuleContext{*db_, clock_});
    service_ = std::make_unique<EmployeeService>(*ctx_);
  }
  void TearDown() override {
    if (db_) db_->close();
  }

  // Runs `fn` in a write transaction, keeping its changes only when it succeeds.
  template <class F>
  auto tx(F fn) {
    return db::test::transact(db_->writer(), fn);
  }

  Result<Employee> create(const NewEmployee& in, const Actor& actor = kAdmin) {
    return tx([&](db::Connection& c) { return service_->create(c, in, actor); });
  }
  Result<Employee> update(const std::string& id, const EmployeeChanges& ch,
                          const Actor& actor = kAdmin) {
    return tx([&](db::Connection& c) { return service_->update(c, id, ch, actor); });
  }
  Result<Employee> get(const std::string& id) {
    auto conn = db::test::open_reader(db_->path());
    return service_->get(*conn, id);
  }
  Result<Listing<Employee>> list(const EmployeeQuery& q) {
    auto conn = db::test::open_reader(db_->path());
    return service_->list(*conn, q);
  }
  std::vector<events::Event> events() {
    auto conn = db::test::open_reader(db_->path());
    if (!conn) return {};
    auto evs = events::read_after(*conn, 0, 1000);
    EXPECT_TRUE(evs.ok());
    return evs.ok() ? *evs : std::vector<events::Event>{};
  }
  int64_t employee_rows() {
    auto conn = db::test::open_reader(db_->path());
    return conn ? db::test::scalar(*conn, "SELECT count(*) FROM employees") : -1;
  }

  db::test::TempDir dir_;
  FakeClock clock_;  // 2026-01-01T00:00Z, 06:00 on the farm
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<ModuleContext> ctx_;
  std::unique_ptr<EmployeeService> service_;
};

}  // namespace smartdairy::modules::hr
