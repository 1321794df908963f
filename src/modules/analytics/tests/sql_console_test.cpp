// The read-only SQL console: what the engine lets through and what it refuses.
#include "modules/analytics/sql_console.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "tests/testing/module_fixture.h"

namespace smartdairy::modules::analytics {
namespace {

using namespace std::chrono_literals;

class SqlConsoleTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ModuleTest::SetUp();
    ASSERT_TRUE(conn()
                    .exec("INSERT INTO analytics_sales_by_day VALUES "
                          "('2026-01-01', 2, 1000, 150, 1150), ('2026-01-02', 1, 500, 0, 500)")
                    .ok());
  }

  SqlConsole console(ConsoleOptions o = {}) { return SqlConsole(db_->path(), o); }

  void expect_refused(const std::string& sql, const std::string& code) {
    SCOPED_TRACE(sql);
    auto c = console();
    auto out = c.run(sql);
    ASSERT_FALSE(out.ok()) << boost::json::serialize(*out);
    EXPECT_EQ(out.error().code, code) << out.error().message;
  }
};

TEST_F(SqlConsoleTest, ReadsAnalyticsTables) {
  auto c = console();
  auto out = c.run(
      "SELECT day, total, total * 1.0 / 100 AS amount FROM analytics_sales_by_day ORDER BY day");
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(boost::json::serialize(*out),
            R"({"columns":["day","total","amount"],"rows":[["2026-01-01",1150,1.15E1],)"
            R"(["2026-01-02",500,5E0]],"truncated":false})");
  auto cte = c.run(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) "
      "SELECT i, (SELECT sum(orders) FROM analytics_sales_by_day) FROM n");
  ASSERT_TRUE(cte.ok()) << cte.error().message;
  EXPECT_EQ(cte->at("rows").as_array().size(), 3u);
}

TEST_F(SqlConsoleTest, RefusesEveryOtherTableAndTheSchema) {
  expect_refused("SELECT * FROM users", "sql_not_allowed");
  expect_refused("SELECT token_hash FROM api_tokens", "sql_not_allowed");
  expect_refused("SELECT * FROM sessions", "sql_not_allowed");
  expect_refused("SELECT * FROM orders", "sql_not_allowed");
  expect_refused("SELECT name FROM sqlite_master", "sql_not_allowed");
  expect_refused("SELECT * FROM analytics_sales_by_day WHERE day IN (SELECT username FROM users)",
                 "sql_not_allowed");
  expect_refused("SELECT * FROM pragma_table_info('users')", "sql_not_allowed");
  expect_refused("SELECT count(*) FROM users", "sql_not_allowed");
  expect_refused("WITH users AS (SELECT 1) SELECT count(*) FROM users", "sql_not_allowed");
  expect_refused("SELECT count(*) FROM (SELECT 1 FROM sessions)", "sql_not_allowed");
  expect_refused("SELECT * FROM main.users", "sql_not_allowed");
  expect_refused("SELECT key FROM json_each((SELECT 1))", "sql_not_allowed");
}

TEST_F(SqlConsoleTest, RefusesWritesPragmasAttachAndExtensions) {
  expect_refused("DELETE FROM analytics_sales_by_day", "sql_not_allowed");
  expect_refused("UPDATE analytics_sales_by_day SET total = 0", "sql_not_allowed");
  expect_refused("INSERT INTO analytics_sales_by_day VALUES ('2026-02-01', 1, 1, 1, 1)",
                 "sql_not_allowed");
  expect_refused("WITH x AS (SELECT 1) DELETE FROM analytics_sales_by_day", "sql_not_allowed");
  expect_refused("DROP TABLE analytics_sales_by_day", "sql_not_allowed");
  expect_refused("CREATE TABLE analytics_x (a)", "sql_not_allowed");
  expect_refused("PRAGMA journal_mode = DELETE", "sql_not_allowed");
  expect_refused("PRAGMA table_info(users)", "sql_not_allowed");
  expect_refused("ATTACH DATABASE 'x.db' AS x", "sql_not_allowed");
  expect_refused("SELECT load_extension('libx')", "sql_not_allowed");
  expect_refused("BEGIN", "sql_not_allowed");
  expect_refused("VACUUM", "sql_not_allowed");
  // Nothing changed.
  EXPECT_EQ(scalar("SELECT count(*) FROM analytics_sales_by_day"), 2);
  EXPECT_EQ(scalar("SELECT sum(total) FROM analytics_sales_by_day"), 1650);
}

TEST_F(SqlConsoleTest, OneStatementAtATimeAndValidSql) {
  expect_refused("SELECT 1; DELETE FROM analytics_sales_by_day", "sql_invalid");
  expect_refused("SELECT 1; SELECT 2", "sql_invalid");
  expect_refused("SELEC 1", "sql_invalid");
  expect_refused("  ;  ", "sql_invalid");
  auto c = console();
  EXPECT_TRUE(c.run("SELECT 1;").ok());
}

TEST_F(SqlConsoleTest, StopsAStatementPastTheTimeLimit) {
  ConsoleOptions o;
  o.time_limit = 100ms;
  auto c = console(o);
  auto t0 = std::chrono::steady_clock::now();
  auto out = c.run(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
      "SELECT count(*) FROM n");
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "sql_timeout") << out.error().message;
  EXPECT_LT(took, 2s);
  // The connection is usable again afterwards.
  EXPECT_TRUE(c.run("SELECT count(*) FROM analytics_sales_by_day").ok());
}

TEST_F(SqlConsoleTest, CapsTheRows) {
  ConsoleOptions o;
  o.max_rows = 5;
  auto c = console(o);
  auto out = c.run(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
      "SELECT i FROM n");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->at("rows").as_array().size(), 5u);
  EXPECT_TRUE(out->at("truncated").as_bool());
}

}  // namespace
}  // namespace smartdairy::modules::analytics
