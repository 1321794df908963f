// The analytics views against a real database: kept by the consumer through a randomized
// day of trading, they equal what a rebuild computes from the source tables.
#include "modules/analytics/views.h"

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "events/outbox.h"
#include "modules/analytics/tests/farm_rows.h"
#include "modules/analytics/view_queries.h"
#include "modules/billing/invoice_service.h"
#include "modules/billing/invoice_store.h"
#include "modules/catalog/product_service.h"
#include "modules/inventory/stock_service.h"
#include "modules/parties/customer_service.h"
#include "modules/sales/order_service.h"
#include "tests/testing/module_fixture.h"

namespace smartdairy::modules::analytics {
namespace {

using namespace std::chrono_literals;

class ViewsTest : public testing::ModuleTest {
 protected:
  std::string customer(const std::string& name, int64_t terms_days = 30) {
    parties::Customer c;
    c.name = name;
    c.email = name + "@example.com";
    c.payment_terms_days = terms_days;
    auto out = tx([&](db::Connection& t) { return parties::create_customer(t, ctx(), c, "t"); });
    EXPECT_TRUE(out.ok()) << out.error().message;
    return out.ok() ? out->id : "";
  }

  void product(const std::string& sku, int64_t price, int64_t vat_rate, int64_t stock,
               int64_t reorder_point = 0) {
    catalog::Product p;
    p.sku = sku;
    p.name = sku + " name";
    p.price = price;
    p.vat_rate = vat_rate;
    auto made = tx([&](db::Connection& t) { return catalog::create_product(t, ctx(), p, "t"); });
    ASSERT_TRUE(made.ok()) << made.error().message;
    auto opened = tx([&](db::Connection& t) {
      return inventory::open_item(t, ctx(), sku, stock, reorder_point, "t");
    });
    ASSERT_TRUE(opened.ok()) << opened.error().message;
  }

  Result<sales::Order> place(const std::string& customer_id,
                             std::vector<sales::ItemRequest> items) {
    sales::PlaceOrder cmd{customer_id, std::move(items), std::nullopt};
    return tx([&](db::Connection& t) { return sales::place_order(t, ctx(), cmd, false, "t"); });
  }

  Result<sales::Order> move(const std::string& id, const std::string& to) {
    return tx([&](db::Connection& t) { return sales::change_status(t, ctx(), id, to, "t"); });
  }

  // Runs a consumer over the events committed since it last ran, in one transaction, the
  // way a durable consumer does.
  template <class Fn>
  void consume(const std::string& name, Fn fn) {
    int64_t& cursor = cursors_[name];
    auto batch = events::read_after(conn(), cursor, 100000);
    ASSERT_TRUE(batch.ok());
    if (batch->empty()) return;
    auto done = tx([&](db::Connection& t) -> Result<bool> {
      for (const auto& ev : *batch) SD_RETURN_IF_ERROR(fn(t, ev));
      return true;
    });
    ASSERT_TRUE(done.ok()) << done.error().message;
    cursor = batch->back().seq;
  }
  void run_invoicer() {
    consume("invoicer", [&](db::Connection& t, const events::Event& ev) -> Status {
      if (ev.type != "order.created") return {};
      return billing::issue_for_order_event(t, ctx(), ev);
    });
  }
  // As the analytics.views consumer: note each event of the batch, flush once at its end.
  void run_analytics() {
    int64_t& cursor = cursors_["analytics"];
    auto batch = events::read_after(conn(), cursor, 100000);
    ASSERT_TRUE(batch.ok());
    if (batch->empty()) return;
    ViewUpdater updater(ctx());
    auto done = tx([&](db::Connection& t) -> Result<bool> {
      for (const auto& ev : *batch) updater.note(ev);
      SD_RETURN_IF_ERROR(updater.flush(t));
      return true;
    });
    ASSERT_TRUE(done.ok()) << done.error().message;
    cursor = batch->back().seq;
  }

