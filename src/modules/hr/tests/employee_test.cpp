#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/uuid.h"
#include "modules/hr/tests/hr_fixture.h"

namespace smartdairy::modules::hr {
namespace {

namespace json = boost::json;

void expect_field_error(const Result<Employee>& r, const std::string& field) {
  ASSERT_FALSE(r.ok()) << field;
  EXPECT_EQ(r.error().kind, ErrorKind::kUnprocessable) << field;
  EXPECT_EQ(r.error().code, "invalid_field") << field;
  EXPECT_EQ(r.error().details, std::vector<std::string>{field}) << r.error().message;
}

// --- create ----------------------------------------------------------------------------

TEST_F(EmployeeTest, CreateNormalisesTheInputAndRecordsAnEventWithoutTheSalary) {
  NewEmployee in = rahim();
  in.name = "  Rahim Uddin ";
  in.email = " Rahim@Farm.EXAMPLE ";
  in.role = " milker";
  in.phone = "+880 1712-345678";
  in.hired_on = parse_date("2025-06-01");
  in.monthly_salary = bdt(2'500'000);
  auto e = create(in);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_TRUE(is_uuid(e->id));
  EXPECT_EQ(e->name, "Rahim Uddin");
  EXPECT_EQ(e->email, "rahim@farm.example");
  EXPECT_EQ(e->role, "milker");
  EXPECT_EQ(e->phone, "+880 1712-345678");
  EXPECT_EQ(e->hired_on, parse_date("2025-06-01"));
  EXPECT_EQ(e->monthly_salary, bdt(2'500'000));
  EXPECT_TRUE(e->active);
  EXPECT_EQ(e->created_at, clock_.now_micros());
  EXPECT_EQ(e->updated_at, e->created_at);

  // What was stored reads back the same.
  auto stored = get(e->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->email, e->email);
  EXPECT_EQ(stored->phone, e->phone);
  EXPECT_EQ(stored->hired_on, e->hired_on);
  EXPECT_EQ(stored->monthly_salary, bdt(2'500'000));

  auto log = events();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].type, "employee.created");
  EXPECT_EQ(log[0].aggregate_type, "employee");
  EXPECT_EQ(log[0].aggregate_id, e->id);
  EXPECT_EQ(log[0].actor, "admin");
  json::object data = json::parse(log[0].data).as_object();
  EXPECT_EQ(data.at("email").as_string(), "rahim@farm.example");
  EXPECT_EQ(data.at("hired_on").as_string(), "2025-06-01");
  EXPECT_FALSE(data.contains("monthly_salary"));
  EXPECT_EQ(log[0].data.find("25000"), std::string::npos) << log[0].data;
}

TEST_F(EmployeeTest, EmailsAreUniqueWhateverTheirCase) {
  ASSERT_TRUE(create(rahim()).ok());
  NewEmployee twin = rahim();
  twin.name = "Another Rahim";
  twin.email = "RAHIM@farm.example";
  auto dup = create(twin);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(dup.error().code, "email_taken");
  EXPECT_EQ(dup.error().details, std::vector<std::string>{"email"});
  EXPECT_NE(dup.error().message.find("rahim@farm.example"), std::string::npos);
  EXPECT_EQ(employee_rows(), 1);
}

TEST_F(EmployeeTest, CreateRejectsInvalidFieldsNamingThem) {
  auto with = [](auto change) {
    NewEmployee in = rahim();
    change(in);
    return in;
  };
  expect_field_error(create(with([](NewEmployee& in) { in.name = "   "; })), "name");
  expect_field_error(create(with([](NewEmployee& in) { in.name = "Ra\x01him"; })), "name");
  expect_field_error(create(with([](NewEmployee& in) { in.role = ""; })), "role");
  for (const char* bad : {"", "rahim", "rahim@", "@farm.example", "rahim@farm", "ra him@farm.bd",
                          "rahim@@farm.bd", "rahim@farm..bd", "rahim@-farm.bd", ".rahim@farm.bd",
                          "rahim@farm.bd.", "rahim@fa_rm.bd", "r\xC3\xA9@farm.bd"}) {
    expect_field_error(create(with([bad](NewEmployee& in) { in.email = bad; })), "email");
  }
  for (const std::string& bad :
       {std::string("call me"), std::string("+880-abc"), std::string("()"), std::string(33, '1')}) {
    expect_field_error(create(with([bad](NewEmployee& in) { in.phone = bad; })), "phone");
  }
  // Hired tomorrow on the farm is in the future; today is fine.
  expect_field_error(create(with([](NewEmployee& in) { in.hired_on = parse_date("2026-01-02"); })),
                     "hired_on");
  expect_field_error(
      create(with([](NewEmployee& in) { in.hired_on = days_from_civil(1899, 12, 31); })),
      "hired_on");
  expect_field_error(create(with([](NewEmployee& in) { in.monthly_salary = bdt(-1); })),
                     "monthly_salary");
  EXPECT_EQ(employee_rows(), 0);
  EXPECT_TRUE(create(with([](NewEmployee& in) { in.hired_on = parse_date("2026-01-01"); })).ok());
  EXPECT_TRUE(events().size() == 1u);
}

