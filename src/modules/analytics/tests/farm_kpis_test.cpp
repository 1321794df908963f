// The farm's KPIs on a small hand-built herd whose answers are known, including the edges:
// yesterday against today, the last day of a milk withdrawal, the 30-day calving window.
#include "modules/analytics/farm_kpis.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <utility>
#include <vector>

#include "db/tests/db_test_util.h"
#include "events/bus.h"
#include "events/outbox.h"
#include "modules/analytics/analytics_module.h"
#include "modules/analytics/tests/farm_rows.h"
#include "modules/analytics/views.h"
#include "tests/testing/module_fixture.h"

namespace smartdairy::modules::analytics {
namespace {

namespace json = boost::json;

class FarmKpisTest : public smartdairy::testing::ModuleTest {
 protected:
  // As the analytics.views consumer: note each new event, flush once; returns whether the
  // batch had a herd event.
  bool run_analytics() {
    auto batch = events::read_after(conn(), cursor_, 100000);
    EXPECT_TRUE(batch.ok());
    if (!batch.ok() || batch->empty()) return false;
    ViewUpdater updater(ctx());
    auto done = tx([&](db::Connection& t) -> Result<bool> {
      for (const auto& ev : *batch) updater.note(ev);
      SD_RETURN_IF_ERROR(updater.flush(t));
      return true;
    });
    EXPECT_TRUE(done.ok()) << done.error().message;
    cursor_ = batch->back().seq;
    return updater.flushed_herd_events();
  }

  json::object kpis() {
    auto k = read_farm_kpis(conn(), ctx());
    EXPECT_TRUE(k.ok()) << (k.ok() ? "" : k.error().message);
    return k.ok() ? *k : json::object{};
  }

  static std::string text(const json::value& v) { return json::serialize(v); }

  // The ear tags of a list of animals (or of items with an `animal`).
  static std::string tags(const json::value& list) {
    std::string out;
    for (const auto& item : list.as_array()) {
      const auto& o = item.as_object();
      const auto& a = o.contains("animal") ? o.at("animal").as_object() : o;
      out += (out.empty() ? "" : ",") + std::string(a.at("ear_tag").as_string());
    }
    return out;
  }