  // Every analytics table, row by row, as text.
  std::string snapshot() {
    std::string out;
    for (const char* table :
         {"analytics_order_facts", "analytics_sales_by_hour", "analytics_sales_by_day",
          "analytics_revenue_by_product", "analytics_revenue_by_customer",
          "analytics_orders_by_status", "analytics_stock_levels", "analytics_receivables",
          "analytics_cash_by_day", "analytics_farm_milk_facts", "analytics_farm_milk_by_day",
          "analytics_farm_health_facts", "analytics_farm_health_cost_by_month",
          "analytics_farm_animal_facts", "analytics_farm_herd_by_status"}) {
      out += std::string("# ") + table + "\n";
      auto q = conn().query(std::string("SELECT * FROM ") + table + " ORDER BY 1, 2");
      EXPECT_TRUE(q.ok());
      if (!q.ok()) continue;
      for (;;) {
        auto has = q->step();
        if (!has.ok() || !*has) break;
        for (int c = 0; c < q->column_count(); ++c) {
          out += (q->is_null(c) ? std::string("NULL") : q->text(c)) + "|";
        }
        out += "\n";
      }
    }
    return out;
  }

  Result<boost::json::object> view(std::string_view name, const ViewParams& p = {}) {
    const ViewInfo* v = find_view(name);
    EXPECT_NE(v, nullptr);
    return read_view(conn(), ctx(), *v, p);
  }

  void random_workload_then_rebuild(unsigned seed);