TEST_F(EmployeeTest, BlankPhoneMeansNone) {
  NewEmployee in = rahim();
  in.phone = "  ";
  auto e = create(in);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_FALSE(e->phone.has_value());
}

// --- salaries --------------------------------------------------------------------------

TEST_F(EmployeeTest, OnlyActorsWithSalaryAccessMaySetASalary) {
  NewEmployee in = rahim();
  in.monthly_salary = bdt(1'800'000);
  auto denied = create(in, kManager);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().kind, ErrorKind::kForbidden);
  EXPECT_EQ(denied.error().details, std::vector<std::string>{"monthly_salary"});
  EXPECT_NE(denied.error().message.find("monthly_salary"), std::string::npos);
  EXPECT_EQ(employee_rows(), 0);

  // A manager may create and edit the employee without touching the salary.
  auto e = create(rahim(), kManager);
  ASSERT_TRUE(e.ok());
  EmployeeChanges raise;
  raise.monthly_salary.emplace(bdt(2'000'000));
  auto denied_update = update(e->id, raise, kManager);
  ASSERT_FALSE(denied_update.ok());
  EXPECT_EQ(denied_update.error().kind, ErrorKind::kForbidden);
  EmployeeChanges clear;
  clear.monthly_salary.emplace();  // clearing is setting, too
  EXPECT_FALSE(update(e->id, clear, kManager).ok());

  auto raised = update(e->id, raise, Actor{"accountant", true});
  ASSERT_TRUE(raised.ok()) << raised.error().message;
  EXPECT_EQ(raised->monthly_salary, bdt(2'000'000));
  auto log = events();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].type, "employee.updated");
  EXPECT_EQ(log[1].actor, "accountant");
  json::object data = json::parse(log[1].data).as_object();
  EXPECT_EQ(data.at("changed"), json::parse(R"(["monthly_salary"])"));
  EXPECT_FALSE(data.contains("monthly_salary"));
  EXPECT_EQ(log[1].data.find("20000"), std::string::npos) << log[1].data;
}

// --- update ----------------------------------------------------------------------------

TEST_F(EmployeeTest, UpdateChangesOnlyTheFieldsSentAndSaysWhichChanged) {
  NewEmployee in = rahim();
  in.phone = "01712345678";
  auto e = create(in);
  ASSERT_TRUE(e.ok());
  clock_.advance(std::chrono::seconds(90));

  // Rahim is promoted and, later, leaves: deactivating is how someone leaves.
  EmployeeChanges ch;
  ch.role = "herdsman";
  ch.name = "Rahim Uddin";  // unchanged: not reported
  ch.active = false;
  auto u = update(e->id, ch);
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->role, "herdsman");
  EXPECT_FALSE(u->active);
  EXPECT_EQ(u->phone, "01712345678");
  EXPECT_EQ(u->email, e->email);
  EXPECT_EQ(u->created_at, e->created_at);
  EXPECT_EQ(u->updated_at, clock_.now_micros());

  auto stored = get(e->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->role, "herdsman");
  EXPECT_FALSE(stored->active);

  auto log = events();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].type, "employee.updated");
  EXPECT_EQ(log[1].aggregate_id, e->id);
  json::object data = json::parse(log[1].data).as_object();
  EXPECT_EQ(data.at("changed"), json::parse(R"(["role","active"])"));
  EXPECT_EQ(data.at("role").as_string(), "herdsman");
  EXPECT_EQ(data.at("active").as_bool(), false);
  EXPECT_FALSE(data.contains("name"));
}

TEST_F(EmployeeTest, UpdateThatChangesNothingWritesNothing) {
  auto e = create(rahim());
  ASSERT_TRUE(e.ok());
  clock_.advance(std::chrono::seconds(5));
  EmployeeChanges same;
  same.email = "RAHIM@farm.example";
  same.active = true;
  auto u = update(e->id, same);
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->updated_at, e->updated_at);
  EXPECT_EQ(events().size(), 1u);
  EXPECT_TRUE(update(e->id, EmployeeChanges{}).ok());
  EXPECT_EQ(events().size(), 1u);
}

TEST_F(EmployeeTest, UpdateClearsOptionalFields) {
  NewEmployee in = rahim();
  in.phone = "01712345678";
  in.hired_on = parse_date("2024-02-29");
  in.monthly_salary = bdt(100);
  auto e = create(in);
  ASSERT_TRUE(e.ok());
  EmployeeChanges clear;
  clear.phone.emplace();
  clear.hired_on.emplace();
  clear.monthly_salary.emplace();
  auto u = update(e->id, clear);
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_FALSE(u->phone || u->hired_on || u->monthly_salary);
  auto stored = get(e->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->phone || stored->hired_on || stored->monthly_salary);
  json::object data = json::parse(events().back().data).as_object();
  EXPECT_EQ(data.at("changed"), json::parse(R"(["phone","hired_on","monthly_salary"])"));
  EXPECT_TRUE(data.at("phone").is_null());
}

