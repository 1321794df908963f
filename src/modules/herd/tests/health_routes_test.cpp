#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <string>

#include "auth/permissions.h"
#include "http/idempotency.h"
#include "http/router.h"
#include "modules/herd/herd_module.h"
#include "modules/herd/tests/herd_fixture.h"
#include "tests/testing/route_call.h"

namespace smartdairy::modules::herd {
namespace {

namespace json = boost::json;

// The health and breeding routes called directly, without a server: the JSON bodies in and
// out, nested treatment objects and the PATCH that refuses to touch a treatment. The clock
// reads 2026-01-01 on the farm.
class HealthRoutesTest : public HerdTest {
 protected:
  void SetUp() override {
    HerdTest::SetUp();
    db_->writer().start();
    idempotency_ = std::make_unique<http::Idempotency>(*db_, clock_);
    module_ = std::make_unique<HerdModule>(ctx(), *idempotency_);
    module_->register_routes(router_);
    cow_ = put_animal("BD-001");
  }

  http::Response call(http::Method method, const std::string& target, const std::string& body = "",
                      const std::string& role = "vet") {
    return testing::call_route(router_, method, target, body, role);
  }

  std::string permission_of(http::Method method, const std::string& path) {
    http::RouteMatch match = router_.match(method, path);
    return match.route != nullptr ? std::string(match.route->permission.name) : "";
  }

  static json::object body_of(const http::Response& r) { return json::parse(r.body).as_object(); }

  http::Router router_{auth::is_known_permission};
  std::unique_ptr<http::Idempotency> idempotency_;
  std::unique_ptr<HerdModule> module_;
  std::string cow_;
};

TEST_F(HealthRoutesTest, VetsWriteAndEveryHerdReaderReads) {
  const std::string id = "/0190a0a0-0000-7000-8000-000000000000";
  EXPECT_EQ(permission_of(http::Method::kPost, "/api/v1/herd/health"), "herd.health");
  EXPECT_EQ(permission_of(http::Method::kPatch, "/api/v1/herd/health" + id), "herd.health");
  EXPECT_EQ(permission_of(http::Method::kPost, "/api/v1/herd/breeding/services"), "herd.health");
  EXPECT_EQ(permission_of(http::Method::kPost, "/api/v1/herd/breeding/services" + id + "/checks"),
            "herd.health");
  EXPECT_EQ(permission_of(http::Method::kGet, "/api/v1/herd/health"), "herd.read");
  EXPECT_EQ(permission_of(http::Method::kGet, "/api/v1/herd/health" + id), "herd.read");
  EXPECT_EQ(permission_of(http::Method::kGet, "/api/v1/herd/withdrawals"), "herd.read");
  EXPECT_EQ(permission_of(http::Method::kGet, "/api/v1/herd/breeding/services"), "herd.read");
  EXPECT_EQ(permission_of(http::Method::kGet, "/api/v1/herd/breeding/services" + id), "herd.read");
  EXPECT_EQ(permission_of(http::Method::kGet, "/api/v1/herd/breeding/calendar"), "herd.read");
  EXPECT_TRUE(auth::role_allows("vet", "herd.health"));
  EXPECT_FALSE(auth::role_allows("farm", "herd.health"));
  EXPECT_TRUE(auth::role_allows("viewer", "herd.read"));
}

TEST_F(HealthRoutesTest, AnOffLabelTreatmentIsDecodedAndAnswered) {
  auto r = call(http::Method::kPost, "/api/v1/herd/health",
                R"({"animal_id":")" + cow_ +
                    R"(","day":"2025-12-30","kind":"treatment","cost":"120.5",)"
                    R"("medication":"Enrofloxacin","treatment":{"last_dose_date":"2025-12-31",)"
                    R"("milk_withdrawal_days":2,"off_label":{"authorised_for_milk":true,)"
                    R"("longest_label_milk_days":3,"longest_label_meat_days":10}}})");
  ASSERT_EQ(r.status, 201) << r.body;
  json::object o = body_of(r);
  EXPECT_EQ(o.at("cost"), json::value("120.50"));
  EXPECT_EQ(o.at("milk_withdrawal_end"), json::value("2026-01-05"));  // 31 Dec + 5
  EXPECT_EQ(o.at("meat_withdrawal_end"), json::value("2026-01-15"));  // 31 Dec + 15
  EXPECT_EQ(o.at("treatment"),
            json::parse(R"({"last_dose_date":"2025-12-31","milk_withdrawal_days":5,)"
                        R"("meat_withdrawal_days":15,"off_label":true})"));
  ASSERT_EQ(o.at("warnings").as_array().size(), 1u);
  const std::pair<std::string, std::string> location{
      "Location", "/api/v1/herd/health/" + std::string(o.at("id").as_string())};
  EXPECT_NE(std::find(r.headers.begin(), r.headers.end(), location), r.headers.end());