  std::map<std::string, int64_t> cursors_;
};

TEST(AgeingBuckets, FollowTheDaysPastTheDueDate) {
  EXPECT_STREQ(kAgeingBuckets[ageing_bucket(-5)], "current");
  EXPECT_STREQ(kAgeingBuckets[ageing_bucket(0)], "current");
  EXPECT_STREQ(kAgeingBuckets[ageing_bucket(1)], "1-30");
  EXPECT_STREQ(kAgeingBuckets[ageing_bucket(30)], "1-30");
  EXPECT_STREQ(kAgeingBuckets[ageing_bucket(31)], "31-60");
  EXPECT_STREQ(kAgeingBuckets[ageing_bucket(60)], "31-60");
  EXPECT_STREQ(kAgeingBuckets[ageing_bucket(61)], "61-90");
  EXPECT_STREQ(kAgeingBuckets[ageing_bucket(90)], "61-90");
  EXPECT_STREQ(kAgeingBuckets[ageing_bucket(91)], "91-120");
  EXPECT_STREQ(kAgeingBuckets[ageing_bucket(120)], "91-120");
  EXPECT_STREQ(kAgeingBuckets[ageing_bucket(121)], ">120");
}

// A randomized workload — orders, cancels, shipments, completions, part payments, stock
// adjustments, standalone invoices and voids over several days, and the farm's animals,
// status changes, calvings, milk records and corrections, health records and their changes
// (rows put into the herd tables with their events) — with the consumer running
// at random moments (so it often meets an order that has moved on since its event). At the
// end the views it kept equal a rebuild from the source tables, row for row.
void ViewsTest::random_workload_then_rebuild(unsigned seed) {
  {
    std::mt19937 rng(seed);
    auto pick = [&rng](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
    std::vector<std::string> customers = {customer("acme"), customer("bolt", 7),
                                          customer("cato", 0)};
    const std::vector<std::string> skus = {"MILK", "YOG", "GHEE", "BUT"};
    product("MILK", 7000, 0, 400, 50);
    product("YOG", 4550, 1500, 300, 20);
    product("GHEE", 99999, 1500, 200, 10);
    product("BUT", 1234, 1500, 250, 0);
    std::vector<std::string> placed;
    std::vector<std::string> shipped;
    std::vector<std::string> invoices;
    const char* methods[] = {"cash", "bank", "bkash", "card"};
    FarmRows farm(conn(), clock_);
    std::vector<std::string> animals;
    std::vector<std::string> milk_records;
    std::vector<std::string> health_records;
    std::set<std::tuple<std::string, std::string, std::string>> milked;  // animal, day, session
    const char* statuses[] = {"calf", "heifer", "lactating", "dry",   "pregnant",
                              "bull", "sold",   "dead",      "culled"};
    const char* grades[] = {"A", "B", "C", "R"};
    const char* sessions[] = {"morning", "evening"};
    auto some_day = [&] { return format_date(ctx().today() - static_cast<Day>(pick(40))); };
    int tags = 0;
    for (int step = 0; step < 600; ++step) {
      switch (pick(17)) {
        case 0:
        case 1:
        case 2:
        case 3: {
          std::vector<sales::ItemRequest> items;
          size_t lines = 1 + pick(3);
          size_t first = pick(skus.size());
          for (size_t i = 0; i < lines; ++i) {
            items.push_back(
                {skus[(first + i) % skus.size()], static_cast<int64_t>(1 + pick(9)), std::nullopt});
          }
          auto o = place(customers[pick(customers.size())], items);
          if (o.ok()) placed.push_back(o->id);
          break;
        }
        case 4:
          if (!placed.empty()) {
            size_t i = pick(placed.size());
            auto moved = move(placed[i], "cancelled");
            EXPECT_TRUE(moved.ok() || moved.error().code == "order_paid");
            if (moved.ok()) placed.erase(placed.begin() + static_cast<long>(i));
          }
          break;
        case 5:
          if (!placed.empty()) {
            size_t i = pick(placed.size());
            ASSERT_TRUE(move(placed[i], "shipped").ok());
            shipped.push_back(placed[i]);
            placed.erase(placed.begin() + static_cast<long>(i));
          }
          break;
        case 6:
          if (!shipped.empty()) {
            size_t i = pick(shipped.size());
            ASSERT_TRUE(move(shipped[i], "completed").ok());
            shipped.erase(shipped.begin() + static_cast<long>(i));
          }
          break;
        case 7: {
          run_invoicer();
          auto open = conn().query(
              "SELECT id, total - amount_paid FROM invoices WHERE status IN ('issued', "
              "'partially_paid') ORDER BY id");
          ASSERT_TRUE(open.ok());
          std::vector<std::pair<std::string, int64_t>> due;
          while (*open->step()) due.emplace_back(open->text(0), open->int64(1));
          if (due.empty()) break;
          const auto& chosen = due[pick(due.size())];
          const std::string& id = chosen.first;
          const int64_t amount = chosen.second;
          int64_t part = pick(2) == 0 ? amount : std::max<int64_t>(1, amount / 3);
          auto paid = tx([&](db::Connection& t) {
            return billing::record_payment(t, ctx(), id, {part, methods[pick(4)], {}, {}}, "t");
          });
          ASSERT_TRUE(paid.ok()) << paid.error().message;
          break;
        }
        case 8: {
          inventory::Adjustment adj{skus[pick(skus.size())],
                                    static_cast<int64_t>(1 + pick(40)),
                                    pick(2) == 0 ? "receipt" : "production",
                                    {},
                                    {}};
          ASSERT_TRUE(
              tx([&](db::Connection& t) { return inventory::adjust(t, ctx(), adj, "t"); }).ok());
          break;
        }
        case 9: {
          billing::InvoiceDraft draft{customers[pick(customers.size())],
                                      {{std::nullopt, "Delivery", 1, 15000, 1500}},
                                      std::nullopt,
                                      std::nullopt};
          auto inv =
              tx([&](db::Connection& t) { return billing::create_invoice(t, ctx(), draft, "t"); });
          ASSERT_TRUE(inv.ok()) << inv.error().message;
          invoices.push_back(inv->id);
          if (pick(3) == 0) {
            ASSERT_TRUE(tx([&](db::Connection& t) {
                          return billing::void_invoice(t, ctx(), inv->id, "mistake", "t");
                        }).ok());
          }
          break;
        }
        case 10:
          clock_.advance(std::chrono::minutes(10 + pick(600)));
          break;
        case 12:
          if (animals.empty() || pick(3) != 0) {
            animals.push_back(farm.animal("T" + std::to_string(++tags), statuses[pick(6)]));
          } else {
            farm.calving(animals[pick(animals.size())], "T" + std::to_string(++tags), some_day());
          }
          break;
        case 13:
          if (!animals.empty()) farm.set_status(animals[pick(animals.size())], statuses[pick(9)]);
          break;
        case 14:
        case 15: {
          if (animals.empty()) break;
          std::string a = animals[pick(animals.size())];
          std::string day = some_day();
          std::string session = sessions[pick(2)];
          bool fresh = milked.emplace(a, day, session).second;
          if (fresh) {
            milk_records.push_back(farm.milk(a, day, session, static_cast<int64_t>(pick(30000)),
                                             grades[pick(4)], pick(4) == 0));
          } else {
            farm.correct_milk(milk_records[pick(milk_records.size())],
                              static_cast<int64_t>(pick(30000)), grades[pick(4)], pick(4) == 0);
          }
          break;
        }
        case 16:
          if (animals.empty()) break;
          if (health_records.empty() || pick(2) == 0) {
            std::optional<int64_t> cost;
            if (pick(3) != 0) cost = static_cast<int64_t>(pick(500000));
            health_records.push_back(
                farm.health(animals[pick(animals.size())],
                            format_date(ctx().today() - static_cast<Day>(pick(90))), cost));
          } else {
            farm.update_health(health_records[pick(health_records.size())],
                               format_date(ctx().today() - static_cast<Day>(pick(90))),
                               static_cast<int64_t>(pick(500000)));
          }
          break;
        default:
          if (pick(2) == 0) run_invoicer();
          run_analytics();
          break;
      }
    }
    run_invoicer();
    run_analytics();
    std::string incremental = snapshot();
    // The workload reached every view, so the comparison below compares something.
    EXPECT_GT(scalar("SELECT count(*) FROM analytics_sales_by_hour"), 3);
    EXPECT_GT(scalar("SELECT count(*) FROM analytics_cash_by_day"), 1);
    EXPECT_GT(scalar("SELECT count(*) FROM analytics_receivables"), 0);
    EXPECT_GT(scalar("SELECT orders FROM analytics_orders_by_status WHERE status = 'cancelled'"),
              0);
    EXPECT_GT(scalar("SELECT orders FROM analytics_orders_by_status WHERE status = 'completed'"),
              0);
    EXPECT_GT(scalar("SELECT count(*) FROM analytics_farm_milk_by_day"), 5);
    EXPECT_GT(scalar("SELECT count(*) FROM analytics_farm_health_cost_by_month"), 1);
    EXPECT_GT(scalar("SELECT count(*) FROM analytics_farm_herd_by_status"), 3);
    EXPECT_GT(scalar("SELECT count(*) FROM herd_calvings"), 0);
    auto rebuilt = tx([&](db::Connection& t) -> Result<bool> {
      SD_RETURN_IF_ERROR(rebuild(t, ctx()));
      return true;
    });
    ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().message;
    EXPECT_EQ(snapshot(), incremental);
    // The rebuild moved the consumer past every event: running it again changes nothing.
    EXPECT_EQ(scalar("SELECT last_seq FROM consumer_offsets WHERE consumer = 'analytics.views'"),
              scalar("SELECT max(seq) FROM events_log"));
  }
}

TEST_F(ViewsTest, RebuiltViewsEqualTheIncrementalOnesAfterARandomWorkload1) {
  random_workload_then_rebuild(1);
}
TEST_F(ViewsTest, RebuiltViewsEqualTheIncrementalOnesAfterARandomWorkload2) {
  random_workload_then_rebuild(2);
}
TEST_F(ViewsTest, RebuiltViewsEqualTheIncrementalOnesAfterARandomWorkload3) {
  random_workload_then_rebuild(3);
}

TEST_F(ViewsTest, CancellingAnOrderTakesItOutOfSalesButCountsItAsCancelled) {
  std::string c = customer("acme");
  product("MILK", 7000, 0, 100);
  auto o = place(c, {{"MILK", 2, std::nullopt}});
  ASSERT_TRUE(o.ok());
  run_analytics();
  EXPECT_EQ(scalar("SELECT total FROM analytics_sales_by_day"), 14000);
  ASSERT_TRUE(move(o->id, "cancelled").ok());
  run_analytics();
  EXPECT_EQ(scalar("SELECT count(*) FROM analytics_sales_by_day"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM analytics_sales_by_hour"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM analytics_revenue_by_product"), 0);
  EXPECT_EQ(scalar("SELECT orders FROM analytics_orders_by_status WHERE status = 'cancelled'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM analytics_orders_by_status"), 1);
  EXPECT_EQ(scalar("SELECT reserved FROM analytics_stock_levels WHERE sku = 'MILK'"), 0);
}

TEST_F(ViewsTest, HoursAndDaysAreTheFarmsLocalTime) {
  // 2026-01-01T00:00Z is 06:00 in Dhaka; 20 hours later it is 02:00 on 2 January.
  std::string c = customer("acme");
  product("MILK", 7000, 0, 100);
  ASSERT_TRUE(place(c, {{"MILK", 1, std::nullopt}}).ok());
  clock_.advance(20h);
  ASSERT_TRUE(place(c, {{"MILK", 3, std::nullopt}}).ok());
  run_analytics();
  ViewParams p;
  p.from = parse_date("2026-01-01");
  p.to = parse_date("2026-01-02");
  auto hours = view("sales_by_hour", p);
  ASSERT_TRUE(hours.ok()) << hours.error().message;
  EXPECT_EQ(boost::json::serialize(hours->at("rows")),
            R"([{"hour":"2026-01-01T06:00","orders":1,"subtotal":"70.00","vat_total":"0.00",)"
            R"("total":"70.00"},{"hour":"2026-01-02T02:00","orders":1,"subtotal":"210.00",)"
            R"("vat_total":"0.00","total":"210.00"}])");
  auto days = view("sales_by_day", p);
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(days->at("rows").as_array().size(), 2u);
}

TEST_F(ViewsTest, KpisAndAgeingFollowTheDueDates) {
  std::string c = customer("acme", 10);
  product("MILK", 10000, 0, 100, 99);
  product("YOG", 5000, 0, 100, 10);
  auto o = place(c, {{"MILK", 2, std::nullopt}});  // 200.00, due in 10 days
  ASSERT_TRUE(o.ok());
  run_invoicer();
  auto inv = billing::store::find_by_order(conn(), o->id);
  ASSERT_TRUE(inv.ok() && inv->has_value());
  ASSERT_TRUE(tx([&](db::Connection& t) {
                return billing::record_payment(t, ctx(), (*inv)->id, {5000, "bkash", {}, {}}, "t");
              }).ok());
  run_analytics();
  auto k = read_kpis(conn(), ctx());
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->today, "2026-01-01");
  EXPECT_EQ(k->orders_today, 1);
  EXPECT_EQ(k->sales_today, 20000);
  EXPECT_EQ(k->outstanding_receivables, 15000);
  EXPECT_EQ(k->overdue_receivables, 0);
  EXPECT_EQ(k->below_reorder, 1);  // MILK: 98 available, reorder point 99

  // Forty-five days later the invoice is 35 days overdue and today's sales are nil.
  clock_.advance(std::chrono::hours(24 * 45));
  k = read_kpis(conn(), ctx());
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->orders_today, 0);
  EXPECT_EQ(k->overdue_receivables, 15000);
  auto ageing = view("ar_ageing");
  ASSERT_TRUE(ageing.ok());
  const auto& rows = ageing->at("rows").as_array();
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[2].at("bucket").as_string(), "31-60");
  EXPECT_EQ(rows[2].at("invoices").as_int64(), 1);
  EXPECT_EQ(rows[2].at("amount_due").as_string(), "150.00");
  EXPECT_EQ(rows[0].at("amount_due").as_string(), "0.00");
  ViewParams p;
  p.bucket = "31-60";
  auto drill = view("ar_ageing", p);
  ASSERT_TRUE(drill.ok());
  ASSERT_EQ(drill->at("rows").as_array().size(), 1u);
  EXPECT_EQ(drill->at("rows").as_array()[0].at("days_overdue").as_int64(), 35);
  p.bucket = "soon";
  EXPECT_EQ(view("ar_ageing", p).error().code, "invalid_bucket");
}

TEST_F(ViewsTest, RangesAreCheckedAndCapped) {
  ViewParams p;
  p.from = parse_date("2026-02-01");
  p.to = parse_date("2026-01-01");
  EXPECT_EQ(view("sales_by_day", p).error().code, "invalid_range");
  p.from = parse_date("2024-01-01");
  EXPECT_EQ(view("sales_by_day", p).error().code, "invalid_range");
  EXPECT_NE(find_view("stock_snapshot"), nullptr);
  EXPECT_EQ(find_view("users"), nullptr);
}

}  // namespace
}  // namespace smartdairy::modules::analytics