TEST_F(EmployeeTest, UpdateChecksFieldsAndEmailUniqueness) {
  auto a = create(rahim());
  NewEmployee other = rahim();
  other.email = "karim@farm.example";
  auto b = create(other);
  ASSERT_TRUE(a.ok() && b.ok());
  EmployeeChanges steal;
  steal.email = "Rahim@Farm.Example";
  auto taken = update(b->id, steal);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, "email_taken");
  EmployeeChanges bad;
  bad.hired_on.emplace(parse_date("2030-01-01"));
  expect_field_error(update(b->id, bad), "hired_on");
  EmployeeChanges blank;
  blank.name = " ";
  expect_field_error(update(b->id, blank), "name");
  EXPECT_EQ(get(b->id)->email, "karim@farm.example");
}

TEST_F(EmployeeTest, UnknownAndMalformedIdsAreNotFound) {
  for (const std::string& id :
       {new_uuid_v7(), std::string("not-a-uuid"), std::string("1 OR 1=1"), std::string()}) {
    auto g = get(id);
    ASSERT_FALSE(g.ok()) << id;
    EXPECT_EQ(g.error().kind, ErrorKind::kNotFound);
    EXPECT_EQ(g.error().code, "employee_not_found");
    EmployeeChanges ch;
    ch.role = "vet";
    auto u = update(id, ch);
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(u.error().code, "employee_not_found");
  }
}

// --- list ------------------------------------------------------------------------------

TEST_F(EmployeeTest, ListPagesInCreationOrderAndFiltersByPrefixAndActive) {
  std::vector<std::string> ids;
  for (const auto& [name, email] :
       std::vector<std::pair<std::string, std::string>>{{"Abdur Rahman", "abdur@farm.example"},
                                                        {"Rahima Begum", "rb@farm.example"},
                                                        {"Karim Mia", "karim@farm.example"},
                                                        {"Salma Khatun", "rahman.s@farm.example"},
                                                        {"100% Fresh", "fresh_100@farm.example"}}) {
    NewEmployee in = rahim();
    in.name = name;
    in.email = email;
    auto e = create(in);
    ASSERT_TRUE(e.ok()) << e.error().message;
    ids.push_back(e->id);
  }
  EmployeeChanges leave;
  leave.active = false;
  ASSERT_TRUE(update(ids[2], leave).ok());

  // Pages of two, in creation order, until next_cursor runs out.
  std::vector<std::string> seen;
  EmployeeQuery q;
  q.limit = 2;
  for (int page = 0; page < 5; ++page) {
    auto p = list(q);
    ASSERT_TRUE(p.ok()) << p.error().message;
    for (const auto& e : p->items) seen.push_back(e.id);
    if (p->next_cursor.empty()) break;
    EXPECT_EQ(p->next_cursor, p->items.back().id);
    q.after = p->next_cursor;
  }
  EXPECT_EQ(seen, ids);

  auto names = [this](EmployeeQuery query) {
    query.limit = 50;
    std::vector<std::string> out;
    auto p = list(query);
    EXPECT_TRUE(p.ok());
    if (p.ok()) {
      for (const auto& e : p->items) out.push_back(e.name);
    }
    return out;
  };
  using Names = std::vector<std::string>;
  EmployeeQuery rah;
  rah.prefix = "RAH";  // name, word in the name, or email; any case
  EXPECT_EQ(names(rah), (Names{"Abdur Rahman", "Rahima Begum", "Salma Khatun"}));
  EmployeeQuery by_email;
  by_email.prefix = "karim@";
  EXPECT_EQ(names(by_email), Names{"Karim Mia"});
  EmployeeQuery pct;
  pct.prefix = "100%";  // LIKE wildcards are matched literally
  EXPECT_EQ(names(pct), Names{"100% Fresh"});
  EmployeeQuery underscore;
  underscore.prefix = "fresh_";
  EXPECT_EQ(names(underscore), Names{"100% Fresh"});
  EmployeeQuery wildcard;
  wildcard.prefix = "%";
  EXPECT_EQ(names(wildcard), Names{});
  EmployeeQuery gone;
  gone.active = false;
  EXPECT_EQ(names(gone), Names{"Karim Mia"});
  EmployeeQuery staying;
  staying.active = true;
  staying.prefix = "k";
  EXPECT_EQ(names(staying), Names{"Salma Khatun"});
}

}  // namespace
}  // namespace smartdairy::modules::hr