  int64_t cursor_ = 0;
  FarmRows farm() { return FarmRows(conn(), clock_); }
};

TEST(Litres, AreDecimalStringsWithoutTrailingZeros) {
  EXPECT_EQ(litres_text(902500), "902.5");
  EXPECT_EQ(litres_text(900000), "900");
  EXPECT_EQ(litres_text(1), "0.001");
  EXPECT_EQ(litres_text(12345), "12.345");
  EXPECT_EQ(litres_text(0), "0");
  EXPECT_EQ(litres_text(-1500), "-1.5");
  EXPECT_EQ(divide_rounded(28500, 7), 4071);  // 4071.43
  EXPECT_EQ(divide_rounded(7, 2), 4);         // halves away from zero
  EXPECT_EQ(divide_rounded(-7, 2), -4);
  EXPECT_EQ(divide_rounded(27845, 7), 3978);  // 3977.86
}

// Today is 2026-01-01 (the fake clock's 06:00 in Dhaka).
TEST_F(FarmKpisTest, AHandBuiltHerdGivesTheKnownAnswers) {
  std::string l[8];
  for (int i = 1; i <= 7; ++i) l[i] = farm().animal("L" + std::to_string(i));
  std::string dry = farm().animal("C4", "dry");
  std::string heifer = farm().animal("C5", "heifer", std::string("Daisy"));
  farm().animal("B1", "bull");
  std::string sold = farm().animal("S1", "lactating");
  farm().set_status(sold, "sold");

  // Milk: today, yesterday, the edges of the 7- and 30-day windows.
  farm().milk(l[1], "2026-01-01", "morning", 10000, "A");
  farm().milk(l[1], "2026-01-01", "evening", 5500, "B");
  farm().milk(l[2], "2026-01-01", "morning", 8000, "C");
  farm().milk(l[3], "2026-01-01", "morning", 3000, "R", true);  // withheld
  farm().milk(l[4], "2026-01-01", "morning", 2000, "R");        // rejected, not withheld
  farm().milk(l[1], "2025-12-31", "morning", 12345, "A");
  farm().milk(l[5], "2025-12-26", "morning", 7000, "A");   // today - 6: in the 7 days
  farm().milk(l[6], "2025-12-25", "morning", 9999, "A");   // today - 7: not
  farm().milk(l[7], "2025-12-03", "morning", 1000, "B");   // today - 29: in the 30 days
  farm().milk(l[7], "2025-12-02", "morning", 4000, "B");   // today - 30: not
  farm().milk(l[1], "2026-01-02", "morning", 99000, "A");  // tomorrow (a wrong clock): not

  // Treatments. Milk withheld while start <= today < milk_withdrawal_end.
  farm().health(l[3], "2025-12-30", 2500, "2025-12-31", "2026-01-02");          // in
  farm().health(l[4], "2025-12-29", std::nullopt, "2025-12-29", "2026-01-01");  // ends today
  farm().health(l[2], "2026-01-01", 1000, "2026-01-03", "2026-01-05");          // started today: in
  farm().health(heifer, "2026-01-02", std::nullopt, "2026-01-02", "2026-01-10");  // not yet
  farm().health(sold, "2025-12-30", std::nullopt, "2025-12-30", "2026-01-10");    // sold
  farm().health(l[1], "2025-12-15", 150000);  // a checkup: no withdrawal
  farm().health(l[1], "2025-01-31", 99900);   // 13 months ago: not in the 12 months
  farm().health(l[5], "2025-02-01", 5000);    // the first of the 12 months

  // Pregnancy checks due on or before today, calvings due in [today, today + 30].
  farm().service(dry, "2025-11-27", "pending", "2026-01-01", "2026-09-05");       // due today
  farm().service(heifer, "2025-11-28", "pending", "2026-01-02", "2026-09-06");    // tomorrow
  farm().service(l[5], "2025-10-27", "confirmed", "2025-12-01", "2026-07-20");    // not pending
  farm().service(sold, "2025-10-27", "pending", "2025-12-01", "2026-08-05");      // sold
  farm().service(l[6], "2025-03-24", "confirmed", "2025-04-28", "2026-01-01");    // calves today
  farm().service(l[7], "2025-04-23", "confirmed", "2025-05-28", "2026-01-31");    // today + 30
  farm().service(heifer, "2025-04-24", "confirmed", "2025-05-29", "2026-02-01");  // today + 31
  farm().service(dry, "2025-03-23", "confirmed", "2025-04-27", "2025-12-31");     // yesterday
  farm().service(l[4], "2025-12-01", "pending", "2026-01-05", "2026-01-20");      // pending

  EXPECT_TRUE(run_analytics());
  json::object k = kpis();
  EXPECT_EQ(k.at("today").as_string(), "2026-01-01");
  EXPECT_TRUE(k.contains("seq"));
  EXPECT_EQ(k.at("total_cattle").as_int64(), 10);  // the sold cow is not counted
  EXPECT_EQ(text(k.at("by_status")),
            R"({"calf":0,"heifer":1,"lactating":7,"dry":1,"pregnant":0,"bull":1,"sold":1,)"
            R"("dead":0,"culled":0})");
  EXPECT_EQ(k.at("lactating").as_int64(), 7);
  EXPECT_EQ(k.at("litres_today").as_string(), "28.5");
  EXPECT_EQ(k.at("litres_yesterday").as_string(), "12.345");
  EXPECT_EQ(k.at("saleable_litres_today").as_string(), "23.5");
  EXPECT_EQ(k.at("withheld_litres_today").as_string(), "3");
  EXPECT_EQ(k.at("avg_litres_per_cow").as_string(), "4.071");  // 28.5 / 7
  EXPECT_EQ(text(k.at("trend_7d")),
            R"([{"day":"2025-12-26","litres":"7"},{"day":"2025-12-27","litres":"0"},)"
            R"({"day":"2025-12-28","litres":"0"},{"day":"2025-12-29","litres":"0"},)"
            R"({"day":"2025-12-30","litres":"0"},{"day":"2025-12-31","litres":"12.345"},)"
            R"({"day":"2026-01-01","litres":"28.5"}])");
  const auto& t30 = k.at("trend_30d").as_array();
  ASSERT_EQ(t30.size(), 30u);
  EXPECT_EQ(text(t30.front()), R"({"day":"2025-12-03","litres":"1"})");
  EXPECT_EQ(text(t30[22]), R"({"day":"2025-12-25","litres":"9.999"})");
  EXPECT_EQ(text(t30.back()), R"({"day":"2026-01-01","litres":"28.5"})");
  EXPECT_EQ(text(k.at("grade_mix")),
            R"({"A":{"records":1,"litres":"10"},"B":{"records":1,"litres":"5.5"},)"
            R"("C":{"records":1,"litres":"8"},"R":{"records":2,"litres":"5"}})");
  // Average a day over the 7 days ending today: L1 (15.5 + 12.345) / 7, L2 8 / 7, L5 7 / 7…
  EXPECT_EQ(tags(k.at("top_yielders")), "L1,L2,L5,L3,L4");
  EXPECT_EQ(k.at("top_yielders").as_array()[0].at("litres").as_string(), "3.978");
  EXPECT_EQ(k.at("top_yielders").as_array()[1].at("litres").as_string(), "1.143");
  EXPECT_EQ(k.at("top_yielders").as_array()[2].at("litres").as_string(), "1");
  EXPECT_EQ(tags(k.at("bottom_yielders")), "L6,L7,L4,L3,L5");
  EXPECT_EQ(k.at("bottom_yielders").as_array()[0].at("litres").as_string(), "0");
  EXPECT_EQ(text(k.at("in_withdrawal").as_array()[0].at("milk_withdrawal_end")), R"("2026-01-05")");
  EXPECT_EQ(tags(k.at("in_withdrawal")), "L2,L3");
  EXPECT_EQ(tags(k.at("checks_due")), "C4");
  EXPECT_EQ(k.at("checks_due").as_array()[0].at("day").as_string(), "2026-01-01");
  EXPECT_EQ(tags(k.at("calvings_due_30d")), "L6,L7");
  EXPECT_EQ(k.at("calvings_due_30d").as_array()[1].at("day").as_string(), "2026-01-31");
  const auto& cost = k.at("health_cost_by_month").as_array();
  ASSERT_EQ(cost.size(), 12u);
  EXPECT_EQ(text(cost.front()), R"({"month":"2025-02","cost":"50.00"})");
  EXPECT_EQ(text(cost[10]), R"({"month":"2025-12","cost":"1525.00"})");
  EXPECT_EQ(text(cost.back()), R"({"month":"2026-01","cost":"10.00"})");
  EXPECT_EQ(text(cost[5]), R"({"month":"2025-07","cost":"0.00"})");
  EXPECT_TRUE(k.at("top_yielders").as_array()[0].at("name").is_null());

  // The next day: today's milk is yesterday's; L3's withdrawal ends (2026-01-02 is its first
  // day not withheld) and C5's starts; the 30-day window moves (L6's calving drops out,
  // C5's on 2026-02-01 comes in).
  clock_.advance(std::chrono::hours(24));
  k = kpis();
  EXPECT_EQ(k.at("today").as_string(), "2026-01-02");
  EXPECT_EQ(k.at("litres_yesterday").as_string(), "28.5");
  EXPECT_EQ(k.at("litres_today").as_string(), "99");
  EXPECT_EQ(tags(k.at("in_withdrawal")), "C5,L2");
  EXPECT_EQ(tags(k.at("checks_due")), "C4,C5");
  EXPECT_EQ(tags(k.at("calvings_due_30d")), "L7,C5");
}

TEST_F(FarmKpisTest, AvgPerCowIsNullWithoutLactatingCowsAndEmptyHerdIsZeros) {
  json::object k = kpis();
  EXPECT_EQ(k.at("total_cattle").as_int64(), 0);
  EXPECT_TRUE(k.at("avg_litres_per_cow").is_null());
  EXPECT_EQ(k.at("litres_today").as_string(), "0");
  EXPECT_EQ(k.at("trend_7d").as_array().size(), 7u);
  EXPECT_TRUE(k.at("top_yielders").as_array().empty());
  EXPECT_EQ(k.at("health_cost_by_month").as_array().size(), 12u);
}

TEST_F(FarmKpisTest, CorrectionsDisposalsAndCalvingsMoveTheFigures) {
  std::string cow = farm().animal("L1");
  std::string dam = farm().animal("D1", "pregnant");
  std::string rec = farm().milk(cow, "2026-01-01", "morning", 2000, "R", true);
  EXPECT_TRUE(run_analytics());
  EXPECT_EQ(kpis().at("withheld_litres_today").as_string(), "2");

  farm().correct_milk(rec, 2500, "A", false);
  farm().calving(dam, "K1", "2026-01-01");
  EXPECT_TRUE(run_analytics());
  json::object k = kpis();
  EXPECT_EQ(k.at("litres_today").as_string(), "2.5");
  EXPECT_EQ(k.at("saleable_litres_today").as_string(), "2.5");
  EXPECT_EQ(k.at("withheld_litres_today").as_string(), "0");
  EXPECT_EQ(text(k.at("grade_mix").at("R")), R"({"records":0,"litres":"0"})");
  EXPECT_EQ(k.at("lactating").as_int64(), 2);  // the dam calved
  EXPECT_EQ(k.at("by_status").at("calf").as_int64(), 1);
  EXPECT_EQ(k.at("by_status").at("pregnant").as_int64(), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM analytics_farm_herd_by_status WHERE status = "
                   "'pregnant'"),
            0);  // a row that dropped to zero is gone, as after a rebuild