  auto w = call(http::Method::kGet, "/api/v1/herd/withdrawals?on=2026-01-04", "", "viewer");
  ASSERT_EQ(w.status, 200) << w.body;
  json::object page = body_of(w);
  EXPECT_EQ(page.at("on"), json::value("2026-01-04"));
  ASSERT_EQ(page.at("items").as_array().size(), 1u);
  json::object item = page.at("items").as_array()[0].as_object();
  EXPECT_EQ(item.at("animal").at("ear_tag"), json::value("BD-001"));
  EXPECT_EQ(item.at("milk_withheld"), json::value(true));
  EXPECT_EQ(item.at("milk_withdrawal_end"), json::value("2026-01-05"));
  EXPECT_EQ(item.at("records").as_array().size(), 1u);
  auto later = call(http::Method::kGet, "/api/v1/herd/withdrawals?on=2026-01-05", "", "viewer");
  item = body_of(later).at("items").as_array()[0].as_object();
  EXPECT_EQ(item.at("milk_withheld"), json::value(false));
  EXPECT_TRUE(item.at("milk_withdrawal_end").is_null());
  EXPECT_EQ(item.at("meat_withheld"), json::value(true));
}

TEST_F(HealthRoutesTest, NestedObjectsAreReadStrictly) {
  const std::string head =
      R"({"animal_id":")" + cow_ + R"(","day":"2026-01-01","kind":"treatment",)";
  auto unknown = call(http::Method::kPost, "/api/v1/herd/health",
                      head + R"("treatment":{"last_dose_date":"2026-01-01","off_label":)"
                             R"({"authorised_for_milk":false,"species":"goat"}}})");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_NE(unknown.body.find("treatment.off_label.species"), std::string::npos) << unknown.body;
  auto not_object =
      call(http::Method::kPost, "/api/v1/herd/health", head + R"("treatment":"yes"})");
  EXPECT_EQ(not_object.status, 422);
  EXPECT_NE(not_object.body.find(R"("details":["treatment"])"), std::string::npos)
      << not_object.body;
  auto no_authorised =
      call(http::Method::kPost, "/api/v1/herd/health",
           head + R"("treatment":{"last_dose_date":"2026-01-01","off_label":{}}})");
  EXPECT_EQ(no_authorised.status, 422);
  EXPECT_NE(no_authorised.body.find("treatment.off_label.authorised_for_milk"), std::string::npos);
  auto bad_date = call(http::Method::kPost, "/api/v1/herd/health",
                       head + R"("treatment":{"last_dose_date":"01/01/2026",)"
                              R"("milk_withdrawal_days":1,"meat_withdrawal_days":1}})");
  EXPECT_EQ(bad_date.status, 422);
  EXPECT_NE(bad_date.body.find("treatment.last_dose_date"), std::string::npos);
  EXPECT_EQ(scalar("SELECT count(*) FROM herd_health_records"), 0);
}

