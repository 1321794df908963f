#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <string>

#include "auth/permissions.h"
#include "http/idempotency.h"
#include "http/router.h"
#include "modules/hr/hr_module.h"
#include "modules/hr/tests/hr_fixture.h"
#include "tests/testing/route_call.h"

namespace smartdairy::modules::hr {
namespace {

namespace json = boost::json;

// --- routes ----------------------------------------------------------------------------

// The module's routes called directly, without a server: field-level salary visibility
// and the JSON shape.
class EmployeeRoutesTest : public EmployeeTest {
 protected:
  void SetUp() override {
    EmployeeTest::SetUp();
    idempotency_ = std::make_unique<http::Idempotency>(*db_, clock_);
    module_ = std::make_unique<HrModule>(*ctx_, *idempotency_);
    module_->register_routes(router_);
  }

  http::Response call(http::Method method, const std::string& target, const std::string& role,
                      const std::string& body = "", const std::string& key = "") {
    return testing::call_route(router_, method, target, body, role, key);
  }

  http::Router router_{auth::is_known_permission};
  std::unique_ptr<http::Idempotency> idempotency_;
  std::unique_ptr<HrModule> module_;
};

TEST_F(EmployeeRoutesTest, SalaryIsShownOnlyToRolesHoldingEmployeesSalary) {
  const std::string body = R"({"name":"Rahim Uddin","email":"Rahim@Farm.example","role":"milker",)"
                           R"("hired_on":"2025-06-01","monthly_salary":"25000.5"})";
  auto created = call(http::Method::kPost, "/api/v1/employees", "admin", body);
  ASSERT_EQ(created.status, 201) << created.body;
  json::object e = json::parse(created.body).as_object();
  EXPECT_EQ(e.at("email").as_string(), "rahim@farm.example");
  EXPECT_EQ(e.at("monthly_salary").as_string(), "25000.50");
  EXPECT_EQ(e.at("hired_on").as_string(), "2025-06-01");
  EXPECT_TRUE(e.at("phone").is_null());
  EXPECT_EQ(e.at("created_at").as_string(), "2026-01-01T00:00:00.000000Z");
  std::string id(e.at("id").as_string());

  for (const char* role : {"admin", "accountant", "manager"}) {
    bool sees = auth::role_allows(role, "employees.salary");
    auto one = call(http::Method::kGet, "/api/v1/employees/" + id, role);
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(json::parse(one.body).as_object().contains("monthly_salary"), sees) << role;
    auto all = call(http::Method::kGet, "/api/v1/employees?q=rahim&active=true", role);
    ASSERT_EQ(all.status, 200) << all.body;
    json::object page = json::parse(all.body).as_object();
    ASSERT_EQ(page.at("items").as_array().size(), 1u);
    EXPECT_TRUE(page.at("next_cursor").is_null());
    EXPECT_EQ(page.at("items").as_array()[0].as_object().contains("monthly_salary"), sees);
    if (!sees) {
      EXPECT_EQ(one.body.find("25000"), std::string::npos) << role;
    }
  }

  auto patched = call(http::Method::kPatch, "/api/v1/employees/" + id, "manager",
                      R"({"role":"herdsman","phone":"017"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_FALSE(json::parse(patched.body).as_object().contains("monthly_salary"));
  auto refused = call(http::Method::kPatch, "/api/v1/employees/" + id, "manager",
                      R"({"monthly_salary":null})");
  EXPECT_EQ(refused.status, 403) << refused.body;
}

TEST_F(EmployeeRoutesTest, BodiesAreDecodedStrictly) {
  auto unknown = call(http::Method::kPost, "/api/v1/employees", "admin",
                      R"({"name":"A","email":"a@farm.example","role":"milker","salary":1})");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_NE(unknown.body.find("unknown_field"), std::string::npos) << unknown.body;
  auto bad_date = call(http::Method::kPost, "/api/v1/employees", "admin",
                       R"({"name":"A","email":"a@farm.example","role":"milker",)"
                       R"("hired_on":"01/02/2025"})");
  EXPECT_EQ(bad_date.status, 422) << bad_date.body;
  auto e = call(http::Method::kPost, "/api/v1/employees", "admin",
                R"({"name":"A","email":"a@farm.example","role":"milker"})");
  ASSERT_EQ(e.status, 201);
  std::string id(json::parse(e.body).at("id").as_string());
  auto null_name =
      call(http::Method::kPatch, "/api/v1/employees/" + id, "admin", R"({"name":null})");
  EXPECT_EQ(null_name.status, 422) << null_name.body;
  auto bad_cursor = call(http::Method::kGet, "/api/v1/employees?cursor=abc", "admin");
  EXPECT_EQ(bad_cursor.status, 422) << bad_cursor.body;
  auto missing = call(http::Method::kGet, "/api/v1/employees/nope", "admin");
  EXPECT_EQ(missing.status, 404) << missing.body;
}

TEST_F(EmployeeRoutesTest, IdempotencyKeyReplaysTheFirstCreate) {
  const std::string body = R"({"name":"A","email":"a@farm.example","role":"milker"})";
  auto first = call(http::Method::kPost, "/api/v1/employees", "admin", body, "k-1");
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = call(http::Method::kPost, "/api/v1/employees", "admin", body, "k-1");
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.body, first.body);
  auto other = call(http::Method::kPost, "/api/v1/employees", "admin",
                    R"({"name":"B","email":"b@farm.example","role":"milker"})", "k-1");
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(employee_rows(), 1);
  EXPECT_EQ(events().size(), 1u);
}

}  // namespace
}  // namespace smartdairy::modules::hr