  farm().set_status(cow, "culled");
  EXPECT_TRUE(run_analytics());
  k = kpis();
  EXPECT_EQ(k.at("total_cattle").as_int64(), 2);
  EXPECT_EQ(k.at("lactating").as_int64(), 1);
  EXPECT_EQ(k.at("avg_litres_per_cow").as_string(), "2.5");  // all milk today / cows lactating
}

TEST_F(FarmKpisTest, OnlyABatchWithAHerdEventAsksForAFarmSnapshot) {
  ASSERT_TRUE(tx([&](db::Connection& t) -> Result<bool> {
                SD_RETURN_IF_ERROR(
                    events::append(t, {"stock.adjusted", "stock_item", "MILK", "t", "{}"}, clock_));
                return true;
              }).ok());
  EXPECT_FALSE(run_analytics());
  farm().animal("L1");
  EXPECT_TRUE(run_analytics());
  farm().service(farm().animal("L2"), "2025-12-01", "pending", "2026-01-05", "2026-09-09");
  EXPECT_TRUE(run_analytics());
  EXPECT_FALSE(is_herd_event("breed.created"));
  EXPECT_TRUE(is_herd_event("breeding.checked"));
}

// The module's consumer on a running bus and writer, as the server wires it: a batch with a
// herd event sends farm.snapshot (after kpi.snapshot) with the KPIs as of that batch; a batch
// without one sends kpi.snapshot only; nothing is computed while nobody listens.
TEST_F(FarmKpisTest, TheConsumerSendsAFarmSnapshotAfterABatchWithAHerdEvent) {
  std::mutex mu;
  std::vector<std::pair<std::string, json::value>> sent;
  std::atomic<bool> listening = true;
  auto received = [&](const std::string& type) {
    std::lock_guard lock(mu);
    std::vector<json::value> out;
    for (const auto& [t, data] : sent) {
      if (t == type) out.push_back(data);
    }
    return out;
  };
  events::Bus bus(db_->writer());
  AnalyticsModule module(ctx());
  module.subscribe(
      bus,
      [&](std::string type, const std::string& data, int64_t) {
        std::lock_guard lock(mu);
        sent.emplace_back(std::move(type), json::parse(data));
      },
      [&] { return listening.load(); });
  struct Stop {
    db::Writer& w;
    ~Stop() { w.stop(); }
  } stop{db_->writer()};
  auto reader = db::test::open_reader(dir_.file("app.db"));
  ASSERT_TRUE(bus.start(*reader).ok());
  db_->writer().start();

  // One job: a cow and her morning milk, with their events.
  ASSERT_TRUE(db::test::run_write(db_->writer(), [&](db::Connection& t) {
                FarmRows rows(t, clock_);
                std::string cow = rows.animal_in_tx("L1");
                rows.milk_in_tx(cow, "2026-01-01", "morning", 12500);
                return true;
              }).ok());
  ASSERT_TRUE(db::test::eventually([&] { return !received("farm.snapshot").empty(); }));
  json::value farm = received("farm.snapshot").back();
  EXPECT_EQ(farm.at("litres_today").as_string(), "12.5");
  EXPECT_EQ(farm.at("lactating").as_int64(), 1);
  EXPECT_EQ(farm.at("seq").as_int64(), 2);
  EXPECT_EQ(received("kpi.snapshot").size(), 1u);

  // A batch without a herd event: a kpi.snapshot, no farm.snapshot.
  ASSERT_TRUE(
      db::test::run_write(db_->writer(), [&](db::Connection& t) {
        return events::append(t, {"stock.adjusted", "stock_item", "MILK", "t", "{}"}, clock_).ok();
      }).ok());
  ASSERT_TRUE(db::test::eventually([&] { return received("kpi.snapshot").size() == 2; }));
  EXPECT_EQ(received("farm.snapshot").size(), 1u);

  // Nobody listening: the views still follow, nothing is sent.
  listening = false;
  ASSERT_TRUE(db::test::run_write(db_->writer(), [&](db::Connection& t) {
                FarmRows(t, clock_).animal_in_tx("L2");
                return true;
              }).ok());
  ASSERT_TRUE(db::test::eventually(
      [&] { return scalar("SELECT count(*) FROM analytics_farm_animal_facts") == 2; }));
  EXPECT_EQ(received("farm.snapshot").size(), 1u);
  EXPECT_EQ(received("kpi.snapshot").size(), 2u);
}

}  // namespace
}  // namespace smartdairy::modules::analytics