TEST_F(HealthRoutesTest, APatchChangesStatusButNeverTheTreatment) {
  auto r = call(http::Method::kPost, "/api/v1/herd/health",
                R"({"animal_id":")" + cow_ +
                    R"(","day":"2026-01-01","kind":"treatment","treatment":{)"
                    R"("last_dose_date":"2026-01-01","milk_withdrawal_days":3,)"
                    R"("meat_withdrawal_days":7}})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string path = "/api/v1/herd/health/" + std::string(body_of(r).at("id").as_string());

  auto ok = call(http::Method::kPatch, path,
                 R"({"status":"follow_up","follow_up_date":"2026-01-08","description":"Recheck"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body_of(ok).at("follow_up_date"), json::value("2026-01-08"));
  auto cleared = call(http::Method::kPatch, path, R"({"follow_up_date":null})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(body_of(cleared).at("follow_up_date").is_null());

  for (const char* body :
       {R"({"milk_withdrawal_end":"2026-01-02"})", R"({"treatment":{"milk_withdrawal_days":1}})",
        R"({"day":"2025-12-31"})"}) {
    auto refused = call(http::Method::kPatch, path, body);
    EXPECT_EQ(refused.status, 422) << body;
    EXPECT_NE(refused.body.find("immutable_field"), std::string::npos) << refused.body;
  }
  auto null_status = call(http::Method::kPatch, path, R"({"status":null})");
  EXPECT_EQ(null_status.status, 422);
  auto got = call(http::Method::kGet, path, "", "viewer");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(body_of(got).at("milk_withdrawal_end"), json::value("2026-01-04"));
  EXPECT_EQ(body_of(got).at("status"), json::value("follow_up"));
}

TEST_F(HealthRoutesTest, AServiceItsCheckAndTheCalendarAnswerInJson) {
  std::string heifer = put_animal("H-001", "female", "heifer");
  auto s = call(http::Method::kPost, "/api/v1/herd/breeding/services",
                R"({"animal_id":")" + heifer +
                    R"(","day":"2025-11-01","method":"ai","semen_batch":"HF-17"})");
  ASSERT_EQ(s.status, 201) << s.body;
  json::object svc = body_of(s);
  EXPECT_EQ(svc.at("expected_calving"), json::value("2026-08-11"));  // + 283 days
  EXPECT_EQ(svc.at("calving_window"), json::parse(R"({"from":"2026-08-02","to":"2026-08-20"})"));
  EXPECT_EQ(svc.at("check_due"), json::value("2025-12-06"));
  EXPECT_EQ(svc.at("warnings"), json::array());
  std::string id(svc.at("id").as_string());

  auto cal = call(http::Method::kGet, "/api/v1/herd/breeding/calendar", "", "viewer");
  ASSERT_EQ(cal.status, 200) << cal.body;
  json::object c = body_of(cal);
  EXPECT_EQ(c.at("from"), json::value("2026-01-01"));
  EXPECT_EQ(c.at("to"), json::value("2026-01-31"));
  ASSERT_EQ(c.at("checks_due").as_array().size(), 1u);
  json::object due = c.at("checks_due").as_array()[0].as_object();
  EXPECT_EQ(due.at("overdue"), json::value(true));
  EXPECT_EQ(due.at("animal"),
            json::parse(R"({"id":")" + heifer + R"(","ear_tag":"H-001","name":null})"));

  auto k = call(http::Method::kPost, "/api/v1/herd/breeding/services/" + id + "/checks",
                R"({"day":"2025-12-10","result":"confirmed","method":"echography"})");
  ASSERT_EQ(k.status, 201) << k.body;
  EXPECT_EQ(body_of(k).at("animal_status"), json::parse(R"({"from":"heifer","to":"pregnant"})"));
  auto bad = call(http::Method::kPost, "/api/v1/herd/breeding/services/" + id + "/checks",
                  R"({"day":"2025-12-11","result":"confirmed","method":"ultrasound"})");
  EXPECT_EQ(bad.status, 422);

  auto got = call(http::Method::kGet, "/api/v1/herd/breeding/services/" + id, "", "viewer");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(body_of(got).at("status"), json::value("confirmed"));
  EXPECT_EQ(body_of(got).at("checks").as_array().size(), 1u);
  auto list =
      call(http::Method::kGet, "/api/v1/herd/breeding/services?status=confirmed", "", "viewer");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(body_of(list).at("items").as_array().size(), 1u);
  auto wide = call(http::Method::kGet,
                   "/api/v1/herd/breeding/calendar?from=2026-01-01&to=2027-02-06", "", "viewer");
  EXPECT_EQ(wide.status, 422) << wide.body;
}

}  // namespace
}  // namespace smartdairy::modules::herd
